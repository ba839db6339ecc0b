"""Loading a legacy system's contact log from CSV (`manage.py import_contacts`).

The same three stages, and the same file rules, as the caseload import (cases.importing), so the
two commands behave alike: read the file and reject it outright for a bad header; check every
row (formats, codes, the outcome suiting the contact) against reference data loaded once; then
write everything in one transaction under one pghistory context naming the command and file.

Contacts are inserted in batches rather than through `supervision.services.contacts` one at a
time: a legacy log runs to tens of thousands of rows per PDU, and the service's per-contact work
(its queries, its savepoint, a re-evaluation queued per contact) is what the batch replaces. The
checks that service makes on a single contact are made here per row with the same rule
(`supervision.rules.outcomes.outcome_error`), and the affected cases are re-evaluated once, together,
after the write (`supervision.policy.refresh_standings`).

Re-running a file is safe: a row whose `external_id` names a current contact already on record is
left alone and counted as unchanged. The format is documented in docs/import-contacts.md.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import CRN_REGEX, Person, Sentence, governing_sentence
from kit.importing import (
    ImportSummary,
    RawRow,
    RowError,
    all_or_nothing,
    check_each,
    read_csv,
    refuse_invalid,
    repeated,
)
from supervision.models import Contact, ContactType, OutcomeType
from supervision.models.contacts import NOTES_MAX_LENGTH
from supervision.rules.outcomes import outcome_error

REQUIRED_COLUMNS = ("crn", "contact_type", "happened_at")
OPTIONAL_COLUMNS = ("outcome", "notes", "external_id")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# A legacy extract's times without an offset are clock times in England and Wales.
LEGACY_ZONE = zoneinfo.ZoneInfo("Europe/London")
# A date and a time: "2024-03-01T14:30", "2024-03-01 14:30:00", optionally with an offset or Z.
ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
EXTERNAL_ID_MAX_LENGTH = Contact._meta.get_field("external_id").max_length or 100
BATCH_SIZE = 1000
COMMAND = "import_contacts"

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ContactRow:
    """A row that passed every check, in the types the model takes."""

    line: int
    person: Person
    contact_type: ContactType
    starts_at: datetime
    outcome: OutcomeType | None
    notes: str
    external_id: str


@dataclass
class ContactImportSummary(ImportSummary):
    cases_refreshed: int = 0

    def more(self) -> str:
        if self.dry_run or not self.cases_refreshed:
            return ""
        return f" Re-evaluated {self.cases_refreshed} case{'s' if self.cases_refreshed != 1 else ''}."


# --- Reading -------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[RawRow]:
    """Decode and split the file; reject it outright if it is not UTF-8 CSV with a usable header."""
    return read_csv(path, required=REQUIRED_COLUMNS, allowed=ALL_COLUMNS)


# --- Checking ------------------------------------------------------------------------------------


@dataclass
class ReferenceData:
    """Everything a row is checked against, loaded in a handful of queries for the whole file."""

    people: dict[str, Person]
    contact_types: dict[str, ContactType]
    outcomes: dict[str, OutcomeType]
    existing_external_ids: set[str]

    @classmethod
    def load(cls, rows: list[RawRow]) -> ReferenceData:
        crns = sorted({row.code("crn") for row in rows} - {""})
        external_ids = sorted({row.get("external_id") for row in rows} - {""})
        return cls(
            people={p.crn: p for p in _in_chunks(Person.objects.only("id", "crn", "practitioner_id"), "crn", crns)},
            contact_types={t.code.upper(): t for t in ContactType.objects.all()},
            outcomes={o.code.upper(): o for o in OutcomeType.objects.all()},
            existing_external_ids={
                c.external_id
                for c in _in_chunks(Contact.objects.current().only("id", "external_id"), "external_id", external_ids)
            },
        )


def _in_chunks(queryset: QuerySet[M], column: str, values: list[str], chunk: int = 5000) -> list[M]:
    found: list[M] = []
    for i in range(0, len(values), chunk):
        found.extend(queryset.filter(**{f"{column}__in": values[i : i + chunk]}))
    return found


def _happened_at(raw: RawRow, reasons: list[str]) -> datetime | None:
    value = raw.get("happened_at")
    if not value:
        reasons.append("happened_at is blank")
        return None
    if ISO_DATE_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if timezone.is_aware(moment) else moment.replace(tzinfo=LEGACY_ZONE)
    reasons.append(f'happened_at "{value}" is not a valid date and time (use YYYY-MM-DDTHH:MM, e.g. 2024-03-31T14:30)')
    return None


def parse_row(raw: RawRow, refs: ReferenceData, now: datetime) -> tuple[ContactRow | None, list[str]]:
    """The row in model types, or None with every reason it is wrong."""
    reasons = [raw.width_error] if raw.width_error else []
    crn = raw.code("crn")
    person = refs.people.get(crn)
    if not crn:
        reasons.append("crn is blank")
    elif not re.match(CRN_REGEX, crn):
        reasons.append(f'crn "{raw.get("crn")}" is not a valid CRN (one letter and six digits, e.g. X123456)')
    elif person is None:
        reasons.append(f'crn "{crn}" is not a case on record')
    type_code = raw.code("contact_type")
    contact_type = refs.contact_types.get(type_code)
    if not type_code:
        reasons.append("contact_type is blank")
    elif contact_type is None or not contact_type.is_active:
        reasons.append(f'contact_type "{raw.get("contact_type")}" is not a contact type in use')
        contact_type = None
    starts_at = _happened_at(raw, reasons)
    outcome_code = raw.code("outcome")
    outcome = refs.outcomes.get(outcome_code) if outcome_code else None
    if outcome_code and (outcome is None or not outcome.is_active):
        reasons.append(f'outcome "{raw.get("outcome")}" is not an outcome code in use')
    elif outcome and contact_type and starts_at and (problem := outcome_error(contact_type, outcome, starts_at, now)):
        reasons.append(f"outcome {outcome.code}: {problem}")
    notes = raw.get("notes")
    if len(notes) > NOTES_MAX_LENGTH:
        reasons.append(f"notes are longer than {NOTES_MAX_LENGTH:,} characters")
    external_id = raw.get("external_id")
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        reasons.append(f"external_id is longer than {EXTERNAL_ID_MAX_LENGTH} characters")
    if reasons or person is None or contact_type is None or starts_at is None:
        return None, reasons
    return ContactRow(raw.line, person, contact_type, starts_at, outcome, notes, external_id), []


@dataclass
class CheckedFile:
    valid: list[ContactRow]
    errors: list[RowError]


def check_rows(rows: list[RawRow], refs: ReferenceData, now: datetime) -> CheckedFile:
    repeats = repeated(rows, "external_id", lambda row: row.get("external_id"))
    valid, errors = check_each(rows, lambda raw: parse_row(raw, refs, now), also=repeats)
    return CheckedFile(valid, errors)


# --- Writing -------------------------------------------------------------------------------------


def import_contacts(path: Path, *, skip_invalid: bool = False, dry_run: bool = False) -> ContactImportSummary:
    """Import the file at `path`; all or nothing. Raises ImportRejected if it cannot be imported."""
    rows = read_rows(path)
    refs = ReferenceData.load(rows)
    now = timezone.now()
    checked = check_rows(rows, refs, now)
    refuse_invalid(checked.errors, len(checked.valid), len(rows), skip_invalid=skip_invalid)
    new = [row for row in checked.valid if not row.external_id or row.external_id not in refs.existing_external_ids]
    summary = ContactImportSummary(unchanged=len(checked.valid) - len(new), errors=checked.errors, dry_run=dry_run)
    # Someone may since have recorded a contact with one of these external ids: refused whole.
    with all_or_nothing(COMMAND, path, dry_run=dry_run):
        _write_contacts(new, now)
        summary.created = len(new)
    if new and not dry_run:
        summary.cases_refreshed = _refresh({row.person.pk for row in new})
    return summary


def _write_contacts(rows: list[ContactRow], now: datetime) -> None:
    sentences = _sentences({row.person.pk for row in rows})
    contacts = [_contact(row, sentences.get(row.person.pk, []), now) for row in rows]
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)


def _contact(row: ContactRow, sentences: list[Sentence], now: datetime) -> Contact:
    contact_id = uuid.uuid4()
    return Contact(
        id=contact_id,
        thread_id=contact_id,
        person=row.person,
        sentence=governing_sentence(sentences, timezone.localdate(row.starts_at)),
        contact_type=row.contact_type,
        starts_at=row.starts_at,
        staff_id=row.person.practitioner_id,
        outcome=row.outcome,
        # The legacy system recorded the outcome; when is not in the extract, so the contact time stands in.
        outcome_recorded_at=row.starts_at if row.outcome else None,
        notes=row.notes,
        is_sensitive=row.contact_type.sensitive_by_default,
        external_id=row.external_id,
        created_at=now,
    )


def _sentences(person_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[Sentence]]:
    by_person: dict[uuid.UUID, list[Sentence]] = defaultdict(list)
    for sentence in Sentence.objects.filter(person_id__in=person_ids).order_by("-start_date"):
        by_person[sentence.person_id].append(sentence)
    return by_person


def _refresh(person_ids: set[uuid.UUID]) -> int:
    from supervision.policy import refresh_standings

    return refresh_standings(sorted(person_ids, key=str))
