"""The composition root: every hook by which one app plugs into another, as literal lists.

Lower apps offer extension points (`cases.changes`, `cases.person_page`, the caseload's columns,
filters and badges, `supervision.home_sections`, `supervision.approvals`) and never import the apps
above them; this module, in the roof package, fills them. `wire()` runs once at start-up, from
`probation.apps.ProbationConfig.ready()`, in every process (web, worker, beat, manage.py, tests).
No app's own `ready()` registers anything.

Reading a recorded contact to its flag and tier from here:
`supervision.services.contacts.record_contact` → `cases.changes.case_changed(person_id)` → after
commit, each of `AFTER_CHANGE` below: `inspections.tasks.queue_check` (→ `check_case` task →
`inspections.services.check_case`: the checks in `inspections/checks/`, flags opened or resolved,
the contact standing stored through `supervision.services.standing`) and
`supervision.tasks.queue_tier_recalculation` (→ `recalculate_tier` task).

Dev tooling (`devtools/`) is not wired here: nothing imports it, and its national dataset lists its
own loaders (`devtools.national_dataset.STEPS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.expressions import Combinable

from cases import changes, person_page
from cases import forms as caseload_forms
from cases import queries as caseload
from cases.models import Person
from inspections import forms as flag_forms
from inspections import queries as flag_queries
from inspections import services as inspection_services
from inspections import tasks as inspection_tasks
from inspections import views as flag_views
from supervision import approvals, home_sections
from supervision import tasks as supervision_tasks
from supervision.models import ApprovalKind
from supervision.views import compliance, contacts, oversight, policies, safeguarding

Tab = person_page.Tab
Section = person_page.Section
HomeSection = home_sections.HomeSection


@dataclass(frozen=True)
class CaseloadFilter:
    """A filter every caseload offers: its form field and its effect on the rows, under one name."""

    name: str
    field: Callable[[], forms.Field]
    apply: Callable[[QuerySet[Person], Any], QuerySet[Person]]


# After any recorded change to a case (`cases.changes.case_changed`), once the transaction commits.
AFTER_CHANGE: list[tuple[str, Callable[[str], None]]] = [
    # Re-run every check on the case: flags open or resolve, the contact standing is stored.
    ("inspections.check_case", inspection_tasks.queue_check),
    # Work the tier out again (stores nothing when nothing changed).
    ("supervision.recalculate_tier", supervision_tasks.queue_tier_recalculation),
]

# The person page's sub-navigation (the Overview tab is the case page itself, in `cases`).
PERSON_TABS: list[Tab] = [
    Tab("contacts", "Contacts", "supervision:contacts", 10),
    Tab("compliance", "Compliance", "supervision:compliance", 20),
    Tab("flags", "Flags", "inspections:person_flags", 30),
    Tab("risk", "Risk", "supervision:risk", 40),
    Tab("safeguarding", "Safeguarding", "supervision:safeguarding", 50),
    Tab("oversight", "Oversight", "supervision:oversight", 60),
    Tab("timeline", "Timeline", "supervision:timeline", 70),
]

# Panels on the person overview, in order; each context function runs a fixed number of queries.
PERSON_SECTIONS: list[Section] = [
    Section("flags", "inspections/_person_section.html", flag_views.person_section, 5),
    Section("contact-standard", "supervision/policies/_person_section.html", policies.person_section, 10),
    Section("tier", "supervision/safeguarding/_tier_section.html", safeguarding.tier_section, 15),
    Section("compliance", "supervision/compliance/_person_section.html", compliance.person_section, 20),
    Section("contacts", "supervision/contacts/_person_section.html", contacts.person_section, 30),
    Section("oversight", "supervision/oversight/_person_section.html", oversight.person_section, 60),
]

# Sections of the practitioner's home page beyond supervision's own.
HOME_SECTIONS: list[HomeSection] = [
    HomeSection("flags", "inspections/_home_section.html", flag_views.home_section, 10),
]

# Every caseload (own, team, search): extra columns (one correlated expression each), filters, badges.
CASELOAD_COLUMNS: list[tuple[str, Callable[[], Combinable]]] = [
    ("open_flags", flag_queries.open_flag_count),
    ("has_high_flag", flag_queries.has_high_flag),
]
CASELOAD_FILTERS: list[CaseloadFilter] = [
    CaseloadFilter("has_open_flags", flag_forms.has_open_flags_field, flag_queries.with_open_flags),
    CaseloadFilter("flag_kind", flag_forms.flag_kind_field, flag_queries.with_flag_kind),
]
CASELOAD_BADGES: list[tuple[str, str]] = [
    ("flags", "inspections/_caseload_badge.html"),
]

# What approving an SPO approval request does, per kind (run in the decision's transaction).
APPROVAL_HANDLERS: list[tuple[str, approvals.Handler]] = [
    (ApprovalKind.REMOTE_CONTACT, approvals.approve_remote_contact),
    (ApprovalKind.RESET_OVERRIDE, approvals.approve_reset_override),
    (ApprovalKind.FLAG_ACKNOWLEDGEMENT, inspection_services.approve_flag_acknowledgement),
]


def wire() -> None:
    """Fill every extension point from the lists above (idempotent: a second run changes nothing)."""
    for name, listener in AFTER_CHANGE:
        changes.on_case_changed(name, listener)
    for tab in PERSON_TABS:
        person_page.register_tab(tab)
    for section in PERSON_SECTIONS:
        person_page.register_section(section)
    for home_section in HOME_SECTIONS:
        home_sections.register_home_section(home_section)
    for name, column in CASELOAD_COLUMNS:
        caseload.register_caseload_annotation(name, column)
    for caseload_filter in CASELOAD_FILTERS:
        caseload_forms.register_caseload_filter_field(caseload_filter.name, caseload_filter.field)
        caseload.register_caseload_filter(caseload_filter.name, caseload_filter.apply)
    for key, template in CASELOAD_BADGES:
        caseload.register_caseload_badge(key, template)
    for kind, handler in APPROVAL_HANDLERS:
        approvals.register_handler(kind, handler)
