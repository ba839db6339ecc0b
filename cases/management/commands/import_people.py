"""`manage.py import_people FILE.csv`: onboard a PDU's caseload from a legacy extract.

The format is in docs/import-people.md; the work is done by cases.importing.import_people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from cases.importing import import_people
from kit.importing import ImportCommand, ImportSummary


class Command(ImportCommand):
    help = "Import people on probation, their sentences, registrations and allocations from a CSV file."
    file_help = "CSV file (UTF-8) with a header row; see docs/import-people.md"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--create-org",
            action="store_true",
            help="Create regions, PDUs and teams named in the file that don't exist",
        )

    def run_import(self, file: Path, *, skip_invalid: bool, dry_run: bool, **options: Any) -> ImportSummary:
        return import_people(file, create_org=options["create_org"], skip_invalid=skip_invalid, dry_run=dry_run)
