"""`manage.py import_people FILE.csv`: onboard a PDU's caseload from a legacy extract.

The format is in docs/import-people.md; the work is done by cases.importing.import_people."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.importing import ImportRejected, ImportSummary, RowError, import_people


class Command(BaseCommand):
    help = "Import people on probation, their sentences, registrations and allocations from a CSV file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file (UTF-8) with a header row; see docs/import-people.md")
        parser.add_argument(
            "--create-org",
            action="store_true",
            help="Create regions, PDUs and teams named in the file that don't exist",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows and report the invalid ones"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, writing nothing")

    def handle(
        self, *args: Any, file: Path, create_org: bool, skip_invalid: bool, dry_run: bool, **options: Any
    ) -> None:
        try:
            summary = import_people(file, create_org=create_org, skip_invalid=skip_invalid, dry_run=dry_run)
        except ImportRejected as rejected:
            self._report(rejected.errors)
            raise CommandError(str(rejected)) from None
        self._report(summary.errors)
        self.stdout.write(self.style.SUCCESS(_summary_line(summary)))

    def _report(self, errors: list[RowError]) -> None:
        for error in errors:
            self.stderr.write(str(error))


def _summary_line(summary: ImportSummary) -> str:
    verb = "Would create" if summary.dry_run else "Created"
    line = (
        f"{verb} {summary.created}, unchanged {summary.unchanged} (already present), skipped {summary.skipped} invalid."
    )
    if summary.regions_created or summary.pdus_created or summary.teams_created:
        line += (
            f" {verb} {summary.regions_created} regions, {summary.pdus_created} PDUs and {summary.teams_created} teams."
        )
    if summary.dry_run:
        line += " Dry run: nothing was written."
    return line
