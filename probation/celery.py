"""The Celery application and every periodic schedule the service runs (one place, by design)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probation.settings")

app = Celery("probation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _ensure_filesystem_folders(sender: Celery, **kwargs: object) -> None:
    """The filesystem transport needs its folders to exist before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = sender.conf.result_backend or ""
    if isinstance(backend, str) and backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


app.conf.beat_schedule = {
    # 02:30 every night: re-evaluate every case against the contact policy in force. Windows move
    # with the calendar and a newly published policy takes effect at midnight on its effective
    # date, so each case's standing is current before the working day starts. Recording a contact
    # re-evaluates that case at once (supervision.tasks.enqueue_refresh); this catches up the rest.
    "refresh-contact-standings": {
        "task": "supervision.tasks.refresh_all_standings",
        "schedule": crontab(hour=2, minute=30),
    },
    # 03:10 every night: remove expired sign-in sessions so the session table stays small and
    # signed-out staff cannot be resumed. Quiet hour, before the morning sign-in peak.
    "clear-expired-sessions": {
        "task": "cases.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
}
