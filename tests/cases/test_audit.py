"""The audit trail: every change made through a page is recorded by database triggers
(django-pghistory) in the same transaction, with the acting user and the page in the context.
Case records can never be deleted, whatever code tries."""

from __future__ import annotations

from datetime import date, timedelta

import pghistory
import pytest
from django.apps import apps
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone
from pghistory.models import Events

from cases.models import Address, Allocation, Person, Registration, Sentence
from tests.cases.factories import AddressFactory, PersonFactory, RegistrationFactory, SentenceFactory
from tests.cases.pages import date_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PersonEvent = apps.get_model("cases", "PersonEvent")
AddressEvent = apps.get_model("cases", "AddressEvent")
RegistrationEvent = apps.get_model("cases", "RegistrationEvent")
AllocationEvent = apps.get_model("cases", "AllocationEvent")


def context_of(event) -> dict:
    assert event.pgh_context is not None, "the change was recorded without a context"
    return event.pgh_context.metadata


def personal_details(**changes: str) -> dict[str, str]:
    return {
        "first_name": "John",
        "last_name": "Smith",
        **date_fields("date_of_birth", date(1990, 5, 17)),
        "gender": "M",
        "language": "English",
        **changes,
    }


def test_a_change_of_personal_details_is_recorded_with_who_made_it_and_where(as_pat, pat, pats_case):
    as_pat.post("/people/X100001/personal-details/", personal_details(last_name="Smyth"))

    event = PersonEvent.objects.get(pgh_obj=pats_case, pgh_label="update")
    assert event.last_name == "Smyth"
    assert context_of(event)["user"] == pat.pk
    assert context_of(event)["url"] == "/people/X100001/personal-details/"


def test_the_trail_shows_the_value_before_and_after(as_pat, pats_case):
    as_pat.post("/people/X100001/personal-details/", personal_details(last_name="Smyth"))

    update = Events.objects.tracks(pats_case).get(pgh_label="update")
    assert update.pgh_diff["last_name"] == ["Smith", "Smyth"]


def test_a_change_of_address_records_the_new_address_and_the_ending_of_the_old(as_pat, pat, pats_case):
    old = AddressFactory(person=pats_case, start_date=date(2024, 1, 1))

    as_pat.post(
        "/people/X100001/address/",
        {"line1": "2 New Street", "postcode": "NE1 4XF", **date_fields("start_date", date(2025, 1, 1))},
    )

    ended = AddressEvent.objects.get(pgh_obj=old, pgh_label="update")
    added = AddressEvent.objects.get(line1="2 New Street", pgh_label="insert")
    assert (ended.status, ended.end_date) == ("PREVIOUS", date(2025, 1, 1))
    assert context_of(ended)["user"] == context_of(added)["user"] == pat.pk


def test_adding_reviewing_and_closing_a_registration_are_each_recorded(as_pat, pat, pats_case):
    as_pat.post(
        "/people/X100001/registrations/add/",
        {"registration_type": "ADVP", **date_fields("registered_on", TODAY - timedelta(days=5))},
    )
    registration = Registration.objects.get(person=pats_case)
    base = f"/people/X100001/registrations/{registration.pk}"
    as_pat.post(
        f"{base}/review/",
        {**date_fields("reviewed_on", TODAY), **date_fields("next_review_due", TODAY + timedelta(days=60))},
    )
    as_pat.post(f"{base}/close/", {**date_fields("on", TODAY), "reason": "No longer a risk"})

    events = list(
        RegistrationEvent.objects.filter(pgh_obj=registration).order_by("pgh_id").select_related("pgh_context")
    )
    assert [e.pgh_label for e in events] == ["insert", "update", "update"]
    assert events[1].review_due == TODAY + timedelta(days=60)
    assert events[2].deregistration_reason == "No longer a risk"
    assert {context_of(e)["user"] for e in events} == {pat.pk}


def test_an_allocation_records_the_new_allocation_the_ended_one_and_the_case(as_sam, sam, eve, pats_case):
    previous = Allocation.objects.get(person=pats_case)

    as_sam.post("/people/X100001/allocate/", {"practitioner": eve.pk, "rationale": "Capacity"})

    ended = AllocationEvent.objects.get(pgh_obj=previous, pgh_label="update")
    started = AllocationEvent.objects.get(pgh_label="insert", person=pats_case, practitioner=eve)
    moved = PersonEvent.objects.get(pgh_obj=pats_case, pgh_label="update")
    assert ended.ended_at is not None
    assert moved.practitioner_id == eve.pk
    assert {context_of(e)["user"] for e in (ended, started, moved)} == {sam.pk}


def test_a_refused_change_records_nothing(as_pat, as_rory, pats_case):
    before = Events.objects.tracks(pats_case).count()

    as_pat.post("/people/X100001/personal-details/", personal_details(first_name=""))
    as_rory.post("/people/X100001/personal-details/", personal_details(last_name="Changed"))

    assert Events.objects.tracks(pats_case).count() == before


def test_a_bulk_update_is_recorded_for_every_row(pat, pats_case):
    other = PersonFactory(practitioner=pat)

    with pghistory.context(user=pat.pk, reason="tier recalculation"):
        updated = Person.objects.filter(pk__in=[pats_case.pk, other.pk]).update(tier="A1")

    events = PersonEvent.objects.filter(pgh_label="update", tier="A1")
    assert updated == 2
    assert {e.pgh_obj_id for e in events} == {pats_case.pk, other.pk}
    assert all(context_of(e)["user"] == pat.pk for e in events)


def test_a_bulk_update_without_a_context_is_still_recorded(pats_case):
    Person.objects.filter(pk=pats_case.pk).update(rosh="HIGH")

    assert PersonEvent.objects.filter(pgh_obj=pats_case, pgh_label="update", rosh="HIGH").exists()


def test_an_update_that_changes_nothing_records_nothing(pats_case):
    before = PersonEvent.objects.count()

    Person.objects.filter(pk=pats_case.pk).update(tier=pats_case.tier)

    assert PersonEvent.objects.count() == before


# --- No deletes ------------------------------------------------------------------------------


# What a pgtrigger Protect trigger raises, depending on the database driver's mapping.
TRIGGER_REFUSALS = (IntegrityError, ProgrammingError, InternalError)


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except TRIGGER_REFUSALS:
        return True
    return False


def raw_delete(model, pk) -> None:
    with connection.cursor() as cursor:
        # The table name comes from our own model, never from input.
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE id = %s', [pk])  # noqa: S608


def test_the_database_refuses_to_delete_a_person(pats_case):
    assert refused(lambda: raw_delete(Person, pats_case.pk))
    assert Person.objects.filter(pk=pats_case.pk).exists()


def test_the_database_refuses_to_delete_a_registration(pats_case):
    registration = RegistrationFactory(person=pats_case)

    assert refused(lambda: Registration.objects.filter(pk=registration.pk).delete())
    assert refused(lambda: raw_delete(Registration, registration.pk))
    assert Registration.objects.filter(pk=registration.pk).exists()


@pytest.mark.parametrize("model", [Address, Sentence, Allocation])
def test_the_database_refuses_to_delete_other_case_records(pats_case, model):
    record = {
        Address: lambda: AddressFactory(person=pats_case),
        Sentence: lambda: SentenceFactory(person=pats_case),
    }.get(model, lambda: Allocation.objects.get(person=pats_case))()

    assert refused(lambda: raw_delete(model, record.pk))
    assert model.objects.filter(pk=record.pk).exists()


def test_the_refused_delete_is_an_error_not_a_silent_no_op(pats_case):
    registration = RegistrationFactory(person=pats_case)

    with pytest.raises(TRIGGER_REFUSALS, match="pgtrigger"), transaction.atomic():
        registration.delete()
