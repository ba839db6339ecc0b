"""`manage.py import_contacts FILE.csv`: load a legacy system's contact log.

The format is in docs/import-contacts.md; the work is done by supervision.importing.import_contacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.importing import ImportCommand, ImportSummary
from supervision.importing import import_contacts


class Command(ImportCommand):
    help = "Import contacts (appointments and their outcomes) for cases already on record from a CSV file."
    file_help = "CSV file (UTF-8) with a header row; see docs/import-contacts.md"

    def run_import(self, file: Path, *, skip_invalid: bool, dry_run: bool, **options: Any) -> ImportSummary:
        return import_contacts(file, skip_invalid=skip_invalid, dry_run=dry_run)
