"""The contacts tab, recording a contact, recording an outcome, corrections and their history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from supervision.models import Contact
from tests.cases.factories import RegistrationFactory, RequirementFactory, SentenceFactory, registration_type
from tests.cases.pages import assert_problem, date_fields, is_fragment
from tests.supervision.factories import ContactFactory, at, contact_type, outcome

pytestmark = pytest.mark.django_db

ContactEvent = apps.get_model("supervision", "ContactEvent")


def tab_url(person) -> str:
    return reverse("supervision:contacts", args=[person.crn])


def new_url(person) -> str:
    return reverse("supervision:record_contact", args=[person.crn])


def contact_data(when=None, **overrides: str) -> dict[str, str]:
    when = timezone.localtime(when or at(1))
    data = {
        "contact_type": str(contact_type("COAP").pk),
        **date_fields("date", when.date()),
        "time": f"{when:%H:%M}",
        "outcome": "ATTC",
        "location": "Gateshead office",
        "notes": "Discussed employment.",
    }
    data.update(overrides)
    return data


# --- The contacts tab ---------------------------------------------------------------------------


def test_the_tab_lists_current_contacts_newest_first_with_counts(as_pat, pats_case):
    ContactFactory(person=pats_case, starts_at=at(10), notes="Older contact")
    ContactFactory(person=pats_case, starts_at=at(2), type_code="COPT", notes="Newer phone call")
    ContactFactory(person=pats_case, starts_at=at(60), notes="Two months ago")
    response = as_pat.get(tab_url(pats_case))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Newer phone call") < content.index("Older contact") < content.index("Two months ago")
    counts = response.context["counts"]
    assert (counts.face_to_face_6_weeks, counts.remote_6_weeks) == (1, 1)
    assert (counts.face_to_face_3_months, counts.remote_3_months) == (2, 1)
    assert "Record a contact" in content


def test_the_tab_shows_upcoming_appointments_with_actions(as_pat, pats_case):
    booked = ContactFactory(person=pats_case, starts_at=at(-3), outcome_code=None)
    content = as_pat.get(tab_url(pats_case)).content.decode()
    assert reverse("supervision:record_outcome", args=[pats_case.crn, booked.thread_id]) in content
    assert reverse("supervision:reschedule_appointment", args=[pats_case.crn, booked.thread_id]) in content


def test_sensitive_notes_are_hidden_behind_a_warning(as_pat, pats_case):
    ContactFactory(person=pats_case, notes="Private disclosure", is_sensitive=True)
    content = as_pat.get(tab_url(pats_case)).content.decode()
    details = content.index('<details class="govuk-details">')
    assert details < content.index("These notes are sensitive") < content.index("Private disclosure")


def test_the_tab_filters_by_type_mode_outcome_dates_and_keyword(as_pat, pats_case):
    ContactFactory(person=pats_case, starts_at=at(5), notes="office visit about housing")
    ContactFactory(person=pats_case, starts_at=at(3), type_code="COPT", outcome_code="UAAB", notes="phone")
    ContactFactory(person=pats_case, starts_at=at(40), notes="old housing chat")

    def count(**params: str) -> int:
        return as_pat.get(tab_url(pats_case), params).context["page"].paginator.count

    assert count(contact_type="COPT") == 1
    assert count(mode="F2F") == 2
    assert count(mode="REMOTE") == 1
    assert count(outcome="UAAB") == 1
    assert count(keyword="HOUSING") == 2
    since = timezone.localdate() - timedelta(days=10)
    assert count(**date_fields("date_from", since)) == 2
    assert count(**date_fields("date_to", since)) == 1


def test_a_bad_filter_is_reported_and_the_others_still_apply(as_pat, pats_case):
    ContactFactory(person=pats_case, type_code="COPT")
    ContactFactory(person=pats_case)
    response = as_pat.get(tab_url(pats_case), {"mode": "BOGUS", "contact_type": "COPT"})
    assert "Select face to face or remote" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_htmx_gets_only_the_results(as_pat, pats_case):
    ContactFactory(person=pats_case)
    response = as_pat.get(tab_url(pats_case), {"mode": "F2F"}, headers={"HX-Request": "true"})
    assert is_fragment(response)


def test_a_corrected_contact_links_to_its_history(as_pat, pats_case, pat):
    from supervision.services.contacts import correct_contact

    original = ContactFactory(person=pats_case, location="Office")
    correct_contact(original, by=pat, reason="Wrong notes", notes="Right notes")
    content = as_pat.get(tab_url(pats_case)).content.decode()
    assert "Corrected (version 2)" in content
    assert reverse("supervision:contact_history", args=[pats_case.crn, original.thread_id]) in content
    assert content.count("Right notes") == 1


def test_the_tab_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    for days in range(60):
        ContactFactory(person=pats_case, starts_at=at(days + 1), outcome_code="ATTC" if days % 3 else "UAAB")
    for days in range(3):
        ContactFactory(person=pats_case, starts_at=at(-days - 1), outcome_code=None)
    # Sign-in and session (7 with the sliding expiry) + the page's own 8, whatever the number of contacts.
    with django_assert_max_num_queries(16):
        response = as_pat.get(tab_url(pats_case))
    assert len(response.context["page"].object_list) == 25


def test_someone_in_another_region_cannot_see_the_tab(as_olga, pats_case):
    assert as_olga.get(tab_url(pats_case)).status_code == 404


def test_read_only_staff_see_the_tab_without_actions(as_rory, pats_case):
    booked = ContactFactory(person=pats_case, starts_at=at(-2), outcome_code=None)
    response = as_rory.get(tab_url(pats_case))
    assert response.status_code == 200
    assert "Record a contact" not in response.content.decode()
    assert reverse("supervision:reschedule_appointment", args=[pats_case.crn, booked.thread_id]) not in (
        response.content.decode()
    )


# --- Recording a contact ------------------------------------------------------------------------


def test_a_practitioner_records_a_contact(as_pat, pats_case, pat):
    sentence = SentenceFactory(person=pats_case)
    response = as_pat.post(new_url(pats_case), contact_data())
    assert response.status_code == 302
    assert response.url == tab_url(pats_case)
    contact = Contact.objects.get(person=pats_case)
    assert contact.thread_id == contact.id
    assert contact.outcome.code == "ATTC"
    assert contact.outcome_recorded_by == pat
    assert contact.staff == pat and contact.created_by == pat
    assert contact.sentence == sentence
    assert contact.is_sensitive is False
    assert ContactEvent.objects.filter(pgh_obj_id=contact.pk, pgh_label="insert").exists()
    assert "Contact recorded" in as_pat.get(response.url).content.decode()


def test_the_spo_can_record_a_contact(as_sam, pats_case):
    assert as_sam.post(new_url(pats_case), contact_data()).status_code == 302


def test_the_form_asks_about_em_and_safeguarding_only_when_relevant(as_pat, pats_case):
    assert "Was electronic monitoring discussed?" not in as_pat.get(new_url(pats_case)).content.decode()
    RequirementFactory(sentence=SentenceFactory(person=pats_case), category="EM", length=6, unit="MONTHS", delivered=1)
    RegistrationFactory(person=pats_case, type=registration_type("ADVP"))
    content = as_pat.get(new_url(pats_case)).content.decode()
    assert "Was electronic monitoring discussed?" in content
    assert "Were safeguarding concerns discussed?" in content
    assert_problem(as_pat.post(new_url(pats_case), contact_data()), "Select yes if electronic monitoring was discussed")
    as_pat.post(new_url(pats_case), contact_data(em_discussed="yes", safeguarding_discussed="no"))
    contact = Contact.objects.get(person=pats_case)
    assert (contact.em_discussed, contact.safeguarding_discussed) == (True, False)


def test_it_refuses_notes_longer_than_12000_characters(as_pat, pats_case):
    response = as_pat.post(new_url(pats_case), contact_data(notes="x" * 12_001))
    assert_problem(response, "Notes must be 12,000 characters or fewer")
    assert not Contact.objects.exists()


def test_notes_of_exactly_12000_characters_are_accepted(as_pat, pats_case):
    assert as_pat.post(new_url(pats_case), contact_data(notes="x" * 12_000)).status_code == 302


def test_it_refuses_attended_on_a_future_contact(as_pat, pats_case):
    response = as_pat.post(new_url(pats_case), contact_data(when=at(-2)))
    assert_problem(
        response,
        "Attended - complied cannot be recorded before the contact has happened. "
        "A future appointment can only be rescheduled or marked as an acceptable absence",
    )
    assert not Contact.objects.exists()


def test_it_refuses_sent_home_on_a_remote_contact(as_pat, pats_case):
    data = contact_data(contact_type=str(contact_type("COVC").pk), outcome="ATSH", location="")
    assert_problem(
        as_pat.post(new_url(pats_case), data),
        "A remote contact (video call) cannot have the outcome Attended - sent home (behaviour)",
    )
    assert not Contact.objects.exists()


def test_it_asks_for_an_outcome_and_a_location(as_pat, pats_case):
    response = as_pat.post(new_url(pats_case), contact_data(outcome="", location=""))
    assert_problem(response, "Select the outcome of the contact")
    response = as_pat.post(new_url(pats_case), contact_data(location=""))
    assert_problem(response, "Enter where the office appointment took place")
    # Nobody came, so there is no place to record.
    assert as_pat.post(new_url(pats_case), contact_data(outcome="UAAB", location="")).status_code == 302


def test_it_sends_future_contacts_to_booking(as_pat, pats_case):
    response = as_pat.post(new_url(pats_case), contact_data(when=at(-2), outcome=""))
    assert_problem(response, "The contact is in the future. To arrange a contact, book an appointment")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_type": ""}, "Select the type of contact"),
        ({"contact_type": "999999"}, "Select a type of contact"),
        ({"time": "25:99"}, "Enter a real time, for example 9:30am or 14:15"),
        ({"time": ""}, "Enter the time of the contact"),
        ({"outcome": "NOPE"}, "Select an outcome from the list"),
        ({"date_month": "13"}, "The date must be a real date"),
    ],
)
def test_it_refuses_bad_input(as_pat, pats_case, overrides, message):
    assert_problem(as_pat.post(new_url(pats_case), contact_data(**overrides)), message)
    assert not Contact.objects.exists()


def test_an_email_needs_no_outcome(as_pat, pats_case):
    data = contact_data(contact_type=str(contact_type("EMTX").pk), outcome="", location="")
    assert as_pat.post(new_url(pats_case), data).status_code == 302
    assert Contact.objects.get().outcome is None


def test_recording_a_contact_uses_few_queries(as_pat, pats_case, django_assert_max_num_queries):
    data = contact_data()
    # Sign-in and session (7 with the sliding expiry), the case, the form's choices, the prompts,
    # the sentence and the insert: no query depends on the size of the case or of the service.
    with django_assert_max_num_queries(15):
        response = as_pat.post(new_url(pats_case), data)
    assert response.status_code == 302


def test_the_form_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        assert as_pat.get(new_url(pats_case)).status_code == 200


def test_the_outcome_options_follow_the_type_and_time(as_pat, pats_case):
    url = reverse("supervision:outcome_options", args=[pats_case.crn])
    future = contact_data(when=at(-2))
    response = as_pat.get(url, future, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert 'value="RSOF"' in content and 'value="ATTC"' not in content
    remote = contact_data(contact_type=str(contact_type("COVC").pk))
    content = as_pat.get(url, remote).content.decode()
    assert 'value="ATTC"' in content and 'value="ATSH"' not in content


def test_read_only_staff_cannot_record_contacts(as_rory, pats_case):
    assert as_rory.get(new_url(pats_case)).status_code == 403
    assert as_rory.post(new_url(pats_case), contact_data()).status_code == 403
    assert not Contact.objects.exists()


def test_an_administrator_cannot_record_contacts(as_ada, pats_case, settings):
    settings.CASE_VISIBILITY_SCOPE = "national"
    assert as_ada.get(new_url(pats_case)).status_code == 403


def test_someone_in_another_region_cannot_record_contacts(as_olga, pats_case):
    assert as_olga.get(new_url(pats_case)).status_code == 404
    assert as_olga.post(new_url(pats_case), contact_data()).status_code == 404


# --- Recording an outcome -----------------------------------------------------------------------


def outcome_url(contact) -> str:
    return reverse("supervision:record_outcome", args=[contact.person.crn, contact.thread_id])


def test_a_practitioner_records_the_outcome_of_an_appointment(as_pat, pats_case, pat):
    booked = ContactFactory(person=pats_case, starts_at=at(1), outcome_code=None)
    response = as_pat.post(outcome_url(booked), {"outcome": "AFTA", "notes": "Did not come"})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.outcome.code == "AFTA" and booked.outcome_recorded_by == pat
    assert booked.notes == "Did not come"
    assert booked.version == 1


def test_it_refuses_attended_for_a_future_appointment(as_pat, pats_case):
    booked = ContactFactory(person=pats_case, starts_at=at(-5), outcome_code=None)
    page = as_pat.get(outcome_url(booked)).content.decode()
    assert 'value="ATTC"' not in page and 'value="AAME"' in page
    response = as_pat.post(outcome_url(booked), {"outcome": "ATTC"})
    assert_problem(
        response,
        "Attended - complied cannot be recorded before the contact has happened. "
        "A future appointment can only be rescheduled or marked as an acceptable absence",
    )
    booked.refresh_from_db()
    assert booked.outcome is None


def test_it_refuses_sent_home_for_a_remote_appointment(as_pat, pats_case):
    booked = ContactFactory(person=pats_case, type_code="COPT", starts_at=at(1), outcome_code=None)
    assert_problem(
        as_pat.post(outcome_url(booked), {"outcome": "ATSH"}),
        "A remote contact (planned telephone contact) cannot have the outcome Attended - sent home (behaviour)",
    )


def test_it_asks_for_an_outcome(as_pat, pats_case):
    booked = ContactFactory(person=pats_case, starts_at=at(1), outcome_code=None)
    assert_problem(as_pat.post(outcome_url(booked), {"outcome": ""}), "Select the outcome")


def test_a_recorded_outcome_is_changed_by_correction_not_again(as_pat, pats_case, pat):
    from supervision.services.contacts import record_outcome

    done = ContactFactory(person=pats_case, starts_at=at(1))
    response = as_pat.get(outcome_url(done))
    assert response.status_code == 302
    assert response.url == reverse("supervision:correct_contact", args=[pats_case.crn, done.thread_id])
    with pytest.raises(Exception, match="already been recorded"):
        record_outcome(done, outcome=outcome("UAAB"), by=pat)


def test_read_only_staff_cannot_record_outcomes(as_rory, as_olga, pats_case):
    booked = ContactFactory(person=pats_case, starts_at=at(1), outcome_code=None)
    assert as_rory.post(outcome_url(booked), {"outcome": "ATTC"}).status_code == 403
    assert as_olga.get(outcome_url(booked)).status_code == 404


def test_the_outcome_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    booked = ContactFactory(person=pats_case, starts_at=at(1), outcome_code=None)
    with django_assert_max_num_queries(12):
        assert as_pat.get(outcome_url(booked)).status_code == 200


# --- Corrections and history ----------------------------------------------------------------------


def correct_url(contact) -> str:
    return reverse("supervision:correct_contact", args=[contact.person.crn, contact.thread_id])


def correction_data(contact, **overrides: str) -> dict[str, str]:
    return {**contact_data(contact.starts_at, notes=contact.notes), "reason": "Typed the wrong outcome", **overrides}


def test_a_correction_keeps_the_original(as_pat, pats_case, pat):
    original = ContactFactory(person=pats_case, starts_at=at(2), notes="First account", location="Office")
    before = {f.attname: getattr(original, f.attname) for f in Contact._meta.concrete_fields}
    response = as_pat.post(correct_url(original), correction_data(original, outcome="AFTC", notes="Corrected account"))
    assert response.status_code == 302

    versions = list(Contact.objects.filter(thread_id=original.thread_id).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    old, new = versions
    after = {f.attname: getattr(old, f.attname) for f in Contact._meta.concrete_fields}
    assert {k: v for k, v in after.items() if k != "superseded_at"} == {
        k: v for k, v in before.items() if k != "superseded_at"
    }
    assert old.superseded_at is not None and new.superseded_at is None
    assert new.supersedes == old and new.correction_reason == "Typed the wrong outcome"
    assert new.outcome.code == "AFTC" and new.notes == "Corrected account" and new.created_by == pat
    assert Contact.objects.current().get(thread_id=original.thread_id) == new
    assert ContactEvent.objects.filter(pgh_obj_id=old.pk, pgh_label="update").exists()
    assert ContactEvent.objects.filter(pgh_obj_id=new.pk, pgh_label="insert").exists()


def test_a_correction_needs_a_reason_and_a_change(as_pat, pats_case):
    original = ContactFactory(person=pats_case, starts_at=at(2), location="Gateshead office", notes="Notes")
    assert_problem(
        as_pat.post(correct_url(original), correction_data(original, reason="")),
        "Enter why the contact is being corrected",
    )
    assert_problem(
        as_pat.post(correct_url(original), correction_data(original)),
        "Nothing has been changed. Change the details that were wrong, or cancel",
    )
    assert Contact.objects.count() == 1


def test_a_superseded_version_cannot_be_corrected(pats_case, pat):
    from django.core.exceptions import ValidationError

    from supervision.services.contacts import correct_contact

    original = ContactFactory(person=pats_case)
    correct_contact(original, by=pat, reason="Typo", notes="Fixed")
    with pytest.raises(ValidationError, match="not the latest version"):
        correct_contact(original, by=pat, reason="Again", notes="Fixed again")


def test_the_correction_form_is_pre_filled(as_pat, pats_case):
    original = ContactFactory(person=pats_case, starts_at=at(2), notes="What happened", location="Office")
    content = as_pat.get(correct_url(original)).content.decode()
    assert "What happened</textarea>" in content
    assert 'value="ATTC" checked' in content


def test_the_history_shows_every_version_with_reasons(as_pat, as_rory, as_olga, pats_case, pat):
    from supervision.services.contacts import correct_contact

    original = ContactFactory(person=pats_case, notes="v1 notes")
    second = correct_contact(original, by=pat, reason="Wrong notes", notes="v2 notes")
    correct_contact(second, by=pat, reason="Still wrong", notes="v3 notes")
    url = reverse("supervision:contact_history", args=[pats_case.crn, original.thread_id])
    content = as_pat.get(url).content.decode()
    for text in ("v1 notes", "v2 notes", "v3 notes", "Wrong notes", "Still wrong", "Version 3", "Pat Practitioner"):
        assert text in content
    assert as_rory.get(url).status_code == 200
    assert as_olga.get(url).status_code == 404


def test_read_only_staff_cannot_correct(as_rory, pats_case):
    original = ContactFactory(person=pats_case)
    assert as_rory.get(correct_url(original)).status_code == 403


# --- The overview panel ----------------------------------------------------------------------------


def test_the_overview_shows_appointments_and_contacts(as_pat, pats_case):
    ContactFactory(person=pats_case, starts_at=at(-1), outcome_code=None)
    ContactFactory(person=pats_case, starts_at=at(3), outcome_code=None)
    ContactFactory(person=pats_case, starts_at=at(4), type_code="COVC")
    content = as_pat.get(reverse("cases:person", args=[pats_case.crn])).content.decode()
    assert "Appointments and contacts" in content
    assert "0 face to face, 1 remote" in content
    assert reverse("supervision:book_appointment", args=[pats_case.crn]) in content


def test_the_overview_panel_uses_a_fixed_number_of_queries(pats_case, pat, django_assert_num_queries):
    from supervision.views.contacts import person_section

    for days in range(20):
        ContactFactory(person=pats_case, starts_at=at(days - 10), outcome_code=None)
    with django_assert_num_queries(2):
        section = person_section(pats_case, pat)
    assert len(section["upcoming"]) == 3
