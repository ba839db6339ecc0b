"""Deterministic factories for the cases app."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import factory

from cases.models import (
    PDU,
    Address,
    Allocation,
    CaseAccessRule,
    Grade,
    Person,
    Region,
    Registration,
    RegistrationType,
    Requirement,
    Role,
    Sentence,
    Team,
    User,
)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Region: ...  # type: ignore[misc]

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class PDUFactory(factory.django.DjangoModelFactory[PDU]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> PDU: ...  # type: ignore[misc]

    class Meta:
        model = PDU
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PDU{n:03d}")
    name = factory.Sequence(lambda n: f"PDU {n}")
    region = factory.SubFactory(RegionFactory)


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Team: ...  # type: ignore[misc]

    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Team {n}")
    pdu = factory.SubFactory(PDUFactory)


class UserFactory(factory.django.DjangoModelFactory[User]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> User: ...  # type: ignore[misc]

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    email = factory.LazyAttribute(lambda o: f"{o.username}@justice.example")
    role = Role.PRACTITIONER
    grade = factory.LazyAttribute(lambda o: Grade.PO if o.role == Role.PRACTITIONER else "")
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password("correct-horse-battery-staple")


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Person: ...  # type: ignore[misc]

    class Meta:
        model = Person
        django_get_or_create = ("crn",)
        skip_postgeneration_save = True

    crn = factory.Sequence(lambda n: f"X{n + 100000:06d}")
    first_name = factory.Sequence(lambda n: f"Forename{n}")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = date(1990, 5, 17)
    gender = "M"
    rosh = "MEDIUM"
    tier = "C2"
    team = factory.LazyAttribute(lambda o: o.practitioner.team if o.practitioner else TeamFactory())
    practitioner = None

    @factory.post_generation
    def allocation(obj: Person, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Allocation.objects.create(person=obj, team=obj.team, practitioner=obj.practitioner, rationale="Case opened")


class AddressFactory(factory.django.DjangoModelFactory[Address]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Address: ...  # type: ignore[misc]

    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line1 = "1 Example Street"
    town = "Leeds"
    postcode = "LS1 1AA"
    start_date = date(2024, 1, 1)


class SentenceFactory(factory.django.DjangoModelFactory[Sentence]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Sentence: ...  # type: ignore[misc]

    class Meta:
        model = Sentence

    person = factory.SubFactory(PersonFactory)
    order_type = "CO"
    offence = "Theft from a shop"
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=90))
    expected_end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=365))


class RequirementFactory(factory.django.DjangoModelFactory[Requirement]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Requirement: ...  # type: ignore[misc]

    class Meta:
        model = Requirement

    sentence = factory.SubFactory(SentenceFactory)
    category = "RAR"
    length = 20
    unit = "DAYS"
    delivered = 5


def registration_type(code: str) -> RegistrationType:
    """The seeded reference type with this nDelius code (from the cases migrations)."""
    return RegistrationType.objects.get(code=code)


class RegistrationFactory(factory.django.DjangoModelFactory[Registration]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> Registration: ...  # type: ignore[misc]

    class Meta:
        model = Registration

    person = factory.SubFactory(PersonFactory)
    type = factory.LazyFunction(lambda: registration_type("RMDO"))
    registered_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    review_due = factory.LazyAttribute(lambda o: o.registered_on + timedelta(days=180))


class CaseAccessRuleFactory(factory.django.DjangoModelFactory[CaseAccessRule]):
    if TYPE_CHECKING:  # a call makes the model, not the factory

        def __new__(cls, *args: Any, **kwargs: Any) -> CaseAccessRule: ...  # type: ignore[misc]

    class Meta:
        model = CaseAccessRule

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    kind = "RESTRICTION"
    reason = "Staff member is known to the person"
