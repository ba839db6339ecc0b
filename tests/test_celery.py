"""Celery: a real worker runs the project's tasks, and every schedule names a real task.

Under CI the worker uses the machine's Redis (TEST_REDIS_URL, a database of its own so a
development worker cannot take its messages) and fails if Redis does not answer. Elsewhere,
without TEST_REDIS_URL, it uses the filesystem transport in a temporary folder.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta

import kombu.pools
import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab, schedule
from celery.signals import task_postrun
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone

from cases.tasks import clear_expired_sessions
from probation.celery import app
from tests.conftest import IN_CI

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def forget_connections(celery: Celery) -> None:
    """Drop the broker pool and result backend the app built from its previous configuration.

    Celery caches both on first use and offers no public way to rebuild them; this is what it
    does itself after a fork (`Celery._after_fork`), plus the cached backend.
    """
    if celery._pool is not None:
        celery._pool.force_close_all()
        celery._pool = None
    if "amqp" in celery.__dict__:
        celery.amqp._producer_pool = None
    celery._backend_cache = None
    celery._local = threading.local()
    # kombu keeps its own process-wide producer and connection pools keyed by broker URL; a second
    # worker test on the same Redis would otherwise get the pool the first one closed.
    kombu.pools.reset()


def redis_for_tests() -> dict[str, object]:
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=5)
    try:
        client.flushdb()  # this database belongs to the tests: start without stale messages
    except redis.RedisError as error:
        pytest.fail(f"Redis at TEST_REDIS_URL={TEST_REDIS_URL} does not answer: {error}")
    return {"broker_url": TEST_REDIS_URL, "result_backend": TEST_REDIS_URL, "broker_transport_options": {}}


def filesystem_for_tests(folder) -> dict[str, object]:
    queue, results = folder / "queue", folder / "results"
    queue.mkdir()
    results.mkdir()
    return {
        "broker_url": "filesystem://",
        "result_backend": f"file://{results}",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        },
    }


@pytest.fixture
def celery_app(tmp_path) -> Iterator[Celery]:
    """The project's Celery app on a broker of the test's own; the configuration is restored after."""
    if TEST_REDIS_URL:
        overrides = redis_for_tests()
    elif IN_CI:
        pytest.fail("TEST_REDIS_URL must be set under CI: the Celery tests need the real Redis")
    else:
        overrides = filesystem_for_tests(tmp_path)
    saved = {key: app.conf.get(key) for key in overrides}
    app.conf.update(overrides)
    forget_connections(app)
    yield app
    app.conf.update(saved)
    forget_connections(app)


@pytest.fixture
def worker(celery_app: Celery) -> Iterator[None]:
    """A real worker in a thread; its database connections are closed after every task."""

    def close_connections(**kwargs: object) -> None:
        connections.close_all()  # runs in the worker's thread, so the test database can be flushed

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(close_connections)


@pytest.mark.timeout(90)
@pytest.mark.django_db(transaction=True)  # the worker's thread has its own connection: commit first
def test_the_worker_clears_expired_sessions(worker):
    now = timezone.now()
    Session.objects.create(session_key="expired" + "x" * 25, session_data="e30", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current" + "x" * 25, session_data="e30", expire_date=now + timedelta(hours=1))

    assert clear_expired_sessions.delay().get(timeout=30) == "ok"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" + "x" * 25]

    # Idempotent: a second run finds nothing more to delete.
    assert clear_expired_sessions.delay().get(timeout=30) == "ok"
    assert Session.objects.count() == 1


def test_every_beat_schedule_names_a_registered_task():
    app.loader.import_default_modules()  # what worker and beat do at start: autodiscovers tasks.py
    beat_schedule = app.conf.beat_schedule
    assert beat_schedule
    for name, entry in beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name}: no task called {entry['task']}"
        assert isinstance(entry["schedule"], schedule | crontab | int | float | timedelta), name


def test_the_nightly_session_sweep_runs_at_ten_past_three():
    entry = app.conf.beat_schedule["clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name
    assert entry["schedule"] == crontab(hour=3, minute=10)
