"""The checks engine's Celery jobs: the nightly sweep on a real worker (fanned out per PDU, safe to
repeat), its schedule, the task options that make it crash-safe, and the after-change listener."""

from __future__ import annotations

import time
from typing import Any

import pytest
from celery.schedules import crontab

from cases import changes
from inspections import tasks
from inspections.models import Flag, FlagKind
from probation.celery import app
from supervision.models import CaseStanding
from tests.conftest import seed_reference_data
from tests.inspections.factories import supervised
from tests.test_celery import celery_app, worker  # noqa: F401 - fixtures


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_the_nightly_sweep_fans_out_per_pdu_and_checks_every_case(worker: Any, pat: Any, olga: Any) -> None:  # noqa: F811
    seed_reference_data()
    people = [supervised(90, practitioner=pat), supervised(90, practitioner=pat), supervised(90, practitioner=olga)]

    assert tasks.sweep_all.delay().get(timeout=30) == 2  # Gateshead and Camden PDUs

    wait_for(lambda: CaseStanding.objects.count() == len(people) and Flag.objects.count() == len(people))
    # No face-to-face contact since the initial appointment three months ago: one flag each.
    flags = list(Flag.objects.open().select_related("policy"))
    assert sorted(f.person_id for f in flags) == sorted(p.pk for p in people)
    assert all(f.kind == FlagKind.FACE_TO_FACE_OVERDUE and f.policy.version == 1 for f in flags)
    assert all("FACE_TO_FACE_OVERDUE" in s.shortfalls for s in CaseStanding.objects.all())

    # Idempotent: a second run of a PDU's chunk changes nothing and adds no flag history.
    events = Flag.pgh_event_model.objects.count()  # type: ignore[attr-defined]  # added by pghistory
    counts = tasks.sweep_pdu.delay(pat.team.pdu_id).get(timeout=30)
    assert (counts["cases"], counts["opened"], counts["updated"], counts["unchanged"]) == (2, 0, 0, 2)
    assert Flag.pgh_event_model.objects.count() == events  # type: ignore[attr-defined]  # added by pghistory


def test_the_sweep_runs_at_half_past_two_in_place_of_the_standings_job() -> None:
    entry = app.conf.beat_schedule["checks-sweep"]
    assert entry["task"] == tasks.sweep_all.name == "inspections.tasks.sweep_all"
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert "refresh-contact-standings" not in app.conf.beat_schedule


@pytest.mark.parametrize("task", [tasks.sweep_pdu, tasks.check_case])
def test_the_tasks_ack_late_retry_with_backoff_and_have_time_limits(task: Any) -> None:
    assert task.acks_late is True
    assert task.retry_backoff is True
    assert task.autoretry_for
    assert task.soft_time_limit is not None and task.time_limit is not None
    assert task.soft_time_limit < task.time_limit <= 900


def test_a_change_to_a_case_queues_its_check_and_no_separate_standing_refresh() -> None:
    assert changes._LISTENERS["inspections.check_case"] is tasks.queue_check
    assert "supervision.refresh_standing" not in changes._LISTENERS


@pytest.mark.django_db
def test_the_case_check_task_is_safe_for_a_case_that_does_not_exist() -> None:
    assert tasks.check_case("00000000-0000-0000-0000-000000000000") == "missing"


@pytest.mark.django_db
def test_the_case_check_task_checks_the_case() -> None:
    case = supervised(90)
    assert tasks.check_case(str(case.pk)) == "ok"
    assert Flag.objects.open().get(person=case).kind == FlagKind.FACE_TO_FACE_OVERDUE
