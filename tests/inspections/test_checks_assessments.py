"""The assessment, review, management-oversight and safeguarding-information checks: each opens when
it should and not when it should not (boundary days), records its evidence, is not duplicated by a
second run, resolves saying why — through the sweep (`run_checks`) and through the services'
own after-commit re-check (`cases.changes` → `inspections.check_case`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Person
from inspections import services, tasks
from inspections.checks import REGISTRY
from inspections.models import CheckDefinition, Flag, FlagKind
from supervision.models import AssessmentStatus, InformationRequest, ManagementOversight, PolicyRule, ReviewTrigger
from supervision.queries.assessments import next_review
from supervision.services.assessments import (
    countersign_assessment,
    save_assessment,
    start_assessment,
    submit_assessment,
)
from supervision.services.oversight import complete_follow_up, record_oversight
from supervision.services.safeguarding import record_information_received, request_information
from tests.cases.factories import AddressFactory, RegistrationFactory, UserFactory, registration_type
from tests.inspections.factories import supervised
from tests.supervision.assessment_factories import FULL, complete, draft
from tests.supervision.factories import at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def check(*people: Person) -> services.SweepResult:
    return services.run_checks(Person.objects.filter(pk__in=[p.pk for p in people]))


def open_flags(person: Person) -> dict[str, Flag]:
    return {flag.kind: flag for flag in Flag.objects.open().filter(person=person)}


def case_of(pat: Any, days_in: int = 90, **person: Any) -> Person:
    """A supervised case of Pat's with no assessment: each test records the ones it needs."""
    return supervised(days_in=days_in, practitioner=pat, team=pat.team, assessed=False, **person)


@pytest.fixture
def worker(monkeypatch: Any) -> None:
    """Run the queued re-check in this process, as a worker would within seconds."""
    monkeypatch.setattr(tasks.check_case, "delay", lambda person_id: tasks.check_case.apply(args=[person_id]).get())


def test_the_four_kinds_are_available_and_the_em_kinds_still_are_not() -> None:
    for kind in ("ASSESSMENT_OVERDUE", "REVIEW_OVERDUE", "OVERSIGHT_DUE", "SAFEGUARDING_INFO_OUTSTANDING"):
        assert REGISTRY[kind].available, kind
    for kind in ("EM_LOCATION_DATA_OVERDUE", "HDC_CHECKS_INCOMPLETE"):
        assert not REGISTRY[kind].available, kind


# --- Assessment overdue -------------------------------------------------------------------------


@pytest.mark.parametrize(("days_in", "flagged"), [(19, False), (20, False), (21, True), (60, True)])
def test_assessment_overdue_opens_the_day_after_start_plus_the_threshold(pat: Any, days_in: int, flagged: bool) -> None:
    case = case_of(pat, days_in=days_in)
    check(case)
    assert (FlagKind.ASSESSMENT_OVERDUE in open_flags(case)) is flagged


def test_an_assessment_overdue_flag_records_its_evidence_and_due_date(pat: Any) -> None:
    case = case_of(pat, days_in=30)
    draft(case, pat)
    check(case)

    flag = open_flags(case)[FlagKind.ASSESSMENT_OVERDUE]
    assert flag.due_by == days_ago(30) + timedelta(days=20)
    assert (flag.standard, flag.severity) == ("2.1", "HIGH")
    assert flag.evidence["threshold_days"] == 20
    assert flag.evidence["sentence_start"] == days_ago(30).isoformat()
    assert flag.evidence["in_progress"][0]["status"] == AssessmentStatus.DRAFT
    assert flag.evidence["policy_version"] == 1
    assert "An assessment is in progress" in flag.evidence["summary"]


def test_an_assessment_awaiting_countersignature_does_not_count(pat: Any) -> None:
    case = case_of(pat, days_in=30)
    draft(case, pat, status=AssessmentStatus.AWAITING_COUNTERSIGNATURE, completed_on=days_ago(5))
    check(case)

    flag = open_flags(case)[FlagKind.ASSESSMENT_OVERDUE]
    assert flag.evidence["in_progress"][0]["status_label"] == "Awaiting countersignature"
    assert "does not count until an SPO countersigns it" in flag.evidence["summary"]


def test_an_assessment_from_before_the_sentence_does_not_count(pat: Any) -> None:
    case = case_of(pat, days_in=30)
    complete(case, pat, days_ago(40))
    check(case)
    assert open_flags(case)[FlagKind.ASSESSMENT_OVERDUE].evidence["last_complete_before"] == days_ago(40).isoformat()


def test_the_deadline_is_the_contact_policys_first_assessment_days_not_the_check_definitions(pat: Any) -> None:
    CheckDefinition.objects.filter(kind=FlagKind.ASSESSMENT_OVERDUE).update(threshold=5)  # no longer read
    PolicyRule.objects.filter(is_base=True).update(first_assessment_days=40)
    case = case_of(pat, days_in=30)
    check(case)
    assert FlagKind.ASSESSMENT_OVERDUE not in open_flags(case)
    assert next_review(case).due == days_ago(30) + timedelta(days=40)


def test_an_assessment_overdue_flag_resolves_when_one_is_completed_and_is_not_duplicated(pat: Any) -> None:
    case = case_of(pat, days_in=30)
    check(case)
    second = check(case)
    assert second.opened == 0 and second.updated == 0
    assert Flag.objects.filter(person=case, kind=FlagKind.ASSESSMENT_OVERDUE).count() == 1

    complete(case, pat, days_ago(1))
    check(case)

    flag = Flag.objects.get(person=case, kind=FlagKind.ASSESSMENT_OVERDUE)
    assert flag.resolution == f"Assessment completed on {days_ago(1).day} {days_ago(1):%b %Y}"


def test_submitting_an_assessment_resolves_the_flag_at_once(
    pat: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_of(pat, days_in=30)
    check(case)
    assert FlagKind.ASSESSMENT_OVERDUE in open_flags(case)

    with django_capture_on_commit_callbacks(execute=True):
        assessment = start_assessment(case, type="INITIAL", by=pat)
        save_assessment(assessment, by=pat, **FULL)
        submit_assessment(assessment, by=pat, completed_on=TODAY)

    flag = Flag.objects.get(person=case, kind=FlagKind.ASSESSMENT_OVERDUE)
    assert flag.resolution == f"Assessment completed on {TODAY.day} {TODAY:%b %Y}"


def test_a_countersignature_resolves_the_flag_at_once(
    pat: Any, sam: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    trainee = UserFactory(username="pip", role="PRACTITIONER", grade="PQIP", team=pat.team)
    case = case_of(pat, days_in=30)
    assessment = start_assessment(case, type="INITIAL", by=trainee)
    save_assessment(assessment, by=trainee, **{**FULL, "rosh_public": "HIGH"})
    with django_capture_on_commit_callbacks(execute=True):
        submit_assessment(assessment, by=trainee, completed_on=TODAY)
    assert FlagKind.ASSESSMENT_OVERDUE in open_flags(case)  # awaiting countersignature: does not count

    with django_capture_on_commit_callbacks(execute=True):
        countersign_assessment(assessment, by=sam)

    assert FlagKind.ASSESSMENT_OVERDUE not in open_flags(case)


# --- Review overdue -----------------------------------------------------------------------------


@pytest.mark.parametrize(("weeks_ago_days", "flagged"), [(182, False), (183, True)])
def test_review_overdue_opens_the_day_after_the_interval(pat: Any, weeks_ago_days: int, flagged: bool) -> None:
    # The seeded base rule: review every 26 weeks (182 days) after the last complete assessment.
    case = case_of(pat, days_in=300)
    complete(case, pat, days_ago(weeks_ago_days))
    check(case)
    assert (FlagKind.REVIEW_OVERDUE in open_flags(case)) is flagged
    assert FlagKind.ASSESSMENT_OVERDUE not in open_flags(case)


def test_a_review_flag_agrees_with_next_review_and_records_the_trigger(pat: Any) -> None:
    case = case_of(pat, days_in=300)
    complete(case, pat, days_ago(60))
    AddressFactory(person=case, status="MAIN", start_date=days_ago(30))
    RegistrationFactory(person=case, registered_on=days_ago(20))
    check(case)

    flag = open_flags(case)[FlagKind.REVIEW_OVERDUE]
    due = next_review(case)
    assert due.overdue and flag.due_by == due.due == days_ago(30) + timedelta(days=10)
    assert flag.evidence["reason"] == due.reason == "Change of address"
    assert flag.evidence["last_complete"] == days_ago(60).isoformat()
    assert flag.evidence["due"] == flag.due_by.isoformat()
    reasons = [t["reason"] for t in flag.evidence["triggers"]]
    assert reasons[0] == "Change of address" and reasons[1].startswith("New registration") and len(reasons) == 3


def test_a_manual_trigger_brings_the_review_forward(pat: Any) -> None:
    case = case_of(pat, days_in=300)
    complete(case, pat, days_ago(60))
    ReviewTrigger.objects.create(
        person=case, reason="ROSH_CHANGE", details="Arrested", raised_on=days_ago(12), review_due=days_ago(2)
    )
    check(case)
    flag = open_flags(case)[FlagKind.REVIEW_OVERDUE]
    assert (flag.due_by, flag.evidence["reason"]) == (days_ago(2), "RoSH changed: Arrested")


def test_a_review_flag_resolves_when_the_review_is_completed(
    pat: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_of(pat, days_in=300)
    complete(case, pat, days_ago(200))
    check(case)
    assert check(case).opened == 0
    assert FlagKind.REVIEW_OVERDUE in open_flags(case)

    with django_capture_on_commit_callbacks(execute=True):
        assessment = start_assessment(case, type="REVIEW", by=pat)
        submit_assessment(assessment, by=pat, completed_on=TODAY)

    flag = Flag.objects.get(person=case, kind=FlagKind.REVIEW_OVERDUE)
    assert flag.resolution.startswith(f"Assessment review up to date: last completed on {TODAY.day} {TODAY:%b %Y}")
    assert "next review is due on" in flag.resolution


# --- Management oversight -----------------------------------------------------------------------


@pytest.mark.parametrize(("last", "flagged"), [(89, False), (90, False), (91, True)])
def test_oversight_due_opens_the_day_after_the_threshold(pat: Any, sam: Any, last: int, flagged: bool) -> None:
    case = case_of(pat, days_in=200, rosh="HIGH")
    ManagementOversight.objects.create(
        person=case, type="CASE_REVIEW", rationale="Reviewed", recorded_by=sam, recorded_at=timezone.now()
    )
    ManagementOversight.objects.filter(person=case).update(recorded_at=at(last, hour=12))
    check(case)
    assert (FlagKind.OVERSIGHT_DUE in open_flags(case)) is flagged


@pytest.mark.parametrize(("rosh", "mappa", "flagged"), [("MEDIUM", False, False), ("VERY_HIGH", False, True)])
def test_oversight_is_due_only_for_high_rosh_or_mappa_cases(pat: Any, rosh: str, mappa: bool, flagged: bool) -> None:
    case = case_of(pat, days_in=100, rosh=rosh)
    check(case)
    assert (FlagKind.OVERSIGHT_DUE in open_flags(case)) is flagged


def test_a_mappa_registration_makes_oversight_due(pat: Any) -> None:
    case = case_of(pat, days_in=100, rosh="LOW")
    RegistrationFactory(person=case, type=registration_type("MAPP"), registered_on=days_ago(50), mappa_level=1)
    check(case)
    flag = open_flags(case)[FlagKind.OVERSIGHT_DUE]
    assert flag.evidence["because"] == "MAPPA"
    assert flag.due_by == days_ago(100) + timedelta(days=90)  # none ever: from the start of supervision
    assert flag.evidence["last_oversight"] is None
    assert flag.evidence["summary"].startswith("No management oversight recorded.")


def test_a_new_high_rosh_case_is_not_flagged_before_the_threshold(pat: Any) -> None:
    case = case_of(pat, days_in=90, rosh="HIGH")
    check(case)
    assert FlagKind.OVERSIGHT_DUE not in open_flags(case)


def test_an_overdue_follow_up_opens_the_flag_and_completing_it_resolves_it(
    pat: Any, sam: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_of(pat, days_in=200, rosh="HIGH")
    oversight = record_oversight(case, type="CASE_REVIEW", rationale="Risk rising", follow_up_due=TODAY, by=sam)
    check(case)
    assert FlagKind.OVERSIGHT_DUE not in open_flags(case)  # due today: still in time

    ManagementOversight.objects.filter(pk=oversight.pk).update(follow_up_due=days_ago(1))
    check(case)
    flag = open_flags(case)[FlagKind.OVERSIGHT_DUE]
    assert flag.due_by == days_ago(1)
    assert flag.evidence["follow_ups_overdue"] == [
        {
            "type": "CASE_REVIEW",
            "type_label": "Case review",
            "recorded": TODAY.isoformat(),
            "follow_up_due": days_ago(1).isoformat(),
        }
    ]
    assert flag.evidence["last_oversight"] == {"date": TODAY.isoformat(), "type": "CASE_REVIEW"}
    assert check(case).opened == 0

    with django_capture_on_commit_callbacks(execute=True):
        complete_follow_up(oversight, by=pat, notes="Home visit done")

    flag.refresh_from_db()
    assert (
        flag.resolution
        == f"Management oversight up to date: last recorded on {TODAY.day} {TODAY:%b %Y}, no follow-up overdue"
    )


def test_recording_oversight_resolves_the_flag_at_once(
    pat: Any, sam: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_of(pat, days_in=200, rosh="HIGH")
    check(case)
    flag = open_flags(case)[FlagKind.OVERSIGHT_DUE]
    assert flag.evidence["because"] == "high RoSH"

    with django_capture_on_commit_callbacks(execute=True):
        record_oversight(case, type="CASE_REVIEW", rationale="Plan reviewed", by=sam)

    flag.refresh_from_db()
    assert flag.resolution.startswith("Management oversight up to date")


def test_an_oversight_flag_resolves_when_the_rosh_drops(pat: Any) -> None:
    case = case_of(pat, days_in=200, rosh="HIGH")
    check(case)
    Person.objects.filter(pk=case.pk).update(rosh="MEDIUM")
    check(case)
    flag = Flag.objects.get(person=case, kind=FlagKind.OVERSIGHT_DUE)
    assert flag.resolution == "No longer a high RoSH or MAPPA case"


# --- Safeguarding information outstanding -------------------------------------------------------


@pytest.mark.parametrize(("requested", "flagged"), [(13, False), (14, False), (15, True)])
def test_safeguarding_information_opens_the_day_after_the_threshold(pat: Any, requested: int, flagged: bool) -> None:
    case = case_of(pat)
    InformationRequest.objects.create(
        person=case, source="POLICE_DA", requested_on=days_ago(requested), requested_by=pat
    )
    check(case)
    assert (FlagKind.SAFEGUARDING_INFO_OUTSTANDING in open_flags(case)) is flagged


def test_a_safeguarding_flag_lists_the_outstanding_requests_and_resolves_when_received(
    pat: Any, worker: None, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_of(pat)
    police = request_information(case, source="POLICE_DA", requested_on=days_ago(20), by=pat, agency="Northumbria")
    InformationRequest.objects.filter(pk=police.pk).update(times_chased=2, last_chased_on=days_ago(5))
    InformationRequest.objects.create(
        person=case, source="CHILDRENS_SERVICES", requested_on=days_ago(16), requested_by=pat, agency="Gateshead"
    )
    InformationRequest.objects.create(  # received: not outstanding
        person=case,
        source="POLICE_DA",
        requested_on=days_ago(30),
        received_on=days_ago(25),
        summary="None",
        requested_by=pat,
    )
    check(case)
    flag = open_flags(case)[FlagKind.SAFEGUARDING_INFO_OUTSTANDING]
    assert flag.due_by == days_ago(20) + timedelta(days=14)
    assert [(r["source"], r["agency"], r["requested_on"], r["times_chased"]) for r in flag.evidence["requests"]] == [
        ("POLICE_DA", "Northumbria", days_ago(20).isoformat(), 2),
        ("CHILDRENS_SERVICES", "Gateshead", days_ago(16).isoformat(), 0),
    ]
    assert "chased 2 times" in flag.evidence["summary"]
    assert check(case).opened == 0

    with django_capture_on_commit_callbacks(execute=True):
        record_information_received(police, received_on=TODAY, summary="Two call-outs", by=pat)
    flag.refresh_from_db()
    assert flag.is_open and flag.due_by == days_ago(16) + timedelta(days=14)  # updated: one still outstanding

    other = InformationRequest.objects.get(person=case, source="CHILDRENS_SERVICES")
    with django_capture_on_commit_callbacks(execute=True):
        record_information_received(other, received_on=TODAY, summary="Known to services", by=pat)
    flag.refresh_from_db()
    assert flag.resolution == "Safeguarding information received"


# --- One query per check ------------------------------------------------------------------------


def test_the_four_checks_cost_the_same_for_3_or_12_cases(pat: Any, sam: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 12):
        cases = []
        for _ in range(n):
            case = case_of(pat, days_in=300, rosh="HIGH")
            complete(case, pat, days_ago(250))
            draft(case, pat)
            ReviewTrigger.objects.create(
                person=case, reason="ROSH_CHANGE", raised_on=days_ago(9), review_due=days_ago(1)
            )
            ManagementOversight.objects.create(
                person=case, type="CASE_REVIEW", rationale="R", recorded_by=sam, follow_up_due=days_ago(3)
            )
            InformationRequest.objects.create(
                person=case, source="POLICE_DA", requested_on=days_ago(30), requested_by=pat
            )
            cases.append(case)
        plan = services.Plan.load()
        with CaptureQueriesContext(connection) as queries:
            result = services.reconcile_chunk([c.pk for c in cases], plan)
        counts.append(len(queries))
        assert result.by_kind[FlagKind.REVIEW_OVERDUE] == n
        assert result.by_kind[FlagKind.OVERSIGHT_DUE] == n
        assert result.by_kind[FlagKind.SAFEGUARDING_INFO_OUTSTANDING] == n
    assert counts[0] == counts[1], counts
