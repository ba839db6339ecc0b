"""Probation Reset (from 7 June 2024): active supervision stops at the two-thirds point for eligible
cases; licences keep one follow-up appointment midway through the final third. Exempt, so contact
continues to the end: any MAPPA case, very high RoSH, active child protection procedures and
national security cases (here: a terrorism registration). See reference/standards.md §2.3.

`compute_reset` is the pure rule; `reset_state` reads one case's facts (two queries) and applies
the latest SPO decision, which confirms or overrides the computed state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from cases.models import OrderType, Registration, RoshLevel, Sentence
from supervision.models import ResetDecision, ResetState

# Reset only ever applied to sentences still running when it began.
RESET_STARTED = date(2024, 6, 7)

# nDelius register codes the exemptions read (reference data codes, not policy numbers).
MAPPA_CODE = "MAPP"
VERY_HIGH_ROSH_CODE = "RVHR"
CHILD_PROTECTION_CODE = "RCPR"
TERRORISM_CODE = "RTAO"


class ResetExemption(models.TextChoices):
    MAPPA = "MAPPA", "MAPPA case"
    VERY_HIGH_ROSH = "VERY_HIGH_ROSH", "Very high risk of serious harm"
    CHILD_PROTECTION = "CHILD_PROTECTION", "Active child protection procedures"
    NATIONAL_SECURITY = "NATIONAL_SECURITY", "National security (terrorism registration)"


# What stops at the two-thirds point, by order.
WHAT_STOPS: dict[str, str] = {
    OrderType.CO: "Supervision and rehabilitation activity (RAR) stop at the two-thirds point",
    OrderType.SSO: "Supervision and rehabilitation activity (RAR) stop at the two-thirds point",
    OrderType.LICENCE: "Supervision appointments stop at the two-thirds point, with one follow-up appointment "
    "midway through the final third",
    OrderType.PSS: "Supervision stops at the two-thirds point",
}


@dataclass(frozen=True)
class ResetFacts:
    """What the rule needs to know about a case."""

    order_type: str
    start_date: date
    expected_end_date: date
    terminated_on: date | None = None
    exemptions: tuple[ResetExemption, ...] = ()


@dataclass
class ResetView:
    computed_state: ResetState
    reasons: list[str]
    exemptions: tuple[ResetExemption, ...]
    two_thirds_date: date
    follow_up_date: date | None
    on: date
    decisions: list[ResetDecision] = field(default_factory=list)
    sentence: Sentence | None = None

    @property
    def decision(self) -> ResetDecision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def state(self) -> ResetState:
        """The state that applies: the latest SPO decision if there is one, else the computed one."""
        return ResetState(self.decision.state) if self.decision else self.computed_state

    @property
    def is_overridden(self) -> bool:
        return self.decision is not None and self.decision.state != self.computed_state

    @property
    def supervision_stopped(self) -> bool:
        return self.state == ResetState.ELIGIBLE and self.on >= self.two_thirds_date

    @property
    def state_label(self) -> str:
        return ResetState(self.state).label


def two_thirds_point(start: date, end: date) -> date:
    """As `Sentence.two_thirds_date`: whole days, rounded down."""
    return start + timedelta(days=2 * (end - start).days // 3)


def follow_up_date(start: date, end: date) -> date:
    """Midway through the final third (whole days, rounded down)."""
    two_thirds = two_thirds_point(start, end)
    return two_thirds + timedelta(days=(end - two_thirds).days // 2)


def compute_reset(facts: ResetFacts, on: date) -> ResetView:
    two_thirds = two_thirds_point(facts.start_date, facts.expected_end_date)
    state, reasons = _state(facts, on)
    follow_up = None
    if state == ResetState.ELIGIBLE and facts.order_type == OrderType.LICENCE:
        follow_up = follow_up_date(facts.start_date, facts.expected_end_date)
    return ResetView(
        computed_state=state,
        reasons=reasons,
        exemptions=facts.exemptions,
        two_thirds_date=two_thirds,
        follow_up_date=follow_up,
        on=on,
    )


def _state(facts: ResetFacts, on: date) -> tuple[ResetState, list[str]]:
    if facts.order_type not in WHAT_STOPS:
        return ResetState.NOT_APPLICABLE, ["Probation Reset does not apply to this kind of sentence"]
    if facts.terminated_on is not None and facts.terminated_on <= on:
        return ResetState.NOT_APPLICABLE, [f"The sentence was terminated on {facts.terminated_on:%-d %B %Y}"]
    if facts.expected_end_date < RESET_STARTED:
        return ResetState.NOT_APPLICABLE, [
            f"The sentence ended before Probation Reset began ({RESET_STARTED:%-d %B %Y})"
        ]
    if facts.exemptions:
        return ResetState.EXEMPT, [f"Exempt: {ResetExemption(e).label}" for e in facts.exemptions]
    return ResetState.ELIGIBLE, [WHAT_STOPS[facts.order_type]]


def exemptions_for(rosh: str, registrations: Iterable[Registration]) -> tuple[ResetExemption, ...]:
    """The exemptions a case's RoSH and active registrations give it (in a fixed order)."""
    found: set[ResetExemption] = set()
    if rosh == RoshLevel.VERY_HIGH:
        found.add(ResetExemption.VERY_HIGH_ROSH)
    for registration in registrations:
        code = registration.type.code
        if code == MAPPA_CODE or registration.type.is_mappa or registration.mappa_category is not None:
            found.add(ResetExemption.MAPPA)
        elif code == VERY_HIGH_ROSH_CODE:
            found.add(ResetExemption.VERY_HIGH_ROSH)
        elif code == CHILD_PROTECTION_CODE:
            found.add(ResetExemption.CHILD_PROTECTION)
        elif code == TERRORISM_CODE:
            found.add(ResetExemption.NATIONAL_SECURITY)
    return tuple(e for e in ResetExemption if e in found)
