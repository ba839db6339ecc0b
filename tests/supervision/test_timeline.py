"""The person's timeline: one chronological list of everything recorded on the case, from every
source, newest first, filtered by kind, paginated, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Registration
from supervision.models import (
    Assessment,
    Contact,
    HomeVisitRiskAssessment,
    InformationRequest,
    SentencePlan,
)
from supervision.queries.timeline import PAGE_SIZE, EventKind, timeline
from supervision.services import approvals, oversight, reset
from tests.cases.factories import RegistrationFactory, SentenceFactory, registration_type
from tests.supervision.factories import ContactFactory, EnforcementActionFactory, at


def today():
    """Today, asked each time: a run that crosses midnight must not compare against yesterday."""
    return timezone.localdate()


URL = "/people/X100001/timeline/"


@pytest.fixture
def order(pats_case):
    return SentenceFactory(person=pats_case)


def correct(contact: Contact) -> Contact:
    """A corrected contact: version 2 supersedes version 1 (as the contacts service does)."""
    Contact.objects.filter(pk=contact.pk).update(superseded_at=timezone.now())
    return ContactFactory(
        person=contact.person,
        thread_id=contact.thread_id,
        version=2,
        supersedes=contact,
        correction_reason="Wrong outcome",
        starts_at=contact.starts_at,
    )


def everything(person, order, pat, sam, eve) -> None:
    """One of each kind of event on the case."""
    correct(ContactFactory(person=person, starts_at=at(3)))
    assessment = Assessment.objects.create(person=person, type="INITIAL", author=eve, rosh_overall="HIGH")
    Assessment.objects.filter(pk=assessment.pk).update(status="AWAITING_COUNTERSIGNATURE", completed_on=today())
    Assessment.objects.filter(pk=assessment.pk).update(status="DRAFT", returned_reason="Say more about children.")
    Assessment.objects.filter(pk=assessment.pk).update(status="AWAITING_COUNTERSIGNATURE")
    Assessment.objects.filter(pk=assessment.pk).update(
        status="COMPLETE", countersigned_by=sam, countersigned_at=timezone.now(), countersignature_required=True
    )
    plan = SentencePlan.objects.create(person=person, assessment=assessment, created_by=pat)
    SentencePlan.objects.filter(pk=plan.pk).update(agreed_with_person_on=today())
    info = InformationRequest.objects.create(
        person=person, source="POLICE_DA", agency="Northumbria Police", requested_on=today(), requested_by=pat
    )
    InformationRequest.objects.filter(pk=info.pk).update(times_chased=1, last_chased_on=today())
    InformationRequest.objects.filter(pk=info.pk).update(received_on=today(), summary="Two call-outs in 2024.")
    InformationRequest.objects.filter(pk=info.pk).update(used_in_assessment=assessment, how_used="Raised RoSH.")
    HomeVisitRiskAssessment.objects.create(
        person=person, planned_for=today(), address="1 High St", risks="Dog", controls="Pairs", assessed_by=pat
    )
    record = oversight.record_oversight(
        person, type="CASE_REVIEW", rationale="Reviewed.", follow_up_due=today(), by=sam
    )
    oversight.acknowledge_oversight(record, by=pat)
    oversight.complete_follow_up(record, by=pat, notes="Done.")
    EnforcementActionFactory(person=person, sentence=order, concluded_on=None)
    reset.decide_reset(person, order, by=sam, state="EXEMPT", reason="Child protection.")
    request = approvals.request_approval(person, kind="REMOTE_CONTACT", reason="Shifts.", by=pat)
    approvals.decide_approval(request, by=sam, approve=False, reason="Not now.")
    registration = RegistrationFactory(person=person, type=registration_type("RMDO"), registered_by=pat)
    Registration.objects.filter(pk=registration.pk).update(review_due=today() + timedelta(days=90))
    Registration.objects.filter(pk=registration.pk).update(
        deregistered_on=today(), deregistration_reason="No longer needed", deregistered_by=pat
    )


EXPECTED = [
    "Office appointment",  # the contact type of the factory default (COAP)
    "Initial assessment started",
    "Initial assessment submitted for countersignature",
    "Initial assessment returned for changes",
    "Initial assessment countersigned",
    "Sentence plan created",
    "Sentence plan agreed with the person on",
    "Information requested (Police: domestic abuse call-outs, Northumbria Police)",
    "Information request chased",
    "Information received",
    "Information used in the assessment",
    "Home visit risk assessment for a visit on",
    "Case review oversight recorded",
    "Case review oversight acknowledged",
    "Follow-up done on case review oversight",
    "Warning letter",
    "Probation Reset overridden",
    "Approval requested: Remote contact replacing face-to-face contact",
    "Not approved: Remote contact replacing face-to-face contact",
    "Registered:",
    "Registration reviewed:",
    "Registration closed:",
    "Allocated to Pat Practitioner",
]


def whats(page) -> list[str]:
    return [entry.what for entry in page.entries]


def test_every_kind_of_event_appears(pats_case, order, pat, sam, eve):
    everything(pats_case, order, pat, sam, eve)

    found = whats(timeline(pats_case))

    for expected in EXPECTED:
        assert any(what.startswith(expected) for what in found), (expected, found)
    kinds = {entry.kind for entry in timeline(pats_case).entries}
    assert kinds == {value for value, _ in EventKind.choices}


def test_entries_say_who_and_link_somewhere(pats_case, order, pat, sam, eve):
    everything(pats_case, order, pat, sam, eve)
    entries = {entry.what: entry for entry in timeline(pats_case).entries}

    assert entries["Case review oversight recorded"].who == "Sam Senior"
    assert entries["Case review oversight acknowledged"].who == "Pat Practitioner"
    assert entries["Initial assessment started"].who == "Eve Excluded"
    assert entries["Initial assessment countersigned"].who == "Sam Senior"
    assert entries["Not approved: Remote contact replacing face-to-face contact"].detail == "Not now."
    assert all(entry.href for entry in entries.values())


def test_a_corrected_contact_appears_once_marked_corrected(pats_case, order, pat):
    correct(ContactFactory(person=pats_case, starts_at=at(3)))
    contacts = [entry for entry in timeline(pats_case, kind=EventKind.CONTACT).entries]
    assert len(contacts) == 1
    assert contacts[0].tag == "Corrected"


def test_future_appointments_are_not_on_the_timeline(pats_case, order):
    ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None)
    assert timeline(pats_case, kind=EventKind.CONTACT).entries == []


def test_the_timeline_is_newest_first_across_sources(pats_case, order, pat, sam):
    for days in (5, 1, 9):
        ContactFactory(person=pats_case, starts_at=at(days))
    oversight.record_oversight(pats_case, type="ALLOCATION", rationale="Fine.", by=sam)

    entries = timeline(pats_case).entries

    assert [entry.when for entry in entries] == sorted((entry.when for entry in entries), reverse=True)
    assert entries[0].kind == EventKind.OVERSIGHT  # recorded now, after every past contact
    assert entries[-1].kind == EventKind.ALLOCATION or entries[-1].when <= at(9)


def test_it_filters_by_kind(pats_case, order, pat, sam, eve):
    everything(pats_case, order, pat, sam, eve)
    page = timeline(pats_case, kind=EventKind.OVERSIGHT)
    assert {entry.kind for entry in page.entries} == {EventKind.OVERSIGHT}
    assert len(page.entries) == 3
    assert timeline(pats_case, kind="nonsense").kind == ""


def test_it_pages_fifty_at_a_time(pats_case, order):
    for n in range(PAGE_SIZE + 5):
        ContactFactory(person=pats_case, starts_at=at(1 + n / 24))

    first, second = timeline(pats_case, page=1), timeline(pats_case, page=2)

    assert len(first.entries) == PAGE_SIZE and first.has_next and not first.has_previous
    assert len(second.entries) == 6 and not second.has_next and second.has_previous  # 5 contacts + allocation
    assert not {id(e) for e in first.entries} & {id(e) for e in second.entries}
    assert first.entries[-1].when >= second.entries[0].when


# --- The page ------------------------------------------------------------------------------------


def test_the_page_lists_events_with_links(as_pat, pats_case, order, pat, sam, eve):
    everything(pats_case, order, pat, sam, eve)
    content = as_pat.get(URL).content.decode()
    assert "Case review oversight recorded" in content
    assert "Corrected" in content
    assert 'href="/people/X100001/oversight/#oversight-' in content


def test_the_oversight_tab_links_to_the_timeline(as_pat, pats_case):
    assert 'href="/people/X100001/timeline/"' in as_pat.get("/people/X100001/oversight/").content.decode()


def test_read_only_users_in_the_region_can_read_it(as_rory, pats_case):
    assert as_rory.get(URL).status_code == 200


def test_another_region_gets_not_found(as_olga, pats_case):
    assert as_olga.get(URL).status_code == 404


def test_it_refuses_a_post(as_pat, pats_case):
    assert as_pat.post(URL).status_code == 405


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999999999", "?kind=%00", "?page=2&kind=oversight"])
def test_odd_query_strings_still_show_a_page(as_pat, pats_case, query):
    assert as_pat.get(URL + query).status_code == 200


def test_the_page_takes_a_fixed_number_of_queries(
    as_pat, pats_case, order, pat, sam, eve, django_assert_max_num_queries
):
    everything(pats_case, order, pat, sam, eve)
    with CaptureQueriesContext(connection) as captured:
        assert as_pat.get(URL).status_code == 200
    for days in range(2, 40):
        ContactFactory(person=pats_case, starts_at=at(days))
        oversight.record_oversight(pats_case, type="CASE_REVIEW", rationale="Again.", by=sam)
    with django_assert_max_num_queries(len(captured)):
        assert as_pat.get(URL).status_code == 200
    assert len(captured) <= 25, len(captured)
