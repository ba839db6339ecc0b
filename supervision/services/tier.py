"""Working out a case's tier from its records, and keeping the history of how it was reached.

`tier_facts_for` gathers the facts (a fixed handful of queries), `supervision.rules.tier` applies the
rule, and `recalculate_tier` stores a TierCalculation only when the tier or its breakdown changed,
so the history reads as a list of changes. It runs after every case change (the
`supervision.tasks.queue_tier_recalculation` listener on cases.changes, listed in
probation/wiring.py), when an assessment is completed, and on the day time alone changes an input
(`TierCalculation.recalculate_on`: a breach or recall leaving the 12 months, the assessment passing
55 weeks), found by `due_for_recalculation` for the daily job (`supervision.tasks.recalculate_due_tiers`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pghistory
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models import ROSH_REGISTRATION_LEVELS, Gender, Person, Registration, RsrScore, RsrSource, Sentence, User
from cases.services import set_tier
from supervision.models import Assessment, EnforcementAction, EnforcementKind, TierCalculation
from supervision.queries.reset import reset_state
from supervision.rules.compliance import judged_sentence
from supervision.rules.tier import (
    TierInputs,
    assessment_counts,
    assessment_valid_until,
    breach_or_recall_counts,
    breach_or_recall_counts_until,
    calculate_tier,
    has_mandate_for_change,
    higher_rosh,
)

IOM_CODE = "IIOM"
RESET_CODE = "PRC"
PROCEEDINGS = (EnforcementKind.BREACH_REFERRAL, EnforcementKind.RECALL_CONSIDERATION)


@dataclass(frozen=True)
class TierFacts:
    """The tier's inputs on a day, and the next day the passage of time alone changes one of them
    (a breach or recall leaving the 12 months, the assessment passing 55 weeks), when the daily job
    recalculates the tier (`recalculate_due_tiers`)."""

    inputs: TierInputs
    recalculate_on: date | None


def tier_facts_for(person: Person, on: date | None = None) -> TierFacts:
    """The tier's inputs from the case (a fixed handful of queries): see supervision.rules.tier for
    each input's source and rule."""
    on = on or timezone.localdate()
    latest = Assessment.objects.filter(person=person).latest_complete()
    assessment = latest if latest is not None and assessment_counts(latest.completed_on, on) else None
    registrations = list(Registration.objects.active().filter(person=person).select_related("type"))
    codes = {r.type.code for r in registrations}
    sentences = list(Sentence.objects.filter(person=person).prefetch_related("requirements"))
    active = [s for s in sentences if s.terminated_on is None and s.start_date <= on <= s.expected_end_date]
    mappa_levels = [r.mappa_level for r in registrations if r.type.is_mappa and r.mappa_level is not None]
    is_female = person.gender == Gender.FEMALE
    rsr = RsrScore.objects.filter(person=person).latest_first().first()
    breaches = _breaches_or_recalls(person, on) if is_female else []
    inputs = TierInputs(
        rosh=(assessment.rosh_overall if assessment and assessment.rosh_overall else person.rosh),
        rosh_registered=higher_rosh(*(ROSH_REGISTRATION_LEVELS.get(code, "") for code in codes)),
        rsr=rsr.score if rsr else None,
        rsr_from=f"{_lower_first(RsrSource(rsr.source).label)}, {rsr.calculated_on:%-d %b %Y}" if rsr else "",
        ogrs=assessment.ogrs if assessment else None,
        mappa_level=max(mappa_levels, default=None),
        complexity_factors=tuple(sorted({r.type.description for r in registrations if r.type.is_complexity_factor})),
        is_female=is_female,
        parenting_responsibilities=assessment.parenting_responsibilities if assessment else None,
        impulsivity_or_temper=_either(assessment.impulsivity, assessment.temper_control) if assessment else None,
        previous_breach_or_recall=bool(breaches),
        needs=dict(assessment.needs) if assessment else {},
        has_valid_assessment=assessment is not None,
        iom=IOM_CODE in codes,
        mandate_for_change=has_mandate_for_change(
            (s.order_type, [r.category for r in s.requirements.all() if r.terminated_on is None]) for s in active
        ),
        reset_applies=RESET_CODE in codes or _supervision_stopped(person, sentences, on),
    )
    changes = [breach_or_recall_counts_until(max(breaches)) + timedelta(days=1)] if breaches else []
    if assessment is not None and assessment.completed_on is not None:
        changes.append(assessment_valid_until(assessment.completed_on) + timedelta(days=1))
    return TierFacts(inputs, min(changes, default=None))


def tier_inputs_for(person: Person, on: date | None = None) -> TierInputs:
    return tier_facts_for(person, on).inputs


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _either(first: bool | None, second: bool | None) -> bool | None:
    """Impulsivity or temper control: a problem if either is; not recorded only if neither was asked."""
    if first is None and second is None:
        return None
    return bool(first) or bool(second)


def _breaches_or_recalls(person: Person, on: date) -> list[date]:
    """Breach referrals and recall considerations that count as "previous breach or recall" on `on`."""
    decided = EnforcementAction.objects.filter(person=person, kind__in=PROCEEDINGS, decided_on__lte=on)
    return [day for day in decided.values_list("decided_on", flat=True) if breach_or_recall_counts(day, on)]


def _supervision_stopped(person: Person, sentences: list[Sentence], on: date) -> bool:
    sentence = judged_sentence(sentences, on)
    return sentence is not None and reset_state(person, sentence, on).supervision_stopped


def latest_calculation(person: Person) -> TierCalculation | None:
    return TierCalculation.objects.filter(person=person).order_by("-calculated_at").first()


@transaction.atomic
def recalculate_tier(person: Person, *, trigger: str, by: User | None = None) -> TierCalculation:
    """Work the tier out again. A new TierCalculation is stored only when the tier or its breakdown
    changed (else the latest is returned); the case's tier follows the latest calculation."""
    # Serialise recalculations of one case, so two at once cannot both store "the change".
    Person.objects.select_for_update().filter(pk=person.pk).first()
    facts = tier_facts_for(person)
    result = calculate_tier(facts.inputs)
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
        if latest.recalculate_on != facts.recalculate_on:  # when it is next due, not a new result
            with pghistory.context(user=by.pk if by else None):
                TierCalculation.objects.filter(pk=latest.pk).update(recalculate_on=facts.recalculate_on)
            latest.recalculate_on = facts.recalculate_on
    else:
        with pghistory.context(user=by.pk if by else None):
            calculation = TierCalculation.objects.create(
                person=person,
                tier=result.tier,
                protect_points=result.protect_points,
                change_points=result.change_points,
                breakdown=breakdown,
                trigger=trigger[:200],
                recalculate_on=facts.recalculate_on,
            )
    set_tier(person, tier=result.tier, by=by)
    return calculation


def due_for_recalculation(on: date) -> list[uuid.UUID]:
    """The cases whose latest tier calculation is due again by `on` because time alone changed an
    input (ONE query: the recalculate_on index, then "is it the latest?")."""
    latest = TierCalculation.objects.filter(person=OuterRef("person")).order_by("-calculated_at").values("pk")[:1]
    due = TierCalculation.objects.filter(recalculate_on__lte=on, pk=Subquery(latest))
    return list(due.order_by("person_id").values_list("person_id", flat=True))


def recalculate_tier_for(person_id: uuid.UUID | str, *, trigger: str) -> TierCalculation | None:
    """For background jobs: recalculate by ID (None if the case does not exist)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    return recalculate_tier(person, trigger=trigger)
