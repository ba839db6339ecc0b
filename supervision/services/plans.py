"""Sentence plans: objectives with steps, owner, target date and status, agreed with the person.

A plan is reviewed by starting a new one (usually with an assessment), which carries over the
objectives still open; older plans are kept as they were. Only the current (latest) plan changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import Person, Role, User
from supervision.models import Assessment, Need, ObjectiveStatus, PlanObjective, SentencePlan

OPEN_STATUSES = (ObjectiveStatus.NOT_STARTED, ObjectiveStatus.IN_PROGRESS)
OBJECTIVE_FIELDS = ("need", "title", "steps", "owner", "target_date", "status")


def _check_can_change(by: User) -> None:
    if by.role not in {Role.PRACTITIONER, Role.SPO}:
        raise PermissionDenied("Only practitioners and SPOs can change sentence plans")


def current_plan(person: Person) -> SentencePlan | None:
    return SentencePlan.objects.filter(person=person).order_by("-created_at").first()


def _check_current(plan: SentencePlan) -> None:
    latest = current_plan(plan.person)
    if latest is None or latest.pk != plan.pk:
        raise ValidationError("This plan has been replaced by a newer one, so it cannot be changed")


@transaction.atomic
def create_plan(person: Person, *, by: User, assessment: Assessment | None = None) -> SentencePlan:
    """Start a new plan, copying the objectives still open on the previous one."""
    _check_can_change(by)
    if assessment is not None and assessment.person_id != person.pk:
        raise ValueError("The assessment belongs to another person")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    previous = current_plan(person)
    with pghistory.context(user=by.pk):
        plan = SentencePlan.objects.create(person=person, assessment=assessment, created_by=by)
        if previous is not None:
            PlanObjective.objects.bulk_create(
                PlanObjective(plan=plan, **{name: getattr(objective, name) for name in OBJECTIVE_FIELDS})
                for objective in previous.objectives.filter(status__in=OPEN_STATUSES)
            )
    case_changed(person.pk)
    return plan


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    for name in ("title", "steps", "owner"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = "Enter the objective"
    if "owner" in cleaned and not cleaned["owner"]:
        errors["owner"] = "Enter who will do it"
    if cleaned.get("need", "") not in ["", *Need.values]:
        errors["need"] = "Select a need from the list"
    if "status" in cleaned and cleaned["status"] not in ObjectiveStatus.values:
        errors["status"] = "Select a status"
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def add_objective(
    plan: SentencePlan,
    *,
    by: User,
    title: str,
    owner: str,
    steps: str = "",
    need: str = "",
    target_date: date | None = None,
    status: str = ObjectiveStatus.NOT_STARTED,
) -> PlanObjective:
    _check_can_change(by)
    _check_current(plan)
    cleaned = _clean(
        {"title": title, "owner": owner, "steps": steps, "need": need, "target_date": target_date, "status": status}
    )
    objective = PlanObjective(plan=plan, **cleaned)
    objective.full_clean(exclude=["plan"])
    with pghistory.context(user=by.pk):
        objective.save()
    case_changed(plan.person_id)
    return objective


@transaction.atomic
def update_objective(objective: PlanObjective, *, by: User, **fields: Any) -> PlanObjective:
    """Change an objective of the current plan (progress its status, move its target date...)."""
    _check_can_change(by)
    objective = PlanObjective.objects.select_for_update().select_related("plan__person").get(pk=objective.pk)
    _check_current(objective.plan)
    cleaned = _clean(fields)
    changed = [name for name, value in cleaned.items() if getattr(objective, name) != value]
    if not changed:
        return objective
    for name in changed:
        setattr(objective, name, cleaned[name])
    objective.full_clean(exclude=["plan"])
    with pghistory.context(user=by.pk):
        objective.save(update_fields=changed)
    case_changed(objective.plan.person_id)
    return objective


@transaction.atomic
def record_agreement(plan: SentencePlan, *, by: User, agreed_on: date, person_comments: str = "") -> SentencePlan:
    """Record that the plan was agreed with the person, in their own words where they gave them."""
    _check_can_change(by)
    plan = SentencePlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    _check_current(plan)
    if plan.agreed_with_person_on is not None:
        raise ValidationError(f"This plan was already agreed on {plan.agreed_with_person_on:%-d %B %Y}")
    if not plan.objectives.exists():
        raise ValidationError("Add at least one objective before recording agreement")
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date the plan was agreed must be today or in the past"})
    if agreed_on < timezone.localtime(plan.created_at).date():
        message = f"The date the plan was agreed must be on or after {plan.created_at:%-d %B %Y}, when it was started"
        raise ValidationError({"agreed_on": message})
    plan.agreed_with_person_on = agreed_on
    plan.person_comments = person_comments.strip()
    with pghistory.context(user=by.pk):
        plan.save(update_fields=["agreed_with_person_on", "person_comments"])
    case_changed(plan.person_id)
    return plan
