"""Deterministic factories for supervision records. Reference data (contact types, outcomes,
policy version 1) comes from the migration, so factories look it up by code."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from supervision.models import Contact, ContactType, EnforcementAction, OutcomeType
from tests.cases.factories import PersonFactory


def contact_type(code: str) -> ContactType:
    return ContactType.objects.get(code=code)


def outcome(code: str) -> OutcomeType:
    return OutcomeType.objects.get(code=code)


def at(days_ago: float, hour: int = 10) -> datetime:
    """A time `days_ago` days before now, at a working hour (local time)."""
    moment = timezone.localtime() - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Contact: ...  # type: ignore[misc]

    """A current contact. Pass `type_code` / `outcome_code` for the reference data by code."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    class Params:
        type_code = "COAP"
        outcome_code: Any = "ATTC"

    id = factory.LazyFunction(uuid.uuid4)
    thread_id = factory.SelfAttribute("id")
    person = factory.SubFactory(PersonFactory)
    contact_type = factory.LazyAttribute(lambda o: contact_type(o.type_code))
    starts_at = factory.LazyFunction(lambda: at(1))
    outcome = factory.LazyAttribute(lambda o: outcome(o.outcome_code) if o.outcome_code else None)
    outcome_recorded_at = factory.LazyAttribute(lambda o: o.starts_at if o.outcome_code else None)
    staff = factory.LazyAttribute(lambda o: o.person.practitioner)
    created_by = factory.LazyAttribute(lambda o: o.person.practitioner)


class EnforcementActionFactory(factory.django.DjangoModelFactory[EnforcementAction]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> EnforcementAction: ...  # type: ignore[misc]

    class Meta:
        model = EnforcementAction

    person = factory.SubFactory(PersonFactory)
    sentence = factory.LazyAttribute(lambda o: o.person.sentences.first())
    kind = "WARNING_LETTER"
    decided_on = factory.LazyFunction(timezone.localdate)
    failure_date = factory.LazyAttribute(lambda o: o.decided_on)
    decided_by = factory.LazyAttribute(lambda o: o.person.practitioner)
    rationale = "Failed to attend without an acceptable reason."
