"""`manage.py send_digests [--dry-run] [--date YYYY-MM-DD]`: send the daily flags digest now.

The same code as the `send_daily_digests` Celery task (inspections.digest). Safe to re-run: a member
of staff gets at most one digest a day (DigestLog). `--dry-run` prints who would get one and sends
nothing; `--date` builds the digests for another day (new = opened since the last digest before it).
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inspections.digest import send_daily_digests


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f'--date must look like 2025-06-30, not "{value}"') from None


class Command(BaseCommand):
    help = "Send each practitioner and SPO their daily flags digest (nothing new, no e-mail)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List who would get a digest; send nothing.")
        parser.add_argument("--date", dest="on", help="The day to send for (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options["on"] else None
        run = send_daily_digests(on, dry_run=options["dry_run"])
        verb = "Would send" if run.dry_run else "Sent"
        for digest in run.sent:
            self.stdout.write(f"{verb} to {digest.user.email}: {digest.subject}")
        self.stdout.write(
            f"{verb} {len(run.sent)} digest(s) for {run.on:%d %B %Y}; "
            f"{run.nothing_new} with nothing new, {run.no_email} without an e-mail address, "
            f"{run.already_sent} already sent today."
        )
        if run.failed:
            raise CommandError(f"{run.failed} digest(s) could not be sent (see the log); run again to retry them.")
