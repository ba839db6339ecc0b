"""The contact standard's rules as pure functions: facts, phase, resolved parameters and the
made-contact dates in, shortfalls out. Both loaders (one case, every case) feed these, so a case
is judged the same way on its page, in its stored standing and in a draft's impact.

Day counting: a contact `n` days before the evaluation date is "within" an `n`-day window, so a
30-day floor is met by a contact exactly 30 days ago and missed from the 31st day. Working days
are the one calendar in `kit.calendar` (Monday to Friday, England and Wales bank holidays excluded).

Probation Reset: in the final third of an eligible case (phase FINAL_THIRD: past the two-thirds
point, no exemption, or an SPO's decision that Reset applies) supervision has stopped, so no contact
rule applies, without any scoped rule saying so. A licence keeps one follow-up appointment midway
through the final third (`reset_follow_up`). Source: reference/standards.md section 2.3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from django.db import models

from cases.models import OrderType
from kit.calendar import add_working_days, working_days_between
from supervision.models import Phase, RemoteSupplementCriterion
from supervision.policy.facts import CaseFacts
from supervision.policy.parameters import PolicyParameters
from supervision.rules.reset import follow_up_date


class Shortfall(models.TextChoices):
    FACE_TO_FACE_OVERDUE = "FACE_TO_FACE_OVERDUE", "Face-to-face contact overdue"
    TELEPHONE_ONLY = "TELEPHONE_ONLY", "Telephone-only supervision"
    INITIAL_APPOINTMENT = "INITIAL_APPOINTMENT", "Initial appointment not met"
    EARLY_ENGAGEMENT = "EARLY_ENGAGEMENT", "Early engagement contact missed"
    HOME_VISIT_OVERDUE = "HOME_VISIT_OVERDUE", "Home visit overdue"


@dataclass(frozen=True)
class Finding:
    code: str
    explanation: str
    # When the missing contact fell (or falls) due: the checks engine records it on the flag.
    due: date | None = None

    @property
    def label(self) -> str:
        return str(Shortfall(self.code).label)


@dataclass(frozen=True)
class Result:
    findings: list[Finding] = field(default_factory=list)
    next_face_to_face_due: date | None = None

    @property
    def shortfalls(self) -> list[str]:
        return [finding.code for finding in self.findings]


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def next_face_to_face_due(facts: CaseFacts, params: PolicyParameters) -> date | None:
    start = facts.supervision_start
    if start is None:
        return None
    since = facts.contacts.last_face_to_face or start
    return since + timedelta(days=params.face_to_face_window_days)


def face_to_face_overdue(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    due = next_face_to_face_due(facts, params)
    if due is None or on <= due:
        return None
    last = facts.contacts.last_face_to_face
    window = params.face_to_face_window_days
    if last is None:
        text = f"No face-to-face contact since supervision started on {_d(facts.supervision_start or on)}."
    else:
        text = f"The last face-to-face contact was on {_d(last)}, {(on - last).days} days ago."
    return Finding(Shortfall.FACE_TO_FACE_OVERDUE, f"{text} The policy requires one every {window} days.", due)


def telephone_only(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    window = params.telephone_only_window_days
    since = on - timedelta(days=window)
    contacts = facts.contacts
    if contacts.last_made is None or contacts.last_made < since:
        return None
    if contacts.last_face_to_face is not None and contacts.last_face_to_face >= since:
        return None
    # A face-to-face contact was due a window after the last one (or after the start).
    due = (contacts.last_face_to_face or facts.supervision_start or since) + timedelta(days=window)
    return Finding(
        Shortfall.TELEPHONE_ONLY,
        f"Every contact made since {_d(since)} (the last {window} days) was remote: none was face to face.",
        due,
    )


def initial_appointment_deadline(facts: CaseFacts, params: PolicyParameters) -> date | None:
    """The last day the initial appointment is in time: N working days after the start."""
    start = facts.supervision_start
    return add_working_days(start, params.initial_appointment_working_days) if start else None


def initial_appointment_held(facts: CaseFacts, params: PolicyParameters) -> date | None:
    """When the initial appointment was held: the first face-to-face contact when the policy requires
    it face to face (an earlier remote contact does not count, and does not spoil it), else the
    first initial appointment or face-to-face contact, however made."""
    contacts = facts.contacts
    if params.initial_must_be_face_to_face:
        return contacts.first_face_to_face
    return contacts.first_initial_or_face_to_face


def initial_appointment_lateness(facts: CaseFacts, params: PolicyParameters) -> int:
    """How many working days after its deadline the initial appointment was held (0: in time or not held)."""
    deadline, held = initial_appointment_deadline(facts, params), initial_appointment_held(facts, params)
    return working_days_between(deadline, held) if deadline and held else 0


def initial_appointment(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    """Falls short from the day after the deadline until the initial appointment is held. Held late, it
    no longer falls short: the flag resolves saying how late it was (`initial_appointment_lateness`),
    and the resolved flag keeps that in the case's history."""
    deadline = initial_appointment_deadline(facts, params)
    if deadline is None or on <= deadline or initial_appointment_held(facts, params) is not None:
        return None
    days = params.initial_appointment_working_days
    first = facts.contacts.first_made
    remote = f" Every contact so far has been remote (the first on {_d(first)})." if first else ""
    how = " face to face" if params.initial_must_be_face_to_face else ""
    return Finding(
        Shortfall.INITIAL_APPOINTMENT,
        f"No initial appointment has been held{how}.{remote if how else ''} It was due within {days} working "
        f"days of the start, by {_d(deadline)}.",
        deadline,
    )


def early_engagement(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    if phase != Phase.EARLY or facts.supervision_start is None:
        return None
    interval = params.early_contact_interval_days
    points = [facts.supervision_start, *sorted(d for d in facts.contacts.early if d <= on), on]
    for before, after in pairwise(points):
        if (after - before).days > interval:
            return Finding(
                Shortfall.EARLY_ENGAGEMENT,
                f"No contact between {_d(before)} and {_d(after)} ({(after - before).days} days). In the first "
                f"{params.early_engagement_weeks} weeks there must be contact at least every {interval} days.",
                before + timedelta(days=interval),
            )
    return None


def needs_home_visit(facts: CaseFacts) -> bool:
    return facts.domestic_abuse or facts.child_concern or facts.high_rosh


def home_visit_days(facts: CaseFacts, params: PolicyParameters) -> int:
    if facts.high_rosh or facts.sexual_offence:
        return int(params.home_visit_days_high)
    if facts.rosh == "MEDIUM":
        return int(params.home_visit_days_medium)
    return int(params.home_visit_days_low)


def home_visit_overdue(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    if facts.supervision_start is None or not needs_home_visit(facts):
        return None
    days = home_visit_days(facts, params)
    deadline = facts.supervision_start + timedelta(days=days)
    first = facts.contacts.first_home_visit
    if (first is not None and first <= deadline) or (first is None and on <= deadline):
        return None
    reasons = [
        name
        for name, present in (
            ("domestic abuse", facts.domestic_abuse),
            ("child concerns", facts.child_concern),
            ("high RoSH", facts.high_rosh),
        )
        if present
    ]
    when = f"was on {_d(first)}" if first else "has not happened"
    return Finding(
        Shortfall.HOME_VISIT_OVERDUE,
        f"The first home visit {when}. For a case with {' and '.join(reasons)} it was due within {days} days "
        f"of the start, by {_d(deadline)}.",
        deadline,
    )


def reset_follow_up_due(facts: CaseFacts) -> date | None:
    """A licence's one follow-up appointment under Probation Reset: due midway through the final third,
    met by any face-to-face contact on or after the two-thirds point (None once met, or not a licence)."""
    if facts.order_type != OrderType.LICENCE or facts.supervision_start is None or facts.expected_end is None:
        return None
    last = facts.contacts.last_face_to_face
    if facts.two_thirds is not None and last is not None and last >= facts.two_thirds:
        return None
    return follow_up_date(facts.supervision_start, facts.expected_end)


def reset_follow_up(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Finding | None:
    due = reset_follow_up_due(facts)
    if due is None or on <= due:
        return None
    return Finding(
        Shortfall.FACE_TO_FACE_OVERDUE,
        f"Probation Reset stopped supervision at the two-thirds point on {_d(facts.two_thirds or due)}. The "
        f"licence's one follow-up appointment, midway through the final third, was due by {_d(due)} and has "
        "not happened.",
        due,
    )


Rule = Callable[[CaseFacts, PolicyParameters, str, date], Finding | None]
RULES: tuple[Rule, ...] = (
    initial_appointment,
    early_engagement,
    face_to_face_overdue,
    telephone_only,
    home_visit_overdue,
)
# Supervision has stopped under Probation Reset: only the licence follow-up is still owed.
RESET_RULES: tuple[Rule, ...] = (reset_follow_up,)


def apply_rules(facts: CaseFacts, params: PolicyParameters, phase: str, on: date) -> Result:
    """Every shortfall of an active case; none for a case not under supervision."""
    if not facts.active:
        return Result()
    if phase == Phase.FINAL_THIRD:
        findings = [finding for rule in RESET_RULES if (finding := rule(facts, params, phase, on)) is not None]
        return Result(findings, reset_follow_up_due(facts))
    findings = [finding for rule in RULES if (finding := rule(facts, params, phase, on)) is not None]
    return Result(findings, next_face_to_face_due(facts, params))


def remote_supplement_reasons(facts: CaseFacts, criteria: list[str], on: date) -> list[str]:
    """Why remote contact may only supplement face-to-face contact for this case (the policy's criteria it meets)."""
    met = {
        RemoteSupplementCriterion.VERY_HIGH_ROSH: facts.very_high_rosh,
        RemoteSupplementCriterion.MAPPA_2_3: facts.mappa_level_2_3,
        RemoteSupplementCriterion.DOMESTIC_ABUSE: facts.domestic_abuse,
        RemoteSupplementCriterion.CHILD_PROTECTION: facts.child_protection,
        RemoteSupplementCriterion.SEXUAL_OFFENCE: facts.sexual_offence,
        RemoteSupplementCriterion.SUSPENDED_SUPERVISION: facts.suspended_supervision(on),
    }
    return [str(RemoteSupplementCriterion(code).label) for code in criteria if met.get(code, False)]  # type: ignore[call-overload]
