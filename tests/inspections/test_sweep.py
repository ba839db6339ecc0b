"""The sweep as a whole: a fixed number of queries per chunk however many cases, concurrent sweeps
of the same chunk leave one open flag per case and kind (the database constraint), a sweep that
fails half way converges when re-run, a dry run writes nothing, and recording a contact through
the page re-checks the case at once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Person
from inspections import services, tasks
from inspections.models import Flag, FlagKind
from supervision.models import CaseStanding, InformationRequest
from tests.cases.factories import RegistrationFactory
from tests.cases.pages import date_fields, problems
from tests.conftest import seed_reference_data
from tests.inspections.factories import supervised
from tests.supervision.assessment_factories import complete
from tests.supervision.factories import ContactFactory, at, contact_type

TODAY = timezone.localdate()


def failing_every_way(practitioner: Any, n: int) -> list[Person]:
    """`n` cases in the practitioner's PDU, each raising every implemented kind but the initial one."""
    cases = []
    for _ in range(n):
        case = supervised(days_in=120, practitioner=practitioner, rosh="HIGH", assessed=False)
        complete(case, practitioner, TODAY - timedelta(days=200))  # before the sentence, review since due
        InformationRequest.objects.create(
            person=case, source="POLICE_DA", requested_on=TODAY - timedelta(days=30), requested_by=practitioner
        )
        ContactFactory(person=case, type_code="COAP", starts_at=at(100))
        ContactFactory(person=case, type_code="COPT", starts_at=at(20))
        ContactFactory(person=case, type_code="COAP", outcome_code=None, starts_at=at(10))
        ContactFactory(person=case, type_code="COAP", outcome_code="UAAB", starts_at=at(8))
        RegistrationFactory(person=case, registered_on=TODAY - timedelta(days=200), review_due=TODAY - timedelta(1))
        cases.append(case)
    return cases


EVERY_WAY = {
    FlagKind.FACE_TO_FACE_OVERDUE,
    FlagKind.TELEPHONE_ONLY,
    FlagKind.HOME_VISIT_OVERDUE,
    FlagKind.OUTCOME_NOT_RECORDED,
    FlagKind.ENFORCEMENT_DECISION_DUE,
    FlagKind.REGISTRATION_REVIEW_OVERDUE,
    FlagKind.ASSESSMENT_OVERDUE,
    FlagKind.REVIEW_OVERDUE,
    FlagKind.OVERSIGHT_DUE,
    FlagKind.SAFEGUARDING_INFO_OUTSTANDING,
}


def open_pairs() -> Counter[tuple[Any, str]]:
    return Counter(Flag.objects.open().values_list("person_id", "kind"))


@pytest.mark.django_db
def test_a_pdu_sweep_uses_the_same_number_of_queries_for_5_or_30_cases(pat: Any) -> None:
    counts = []
    for n in (5, 30):
        Flag.objects.all().update(resolved_at=timezone.now(), resolution="Reset for the next round")
        cases = failing_every_way(pat, n)
        with CaptureQueriesContext(connection) as queries:
            result = services.sweep_pdu(pat.team.pdu_id)
        counts.append(len(queries))
        assert result.opened >= n * len(EVERY_WAY)
        assert all(set(Flag.objects.open().filter(person=c).values_list("kind", flat=True)) == EVERY_WAY for c in cases)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20  # plan 3, population 1, chunk 16


@pytest.mark.django_db
def test_a_chunk_sweep_stays_within_its_query_budget(pat: Any, django_assert_max_num_queries: Any) -> None:
    cases = failing_every_way(pat, 30)
    plan = services.Plan.load()
    ids = [c.pk for c in cases]
    with django_assert_max_num_queries(16):
        services.reconcile_chunk(ids, plan)


@pytest.mark.django_db
def test_a_dry_run_computes_the_findings_and_writes_nothing(pat: Any) -> None:
    failing_every_way(pat, 3)
    events = Flag.pgh_event_model.objects.count()  # type: ignore[attr-defined]  # added by pghistory

    result = services.run_checks(dry_run=True)

    assert result.dry_run and result.opened == 3 * len(EVERY_WAY)
    assert result.by_kind == Counter({kind: 3 for kind in EVERY_WAY})
    assert not Flag.objects.exists()
    assert not CaseStanding.objects.exists()
    assert Flag.pgh_event_model.objects.count() == events  # type: ignore[attr-defined]  # added by pghistory


@pytest.mark.django_db
def test_a_chunk_that_fails_half_way_writes_nothing_and_the_rerun_converges(pat: Any, monkeypatch: Any) -> None:
    cases = failing_every_way(pat, 2)

    def crash(resolutions: Any) -> int:  # after the findings were written, before the rest
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "_resolve", crash)
    with pytest.raises(RuntimeError):
        services.sweep_pdu(pat.team.pdu_id)
    assert not Flag.objects.exists()  # the chunk's transaction rolled back: no half-written flags

    monkeypatch.undo()
    services.sweep_pdu(pat.team.pdu_id)
    assert open_pairs() == Counter({(c.pk, kind): 1 for c in cases for kind in EVERY_WAY})


@pytest.mark.django_db
def test_a_sweep_that_fails_on_its_second_pdu_converges_when_re_run(pat: Any, olga: Any, monkeypatch: Any) -> None:
    gateshead = failing_every_way(pat, 2)
    camden = failing_every_way(olga, 2)
    # Gateshead already had a stale flag that the interrupted sweep never reached to resolve.
    stale = supervised(days_in=90, practitioner=olga)
    ContactFactory(person=stale, type_code="COAP", starts_at=at(2))
    Flag.objects.create(
        person=stale, kind=FlagKind.FACE_TO_FACE_OVERDUE, severity="HIGH", standard="2.3", key_question="Q"
    )
    real_sweep = services._sweep
    calls = []

    def second_fails(*args: Any, **kwargs: Any) -> services.SweepResult:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real_sweep(*args, **kwargs)

    monkeypatch.setattr(services, "_sweep", second_fails)
    with pytest.raises(RuntimeError):
        services.run_checks()
    assert {pk for pk, _ in open_pairs()} == {c.pk for c in gateshead} | {stale.pk}

    monkeypatch.undo()
    services.run_checks()
    services.run_checks()  # and once more: still the same

    assert open_pairs() == Counter({(c.pk, kind): 1 for c in [*gateshead, *camden] for kind in EVERY_WAY})
    assert Flag.objects.get(person=stale).resolution == "Face-to-face contact recorded on " + (
        f"{(TODAY - timedelta(days=2)).day} {TODAY - timedelta(days=2):%b %Y}"
    )


@pytest.mark.timeout(60)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_of_one_chunk_open_each_flag_once(pat: Any, monkeypatch: Any) -> None:
    seed_reference_data()
    cases = failing_every_way(pat, 3)
    ids = [c.pk for c in cases]
    plan = services.Plan.load()
    both_found = threading.Barrier(2, timeout=20)
    real_upsert = services._upsert

    def upsert_together(findings: Any, plan: Any) -> tuple[int, int]:
        both_found.wait()  # both have read "no open flags" and now insert at the same moment
        return real_upsert(findings, plan)

    monkeypatch.setattr(services, "_upsert", upsert_together)
    results: list[services.SweepResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            results.append(services.reconcile_chunk(ids, plan))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert open_pairs() == Counter({(pk, kind): 1 for pk in ids for kind in EVERY_WAY})
    assert sum(r.opened for r in results) == len(ids) * len(EVERY_WAY)  # one opened it, the other found it open


@pytest.mark.django_db
def test_recording_a_face_to_face_contact_on_the_page_resolves_the_flag_at_once(
    as_pat: Any, pat: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = supervised(days_in=90, practitioner=pat)
    ContactFactory(person=case, type_code="COAP", starts_at=at(45))
    services.check_case(case)
    flag = Flag.objects.open().get(person=case)
    assert flag.kind == FlagKind.FACE_TO_FACE_OVERDUE
    # Run the queued task in this process, as a worker would within seconds.
    monkeypatch.setattr(tasks.check_case, "delay", lambda person_id: tasks.check_case.apply(args=[person_id]).get())
    moment = timezone.localtime() - timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_pat.post(
            f"/people/{case.crn}/contacts/new/",
            {
                "contact_type": str(contact_type("COAP").pk),
                **date_fields("date", moment.date()),
                "time": f"{moment:%H:%M}",
                "outcome": "ATTC",
                "location": "Gateshead office",
                "notes": "Seen in the office.",
            },
        )

    assert response.status_code == 302, problems(response)
    flag.refresh_from_db()
    assert flag.resolution == f"Face-to-face contact recorded on {moment.day} {moment:%b %Y}"
    assert CaseStanding.objects.get(person=case).shortfalls == []
