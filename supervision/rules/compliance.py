"""Compliance: counting failures to comply, the status shown to the practitioner and what the
next enforcement decision must be.

A failure to comply is a *distinct date* with an unacceptable outcome (AFTC, ATSH, UAAB, an AFTA not
later excused) on a contact type that counts toward national standards. Two failures on one day
are one failure. An AFTA later excused is not counted because the correction replaced the current
version of the contact with an acceptable-absence outcome, and only current versions are read.

The pure rules (`count_failures`, `status_for`, `referral_warning`) take plain values so they can be
tested exhaustively; `compliance_summary` gathers the facts for one case in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone

from cases.models import OrderType, Sentence, governing_sentence
from supervision.models import Contact, ContactPolicy, EnforcementAction, EnforcementKind, EnforcementOutcome

# Statute, not policy: Sentencing Act 2020 Sch. 10 para 6 speaks of a warning "within the previous
# 12 months", and the status shown to practitioners counts over the same rolling 12 months.
TWELVE_MONTHS = relativedelta(months=12)

# The orders the statutory "warning, then must refer" rule applies to (Sch. 10 para 6; Sch. 16 for SSOs).
# Post-sentence supervision has no such rule: a warning may precede a breach referral, never compels one.
COURT_ORDERS = frozenset({OrderType.CO, OrderType.SSO})

_WARN_OR_REFER = (EnforcementKind.WARNING_LETTER, EnforcementKind.BREACH_REFERRAL, EnforcementKind.NO_FURTHER_ACTION)

# The decisions the law allows for each order. No further action suits any order.
# - CO / SSO: a warning or a breach referral (Sentencing Act 2020 Sch. 10 para 6; Sch. 16).
# - Licence: a licence compliance letter or recall consideration (Criminal Justice Act 2003 s.254).
# - PSS is not a licence, so recall is not available: a breach of a supervision requirement goes to
#   the magistrates' court (CJA 2003 s.256AC), and a warning may come first.
KINDS_FOR_ORDER: dict[str, tuple[EnforcementKind, ...]] = {
    OrderType.CO: _WARN_OR_REFER,
    OrderType.SSO: _WARN_OR_REFER,
    OrderType.LICENCE: (
        EnforcementKind.LICENCE_COMPLIANCE_LETTER,
        EnforcementKind.RECALL_CONSIDERATION,
        EnforcementKind.NO_FURTHER_ACTION,
    ),
    OrderType.PSS: _WARN_OR_REFER,
}

# How proceedings may end, by order: what the court may do on a proved breach (CO: Sentencing Act
# 2020 Sch. 10 para 10; SSO: Sch. 16 para 13; PSS: CJA 2003 s.256AC(4)), or the recall decision.
_NOT_PROVEN = EnforcementOutcome.NOT_PROVEN
OUTCOMES_FOR_ORDER: dict[str, tuple[EnforcementOutcome, ...]] = {
    OrderType.CO: (
        EnforcementOutcome.ORDER_AMENDED,
        EnforcementOutcome.FINED,
        EnforcementOutcome.RESENTENCED,
        _NOT_PROVEN,
    ),
    OrderType.SSO: (
        EnforcementOutcome.SENTENCE_ACTIVATED,
        EnforcementOutcome.ORDER_AMENDED,
        EnforcementOutcome.FINED,
        _NOT_PROVEN,
    ),
    OrderType.PSS: (
        EnforcementOutcome.COMMITTED,
        EnforcementOutcome.FINED,
        EnforcementOutcome.SUPERVISION_DEFAULT_ORDER,
        EnforcementOutcome.NO_ORDER,
        _NOT_PROVEN,
    ),
    OrderType.LICENCE: (
        EnforcementOutcome.RECALLED_FIXED_TERM,
        EnforcementOutcome.RECALLED_STANDARD,
        EnforcementOutcome.NOT_RECALLED,
    ),
}

# Proceedings that stay "in progress" until concluded, and restart the count when they end.
PROCEEDINGS = frozenset({EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION})


class ComplianceStatus(models.TextChoices):
    GREEN = "GREEN", "No failures to comply in 12 months"
    NEUTRAL = "NEUTRAL", "1 failure to comply in 12 months"
    RED = "RED", "2 or more failures to comply: no breach in progress yet"
    BREACH = "BREACH", "Breach in progress"

    @property
    def tag_class(self) -> str:
        return {"GREEN": "govuk-tag--green", "NEUTRAL": "govuk-tag--grey"}.get(self.value, "govuk-tag--red")


@dataclass(frozen=True)
class FailureEvent:
    """One contact as the counting rule sees it. Richer than `(date, is_failure)` so that a caller
    can pass every contact and let the rule decide what counts."""

    on: date
    is_failure: bool
    counts_toward_standards: bool = True


@dataclass(frozen=True)
class FailureCount:
    since: date
    window_start: date
    on: date
    dates_since: tuple[date, ...]
    dates_in_12_months: tuple[date, ...]

    @property
    def since_last_breach(self) -> int:
        return len(self.dates_since)

    @property
    def rolling_12_months(self) -> int:
        return len(self.dates_in_12_months)


def rolling_window_start(on: date) -> date:
    """The first day of the 12 months ending `on` (a date exactly 12 months earlier is outside)."""
    start: date = on - TWELVE_MONTHS + relativedelta(days=1)
    return start


def _failure_date(event: FailureEvent | tuple[date, bool]) -> date | None:
    if isinstance(event, FailureEvent):
        return event.on if event.is_failure and event.counts_toward_standards else None
    on, is_failure = event
    return on if is_failure else None


def count_failures(events: Iterable[FailureEvent | tuple[date, bool]], *, since: date, on: date) -> FailureCount:
    """Count distinct failure dates (a) from `since` (inclusive) and (b) in the 12 months ending `on`.

    Nothing after `on` counts. The result depends only on the set of failure dates, never on the
    order the contacts were recorded or listed in, nor on how many failures share a date."""
    window_start = rolling_window_start(on)
    dates = sorted({d for d in map(_failure_date, events) if d is not None and d <= on})
    return FailureCount(
        since=since,
        window_start=window_start,
        on=on,
        dates_since=tuple(d for d in dates if d >= since),
        dates_in_12_months=tuple(d for d in dates if d >= window_start),
    )


def status_for(failures_in_12_months: int, *, breach_in_progress: bool) -> ComplianceStatus:
    if breach_in_progress:
        return ComplianceStatus.BREACH
    if failures_in_12_months == 0:
        return ComplianceStatus.GREEN
    if failures_in_12_months == 1:
        return ComplianceStatus.NEUTRAL
    return ComplianceStatus.RED


def referral_warning(order_type: str, warnings_given_on: Iterable[date], failure_date: date) -> date | None:
    """The warning that makes a breach referral compulsory for a failure on `failure_date`, if any.

    Community orders and SSOs only: a warning given within the 12 months before the failure (and not
    after it) means the officer must refer for breach. A warning exactly 12 months earlier is outside.
    """
    if order_type not in COURT_ORDERS:
        return None
    earliest = failure_date - TWELVE_MONTHS
    qualifying = [given for given in warnings_given_on if earliest < given <= failure_date]
    return max(qualifying, default=None)


def kinds_for(order_type: str, *, referral_required: bool = False) -> tuple[EnforcementKind, ...]:
    if referral_required:
        return (EnforcementKind.BREACH_REFERRAL,)
    return KINDS_FOR_ORDER.get(order_type, (EnforcementKind.NO_FURTHER_ACTION,))


def outcomes_for(order_type: str) -> tuple[EnforcementOutcome, ...]:
    """The outcomes proceedings on this order can have (the legacy "not recorded" is never offered)."""
    return OUTCOMES_FOR_ORDER.get(order_type, (_NOT_PROVEN,))


# --- The case's summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureDay:
    """One counted date and the contacts behind it (several on a day still count once)."""

    on: date
    contacts: list[Contact]
    in_since: bool
    in_12_months: bool


@dataclass
class ComplianceSummary:
    on: date
    sentence: Sentence | None
    status: ComplianceStatus
    count: FailureCount
    since_reason: str
    failure_days: list[FailureDay]
    awaiting_decision: list[Contact]
    referral_warning_date: date | None
    actions: list[EnforcementAction]
    proceedings_in_progress: list[EnforcementAction]
    open_evidence: list[EnforcementAction]
    policy: ContactPolicy | None = None
    failures_limit: int | None = None

    @property
    def referral_required(self) -> bool:
        return self.referral_warning_date is not None

    @property
    def limit_reached(self) -> bool:
        return self.failures_limit is not None and self.count.rolling_12_months >= self.failures_limit

    @property
    def order_type(self) -> str:
        return self.sentence.order_type if self.sentence else ""


def judged_sentence(sentences: Sequence[Sentence], on: date) -> Sentence | None:
    """The sentence compliance (and the tier's Reset check) is judged against: the one governing on
    `on`; between sentences, when none is in force, the latest one."""
    latest = max(sentences, key=lambda s: (s.start_date, s.created_at), default=None)
    return governing_sentence(sentences, on) or latest


def counting_since(sentence: Sentence | None, actions: Sequence[EnforcementAction], on: date) -> tuple[date, str]:
    ended = [a.concluded_on for a in actions if a.kind in PROCEEDINGS and a.concluded_on and a.concluded_on <= on]
    last_breach_end = max(ended, default=None)
    start = sentence.start_date if sentence else rolling_window_start(on)
    if last_breach_end is not None and last_breach_end > start:
        return last_breach_end, "the end of the last breach or recall"
    return start, "the start of the sentence" if sentence else "the start of the 12 months"


def local_date(contact: Contact) -> date:
    return timezone.localtime(contact.starts_at).date()


def failure_days(failures: list[Contact], count: FailureCount, earliest: date) -> list[FailureDay]:
    by_day: dict[date, list[Contact]] = {}
    for contact in failures:
        if local_date(contact) >= earliest:
            by_day.setdefault(local_date(contact), []).append(contact)
    since, window = set(count.dates_since), set(count.dates_in_12_months)
    return [
        FailureDay(on=day, contacts=contacts, in_since=day in since, in_12_months=day in window)
        for day, contacts in sorted(by_day.items(), reverse=True)
    ]


def next_referral_warning(
    sentence: Sentence | None, actions: Sequence[EnforcementAction], awaiting: Sequence[Contact], on: date
) -> date | None:
    """Whether the next decision must be a referral: judged at the latest failure awaiting one."""
    if sentence is None:
        return None
    failure_date = max((local_date(c) for c in awaiting), default=on)
    warnings = (
        a.decided_on for a in actions if a.sentence_id == sentence.pk and a.kind == EnforcementKind.WARNING_LETTER
    )
    return referral_warning(sentence.order_type, warnings, failure_date)
