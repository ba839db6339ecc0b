"""Each implemented check: it opens when it should and not when it should not (boundary days),
resolves when the condition ends (saying why), is not duplicated by a second run, and records its
evidence and the policy version. Real PostgreSQL; the sweep's own code (`run_checks`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Person
from inspections import services
from inspections.checks import REGISTRY
from inspections.models import CheckDefinition, Flag, FlagKind
from kit.calendar import add_working_days
from supervision.models import CaseStanding
from tests.cases.factories import RegistrationFactory, registration_type
from tests.inspections.factories import FlagFactory, definition, supervised
from tests.supervision.factories import ContactFactory, EnforcementActionFactory, at, outcome

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def check(*people: Person) -> services.SweepResult:
    return services.run_checks(Person.objects.filter(pk__in=[p.pk for p in people]))


def open_flags(person: Person) -> dict[str, Flag]:
    return {flag.kind: flag for flag in Flag.objects.open().filter(person=person).select_related("policy")}


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- Face-to-face overdue -------------------------------------------------------------------------


@pytest.mark.parametrize(("last_seen", "flagged"), [(29, False), (30, False), (31, True), (60, True)])
def test_face_to_face_overdue_opens_from_the_day_after_the_window(last_seen: int, flagged: bool) -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(85))
    ContactFactory(person=case, type_code="COAP", starts_at=at(last_seen))
    check(case)
    assert (FlagKind.FACE_TO_FACE_OVERDUE in open_flags(case)) is flagged


def test_a_face_to_face_flag_records_its_evidence_due_date_standard_and_policy_version() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(40))
    ContactFactory(person=case, type_code="COPT", starts_at=at(12))
    ContactFactory(person=case, type_code="COAP", outcome_code="UAAB", starts_at=at(5))  # missed: not made
    check(case)

    flag = open_flags(case)[FlagKind.FACE_TO_FACE_OVERDUE]
    assert flag.due_by == days_ago(40) + timedelta(days=30)
    assert flag.policy is not None and flag.policy.version == 1
    wanted = definition(FlagKind.FACE_TO_FACE_OVERDUE)
    assert (flag.standard, flag.key_question, flag.severity) == (wanted.standard, wanted.key_question, "HIGH")
    assert flag.evidence["policy_version"] == 1
    assert flag.evidence["window_days"] == 30
    assert flag.evidence["last_face_to_face"] == days_ago(40).isoformat()
    assert flag.evidence["contacts"] == [{"date": days_ago(12).isoformat(), "type": "COPT", "face_to_face": False}]
    assert "The policy requires one every 30 days" in flag.evidence["summary"]


def test_a_face_to_face_flag_resolves_when_a_face_to_face_contact_is_recorded() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(45))
    check(case)
    flag = open_flags(case)[FlagKind.FACE_TO_FACE_OVERDUE]

    ContactFactory(person=case, type_code="COAP", starts_at=at(1))
    result = check(case)

    flag.refresh_from_db()
    assert result.resolved >= 1
    assert flag.resolved_at is not None
    assert flag.resolution == f"Face-to-face contact recorded on {days_ago(1).day} {days_ago(1):%b %Y}"
    assert FlagKind.FACE_TO_FACE_OVERDUE not in open_flags(case)


def test_a_second_run_changes_nothing_and_adds_no_history() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(85))
    ContactFactory(person=case, type_code="COPT", starts_at=at(10))
    first = check(case)
    events = Flag.pgh_event_model.objects.count()  # type: ignore[attr-defined]  # added by pghistory

    second = check(case)

    assert first.opened == 2  # telephone only and face-to-face overdue
    assert (second.opened, second.updated, second.resolved, second.unchanged) == (0, 0, 0, 2)
    assert Flag.objects.filter(person=case).count() == 2
    assert Flag.pgh_event_model.objects.count() == events  # type: ignore[attr-defined]  # added by pghistory


def test_a_flag_that_resolved_opens_afresh_when_the_condition_returns() -> None:
    case = supervised(days_in=200)
    ContactFactory(person=case, type_code="COAP", starts_at=at(45))
    check(case)
    Flag.objects.filter(person=case).update(resolved_at=timezone.now(), resolution="Test")

    check(case)

    assert Flag.objects.filter(person=case, kind=FlagKind.FACE_TO_FACE_OVERDUE).count() == 2
    assert Flag.objects.open().filter(person=case, kind=FlagKind.FACE_TO_FACE_OVERDUE).count() == 1


# --- Telephone-only supervision -------------------------------------------------------------------


@pytest.mark.parametrize(("last_face_to_face", "flagged"), [(41, False), (42, False), (43, True)])
def test_telephone_only_when_every_contact_in_the_window_was_remote(last_face_to_face: int, flagged: bool) -> None:
    case = supervised(days_in=120)
    ContactFactory(person=case, type_code="COAP", starts_at=at(last_face_to_face))
    ContactFactory(person=case, type_code="COPT", starts_at=at(20))
    ContactFactory(person=case, type_code="COVC", starts_at=at(5))
    check(case)
    assert (FlagKind.TELEPHONE_ONLY in open_flags(case)) is flagged


def test_telephone_only_evidence_lists_the_remote_contacts_in_the_window() -> None:
    case = supervised(days_in=120)
    ContactFactory(person=case, type_code="COAP", starts_at=at(60))
    ContactFactory(person=case, type_code="COPT", starts_at=at(20))
    ContactFactory(person=case, type_code="KIOSK", starts_at=at(5))
    check(case)

    flag = open_flags(case)[FlagKind.TELEPHONE_ONLY]
    assert flag.evidence["window_days"] == 42
    assert [c["type"] for c in flag.evidence["contacts"]] == ["KIOSK", "COPT"]
    assert all(c["face_to_face"] is False for c in flag.evidence["contacts"])
    assert flag.due_by == days_ago(60) + timedelta(days=42)
    assert flag.policy is not None and flag.policy.version == 1


def test_no_contact_at_all_is_not_telephone_only() -> None:
    case = supervised(days_in=120)
    ContactFactory(person=case, type_code="COAI", starts_at=at(118))
    check(case)
    assert set(open_flags(case)) == {FlagKind.FACE_TO_FACE_OVERDUE}


def test_telephone_only_resolves_with_a_face_to_face_contact() -> None:
    case = supervised(days_in=120)
    ContactFactory(person=case, type_code="COAP", starts_at=at(60))
    ContactFactory(person=case, type_code="COPT", starts_at=at(20))
    check(case)
    flag = open_flags(case)[FlagKind.TELEPHONE_ONLY]

    ContactFactory(person=case, type_code="CHVS", starts_at=at(0, hour=0))
    check(case)

    flag.refresh_from_db()
    assert flag.resolution.startswith("Face-to-face contact recorded on")
    assert open_flags(case) == {}


# --- Initial appointment --------------------------------------------------------------------------


def started_with_deadline(on_or_before: date) -> date:
    """A start date whose initial-appointment deadline (5 working days) is the last deadline any
    start can have on or before `on_or_before` (a deadline is always a working day, so one asked
    for at a weekend moves back to the Friday). Searches a bounded window, never to year 1."""
    for back in range(1, 30):
        start = on_or_before - timedelta(days=back)
        deadline = add_working_days(start, 5)
        if deadline <= on_or_before:
            return start
    raise AssertionError(f"no start date has its deadline on or before {on_or_before}")


def case_started(start: date) -> Person:
    return supervised(days_in=(TODAY - start).days, initial=False)


def test_the_initial_appointment_is_not_overdue_on_its_deadline_day() -> None:
    start = started_with_deadline(TODAY)
    deadline = add_working_days(start, 5)
    case = case_started(start)
    check(case)
    assert (FlagKind.INITIAL_APPOINTMENT_OVERDUE in open_flags(case)) is (deadline < TODAY)


def test_the_initial_appointment_is_overdue_after_its_deadline() -> None:
    start = started_with_deadline(TODAY - timedelta(days=3))
    case = case_started(start)
    check(case)
    flag = open_flags(case)[FlagKind.INITIAL_APPOINTMENT_OVERDUE]
    assert flag.due_by == add_working_days(start, 5)
    assert flag.evidence["working_days"] == 5
    assert flag.evidence["first_contact"] is None
    assert "No initial appointment has been held face to face" in flag.evidence["summary"]


def test_remote_contact_alone_does_not_meet_the_initial_appointment() -> None:
    case = supervised(days_in=20, initial=False)
    ContactFactory(person=case, type_code="COVI", starts_at=at(19))
    check(case)
    flag = open_flags(case)[FlagKind.INITIAL_APPOINTMENT_OVERDUE]
    assert flag.evidence["first_contact"] == days_ago(19).isoformat()
    assert flag.evidence["first_face_to_face"] is None
    assert "has been remote" in flag.evidence["summary"]


def test_an_initial_appointment_in_time_raises_nothing_and_a_late_one_resolves_the_flag() -> None:
    on_time = supervised(days_in=20, initial=False)
    ContactFactory(person=on_time, type_code="COAI", starts_at=at(19))
    late = supervised(days_in=20, initial=False)
    check(on_time, late)
    assert FlagKind.INITIAL_APPOINTMENT_OVERDUE not in open_flags(on_time)
    flag = open_flags(late)[FlagKind.INITIAL_APPOINTMENT_OVERDUE]

    # Held late: the flag resolves, and its resolution keeps how late it was.
    ContactFactory(person=late, type_code="COAI", starts_at=at(1))
    check(late)
    flag.refresh_from_db()
    assert not flag.is_open
    assert flag.resolution.startswith(f"Initial appointment held face to face on {days_ago(1).day} ")
    assert "working days late (due by" in flag.resolution


# --- Home visit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_in", "flagged"), [(15, False), (16, True)])
def test_a_high_rosh_case_needs_a_home_visit_within_15_days(days_in: int, flagged: bool) -> None:
    case = supervised(days_in=days_in, rosh="HIGH")
    ContactFactory(person=case, type_code="COAI", starts_at=at(days_in - 1))
    check(case)
    assert (FlagKind.HOME_VISIT_OVERDUE in open_flags(case)) is flagged


def test_a_medium_rosh_case_without_concerns_needs_no_home_visit() -> None:
    case = supervised(days_in=200, rosh="MEDIUM")
    ContactFactory(person=case, type_code="COAP", starts_at=at(3))
    check(case)
    assert FlagKind.HOME_VISIT_OVERDUE not in open_flags(case)


def test_home_visit_flag_records_why_and_resolves_when_the_concern_ends() -> None:
    case = supervised(days_in=60, rosh="MEDIUM")
    registration = RegistrationFactory(person=case, type=registration_type("ADVP"), registered_on=days_ago(60))
    ContactFactory(person=case, type_code="COAI", starts_at=at(59))
    check(case)
    flag = open_flags(case)[FlagKind.HOME_VISIT_OVERDUE]
    assert flag.due_by == days_ago(60) + timedelta(days=42)
    assert flag.evidence["domestic_abuse"] is True and flag.evidence["days"] == 42

    registration.deregistered_on = TODAY
    registration.deregistration_reason = "Concern closed"
    registration.save()
    check(case)
    flag.refresh_from_db()
    assert flag.resolution == "No longer a case that needs a home visit"


def test_a_home_visit_resolves_the_flag_naming_its_date() -> None:
    case = supervised(days_in=30, rosh="HIGH")
    ContactFactory(person=case, type_code="COAI", starts_at=at(29))
    check(case)
    flag = open_flags(case)[FlagKind.HOME_VISIT_OVERDUE]
    ContactFactory(person=case, type_code="CHVS", starts_at=at(15))  # on the deadline day: in time
    check(case)
    flag.refresh_from_db()
    assert flag.resolution == f"Home visit recorded on {days_ago(15).day} {days_ago(15):%b %Y}"


# --- Risk-flag (registration) review --------------------------------------------------------------


@pytest.mark.parametrize(("review_due", "flagged"), [(0, False), (-5, False), (1, True)])
def test_a_registration_review_is_overdue_from_the_day_after_its_date(review_due: int, flagged: bool) -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(3))
    RegistrationFactory(person=case, registered_on=days_ago(100), review_due=days_ago(review_due))
    check(case)
    assert (FlagKind.REGISTRATION_REVIEW_OVERDUE in open_flags(case)) is flagged


def test_registration_review_flag_lists_the_overdue_registrations_and_resolves_when_reviewed() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(3))
    older = RegistrationFactory(
        person=case, type=registration_type("RMDO"), registered_on=days_ago(200), review_due=days_ago(20)
    )
    RegistrationFactory(
        person=case, type=registration_type("ADVP"), registered_on=days_ago(100), review_due=days_ago(2)
    )
    check(case)
    flag = open_flags(case)[FlagKind.REGISTRATION_REVIEW_OVERDUE]
    assert flag.due_by == days_ago(20)
    assert [r["type"] for r in flag.evidence["registrations"]] == ["RMDO", "ADVP"]
    assert flag.evidence["policy_version"] == 1

    # Reviewing one changes the evidence and due date (an update, not a new flag)...
    older.review_due = TODAY + timedelta(days=180)
    older.save()
    result = check(case)
    flag.refresh_from_db()
    assert result.updated == 1 and flag.is_open and flag.due_by == days_ago(2)
    # ...reviewing the other resolves it.
    Person.objects.get(pk=case.pk).registrations.filter(type__code="ADVP").update(review_due=TODAY)
    check(case)
    flag.refresh_from_db()
    assert flag.resolution == "Registration reviewed or closed"


# --- Outcome not recorded -------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "flagged"), [(1, False), (2, False), (3, True)])
def test_an_outcome_is_overdue_after_the_policy_days(days: int, flagged: bool) -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(10))
    ContactFactory(person=case, type_code="COAP", outcome_code=None, starts_at=at(days))
    check(case)
    assert (FlagKind.OUTCOME_NOT_RECORDED in open_flags(case)) is flagged


def test_outcome_flag_evidence_and_resolution() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(10))
    missing = ContactFactory(person=case, type_code="COPT", outcome_code=None, starts_at=at(4))
    ContactFactory(person=case, type_code="EMTX", outcome_code=None, starts_at=at(6))  # no attendance: no outcome
    check(case)
    flag = open_flags(case)[FlagKind.OUTCOME_NOT_RECORDED]
    assert flag.due_by == days_ago(4) + timedelta(days=2)
    assert flag.evidence["outcome_recording_days"] == 2
    assert flag.evidence["contacts"] == [
        {"date": days_ago(4).isoformat(), "type": "COPT", "thread_id": str(missing.thread_id)}
    ]

    missing.outcome = outcome("ATTC")
    missing.outcome_recorded_at = timezone.now()
    missing.save()
    check(case)
    flag.refresh_from_db()
    assert flag.resolution == "Outcomes recorded"


# --- Enforcement decision due ---------------------------------------------------------------------


def test_a_failure_to_comply_without_a_decision_is_due_and_a_decision_resolves_it(pat: object) -> None:
    case = supervised(days_in=90, practitioner=pat)
    ContactFactory(person=case, type_code="COAP", starts_at=at(10))
    ContactFactory(person=case, type_code="COAP", outcome_code="UAAB", starts_at=at(5))
    check(case)
    flag = open_flags(case)[FlagKind.ENFORCEMENT_DECISION_DUE]
    assert flag.due_by == days_ago(5)
    assert flag.evidence["failures"][0]["outcome"] == "UAAB"
    assert flag.evidence["failures_limit"] == 2

    EnforcementActionFactory(person=case, failure_date=days_ago(5))
    check(case)
    flag.refresh_from_db()
    assert flag.resolution == "Enforcement decision recorded"


def test_acceptable_absences_and_failures_before_the_sentence_raise_no_enforcement_flag() -> None:
    case = supervised(days_in=30)
    ContactFactory(person=case, type_code="COAP", starts_at=at(10))
    ContactFactory(person=case, type_code="COAP", outcome_code="AAME", starts_at=at(5))
    ContactFactory(person=case, type_code="COAP", outcome_code="UAAB", starts_at=at(40))  # before the start
    check(case)
    assert FlagKind.ENFORCEMENT_DECISION_DUE not in open_flags(case)


# --- Population, definitions, registry ------------------------------------------------------------


def test_a_case_not_under_supervision_is_not_checked_and_its_open_flags_resolve() -> None:
    case = supervised(days_in=90)
    check(case)
    assert FlagKind.FACE_TO_FACE_OVERDUE in open_flags(case)

    case.sentences.update(terminated_on=TODAY - timedelta(days=1), termination_reason="Completed")
    check(case)

    assert open_flags(case) == {}
    assert set(Flag.objects.filter(person=case).values_list("resolution", flat=True)) == {
        "No longer under active supervision"
    }


def test_a_disabled_check_opens_nothing_and_resolves_its_open_flags() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(45))
    check(case)
    CheckDefinition.objects.filter(kind=FlagKind.FACE_TO_FACE_OVERDUE).update(is_enabled=False)
    other = supervised(days_in=90)
    check(case, other)
    assert FlagKind.FACE_TO_FACE_OVERDUE not in open_flags(other)
    resolved = Flag.objects.get(person=case, kind=FlagKind.FACE_TO_FACE_OVERDUE)
    assert resolved.resolution == "Check disabled"


def test_a_definition_edit_applies_to_flags_opened_after_it() -> None:
    case = supervised(days_in=90)
    check(case)
    CheckDefinition.objects.filter(kind=FlagKind.FACE_TO_FACE_OVERDUE).update(severity="LOW", standard="9.9")
    later = supervised(days_in=90)
    check(case, later)
    assert open_flags(case)[FlagKind.FACE_TO_FACE_OVERDUE].severity == "HIGH"
    opened_later = open_flags(later)[FlagKind.FACE_TO_FACE_OVERDUE]
    assert (opened_later.severity, opened_later.standard) == ("LOW", "9.9")


def test_the_registry_names_every_kind_and_unavailable_ones_never_touch_flags() -> None:
    assert set(REGISTRY) == set(FlagKind.values)
    unavailable = {kind for kind, c in REGISTRY.items() if not c.available}
    assert unavailable == {"EM_LOCATION_DATA_OVERDUE", "HDC_CHECKS_INCOMPLETE"}
    assert all(REGISTRY[kind].unavailable.startswith("Not available until") for kind in unavailable)
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(3))
    manual = FlagFactory(person=case, kind=FlagKind.HDC_CHECKS_INCOMPLETE)
    check(case)
    manual.refresh_from_db()
    assert manual.is_open
    assert set(open_flags(case)) == {FlagKind.HDC_CHECKS_INCOMPLETE}


def test_the_same_evaluation_stores_the_case_standing() -> None:
    case = supervised(days_in=90)
    ContactFactory(person=case, type_code="COAP", starts_at=at(45))
    result = check(case)
    standing = CaseStanding.objects.get(person=case)
    assert result.standings == 1
    assert standing.shortfalls == ["FACE_TO_FACE_OVERDUE"]
    assert standing.policy.version == 1
