"""One meaning for "the sentence that governs a case (or a contact) on a day": the latest-starting
sentence in force that day (ties: the latest recorded). A sentence terminated since still governs
the days before its termination, so a backdated contact gets the same sentence through the form,
the CSV import and the booking of appointments."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Sentence, governing_sentence
from supervision.models import Contact
from tests.cases.factories import SentenceFactory
from tests.cases.pages import date_fields, problems
from tests.supervision.factories import contact_type

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def terminated_then_new(pats_case):
    """An order terminated ten days ago, and the new order that followed it."""
    old = SentenceFactory(
        person=pats_case,
        start_date=TODAY - timedelta(days=300),
        expected_end_date=TODAY + timedelta(days=300),
        terminated_on=TODAY - timedelta(days=10),
    )
    new = SentenceFactory(
        person=pats_case, start_date=TODAY - timedelta(days=9), expected_end_date=TODAY + timedelta(days=700)
    )
    return old, new


def test_a_day_before_the_termination_is_governed_by_the_terminated_sentence(pats_case, terminated_then_new):
    old, new = terminated_then_new
    people = Sentence.objects.filter(person=pats_case)
    assert people.governing(TODAY - timedelta(days=20)).first() == old
    assert people.governing(TODAY - timedelta(days=10)).first() is None  # terminated that day, new not started
    assert people.governing(TODAY).first() == new
    assert list(people.in_force(TODAY)) == [new]
    assert not old.is_active and new.is_active


def test_the_latest_to_start_governs_when_two_are_in_force(pats_case):
    SentenceFactory(
        person=pats_case, start_date=TODAY - timedelta(days=100), expected_end_date=TODAY + timedelta(days=9)
    )
    later = SentenceFactory(
        person=pats_case, start_date=TODAY - timedelta(days=50), expected_end_date=TODAY + timedelta(days=9)
    )
    assert Sentence.objects.filter(person=pats_case).governing().first() == later
    assert governing_sentence(list(pats_case.sentences.all()), TODAY) == later


def test_a_backdated_contact_gets_the_same_sentence_through_the_form_and_the_import(
    pats_case, terminated_then_new, as_pat, tmp_path: Path, django_capture_on_commit_callbacks
):
    old, _ = terminated_then_new
    day = TODAY - timedelta(days=20)
    response = as_pat.post(
        f"/people/{pats_case.crn}/contacts/new/",
        {
            "contact_type": str(contact_type("COPT").pk),
            **date_fields("date", day),
            "time": "10:00",
            "outcome": "ATTC",
            "notes": "Recorded late, from the paper diary.",
        },
    )
    assert response.status_code == 302, problems(response)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["crn", "contact_type", "happened_at", "outcome", "notes", "external_id"])
    writer.writerow([pats_case.crn, "COPT", f"{day.isoformat()}T14:00", "ATTC", "From the legacy log.", "L-1"])
    path = tmp_path / "contacts.csv"
    path.write_bytes(buffer.getvalue().encode())
    call_command("import_contacts", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    sentences = {contact.notes: contact.sentence_id for contact in Contact.objects.current().filter(person=pats_case)}
    assert sentences == {"Recorded late, from the paper diary.": old.pk, "From the legacy log.": old.pk}


def test_the_queryset_and_the_loaded_rows_agree_on_every_day(pats_case) -> None:
    """`Sentence.objects.governing(on).first()` and `governing_sentence(rows, on)` are one rule:
    overlapping orders, one terminated early, one terminated on its first day, a gap between them."""
    base = TODAY - timedelta(days=60)
    for start, length, terminated_after in [(0, 30, None), (10, 40, 15), (20, 5, 0), (45, 60, None), (45, 10, None)]:
        SentenceFactory(
            person=pats_case,
            start_date=base + timedelta(days=start),
            expected_end_date=base + timedelta(days=start + length),
            terminated_on=None if terminated_after is None else base + timedelta(days=start + terminated_after),
        )
    rows = list(Sentence.objects.filter(person=pats_case))
    for offset in range(-2, 120):
        on = base + timedelta(days=offset)
        assert Sentence.objects.filter(person=pats_case).governing(on).first() == governing_sentence(rows, on), on
        in_force = {row.pk for row in rows if row.in_force_on(on)}
        assert set(Sentence.objects.filter(person=pats_case).in_force(on).values_list("pk", flat=True)) == in_force
