"""Which parameters apply to a case: the base rule overlaid by every matching scoped rule.

A scoped rule matches when each scope it sets (order type, RoSH, tier letter, phase) equals the
case's; blank scopes match anything. Matching rules apply in increasing specificity (number of
scopes set), ties broken by rule name, so the most specific rule has the last word on each
parameter it sets. Blank parameters inherit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.utils import timezone

from cases.models import Person
from supervision.models import ContactPolicy, Phase, PolicyRule
from supervision.models.policy import RULE_PARAMETERS
from supervision.policy.facts import CaseFacts, facts_for
from supervision.policy.parameters import PolicyParameters

SCOPE_FIELDS = ("order_type", "rosh", "tier_letter", "phase")


class NoPolicyInForce(LookupError):
    """No published contact policy was in force on the date asked about."""


class Scoped(Protocol):
    @property
    def order_type(self) -> str: ...
    @property
    def rosh(self) -> str: ...
    @property
    def tier_letter(self) -> str: ...


@dataclass(frozen=True)
class Scope:
    """What a rule's scope is matched against: a case's facts and its phase."""

    order_type: str = ""
    rosh: str = ""
    tier_letter: str = ""
    phase: str = ""


def scope_of(facts: Scoped, phase: str = "") -> Scope:
    return Scope(facts.order_type, facts.rosh, facts.tier_letter, phase or getattr(facts, "phase", ""))


def _matches(rule: PolicyRule, scope: Scope) -> bool:
    return all(not getattr(rule, name) or getattr(rule, name) == getattr(scope, name) for name in SCOPE_FIELDS)


def resolve_rules(rules: Iterable[PolicyRule], scope: Scope) -> PolicyParameters:
    """The parameters for `scope` from a policy's rules (pure: rules may be unsaved instances)."""
    rules = list(rules)
    base = next((rule for rule in rules if rule.is_base), None)
    if base is None:
        raise ValueError("A contact policy needs a base rule")
    params: dict[str, Any] = {name: getattr(base, name) for name in RULE_PARAMETERS}
    scoped = sorted(
        (rule for rule in rules if not rule.is_base and _matches(rule, scope)),
        key=lambda rule: (rule.specificity, rule.name),
    )
    for rule in scoped:
        params.update({name: value for name in RULE_PARAMETERS if (value := getattr(rule, name)) is not None})
    return PolicyParameters.from_values(params)


def resolve_parameters(policy: ContactPolicy, facts: Scoped) -> PolicyParameters:
    """The parameters of `policy` that apply to a case (`facts` with an optional `phase`)."""
    return resolve_rules(policy.rules.all(), scope_of(facts))


def phase_for(rules: Sequence[PolicyRule], facts: CaseFacts, on: date) -> str:
    """EARLY during the early-engagement weeks (resolved without phase scoping, which would be
    circular); FINAL_THIRD past the two-thirds point of a Probation Reset case; else STANDARD."""
    if not facts.active or facts.supervision_start is None:
        return ""
    weeks = resolve_rules(rules, scope_of(facts)).early_engagement_weeks
    if on < facts.supervision_start + timedelta(weeks=weeks):
        return Phase.EARLY
    if facts.reset_eligible and facts.two_thirds is not None and on >= facts.two_thirds:
        return Phase.FINAL_THIRD
    return Phase.STANDARD


def phase_and_parameters(rules: Sequence[PolicyRule], facts: CaseFacts, on: date) -> tuple[str, PolicyParameters]:
    phase = phase_for(rules, facts, on)
    return phase, resolve_rules(rules, scope_of(facts, phase))


def policy_in_force(on: date) -> ContactPolicy:
    """The published version in force on `on`, with its rules loaded (two queries)."""
    policy = (
        ContactPolicy.objects.published()
        .filter(effective_from__lte=on)
        .order_by("-effective_from")
        .prefetch_related("rules")
        .first()
    )
    if policy is None:
        raise NoPolicyInForce(f"No contact policy was in force on {on:%d %B %Y}")
    return policy


def longest_early_days(*policies: ContactPolicy) -> int:
    """The longest early-engagement period any rule of these policies sets, in days."""
    weeks = [rule.early_engagement_weeks for policy in policies for rule in policy.rules.all()]
    return 7 * max((w for w in weeks if w is not None), default=0)


def policy_for(person: Person, on: date | None = None) -> tuple[ContactPolicy, PolicyParameters]:
    """The version in force for this case on `on` and its resolved parameters."""
    on = on or timezone.localdate()
    policy = policy_in_force(on)
    facts = facts_for(person, on, early_days=0)
    rules = list(policy.rules.all())
    return policy, phase_and_parameters(rules, facts, on)[1]
