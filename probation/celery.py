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
    # 02:30 every night: the checks sweep. Every case under supervision is checked against the
    # inspection standards (flags open and resolve) and re-evaluated against the contact policy in
    # force (its standing is stored from the same evaluation). Windows move with the calendar and a
    # newly published policy takes effect at midnight on its effective date, so flags and standings
    # are current before the working day starts. One task per PDU, so more workers finish sooner.
    # A change to a case re-checks it at once (inspections.tasks.check_case); this catches up the rest.
    "checks-sweep": {
        "task": "inspections.tasks.sweep_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # 01:45 every night: recalculate the tiers that the passage of time alone changes today (a
    # woman's breach or recall leaving the 12 months, an assessment passing the 55 weeks it counts
    # for), before the 02:30 sweep, so the day's tier (and the policy rules scoped by it) is right
    # when the sweep and the working day start. One small task per case due; most nights few are.
    "recalculate-due-tiers": {
        "task": "supervision.tasks.recalculate_due_tiers",
        "schedule": crontab(hour=1, minute=45),
    },
    # 07:00 Monday to Friday: the daily flags digest e-mail to practitioners and SPOs. After the
    # 02:30 sweep has finished (hours of margin), before the working day starts, so it is in the
    # inbox when staff sign in. Not at weekends, when staff are not at work: Monday's digest
    # covers everything since Friday's (new = since each person's last digest).
    "daily-flags-digest": {
        "task": "inspections.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    # 03:10 every night: remove expired sign-in sessions so the session table stays small and
    # signed-out staff cannot be resumed. Quiet hour, before the morning sign-in peak.
    "clear-expired-sessions": {
        "task": "cases.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
}
