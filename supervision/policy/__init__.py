"""The contact policy applied to cases: which version is in force, which parameters apply to a
case (resolve), the shortfalls it has (evaluate, built on the pure rules) and what a draft would
change (impact). See docs/policies.md."""

from supervision.policy.evaluate import Evaluation, evaluate_case, refresh_standing, refresh_standings
from supervision.policy.impact import Impact, policy_impact
from supervision.policy.resolve import NoPolicyInForce, policy_for, resolve_parameters
from supervision.policy.rules import Shortfall

__all__ = [
    "Evaluation",
    "Impact",
    "NoPolicyInForce",
    "Shortfall",
    "evaluate_case",
    "policy_for",
    "policy_impact",
    "refresh_standing",
    "refresh_standings",
    "resolve_parameters",
]
