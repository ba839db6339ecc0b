"""The skeleton every CSV import shares (`import_people`, `import_contacts`): read and check the file,
check every row, refuse the file or skip the invalid rows, write all or nothing, and the command
that reports it. An import supplies its columns, its row check and its writes.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pghistory
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

R = TypeVar("R")


class ImportRejected(Exception):
    """The file cannot be imported. `errors` lists the invalid rows when that is the reason."""

    def __init__(self, message: str, errors: Iterable[RowError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


@dataclass(frozen=True)
class RowError:
    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.reasons)}"


@dataclass(frozen=True)
class RawRow:
    """One data record: its first physical line in the file and its trimmed cells by column."""

    line: int
    cells: Mapping[str, str]
    width_error: str = ""

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def code(self, column: str) -> str:
        return self.get(column).upper()


@dataclass
class ImportSummary:
    """What an import did; an import adds its own counts."""

    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.errors)

    @property
    def verb(self) -> str:
        return "Would create" if self.dry_run else "Created"

    def line(self) -> str:
        """The command's closing line."""
        text = (
            f"{self.verb} {self.created}, unchanged {self.unchanged} (already present), skipped {self.skipped} invalid."
        )
        text += self.more()
        return text + (" Dry run: nothing was written." if self.dry_run else "")

    def more(self) -> str:
        """What an import adds to the closing line (before the dry-run note)."""
        return ""


# --- Reading -----------------------------------------------------------------------------------


def read_csv(path: Path, *, required: Sequence[str], allowed: Sequence[str]) -> list[RawRow]:
    """The file rules every import shares (UTF-8 CSV, a header naming known columns once each,
    every required column present, rows as wide as the header), for any set of columns."""
    records = _csv_records(_decode(path), path.name)
    if not records:
        raise ImportRejected(f"{path.name} is empty: expected a header row naming the columns")
    (_, header), data = records[0], records[1:]
    columns = _check_header(header, required, allowed)
    return [_raw_row(line, columns, cells) for line, cells in data if any(c.strip() for c in cells)]


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRejected(f"{path}: no such file") from None
    except OSError as error:
        raise ImportRejected(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            f"{path.name} is not UTF-8 text (first bad byte on line {line}); save it as CSV UTF-8"
        ) from None
    if "\x00" in text:
        raise ImportRejected(f"{path.name} is a binary file (a spreadsheet?), not CSV; save it as CSV UTF-8")
    return text


def _csv_records(text: str, name: str) -> list[tuple[int, list[str]]]:
    """Records with the physical line each starts on (a quoted cell may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRejected(f"{name} is not valid CSV: line {reader.line_num}: {error}") from None
    return records


def _check_header(header: list[str], required: Sequence[str], allowed: Sequence[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    problems = []
    if "" in columns:
        problems.append(f"column {columns.index('') + 1} of the header has no name")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(f"repeated columns: {', '.join(repeated)}")
    unknown = [c for c in columns if c and c not in allowed]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    missing = [c for c in required if c not in columns]
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    if problems:
        raise ImportRejected("The header row is wrong: " + "; ".join(problems))
    return columns


def _raw_row(line: int, columns: list[str], cells: list[str]) -> RawRow:
    width_error = ""
    extra = cells[len(columns) :]
    if len(cells) < len(columns) or any(c.strip() for c in extra):
        width_error = f"has {len(cells)} values but the header has {len(columns)} columns"
    return RawRow(line, {c: v.strip() for c, v in zip(columns, cells, strict=False)}, width_error)


# --- Checking and writing ----------------------------------------------------------------------


def repeated(rows: Iterable[RawRow], column: str, value_of: Callable[[RawRow], str]) -> dict[int, str]:
    """The lines whose `column` value (as `value_of` reads it) is on another line too, with the reason."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if value := value_of(row):
            lines[value].append(row.line)
    return {
        line: f'{column} "{value}" appears more than once in the file (lines {", ".join(map(str, found))})'
        for value, found in lines.items()
        if len(found) > 1
        for line in found
    }


def check_each(
    rows: Iterable[RawRow], check: Callable[[RawRow], tuple[R | None, list[str]]], also: Mapping[int, str]
) -> tuple[list[R], list[RowError]]:
    """Every row through `check` (the row in model types, or None with its reasons), plus the
    file-wide reason `also` gives its line (a repeated key): the valid rows and the errors."""
    valid: list[R] = []
    errors: list[RowError] = []
    for raw in rows:
        row, reasons = check(raw)
        if raw.line in also:
            reasons.append(also[raw.line])
        if reasons or row is None:
            errors.append(RowError(raw.line, tuple(reasons)))
        else:
            valid.append(row)
    return valid, errors


def refuse_invalid(errors: list[RowError], valid: int, total: int, *, skip_invalid: bool) -> None:
    """All or nothing by default: any invalid row refuses the file; with --skip-invalid, only a
    file with no valid row at all."""
    if errors and not skip_invalid:
        rest = total - len(errors)
        raise ImportRejected(
            f"{len(errors)} of {total} rows are invalid; nothing was imported. Correct them, or run with "
            f"--skip-invalid to import the {rest} valid row{'s' if rest != 1 else ''} and skip the rest",
            errors,
        )
    if errors and not valid:
        raise ImportRejected(f"None of the {total} rows is valid; nothing was imported", errors)


@contextmanager
def all_or_nothing(command: str, path: Path, *, dry_run: bool) -> Iterator[None]:
    """One transaction, audited as the command and file; rolled back for a dry run. Rows were
    checked against what was on record when the import started: if someone has since written a
    clashing row, the database refuses it and nothing is imported."""
    try:
        with transaction.atomic(), pghistory.context(command=command, file=path.name):
            yield
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        detail = " ".join(str(error).split())
        raise ImportRejected(f"The database refused the import ({detail}); nothing was imported") from error


class ImportCommand(BaseCommand):
    """`manage.py <import> FILE.csv [--skip-invalid] [--dry-run]`: the invalid rows on stderr, the
    summary on stdout, a refused file as a command error."""

    file_help = "CSV file (UTF-8) with a header row"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=self.file_help)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows and report the invalid ones"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, writing nothing")

    def run_import(self, file: Path, *, skip_invalid: bool, dry_run: bool, **options: Any) -> ImportSummary:
        raise NotImplementedError

    def handle(self, *args: Any, file: Path, skip_invalid: bool, dry_run: bool, **options: Any) -> None:
        try:
            summary = self.run_import(file, skip_invalid=skip_invalid, dry_run=dry_run, **options)
        except ImportRejected as rejected:
            self._report(rejected.errors)
            raise CommandError(str(rejected)) from None
        self._report(summary.errors)
        self.stdout.write(self.style.SUCCESS(summary.line()))

    def _report(self, errors: list[RowError]) -> None:
        for error in errors:
            self.stderr.write(str(error))
