"""Deterministic factories for the inspections app. Check definitions come from the migration
(one per kind), so factories look them up by kind."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from cases.models import Person
from inspections.models import CheckDefinition, Flag
from tests.cases.factories import PersonFactory, SentenceFactory, UserFactory
from tests.supervision.assessment_factories import complete
from tests.supervision.factories import ContactFactory, at


def definition(kind: str) -> CheckDefinition:
    return CheckDefinition.objects.get(kind=kind)


def supervised(days_in: int = 90, *, initial: bool = True, assessed: bool = True, **person: object) -> Person:
    """A case under active supervision: a community order that started `days_in` days ago, with its
    initial appointment (face to face, in the office) on the first day unless `initial=False`, and
    its initial assessment completed that day unless `assessed=False` (so a case raises only the
    flags a test gives it reasons for; its review falls due 26 weeks after the start)."""
    case = PersonFactory(**person)
    start = timezone.localdate() - timedelta(days=days_in)
    SentenceFactory(person=case, start_date=start, expected_end_date=start + timedelta(days=365))
    if initial:
        ContactFactory(person=case, type_code="COAI", starts_at=at(days_in))
    if assessed:
        complete(case, case.practitioner or UserFactory(), start, type="INITIAL")
    return case


class FlagFactory(factory.django.DjangoModelFactory[Flag]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Flag: ...  # type: ignore[misc]

    """An open flag; standard, key question and severity copied from the kind's definition."""

    class Meta:
        model = Flag

    person = factory.SubFactory(PersonFactory)
    kind = "FACE_TO_FACE_OVERDUE"
    severity = factory.LazyAttribute(lambda o: definition(o.kind).severity)
    standard = factory.LazyAttribute(lambda o: definition(o.kind).standard)
    key_question = factory.LazyAttribute(lambda o: definition(o.kind).key_question)
    due_by = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    evidence = factory.LazyFunction(dict)
