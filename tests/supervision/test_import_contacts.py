"""`manage.py import_contacts`: loading a legacy contact log from CSV.

Every test writes a real CSV file and runs the command through `call_command`. Pat's case X100001
is the one the rows are about unless a test says otherwise."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pghistory.models import Context

from supervision.models import CaseStanding, Contact, ContactType

pytestmark = pytest.mark.django_db
COLUMNS = ["crn", "contact_type", "happened_at", "outcome", "notes", "external_id"]


def row(**overrides: str) -> dict[str, str]:
    """A valid row for Pat's case; each test changes only what it is about."""
    values = {
        "crn": "X100001",
        "contact_type": "COAP",
        "happened_at": "2025-03-04T10:30",
        "outcome": "ATTC",
        "notes": "Discussed employment.",
        "external_id": "",
    }
    return values | overrides


def write_csv(tmp_path: Path, rows: list[dict[str, str]], *, columns: list[str] | None = None) -> Path:
    columns = columns or COLUMNS
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[r.get(c.strip().lower(), "") for c in columns] for r in rows])
    path = tmp_path / "contacts.csv"
    path.write_bytes(buffer.getvalue().encode())
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_rejected(path: Path, *args: str) -> tuple[str, str]:
    """The CommandError message and what was written to stderr (the invalid rows)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as rejected:
        call_command("import_contacts", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(rejected.value), err.getvalue()


# --- Happy path ------------------------------------------------------------------------------


def test_it_imports_contacts_with_their_outcomes_and_notes(tmp_path, pats_case, pat):
    path = write_csv(
        tmp_path,
        [
            row(external_id="LEG-1"),
            row(contact_type="copt", happened_at="2025-03-11 09:00:00Z", outcome="", notes="", external_id="LEG-2"),
        ],
    )

    out, err = run(path)

    assert "Created 2, unchanged 0 (already present), skipped 0 invalid." in out
    assert err == ""
    office, phone = Contact.objects.current().for_person(pats_case).order_by("starts_at")
    assert office.contact_type.code == "COAP" and office.outcome.code == "ATTC"
    assert office.notes == "Discussed employment." and office.external_id == "LEG-1"
    assert office.thread_id == office.id and office.version == 1
    assert office.outcome_recorded_at == office.starts_at
    assert office.staff == pat
    assert phone.outcome is None and phone.starts_at == datetime(2025, 3, 11, 9, tzinfo=UTC)


def test_it_reads_a_time_without_an_offset_as_london_time(tmp_path, pats_case):
    run(write_csv(tmp_path, [row(happened_at="2025-07-01T10:00")]))  # British Summer Time

    assert Contact.objects.get().starts_at == datetime(2025, 7, 1, 9, tzinfo=UTC)


def test_it_re_evaluates_the_imported_cases(tmp_path, pats_case):
    out, _ = run(write_csv(tmp_path, [row()]))

    assert "Re-evaluated 1 case." in out
    assert CaseStanding.objects.filter(person=pats_case).exists()


def test_it_records_the_command_and_file_in_the_audit_trail(tmp_path, pats_case):
    run(write_csv(tmp_path, [row()]))

    assert Context.objects.filter(metadata__command="import_contacts", metadata__file="contacts.csv").exists()


def test_importing_the_same_file_twice_creates_nothing_the_second_time(tmp_path, pats_case):
    path = write_csv(tmp_path, [row(external_id="LEG-1"), row(external_id="LEG-2", happened_at="2025-03-05T10:00")])
    run(path)

    out, _ = run(path)

    assert "Created 0, unchanged 2 (already present), skipped 0 invalid." in out
    assert Contact.objects.count() == 2


def test_it_writes_in_a_fixed_number_of_queries_whatever_the_size(tmp_path, pats_case):
    rows = [
        row(happened_at=f"2025-01-01T{h:02d}:{m:02d}", external_id=f"E{h}-{m}") for h in range(8, 18) for m in range(60)
    ]
    path = write_csv(tmp_path, rows)

    with CaptureQueriesContext(connection) as queries:
        run(path)

    assert Contact.objects.count() == 600
    assert len(queries) < 40


# --- All or nothing, --skip-invalid and --dry-run ---------------------------------------------


def test_it_imports_nothing_when_any_row_is_invalid(tmp_path, pats_case):
    path = write_csv(tmp_path, [row(), row(crn="X999999"), row()])

    message, err = run_rejected(path)

    assert message.startswith("1 of 3 rows are invalid; nothing was imported.")
    assert "--skip-invalid to import the 2 valid rows" in message
    assert 'line 3: crn "X999999" is not a case on record' in err
    assert Contact.objects.count() == 0


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(tmp_path, pats_case):
    path = write_csv(tmp_path, [row(), row(contact_type="NOPE"), row()])

    out, err = run(path, "--skip-invalid")

    assert "Created 2, unchanged 0 (already present), skipped 1 invalid." in out
    assert 'line 3: contact_type "NOPE" is not a contact type in use' in err
    assert Contact.objects.count() == 2


def test_skip_invalid_still_refuses_a_file_with_no_valid_row(tmp_path, pats_case):
    message, _ = run_rejected(write_csv(tmp_path, [row(crn="")]), "--skip-invalid")

    assert message == "None of the 1 rows is valid; nothing was imported"


def test_a_dry_run_checks_and_reports_but_writes_nothing(tmp_path, pats_case):
    out, _ = run(write_csv(tmp_path, [row(), row()]), "--dry-run")

    assert "Would create 2, unchanged 0 (already present), skipped 0 invalid. Dry run: nothing was written." in out
    assert Contact.objects.count() == 0
    assert not CaseStanding.objects.exists()


# --- Each check, with its line number -----------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"crn": ""}, "crn is blank"),
        ({"crn": "X12"}, 'crn "X12" is not a valid CRN (one letter and six digits, e.g. X123456)'),
        ({"crn": "Z999999"}, 'crn "Z999999" is not a case on record'),
        ({"contact_type": ""}, "contact_type is blank"),
        ({"contact_type": "XXXX"}, 'contact_type "XXXX" is not a contact type in use'),
        ({"happened_at": ""}, "happened_at is blank"),
        (
            {"happened_at": "04/03/2025 10:30"},
            'happened_at "04/03/2025 10:30" is not a valid date and time (use YYYY-MM-DDTHH:MM, e.g. 2024-03-31T14:30)',
        ),
        (
            {"happened_at": "2025-03-04"},
            'happened_at "2025-03-04" is not a valid date and time (use YYYY-MM-DDTHH:MM, e.g. 2024-03-31T14:30)',
        ),
        (
            {"happened_at": "2025-02-30T10:00"},
            'happened_at "2025-02-30T10:00" is not a valid date and time (use YYYY-MM-DDTHH:MM, e.g. 2024-03-31T14:30)',
        ),
        ({"outcome": "WHAT"}, 'outcome "WHAT" is not an outcome code in use'),
        (
            {"contact_type": "COPT", "outcome": "ATSH"},
            "outcome ATSH: A remote contact (planned telephone contact) cannot have the outcome "
            "Attended - sent home (behaviour)",
        ),
        (
            {"contact_type": "EMTX", "outcome": "ATTC"},
            "outcome ATTC: An outcome is not recorded for an email or text message",
        ),
        ({"notes": "x" * 12_001}, "notes are longer than 12,000 characters"),
        ({"external_id": "E" * 101}, "external_id is longer than 100 characters"),
    ],
)
def test_it_reports_each_invalid_value_with_its_line_number(tmp_path, pats_case, overrides, message):
    path = write_csv(tmp_path, [row(), row(**overrides)])

    _, err = run_rejected(path)

    assert err.strip() == f"line 3: {message}"
    assert Contact.objects.count() == 0


def test_it_refuses_a_future_contact_with_an_outcome_that_needs_it_to_have_happened(tmp_path, pats_case):
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    path = write_csv(tmp_path, [row(happened_at=tomorrow, outcome="ATTC"), row(happened_at=tomorrow, outcome="AAME")])

    message, err = run_rejected(path)

    assert err.startswith(
        "line 2: outcome ATTC: Attended - complied cannot be recorded before the contact has happened"
    )
    assert "line 3" not in err  # an acceptable absence may be recorded in advance
    assert message.startswith("1 of 2 rows are invalid")


def test_it_refuses_an_inactive_contact_type(tmp_path, pats_case):
    ContactType.objects.filter(code="COVC").update(is_active=False)

    _, err = run_rejected(write_csv(tmp_path, [row(contact_type="COVC", outcome="")]))

    assert err.strip() == 'line 2: contact_type "COVC" is not a contact type in use'


def test_it_reports_every_reason_a_row_is_wrong(tmp_path, pats_case):
    _, err = run_rejected(write_csv(tmp_path, [row(crn="Z999999", contact_type="XX", happened_at="soon")]))

    assert err.strip() == (
        'line 2: crn "Z999999" is not a case on record; contact_type "XX" is not a contact type in use; '
        'happened_at "soon" is not a valid date and time (use YYYY-MM-DDTHH:MM, e.g. 2024-03-31T14:30)'
    )


def test_it_reports_an_external_id_repeated_in_the_file_on_every_line(tmp_path, pats_case):
    path = write_csv(tmp_path, [row(external_id="LEG-1"), row(), row(external_id="LEG-1")])

    _, err = run_rejected(path)

    assert err.splitlines() == [
        'line 2: external_id "LEG-1" appears more than once in the file (lines 2, 4)',
        'line 4: external_id "LEG-1" appears more than once in the file (lines 2, 4)',
    ]


def test_it_rejects_a_header_with_missing_or_unknown_columns(tmp_path, pats_case):
    path = write_csv(tmp_path, [row()], columns=["crn", "type", "happened_at"])

    message, _ = run_rejected(path)

    assert message == (
        "The header row is wrong: unknown columns: type (allowed: crn, contact_type, happened_at, outcome, notes, "
        "external_id); missing required columns: contact_type"
    )


def test_it_accepts_headers_in_any_order_and_case_with_optional_columns_left_out(tmp_path, pats_case):
    path = write_csv(tmp_path, [row()], columns=[" Happened_At", "CRN", "contact_type"])

    out, _ = run(path)

    assert "Created 1" in out
    assert Contact.objects.get().outcome is None


def test_it_rejects_a_file_that_is_not_utf8(tmp_path, pats_case):
    path = tmp_path / "contacts.csv"
    path.write_bytes("crn,contact_type,happened_at\nX100001,COAP,2025-03-04T10:00 caf\xe9\n".encode("latin-1"))

    message, _ = run_rejected(path)

    assert message == "contacts.csv is not UTF-8 text (first bad byte on line 2); save it as CSV UTF-8"
