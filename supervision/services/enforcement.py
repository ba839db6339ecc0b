"""Enforcement decisions on failures to comply, and the end of breach or recall proceedings.

The statutory rule is enforced here, not only in the form: on a community order or SSO, a warning
given in the 12 months before the failure means the only lawful decision is a breach referral
(Sentencing Act 2020 Sch. 10 para 6). Each order gets only the decisions the law allows for it
(`supervision.rules.compliance.kinds_for`: no recall on post-sentence supervision) and its proceedings end
only in the outcomes the law allows (`outcomes_for`).

A decision is dated the day it was made (`decided_on`: given by the practitioner, today by default;
never in the future, never before the failure it answers), so a decision entered late is still
right, and the 12 months a warning counts for run from the day it was actually given. Response
periods come from the contact policy in force on that day, and the action names the version used.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Sentence, User
from supervision.models import Contact, EnforcementAction, EnforcementKind
from supervision.models.enforcement import decision_label
from supervision.policy.parameters import PolicyParameters
from supervision.queries.compliance import warnings_given
from supervision.rules.compliance import kinds_for, outcomes_for, referral_warning

# The days the policy allows for each decision's response (other kinds have no deadline).
RESPONSE_DAYS: dict[str, Callable[[PolicyParameters], int]] = {
    EnforcementKind.WARNING_LETTER: lambda params: params.warning_response_days,
    EnforcementKind.BREACH_REFERRAL: lambda params: params.breach_response_days,
    EnforcementKind.LICENCE_COMPLIANCE_LETTER: lambda params: params.licence_letter_response_days,
    EnforcementKind.RECALL_CONSIDERATION: lambda params: params.recall_response_days,
}


def must_refer_message(warning_given_on: date) -> str:
    return f"A warning was given on {warning_given_on:%-d %B %Y}, within 12 months: you must refer this case for breach"


def _check_can_change(by: User) -> None:
    if not by.can_change_cases:
        raise PermissionDenied("Your role cannot record enforcement decisions")


@transaction.atomic
def record_enforcement_action(
    person: Person,
    *,
    sentence: Sentence,
    kind: str,
    failure_date: date,
    rationale: str,
    by: User,
    contact_thread_id: uuid.UUID | None = None,
    decided_on: date | None = None,
) -> EnforcementAction:
    """Record a practitioner's decision on a failure to comply, dated the day it was made."""
    _check_can_change(by)
    if sentence.person_id != person.pk:
        raise ValueError("The sentence belongs to another person")
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": "Enter the reasons for your decision"})
    today = timezone.localdate()
    decided_on = decided_on or today
    if failure_date > today:
        raise ValidationError({"failure_date": "The failure to comply must be today or in the past"})
    _check_decided_on(decided_on, failure_date, today)
    if contact_thread_id is not None and not _is_failure_of(person, contact_thread_id):
        raise ValidationError({"contact_thread_id": "That contact is not a failure to comply on this case"})
    # Serialise decisions on one case, so two people cannot both give "the first" warning.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    warning_date = referral_warning(sentence.order_type, warnings_given(sentence), failure_date)
    _check_kind(sentence, kind, warning_date)
    from supervision.policy import NoPolicyInForce, policy_for

    try:
        policy, params = policy_for(person, decided_on)
    except NoPolicyInForce as error:
        raise ValidationError({"decided_on": f"{error}: enter a later date"}) from error
    days_for = RESPONSE_DAYS.get(EnforcementKind(kind))
    response_days = days_for(params) if days_for else 0
    with pghistory.context(user=by.pk):
        action = EnforcementAction.objects.create(
            person=person,
            sentence=sentence,
            kind=kind,
            failure_date=failure_date,
            contact_thread_id=contact_thread_id,
            decided_on=decided_on,
            decided_by=by,
            rationale=rationale,
            referral_required=warning_date is not None,
            response_days=response_days,
            evidence_due=decided_on + timedelta(days=response_days) if response_days else None,
            policy=policy,
        )
    case_changed(person.pk)
    return action


def _is_failure_of(person: Person, thread_id: uuid.UUID) -> bool:
    return Contact.objects.current().for_person(person).failures().filter(thread_id=thread_id).exists()


def _check_decided_on(decided_on: date, failure_date: date, today: date) -> None:
    if decided_on > today:
        raise ValidationError({"decided_on": "The date of the decision must be today or in the past"})
    if decided_on < failure_date:
        message = f"The date of the decision must be on or after {failure_date:%-d %B %Y}, the failure to comply"
        raise ValidationError({"decided_on": message})


def _check_kind(sentence: Sentence, kind: str, warning_date: date | None) -> None:
    allowed = kinds_for(sentence.order_type)
    if kind not in allowed:
        valid = ", ".join(decision_label(sentence.order_type, k).lower() for k in allowed)
        raise ValidationError({"kind": f"For a {sentence.get_order_type_display().lower()} choose {valid}"})
    if warning_date is not None and kind != EnforcementKind.BREACH_REFERRAL:
        raise ValidationError({"kind": must_refer_message(warning_date)})


@transaction.atomic
def conclude_enforcement(
    action: EnforcementAction, *, by: User, concluded_on: date, outcome: str, conclusion: str
) -> EnforcementAction:
    """End breach or recall proceedings with an outcome the law allows for the order. Failures are
    then counted afresh from `concluded_on`."""
    _check_can_change(by)
    action = EnforcementAction.objects.select_for_update(of=("self",)).select_related("sentence").get(pk=action.pk)
    if not action.in_progress:
        raise ValidationError("These proceedings are not in progress, so they cannot be concluded")
    if outcome not in outcomes_for(action.sentence.order_type):
        raise ValidationError({"outcome": "Select how the proceedings ended"})
    conclusion = conclusion.strip()
    if not conclusion:
        raise ValidationError({"conclusion": "Enter the details of the outcome"})
    if concluded_on > timezone.localdate():
        raise ValidationError({"concluded_on": "The date the proceedings ended must be today or in the past"})
    if concluded_on < action.decided_on:
        message = f"The date the proceedings ended must be on or after {action.decided_on:%-d %B %Y}, when they began"
        raise ValidationError({"concluded_on": message})
    action.concluded_on = concluded_on
    action.outcome = outcome
    action.conclusion = conclusion[:1000]
    with pghistory.context(user=by.pk):
        action.save(update_fields=["concluded_on", "outcome", "conclusion"])
    case_changed(action.person_id)
    return action
