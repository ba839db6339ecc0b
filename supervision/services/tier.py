"""Working out a case's tier from its records, and keeping the history of how it was reached.

`tier_inputs_for` gathers the facts (a fixed handful of queries), `supervision.rules.tier` applies the
rule, and `recalculate_tier` stores a TierCalculation only when the tier or its breakdown changed,
so the history reads as a list of changes. It runs after every case change (the
`supervision.tasks.queue_tier_recalculation` listener on cases.changes, listed in
probation/wiring.py) and when an assessment is completed.
"""

from __future__ import annotations

import uuid

import pghistory
from django.db import transaction
from django.utils import timezone

from cases.models import Gender, Person, Registration, Sentence, User
from cases.services import set_tier
from supervision.models import Assessment, EnforcementAction, EnforcementKind, TierCalculation
from supervision.queries.reset import reset_state
from supervision.rules.compliance import judged_sentence
from supervision.rules.tier import TierInputs, calculate_tier, has_mandate_for_change

IOM_CODE = "IIOM"
RESET_CODE = "PRC"
PROCEEDINGS = (EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION)


def tier_inputs_for(person: Person) -> TierInputs:
    """The tier's inputs from the case: the latest complete assessment (RoSH, RSR, OGRS, needs;
    else the case's RoSH), active registrations, the active sentences' requirements, enforcement
    history (for women) and Probation Reset."""
    today = timezone.localdate()
    assessment = Assessment.objects.filter(person=person).latest_complete()
    registrations = list(Registration.objects.active().filter(person=person).select_related("type"))
    codes = {r.type.code for r in registrations}
    sentences = list(Sentence.objects.filter(person=person).prefetch_related("requirements"))
    active = [s for s in sentences if s.terminated_on is None and s.start_date <= today <= s.expected_end_date]
    mappa_levels = [r.mappa_level for r in registrations if r.type.is_mappa and r.mappa_level is not None]
    is_female = person.gender == Gender.FEMALE
    return TierInputs(
        rosh=(assessment.rosh_overall if assessment and assessment.rosh_overall else person.rosh),
        rsr=assessment.rsr if assessment else None,
        ogrs=assessment.ogrs if assessment else None,
        mappa_level=max(mappa_levels, default=None),
        complexity_factors=tuple(sorted({r.type.description for r in registrations if r.type.is_complexity_factor})),
        is_female=is_female,
        # Not recorded anywhere yet (OASys questions 11.2/11.4 and parenting): reported as such.
        parenting_responsibilities=None,
        impulsivity_or_temper=None,
        previous_breach_or_recall=is_female
        and EnforcementAction.objects.filter(person=person, kind__in=PROCEEDINGS).exists(),
        needs=dict(assessment.needs) if assessment else {},
        has_valid_assessment=assessment is not None,
        iom=IOM_CODE in codes,
        mandate_for_change=has_mandate_for_change(
            (s.order_type, [r.category for r in s.requirements.all() if r.terminated_on is None]) for s in active
        ),
        reset_applies=RESET_CODE in codes or _supervision_stopped(person, sentences),
    )


def _supervision_stopped(person: Person, sentences: list[Sentence]) -> bool:
    sentence = judged_sentence(sentences, timezone.localdate())
    return sentence is not None and reset_state(person, sentence).supervision_stopped


def latest_calculation(person: Person) -> TierCalculation | None:
    return TierCalculation.objects.filter(person=person).order_by("-calculated_at").first()


@transaction.atomic
def recalculate_tier(person: Person, *, trigger: str, by: User | None = None) -> TierCalculation:
    """Work the tier out again. A new TierCalculation is stored only when the tier or its breakdown
    changed (else the latest is returned); the case's tier follows the latest calculation."""
    # Serialise recalculations of one case, so two at once cannot both store "the change".
    Person.objects.select_for_update().filter(pk=person.pk).first()
    result = calculate_tier(tier_inputs_for(person))
    breakdown = result.breakdown_json()
    latest = latest_calculation(person)
    unchanged = (
        latest is not None
        and latest.tier == result.tier
        and latest.protect_points == result.protect_points
        and latest.change_points == result.change_points
        and latest.breakdown == breakdown
    )
    if latest is not None and unchanged:
        calculation = latest
    else:
        with pghistory.context(user=by.pk if by else None):
            calculation = TierCalculation.objects.create(
                person=person,
                tier=result.tier,
                protect_points=result.protect_points,
                change_points=result.change_points,
                breakdown=breakdown,
                trigger=trigger[:200],
            )
    set_tier(person, tier=result.tier, by=by)
    return calculation


def recalculate_tier_for(person_id: uuid.UUID | str, *, trigger: str) -> TierCalculation | None:
    """For background jobs: recalculate by ID (None if the case does not exist)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    return recalculate_tier(person, trigger=trigger)
