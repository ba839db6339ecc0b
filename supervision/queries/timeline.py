"""The person's timeline: everything recorded on the case in one list, latest first.

Each source is read with one query, newest first and cut off at what the requested page needs;
the lists are merged in Python and sliced. Records whose milestones are updates of one row
(an assessment submitted, countersigned or returned; an information request chased; oversight
acknowledged; a registration reviewed) are read from their pghistory event tables, keeping only the
events where a milestone field changed (`LAG(...) OVER (PARTITION BY the record)`), and name who did
it from the audit context. The number of queries is fixed whatever the number of records.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from typing import Any

from django.apps import apps
from django.db.models import BooleanField, F, Func, Q, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Lag
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.models import Allocation, Person, User
from kit.clock import local_midnight
from supervision.models import (
    ApprovalKind,
    ApprovalStatus,
    AssessmentStatus,
    AssessmentType,
    Contact,
    EnforcementAction,
    HomeVisitRiskAssessment,
    InformationSource,
    OversightType,
    ResetDecision,
    ResetState,
)

PAGE_SIZE = 50
MAX_PAGES = 100  # 5,000 entries: older history is on each tab


class EventKind:
    """The filter choices (plain strings: they are query-string values, not stored)."""

    CONTACT = "contacts"
    ASSESSMENT = "assessments"
    PLAN = "plans"
    INFORMATION = "information"
    HOME_VISIT = "home-visits"
    OVERSIGHT = "oversight"
    APPROVAL = "approvals"
    ENFORCEMENT = "enforcement"
    RESET = "reset"
    REGISTRATION = "registrations"
    ALLOCATION = "allocations"

    choices: tuple[tuple[str, str], ...] = (
        (CONTACT, "Contacts"),
        (ASSESSMENT, "Assessments"),
        (PLAN, "Sentence plans"),
        (INFORMATION, "Information requests"),
        (HOME_VISIT, "Home visit risk assessments"),
        (OVERSIGHT, "Management oversight"),
        (APPROVAL, "Approvals"),
        (ENFORCEMENT, "Enforcement"),
        (RESET, "Probation Reset"),
        (REGISTRATION, "Registrations"),
        (ALLOCATION, "Allocations"),
    )
    labels: dict[str, str] = dict(choices)


@dataclass(frozen=True)
class Entry:
    when: datetime
    kind: str
    what: str
    who: str = ""
    href: str = ""
    detail: str = ""
    tag: str = ""
    date_only: bool = False

    @property
    def kind_label(self) -> str:
        return EventKind.labels[self.kind]


@dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    has_next: bool
    kind: str = ""
    kinds: tuple[tuple[str, str], ...] = EventKind.choices

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass
class _Names:
    """User ids seen in audit contexts and snapshots, resolved to names in one query at the end."""

    ids: set[str] = field(default_factory=set)

    def add(self, *values: Any) -> None:
        self.ids.update(str(value) for value in values if value)

    def load(self) -> dict[str, str]:
        numeric = [int(value) for value in self.ids if value.isdigit()]
        if not numeric:
            return {}
        return {str(user.pk): str(user) for user in User.objects.filter(pk__in=numeric)}


def _url(name: str, *args: Any, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


# --- Event-table sources -------------------------------------------------------------------------


class _IsDistinctFrom(Func):
    template = "(%(expressions)s)"
    arg_joiner = " IS DISTINCT FROM "
    output_field = BooleanField()


@dataclass(frozen=True)
class _Change:
    """One event where a milestone changed: the snapshot, the fields that changed and who did it."""

    row: Any
    changed: frozenset[str]
    actor: str

    @property
    def inserted(self) -> bool:
        return bool(self.row.pgh_label == "insert")


def _changes(model: str, person: Person, fields: Iterable[str], limit: int, related: Iterable[str] = ()) -> list[Any]:
    """Insert events, and update events where one of `fields` changed, newest first (one query)."""
    event_model = apps.get_model(model)
    fields = list(fields)
    changed = {
        f"changed_{name}": _IsDistinctFrom(
            Window(Lag(name), partition_by=[F("pgh_obj_id")], order_by=F("pgh_id").asc()), F(name)
        )
        for name in fields
    }
    condition = reduce(operator.or_, (Q(**{key: True}) for key in changed), Q(pgh_label="insert"))
    queryset: QuerySet[Any] = (
        event_model.objects.filter(person_id=person.pk, pgh_label__in=("insert", "update"))
        .select_related(*related)
        .annotate(actor=KeyTextTransform("user", "pgh_context__metadata"), **changed)
        .filter(condition)
        .order_by("-pgh_created_at", "-pgh_id")
    )
    return list(queryset[:limit])


def _events(
    model: str, person: Person, fields: Iterable[str], limit: int, names: _Names, related: Iterable[str] = ()
) -> list[_Change]:
    fields = list(fields)
    result = []
    for row in _changes(model, person, fields, limit, related):
        changed = frozenset(name for name in fields if row.pgh_label == "update" and getattr(row, f"changed_{name}"))
        names.add(row.actor)
        result.append(_Change(row, changed, row.actor or ""))
    return result


Pending = Callable[[dict[str, str]], list[Entry]]


def _who(names: dict[str, str], actor: str, fallback: Any = None) -> str:
    return names.get(actor) or names.get(str(fallback or ""), "")


def _assessments(person: Person, limit: int, names: _Names) -> Pending:
    changes = _events("supervision.AssessmentEvent", person, ["status"], limit, names)
    for change in changes:
        names.add(change.row.author_id, change.row.countersigned_by_id)
    href = _url("supervision:risk", person.crn)

    def build(users: dict[str, str]) -> list[Entry]:
        entries = []
        for change in changes:
            row = change.row
            label = f"{AssessmentType(row.type).label} assessment"
            fallback, detail, when = row.author_id, "", row.pgh_created_at
            if change.inserted:
                when = row.started_at
                what = f"{label} started" if row.status == AssessmentStatus.DRAFT else f"{label} recorded"
            elif row.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE:
                what = f"{label} submitted for countersignature"
            elif row.status == AssessmentStatus.COMPLETE and row.countersigned_at:
                what, fallback, detail = f"{label} countersigned", row.countersigned_by_id, row.countersignature_notes
                when = row.countersigned_at
            elif row.status == AssessmentStatus.COMPLETE:
                what = f"{label} completed"
            else:
                what, fallback, detail = f"{label} returned for changes", None, row.returned_reason
            who = _who(users, change.actor, fallback)
            link = _url("supervision:assessment", person.crn, row.id, fallback=href)
            entries.append(Entry(when, EventKind.ASSESSMENT, what, who, link, detail))
        return entries

    return build


def _plans(person: Person, limit: int, names: _Names) -> Pending:
    changes = _events("supervision.SentencePlanEvent", person, ["agreed_with_person_on"], limit, names)
    for change in changes:
        names.add(change.row.created_by_id)
    href = _url("supervision:risk", person.crn)

    def build(users: dict[str, str]) -> list[Entry]:
        entries = []
        for change in changes:
            row = change.row
            when = row.created_at if change.inserted else row.pgh_created_at
            if change.inserted:
                what = "Sentence plan created"
            elif row.agreed_with_person_on:
                what = f"Sentence plan agreed with the person on {row.agreed_with_person_on:%-d %B %Y}"
            else:
                continue
            who = _who(users, change.actor, row.created_by_id)
            entries.append(Entry(when, EventKind.PLAN, what, who, href))
        return entries

    return build


def _information(person: Person, limit: int, names: _Names) -> Pending:
    fields = ["times_chased", "received_on", "used_in_assessment_id", "how_used"]
    changes = _events("supervision.InformationRequestEvent", person, fields, limit, names)
    for change in changes:
        names.add(change.row.requested_by_id)
    href = _url("supervision:safeguarding", person.crn)

    def build(users: dict[str, str]) -> list[Entry]:
        entries: list[Entry] = []
        for change in changes:
            row = change.row
            source = InformationSource(row.source).label
            steps: list[tuple[str, str]] = []
            if change.inserted:
                steps.append((f"Information requested ({source}{f', {row.agency}' if row.agency else ''})", ""))
            if "times_chased" in change.changed:
                steps.append((f"Information request chased ({source})", ""))
            if "received_on" in change.changed and row.received_on:
                steps.append((f"Information received ({source})", row.summary))
            if change.changed & {"used_in_assessment_id", "how_used"} and (row.how_used or row.used_in_assessment_id):
                steps.append((f"Information used in the assessment ({source})", row.how_used))
            who = _who(users, change.actor, row.requested_by_id)
            entries.extend(Entry(row.pgh_created_at, EventKind.INFORMATION, w, who, href, d) for w, d in steps)
        return entries

    return build


def _oversight(person: Person, limit: int, names: _Names) -> Pending:
    fields = ["acknowledged_at", "follow_up_done_at"]
    changes = _events("supervision.ManagementOversightEvent", person, fields, limit, names)
    for change in changes:
        names.add(change.row.recorded_by_id, change.row.acknowledged_by_id)
    href = _url("supervision:oversight", person.crn)

    def build(users: dict[str, str]) -> list[Entry]:
        entries = []
        for change in changes:
            row = change.row
            label = OversightType(row.type).label
            link = f"{href}#oversight-{row.id}"
            if change.inserted:
                who = _who(users, change.actor, row.recorded_by_id)
                entries.append(Entry(row.recorded_at, EventKind.OVERSIGHT, f"{label} oversight recorded", who, link))
            if "follow_up_done_at" in change.changed and row.follow_up_done_at:
                who = _who(users, change.actor, row.acknowledged_by_id)
                what = f"Follow-up done on {label.lower()} oversight"
                entries.append(Entry(row.follow_up_done_at, EventKind.OVERSIGHT, what, who, link, row.follow_up_notes))
            elif "acknowledged_at" in change.changed and row.acknowledged_at:
                who = _who(users, change.actor, row.acknowledged_by_id)
                what = f"{label} oversight acknowledged"
                entries.append(Entry(row.acknowledged_at, EventKind.OVERSIGHT, what, who, link))
        return entries

    return build


def _approvals(person: Person, limit: int, names: _Names) -> Pending:
    changes = _events("supervision.ApprovalRequestEvent", person, ["status"], limit, names)
    for change in changes:
        names.add(change.row.requested_by_id, change.row.decided_by_id)
    href = _url("supervision:oversight", person.crn) + "#approvals"

    def build(users: dict[str, str]) -> list[Entry]:
        entries = []
        for change in changes:
            row = change.row
            kind = ApprovalKind(row.kind).label
            when = row.pgh_created_at
            if change.inserted:
                what, detail, fallback, when = (
                    f"Approval requested: {kind}",
                    row.reason,
                    row.requested_by_id,
                    row.requested_at,
                )
            elif row.status == ApprovalStatus.WITHDRAWN:
                what, detail, fallback = f"Approval request withdrawn: {kind}", "", row.requested_by_id
            else:
                what = f"{ApprovalStatus(row.status).label}: {kind}"
                detail, fallback, when = row.decision_reason, row.decided_by_id, row.decided_at or when
            who = _who(users, change.actor, fallback)
            entries.append(Entry(when, EventKind.APPROVAL, what, who, href, detail))
        return entries

    return build


def _registrations(person: Person, limit: int, names: _Names) -> Pending:
    fields = ["review_due", "deregistered_on"]
    changes = _events("cases.RegistrationEvent", person, fields, limit, names, related=["type"])
    for change in changes:
        names.add(change.row.registered_by_id, change.row.deregistered_by_id)
    href = _url("cases:person", person.crn)

    def build(users: dict[str, str]) -> list[Entry]:
        entries = []
        for change in changes:
            row = change.row
            description = row.type.description
            if change.inserted:
                who = _who(users, change.actor, row.registered_by_id)
                entries.append(
                    Entry(row.pgh_created_at, EventKind.REGISTRATION, f"Registered: {description}", who, href)
                )
            elif "deregistered_on" in change.changed and row.deregistered_on:
                who = _who(users, change.actor, row.deregistered_by_id)
                what = f"Registration closed: {description}"
                entries.append(
                    Entry(row.pgh_created_at, EventKind.REGISTRATION, what, who, href, row.deregistration_reason)
                )
            elif "review_due" in change.changed:
                who = _who(users, change.actor)
                what = f"Registration reviewed: {description}"
                detail = f"Next review due {row.review_due:%-d %B %Y}"
                entries.append(Entry(row.pgh_created_at, EventKind.REGISTRATION, what, who, href, detail))
        return entries

    return build


# --- Record sources ------------------------------------------------------------------------------


def _done(entries: list[Entry]) -> Pending:
    return lambda users: entries


def _contacts(person: Person, limit: int, names: _Names) -> Pending:
    contacts = (
        Contact.objects.current()
        .for_person(person)
        .filter(starts_at__lte=timezone.now())
        .select_related("contact_type", "outcome", "staff")
        .order_by("-starts_at")[:limit]
    )
    entries = []
    for contact in contacts:
        what = contact.contact_type.description
        if contact.outcome is not None:
            what = f"{what}: {contact.outcome.description}"
        href = _url("supervision:contact_history", person.crn, contact.thread_id)
        tag = "Corrected" if contact.version > 1 else ""
        entries.append(Entry(contact.starts_at, EventKind.CONTACT, what, str(contact.staff or ""), href, tag=tag))
    return _done(entries)


def _home_visits(person: Person, limit: int, names: _Names) -> Pending:
    records = (
        HomeVisitRiskAssessment.objects.filter(person=person).select_related("assessed_by").order_by("-assessed_at")
    )
    href = _url("supervision:safeguarding", person.crn)
    return _done(
        [
            Entry(
                record.assessed_at,
                EventKind.HOME_VISIT,
                f"Home visit risk assessment for a visit on {record.planned_for:%-d %B %Y}",
                str(record.assessed_by),
                href,
                "Visit in pairs" if record.visit_in_pairs else "",
            )
            for record in records[:limit]
        ]
    )


def _enforcement(person: Person, limit: int, names: _Names) -> Pending:
    actions = (
        EnforcementAction.objects.filter(person=person)
        .select_related("decided_by", "sentence")
        .order_by(Coalesce("concluded_on", "decided_on").desc(), "-created_at")[:limit]
    )
    href = _url("supervision:compliance", person.crn)
    entries = []
    for action in actions:
        entries.append(Entry(action.created_at, EventKind.ENFORCEMENT, action.label, str(action.decided_by), href))
        if action.concluded_on:
            what = f"{action.label}: proceedings concluded ({action.get_outcome_display()})"
            entries.append(
                Entry(
                    local_midnight(action.concluded_on),
                    EventKind.ENFORCEMENT,
                    what,
                    "",
                    href,
                    action.conclusion,
                    "",
                    True,
                )
            )
    return _done(entries)


def _reset(person: Person, limit: int, names: _Names) -> Pending:
    decisions = ResetDecision.objects.filter(person=person).select_related("decided_by").order_by("-decided_at")
    href = _url("supervision:compliance", person.crn)
    entries = []
    for decision in decisions[:limit]:
        verb = "overridden" if decision.is_override else "confirmed"
        what = f"Probation Reset {verb}: {ResetState(decision.state).label}"
        entries.append(
            Entry(decision.decided_at, EventKind.RESET, what, str(decision.decided_by), href, decision.reason)
        )
    return _done(entries)


def _allocations(person: Person, limit: int, names: _Names) -> Pending:
    allocations = (
        Allocation.objects.filter(person=person)
        .select_related("team", "practitioner", "allocated_by")
        .order_by("-started_at")[:limit]
    )
    href = _url("cases:person", person.crn)
    entries = []
    for allocation in allocations:
        to = str(allocation.practitioner) if allocation.practitioner else "awaiting allocation"
        what = f"Allocated to {to} ({allocation.team.name})"
        who = str(allocation.allocated_by or "")
        entries.append(Entry(allocation.started_at, EventKind.ALLOCATION, what, who, href, allocation.rationale))
    return _done(entries)


SOURCES: dict[str, Callable[[Person, int, _Names], Pending]] = {
    EventKind.CONTACT: _contacts,
    EventKind.ASSESSMENT: _assessments,
    EventKind.PLAN: _plans,
    EventKind.INFORMATION: _information,
    EventKind.HOME_VISIT: _home_visits,
    EventKind.OVERSIGHT: _oversight,
    EventKind.APPROVAL: _approvals,
    EventKind.ENFORCEMENT: _enforcement,
    EventKind.RESET: _reset,
    EventKind.REGISTRATION: _registrations,
    EventKind.ALLOCATION: _allocations,
}


def timeline(person: Person, *, page: int = 1, kind: str = "") -> TimelinePage:
    """One page of the case's timeline, latest first, optionally only one kind of event."""
    page = min(max(page, 1), MAX_PAGES)
    kind = kind if kind in SOURCES else ""
    limit = page * PAGE_SIZE + 1
    names = _Names()
    pending = [source(person, limit, names) for key, source in SOURCES.items() if not kind or key == kind]
    users = names.load()
    entries = sorted((entry for build in pending for entry in build(users)), key=lambda e: e.when, reverse=True)
    start = (page - 1) * PAGE_SIZE
    return TimelinePage(entries[start : start + PAGE_SIZE], page, len(entries) > start + PAGE_SIZE, kind)
