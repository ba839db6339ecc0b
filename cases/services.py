"""Writes to case records. Views, API views, commands and tasks call these; none saves a case
model itself. Each function is atomic and runs inside a pghistory context naming the acting user,
so the audit trail (written by database triggers) records who made the change."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pghistory
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.changes import case_changed
from cases.models import (
    CATEGORY_UNITS,
    AccessRuleKind,
    Address,
    AddressStatus,
    Allocation,
    CaseAccessRule,
    Person,
    Registration,
    RegistrationType,
    Requirement,
    RequirementCategory,
    RequirementUnit,
    Role,
    RoshLevel,
    RsrScore,
    RsrSource,
    Sentence,
    Team,
    User,
)

# Personal details a practitioner may edit through the service.
EDITABLE_PERSONAL_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "pnc_number",
    "gender",
    "ethnicity",
    "religion",
    "disability",
    "neurodivergence",
    "neurodivergence_details",
    "language",
    "interpreter_required",
    "phone",
    "email",
)


def _actor(by: User | None) -> dict[str, Any]:
    return {"user": by.pk if by else None}


@transaction.atomic
def update_personal_details(person: Person, *, by: User, **changes: Any) -> list[str]:
    """Apply `changes` to the person's personal details; return the names of fields that changed."""
    unknown = set(changes) - set(EDITABLE_PERSONAL_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(person, name, changes[name])
    person.full_clean(exclude=["team", "practitioner"])
    with pghistory.context(**_actor(by)):
        person.save(update_fields=[*changed, "updated_at"])
    case_changed(person.pk)
    return changed


@transaction.atomic
def change_main_address(
    person: Person,
    *,
    by: User | None,
    start_date: date,
    line1: str = "",
    line2: str = "",
    town: str = "",
    postcode: str = "",
    no_fixed_abode: bool = False,
    notes: str = "",
) -> Address:
    """Record a new main address from `start_date`; the current one becomes a previous address."""
    with pghistory.context(**_actor(by)):
        current = (
            Address.objects.select_for_update()
            .filter(person=person, status__in=[AddressStatus.MAIN, AddressStatus.NO_FIXED_ABODE], end_date=None)
            .first()
        )
        if current is not None:
            if start_date < current.start_date:
                raise ValidationError(
                    {"start_date": "The new address must start on or after the current address started"}
                )
            current.end_date = start_date
            current.status = AddressStatus.PREVIOUS
            current.save(update_fields=["end_date", "status"])
        address = Address(
            person=person,
            status=AddressStatus.NO_FIXED_ABODE if no_fixed_abode else AddressStatus.MAIN,
            line1="" if no_fixed_abode else line1,
            line2="" if no_fixed_abode else line2,
            town="" if no_fixed_abode else town,
            postcode="" if no_fixed_abode else postcode.upper(),
            start_date=start_date,
            notes=notes,
        )
        address.full_clean()
        address.save()
    case_changed(person.pk)
    return address


def default_review_due(registration_type: RegistrationType, registered_on: date) -> date:
    due: date = registered_on + relativedelta(months=registration_type.review_period_months)
    return due


def _check_mappa(registration_type: RegistrationType, category: int | None, level: int | None) -> None:
    if registration_type.is_mappa and (category is None or level is None):
        raise ValidationError({"mappa_category": "Enter the MAPPA category and level"})
    if not registration_type.is_mappa and (category is not None or level is not None):
        raise ValidationError({"mappa_category": "Only a MAPPA registration has a category and level"})


@transaction.atomic
def add_registration(
    person: Person,
    *,
    registration_type: RegistrationType,
    registered_on: date,
    by: User | None,
    review_due: date | None = None,
    mappa_category: int | None = None,
    mappa_level: int | None = None,
    notes: str = "",
) -> Registration:
    """Register a risk or need flag. One active registration of each type per person."""
    _check_mappa(registration_type, mappa_category, mappa_level)
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": "The registration date must be today or in the past"})
    if Registration.objects.active().filter(person=person, type=registration_type).exists():
        message = f"{person.full_name} already has an active {registration_type.description} registration"
        raise ValidationError({"registration_type": message})
    review_due = review_due or default_review_due(registration_type, registered_on)
    if review_due < registered_on:
        raise ValidationError({"review_due": "The review date must be on or after the registration date"})
    with pghistory.context(**_actor(by)):
        registration = Registration.objects.create(
            person=person,
            type=registration_type,
            registered_on=registered_on,
            review_due=review_due,
            mappa_category=mappa_category,
            mappa_level=mappa_level,
            notes=notes,
            registered_by=by,
        )
    case_changed(person.pk)
    return registration


@transaction.atomic
def review_registration(
    registration: Registration, *, reviewed_on: date, next_review_due: date, notes: str, by: User
) -> Registration:
    """Record that a registration was reviewed and is still needed, setting its next review date."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError("This registration has been closed and cannot be reviewed")
    if reviewed_on < registration.registered_on:
        raise ValidationError({"reviewed_on": "The review date must be on or after the registration date"})
    if next_review_due <= reviewed_on:
        raise ValidationError({"next_review_due": "The next review date must be after the review date"})
    registration.review_due = next_review_due
    if notes:
        stamp = f"Reviewed {reviewed_on:%d %b %Y} by {by}: {notes}"
        registration.notes = f"{registration.notes}\n{stamp}".strip()[-2000:]
    with pghistory.context(**_actor(by)):
        registration.save(update_fields=["review_due", "notes"])
    case_changed(registration.person_id)
    return registration


@transaction.atomic
def close_registration(registration: Registration, *, on: date, reason: str, by: User) -> Registration:
    """Deregister: the registration stays on record, closed with a date and a reason."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError("This registration is already closed")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the registration is being closed"})
    if on < registration.registered_on:
        raise ValidationError({"on": "The end date must be on or after the registration date"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The end date must be today or in the past"})
    registration.deregistered_on = on
    registration.deregistration_reason = reason.strip()
    registration.deregistered_by = by
    with pghistory.context(**_actor(by)):
        registration.save(update_fields=["deregistered_on", "deregistration_reason", "deregistered_by"])
    case_changed(registration.person_id)
    return registration


def _check_can_see(person: Person, practitioner: User) -> None:
    """A case must never be allocated to someone the access rules keep out of it."""
    rules = CaseAccessRule.objects.filter(person=person)
    if rules.filter(kind=AccessRuleKind.EXCLUSION, user=practitioner).exists():
        raise ValidationError({"practitioner": f"{practitioner} is excluded from this case"})
    restricted = rules.filter(kind=AccessRuleKind.RESTRICTION)
    if restricted.exists() and not restricted.filter(user=practitioner).exists():
        raise ValidationError(
            {"practitioner": f"This is a restricted case and {practitioner} is not on its access list"}
        )


@transaction.atomic
def allocate(person: Person, *, team: Team, practitioner: User | None, rationale: str, by: User | None) -> Allocation:
    """Make `practitioner` (or nobody: awaiting allocation) responsible for the case in `team`."""
    if practitioner is not None:
        if practitioner.role != Role.PRACTITIONER and practitioner.role != Role.SPO:
            raise ValidationError({"practitioner": "Cases can only be allocated to practitioners or SPOs"})
        if practitioner.team_id != team.pk:
            raise ValidationError({"practitioner": f"{practitioner} is not in {team}"})
        _check_can_see(person, practitioner)
    now = timezone.now()
    with pghistory.context(**_actor(by)):
        current = Allocation.objects.select_for_update().filter(person=person, ended_at=None).first()
        if (
            current
            and current.team_id == team.pk
            and current.practitioner_id == (practitioner.pk if practitioner else None)
        ):
            return current
        if current:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        allocation = Allocation.objects.create(
            person=person, team=team, practitioner=practitioner, rationale=rationale, allocated_by=by, started_at=now
        )
        Person.objects.filter(pk=person.pk).update(team=team, practitioner=practitioner, updated_at=now)
    person.team = team
    person.practitioner = practitioner
    return allocation


@transaction.atomic
def create_person(
    *, crn: str, team: Team, by: User | None, practitioner: User | None = None, rationale: str = "", **fields: Any
) -> Person:
    """Open a case: the person, and their first allocation (to a practitioner or awaiting one)."""
    person = Person(crn=crn.strip().upper(), team=team, practitioner=None, **fields)
    person.full_clean(exclude=["practitioner"])
    with pghistory.context(**_actor(by)):
        person.save()
        allocate(person, team=team, practitioner=practitioner, rationale=rationale or "Case opened", by=by)
    return person


@transaction.atomic
def add_sentence(
    person: Person,
    *,
    order_type: str,
    start_date: date,
    expected_end_date: date,
    by: User | None,
    is_hdc: bool = False,
    offence: str = "",
    court: str = "",
    sentence_date: date | None = None,
) -> Sentence:
    sentence = Sentence(
        person=person,
        order_type=order_type,
        is_hdc=is_hdc,
        start_date=start_date,
        expected_end_date=expected_end_date,
        offence=offence,
        court=court,
        sentence_date=sentence_date,
    )
    sentence.full_clean()
    with pghistory.context(**_actor(by)):
        sentence.save()
    case_changed(person.pk)
    return sentence


@transaction.atomic
def add_requirement(
    sentence: Sentence,
    *,
    category: str,
    by: User | None,
    length: int | None = None,
    delivered: int = 0,
    description: str = "",
    start_date: date | None = None,
) -> Requirement:
    unit = CATEGORY_UNITS.get(RequirementCategory(category), RequirementUnit.NONE) if length else ""
    requirement = Requirement(
        sentence=sentence,
        category=category,
        length=length,
        unit=unit,
        delivered=delivered,
        description=description,
        start_date=start_date or sentence.start_date,
    )
    requirement.full_clean()
    with pghistory.context(**_actor(by)):
        requirement.save()
    case_changed(sentence.person_id)
    return requirement


@transaction.atomic
def update_risk_summary(person: Person, *, rosh: str, by: User | None) -> bool:
    """Set the person's current RoSH (from a completed assessment); True when it changed."""
    if rosh not in RoshLevel.values:
        raise ValidationError({"rosh": "Select a RoSH level"})
    if person.rosh == rosh:
        return False
    person.rosh = rosh
    with pghistory.context(**_actor(by)):
        person.save(update_fields=["rosh", "updated_at"])
    case_changed(person.pk)
    return True


def _rsr(score: Decimal | str | float) -> Decimal:
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError({"score": "The RSR score must be a number, like 4 or 6.25"}) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({"score": "The RSR score must be between 0 and 100"})
    return value


@transaction.atomic
def record_rsr(
    person: Person, *, score: Decimal | str | float, calculated_on: date, source: str, by: User | None
) -> RsrScore:
    """Record an RSR score where it arrives (an assessment, a standalone calculation, an import). The
    tier takes the latest one on the case, so the change is announced (the tier listener runs)."""
    if by is not None and not by.can_change_cases:
        raise PermissionDenied("Your role cannot record RSR scores")
    if source not in RsrSource.values:
        raise ValueError(f"Unknown RSR source {source!r}")
    value = _rsr(score)
    if calculated_on > timezone.localdate():
        raise ValidationError({"calculated_on": "The date the RSR was calculated must be today or in the past"})
    with pghistory.context(**_actor(by)):
        rsr = RsrScore.objects.create(
            person=person, score=value, calculated_on=calculated_on, source=source, recorded_by=by
        )
    case_changed(person.pk)
    return rsr


_TIER = re.compile(r"^[A-D][0-3]S?$")


@transaction.atomic
def set_tier(person: Person, *, tier: str, by: User | None) -> bool:
    """Record the case's current tier (worked out by supervision.services.tier); True if it changed.
    Tier drives policy selection and workload, so a change is announced to the listeners."""
    if not _TIER.fullmatch(tier):
        raise ValidationError({"tier": "A tier is a letter A to D, a digit 0 to 3 and an optional S"})
    current = Person.objects.select_for_update().values_list("tier", flat=True).get(pk=person.pk)
    if current == tier:
        person.tier = tier
        return False
    with pghistory.context(**_actor(by)):
        Person.objects.filter(pk=person.pk).update(tier=tier, updated_at=timezone.now())
    person.tier = tier
    case_changed(person.pk)
    return True
