"""The contacts step of the synthetic national dataset, at a tiny scale (50 people)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from devtools.national_dataset import STEPS
from devtools.national_dataset.contacts import CONTACT, FUTURE_DAYS, HISTORY_DAYS, _prefix
from devtools.national_dataset.people import make_uuid
from supervision.models import Contact

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 2)
PEOPLE = 50


def generate() -> list[tuple]:
    call_command(
        "generate_national_dataset", "--people", str(PEOPLE), "--as-of", AS_OF.isoformat(), stdout=io.StringIO()
    )
    return list(
        Contact.objects.order_by("id").values_list("id", "person_id", "contact_type__code", "starts_at", "outcome_id")
    )


@pytest.fixture
def contacts() -> list[Contact]:
    generate()
    return list(Contact.objects.select_related("contact_type", "outcome"))


def test_the_contacts_step_is_registered_after_the_people_it_refers_to():
    labels = [label for label, _, _ in STEPS]

    assert labels.index("contacts") > labels.index("people")


def test_it_writes_about_forty_contacts_a_person(contacts):
    assert 30 * PEOPLE <= len(contacts) <= 50 * PEOPLE


def test_every_contact_is_the_first_version_of_its_own_thread(contacts):
    assert all(c.thread_id == c.id and c.version == 1 and c.superseded_at is None for c in contacts)
    assert str(make_uuid(CONTACT, 255)) == f"{_prefix(CONTACT)}{255:012x}"


def test_contacts_span_eighteen_months_and_the_next_four_weeks(contacts):
    days = [c.starts_at.date() for c in contacts]

    assert min(days) >= AS_OF - timedelta(days=HISTORY_DAYS)
    assert max(days) <= AS_OF + timedelta(days=FUTURE_DAYS + 2)  # a weekend moved to the Monday
    assert all(day.weekday() < 5 for day in days)


def test_future_appointments_have_no_outcome_and_most_past_ones_are_attended(contacts):
    future = [c for c in contacts if c.starts_at.date() > AS_OF]
    past = [c for c in contacts if c.starts_at.date() < AS_OF - timedelta(days=7)]
    outcomes = Counter(c.outcome.code for c in past if c.outcome)

    assert future and all(c.outcome is None for c in future)
    assert all(c.outcome is not None for c in past)
    assert outcomes["ATTC"] / len(past) > 0.75
    assert outcomes["AFTA"] + outcomes["UAAB"] > 0
    assert all(c.outcome_recorded_at is not None for c in past)


def test_the_mix_is_mostly_face_to_face_with_some_telephone_heavy_cases(contacts):
    types = Counter(c.contact_type.code for c in contacts)
    by_person: dict[object, Counter[bool]] = {}
    for c in contacts:
        by_person.setdefault(c.person_id, Counter[bool]())[c.contact_type.is_face_to_face] += 1
    telephone_heavy = [p for p, kinds in by_person.items() if kinds[False] > 2 * kinds[True]]

    assert types["COAP"] > types["COPT"] > 0 and types["COOO"] > 0
    assert 0 < len(telephone_heavy) < len(by_person) / 2


def test_the_same_seed_and_date_give_the_same_contacts():
    with transaction.atomic():
        first = generate()
        transaction.set_rollback(True)

    assert generate() == first
