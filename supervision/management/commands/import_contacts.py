"""`manage.py import_contacts FILE.csv`: load a legacy system's contact log.

The format is in docs/import-contacts.md; the work is done by supervision.importing.import_contacts."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.importing import ImportRejected, RowError
from supervision.importing import ContactImportSummary, import_contacts


class Command(BaseCommand):
    help = "Import contacts (appointments and their outcomes) for cases already on record from a CSV file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file (UTF-8) with a header row; see docs/import-contacts.md")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows and report the invalid ones"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, writing nothing")

    def handle(self, *args: Any, file: Path, skip_invalid: bool, dry_run: bool, **options: Any) -> None:
        try:
            summary = import_contacts(file, skip_invalid=skip_invalid, dry_run=dry_run)
        except ImportRejected as rejected:
            self._report(rejected.errors)
            raise CommandError(str(rejected)) from None
        self._report(summary.errors)
        self.stdout.write(self.style.SUCCESS(_summary_line(summary)))

    def _report(self, errors: list[RowError]) -> None:
        for error in errors:
            self.stderr.write(str(error))


def _summary_line(summary: ContactImportSummary) -> str:
    verb = "Would create" if summary.dry_run else "Created"
    line = (
        f"{verb} {summary.created}, unchanged {summary.unchanged} (already present), skipped {summary.skipped} invalid."
    )
    if summary.dry_run:
        line += " Dry run: nothing was written."
    elif summary.cases_refreshed:
        line += f" Re-evaluated {summary.cases_refreshed} case{'s' if summary.cases_refreshed != 1 else ''}."
    return line
