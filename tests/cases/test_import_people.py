"""`manage.py import_people`: onboarding a caseload from a legacy CSV extract.

Every test writes a real CSV file and runs the command through `call_command`. Pat (PO) and Sam
(SPO) are in team NEGH01 (PDU NEGH, region NE); Rory (read only) is in NENC01 (PDU NENC, NE);
Olga is in LDCA01 (PDU LDCA, region LDN).
"""

from __future__ import annotations

import csv
import importlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pghistory.models import Context, Event

from cases.models import (
    PDU,
    Address,
    Allocation,
    Person,
    Region,
    Registration,
    Sentence,
    Team,
)

pytestmark = pytest.mark.django_db
SEEDED_MIGRATION = importlib.import_module("cases.migrations.0002_registration_types")


@pytest.fixture(autouse=True)
def registration_types(db):
    """The seeded types, even if a transactional test elsewhere has flushed the test database."""
    from django.apps import apps

    SEEDED_MIGRATION.add_types(apps, None)


COLUMNS = [
    "crn",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "region_code",
    "pdu_code",
    "team_code",
    "practitioner_username",
    "order_type",
    "sentence_start",
    "sentence_end",
    "rosh",
    "registrations",
]


def row(**overrides: str) -> dict[str, str]:
    """A valid row for Pat's team; each test changes only what it is about."""
    values = {
        "crn": "A000001",
        "first_name": "Alice",
        "last_name": "Archer",
        "date_of_birth": "1990-01-31",
        "gender": "F",
        "region_code": "NE",
        "pdu_code": "NEGH",
        "team_code": "NEGH01",
        "practitioner_username": "pat",
        "order_type": "CO",
        "sentence_start": "2024-01-15",
        "sentence_end": "2025-07-14",
        "rosh": "MEDIUM",
        "registrations": "",
    }
    return values | overrides


def write_csv(
    tmp_path: Path,
    rows: list[dict[str, str]],
    *,
    columns: list[str] | None = None,
    name: str = "caseload.csv",
    encoding: str = "utf-8",
) -> Path:
    columns = columns or list(dict.fromkeys([*COLUMNS, *(k for r in rows for k in r)]))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[r.get(c.strip().lower(), "") for c in columns] for r in rows])
    path = tmp_path / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_rejected(path: Path, *args: str) -> tuple[str, str]:
    """The CommandError message and what was written to stderr (the invalid rows)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as rejected:
        call_command("import_people", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(rejected.value), err.getvalue()


def history_counts() -> dict[str, int]:
    """Rows in every case table and every pghistory event table, plus audit contexts."""
    models = [Person, Sentence, Registration, Allocation, Address, Region, PDU, Team, Context]
    models += [m for m in apps.get_models() if issubclass(m, Event)]
    return {m.__name__: m._default_manager.count() for m in models}


# --- Happy path ------------------------------------------------------------------------------


def test_it_imports_people_with_their_sentences_registrations_and_allocations(tmp_path, pat):
    path = write_csv(
        tmp_path,
        [
            row(
                registrations="ADVP; mapp",
                mappa_category="2",
                mappa_level="1",
                tier="b2",
                pnc_number="2004/0012345A",
                offence="Assault occasioning actual bodily harm",
                address_line1="1 High Street",
                town="Gateshead",
                postcode="ne8 1aa",
            ),
            row(
                crn="B000002",
                first_name="Bob",
                last_name="Baker",
                gender="male",
                order_type="licence",
                is_hdc="true",
            ),
        ],
    )

    out, err = run(path)

    assert out.strip() == "Created 2, unchanged 0 (already present), skipped 0 invalid."
    assert err == ""
    alice = Person.objects.get(crn="A000001")
    assert (alice.first_name, alice.last_name, alice.date_of_birth) == ("Alice", "Archer", date(1990, 1, 31))
    assert (alice.gender, alice.rosh, alice.tier, alice.pnc_number) == ("F", "MEDIUM", "B2", "2004/0012345A")
    assert (alice.team, alice.practitioner) == (pat.team, pat)
    allocation = Allocation.objects.get(person=alice)
    assert (allocation.practitioner, allocation.ended_at, allocation.rationale) == (
        pat,
        None,
        "Imported from caseload.csv",
    )
    sentence = alice.sentences.get()
    assert (sentence.order_type, sentence.start_date, sentence.expected_end_date) == (
        "CO",
        date(2024, 1, 15),
        date(2025, 7, 14),
    )
    assert sentence.offence == "Assault occasioning actual bodily harm"
    registrations = {r.type.code: r for r in alice.registrations.all()}
    assert set(registrations) == {"ADVP", "MAPP"}
    assert registrations["ADVP"].registered_on == date(2024, 1, 15)
    assert registrations["ADVP"].review_due == date(2024, 7, 15)  # the type's six-month review period
    assert registrations["ADVP"].registered_by is None
    assert (registrations["MAPP"].mappa_category, registrations["MAPP"].mappa_level) == (2, 1)
    address = alice.addresses.get()
    assert (address.line1, address.town, address.postcode, address.status) == (
        "1 High Street",
        "Gateshead",
        "NE8 1AA",
        "MAIN",
    )
    bob = Person.objects.get(crn="B000002")
    assert bob.gender == "M"
    assert bob.sentences.get().is_hdc is True
    assert bob.sentences.get().order_type == "LICENCE"


def test_the_audit_trail_names_the_command_and_the_file(tmp_path, pat):
    run(write_csv(tmp_path, [row(registrations="ADVP")], name="gateshead-extract.csv"))

    context = Context.objects.get(metadata__command="import_people")
    assert context.metadata["file"] == "gateshead-extract.csv"
    for event_model in ("PersonEvent", "SentenceEvent", "RegistrationEvent", "AllocationEvent"):
        assert apps.get_model("cases", event_model).objects.filter(pgh_context=context).exists()


def test_a_blank_practitioner_leaves_the_case_awaiting_allocation(tmp_path, pat):
    run(write_csv(tmp_path, [row(practitioner_username="")]))

    person = Person.objects.get(crn="A000001")
    assert (person.team, person.practitioner) == (pat.team, None)
    assert Allocation.objects.get(person=person).practitioner is None


def test_a_case_can_be_allocated_to_an_spo(tmp_path, sam):
    run(write_csv(tmp_path, [row(practitioner_username="sam")]))

    assert Person.objects.get(crn="A000001").practitioner == sam


def test_registrations_on_a_sentence_starting_in_the_future_are_dated_today(tmp_path, pat):
    start = date.today() + timedelta(days=10)
    run(
        write_csv(
            tmp_path,
            [
                row(
                    sentence_start=f"{start}",
                    sentence_end=f"{start + timedelta(days=365)}",
                    registrations="RCPR",
                )
            ],
        )
    )

    registration = Registration.objects.get(person__crn="A000001")
    assert registration.registered_on == date.today()
    assert Sentence.objects.get(person__crn="A000001").start_date == start


def test_columns_may_come_in_any_order_with_headers_in_any_case(tmp_path, pat):
    columns = [" Team_Code ", "CRN", "rosh", "Last_Name", "first_name", "GENDER", "date_of_birth", "pdu_code"]
    columns += ["region_code", "sentence_end", "Sentence_Start", "order_type"]  # no optional columns at all
    run(write_csv(tmp_path, [row()], columns=columns))

    person = Person.objects.get(crn="A000001")
    assert (person.last_name, person.team, person.practitioner) == ("Archer", pat.team, None)


def test_it_reads_a_file_saved_with_a_byte_order_mark(tmp_path, pat):
    path = write_csv(tmp_path, [row(first_name="Zoë")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    run(path)

    assert Person.objects.get(crn="A000001").first_name == "Zoë"


def test_blank_lines_are_ignored_and_line_numbers_count_lines_in_the_file(tmp_path, pat):
    path = tmp_path / "caseload.csv"
    good = write_csv(tmp_path, [row(offence="Theft,\nfrom a shop")], name="good.csv").read_text()
    bad = write_csv(tmp_path, [row(crn="X12", offence="-")], name="bad.csv").read_text().splitlines()[1]
    path.write_text(good + "\r\n" + bad + "\r\n\r\n")  # header 1, row 2-3 (quoted newline), blank 4, bad 5

    _, err = run_rejected(path)

    assert err.strip() == 'line 5: crn "X12" is not a valid CRN (one letter and six digits, e.g. X123456)'


# --- Bad rows ----------------------------------------------------------------------------------

BAD_ROWS = [
    ({"crn": "X12"}, 'crn "X12" is not a valid CRN (one letter and six digits, e.g. X123456)'),
    ({"crn": ""}, "crn is blank"),
    ({"last_name": ""}, "last_name is blank"),
    ({"first_name": "A" * 101}, "first_name is longer than 100 characters"),
    (
        {"date_of_birth": "31/01/1990"},
        'date_of_birth "31/01/1990" is not a valid date (use YYYY-MM-DD, e.g. 2024-03-31)',
    ),
    (
        {"sentence_start": "2024-02-30"},
        'sentence_start "2024-02-30" is not a valid date (use YYYY-MM-DD, e.g. 2024-03-31)',
    ),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth 2999-01-01 is not in the past"),
    ({"sentence_end": "2023-12-31"}, "sentence_end 2023-12-31 is before sentence_start 2024-01-15"),
    ({"gender": "X"}, 'gender "X" is not one of M, MALE, F, FEMALE, O, N'),
    ({"order_type": "DTO"}, 'order_type "DTO" is not one of CO, SSO, LICENCE, PSS'),
    ({"rosh": "EXTREME"}, 'rosh "EXTREME" is not one of LOW, MEDIUM, HIGH, VERY_HIGH'),
    ({"rosh": ""}, "rosh is blank (use LOW, MEDIUM, HIGH, VERY_HIGH)"),
    ({"registrations": "ADVP;NOPE"}, 'registration code "NOPE" is not a registration type in use'),
    ({"registrations": "ADVP;advp"}, "registrations lists ADVP more than once"),
    ({"registrations": "MAPP"}, "a MAPPA registration needs mappa_category (1-4) and mappa_level (1-3)"),
    (
        {"registrations": "MAPP", "mappa_category": "1"},
        "a MAPPA registration needs mappa_category (1-4) and mappa_level (1-3)",
    ),
    (
        {"registrations": "MAPP", "mappa_category": "5", "mappa_level": "1"},
        'mappa_category "5" is not a number from 1 to 4',
    ),
    (
        {"mappa_category": "1", "mappa_level": "1"},
        "mappa_category and mappa_level are only for a MAPPA registration",
    ),
    ({"practitioner_username": "nobody"}, 'practitioner_username "nobody" is not a member of staff'),
    ({"practitioner_username": "olga"}, 'practitioner "olga" is not in team "NEGH01"'),
    (
        {"practitioner_username": "rory", "pdu_code": "NENC", "team_code": "NENC01"},
        'practitioner "rory" is not an active practitioner or SPO',
    ),
    ({"region_code": "ZZ"}, 'region "ZZ" does not exist (use --create-org to create it)'),
    ({"pdu_code": "ZZZZ"}, 'PDU "ZZZZ" does not exist (use --create-org to create it)'),
    (
        {"team_code": "ZZZZ01", "practitioner_username": ""},
        'team "ZZZZ01" does not exist (use --create-org to create it)',
    ),
    ({"team_code": "NENC01", "practitioner_username": ""}, 'team "NENC01" is in PDU "NENC", not "NEGH"'),
    (
        {"pdu_code": "LDCA", "team_code": "LDCA01", "practitioner_username": ""},
        'PDU "LDCA" is in region "LDN", not "NE"',
    ),
    ({"is_hdc": "true"}, "is_hdc is true but order_type is CO: only a LICENCE can be HDC"),
    ({"is_hdc": "maybe"}, 'is_hdc "maybe" is not true or false'),
    ({"tier": "E5"}, 'tier "E5" is not a valid tier (a letter A-D and a digit 0-3, e.g. B2)'),
    ({"pnc_number": "12345"}, 'pnc_number "12345" is not a valid PNC number (e.g. 2004/0012345A)'),
    ({"town": "Gateshead"}, "an address needs address_line1 or postcode"),
]


@pytest.mark.parametrize(("overrides", "reason"), BAD_ROWS, ids=[reason for _, reason in BAD_ROWS])
def test_it_reports_a_bad_row_by_line_and_imports_nothing(tmp_path, pat, olga, rory, overrides, reason):
    path = write_csv(tmp_path, [row(), row(**({"crn": "B000002"} | overrides))])
    before = history_counts()

    message, err = run_rejected(path)

    assert f"line 3: {reason}" in err.splitlines()
    assert "line 2" not in err
    assert message == (
        "1 of 2 rows are invalid; nothing was imported. Correct them, or run with --skip-invalid "
        "to import the 1 valid row and skip the rest"
    )
    assert history_counts() == before


def test_a_row_with_several_problems_lists_them_all(tmp_path, pat):
    path = write_csv(tmp_path, [row(crn="X12", sentence_end="not a date", rosh="", practitioner_username="nobody")])

    _, err = run_rejected(path)

    assert err.strip() == (
        'line 2: crn "X12" is not a valid CRN (one letter and six digits, e.g. X123456); '
        "rosh is blank (use LOW, MEDIUM, HIGH, VERY_HIGH); "
        'sentence_end "not a date" is not a valid date (use YYYY-MM-DD, e.g. 2024-03-31); '
        'practitioner_username "nobody" is not a member of staff'
    )


def test_a_crn_twice_in_the_file_is_reported_on_every_line_it_appears(tmp_path, pat):
    path = write_csv(tmp_path, [row(), row(crn="B000002"), row(first_name="Alicia")])

    _, err = run_rejected(path)

    assert err.splitlines() == [
        'line 2: crn "A000001" appears more than once in the file (lines 2, 4)',
        'line 4: crn "A000001" appears more than once in the file (lines 2, 4)',
    ]
    assert not Person.objects.exists()


def test_a_row_with_too_few_or_too_many_values_is_reported(tmp_path, pat):
    path = write_csv(tmp_path, [row()])
    path.write_text(path.read_text() + "B000002,Bob\r\n" + "C000003" + ",x" * len(COLUMNS) + "\r\n")

    _, err = run_rejected(path)

    assert f"line 3: has 2 values but the header has {len(COLUMNS)} columns" in err
    assert f"line 4: has {len(COLUMNS) + 1} values but the header has {len(COLUMNS)} columns" in err


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(tmp_path, pat):
    path = write_csv(tmp_path, [row(), row(crn="X12"), row(crn="C000003", order_type="DTO")])

    out, err = run(path, "--skip-invalid")

    assert out.strip() == "Created 1, unchanged 0 (already present), skipped 2 invalid."
    assert err.splitlines() == [
        'line 3: crn "X12" is not a valid CRN (one letter and six digits, e.g. X123456)',
        'line 4: order_type "DTO" is not one of CO, SSO, LICENCE, PSS',
    ]
    assert list(Person.objects.values_list("crn", flat=True)) == ["A000001"]


def test_skip_invalid_fails_when_no_row_is_valid(tmp_path, pat):
    message, err = run_rejected(write_csv(tmp_path, [row(crn="X12")]), "--skip-invalid")

    assert message == "None of the 1 rows is valid; nothing was imported"
    assert "line 2:" in err


def test_dry_run_checks_the_file_and_writes_nothing(tmp_path, pat):
    before = history_counts()

    out, _ = run(write_csv(tmp_path, [row(registrations="ADVP")]), "--dry-run")

    assert (
        out.strip() == "Would create 1, unchanged 0 (already present), skipped 0 invalid. Dry run: nothing was written."
    )
    assert history_counts() == before


# --- Organisation ------------------------------------------------------------------------------


def test_an_unknown_organisation_is_rejected_without_create_org(tmp_path, db):
    path = write_csv(tmp_path, [row(region_code="YH", pdu_code="YHLD", team_code="YHLD01", practitioner_username="")])

    message, err = run_rejected(path)

    assert err.strip() == 'line 2: region "YH" does not exist (use --create-org to create it)'
    assert message.startswith("1 of 1 rows are invalid; nothing was imported")
    assert not Region.objects.filter(code="YH").exists()


def test_create_org_creates_the_regions_pdus_and_teams_named_in_the_file(tmp_path, pat):
    yorkshire = {"region_code": "YH", "region_name": "Yorkshire and the Humber", "practitioner_username": ""}
    path = write_csv(
        tmp_path,
        [
            row(
                crn="A000001",
                pdu_code="yhld",
                pdu_name="Leeds",
                team_code="YHLD01",
                team_name="Leeds 1",
                **yorkshire,
            ),
            row(crn="B000002", pdu_code="YHLD", team_code="YHLD02", **yorkshire),
            row(crn="C000003", team_code="NEGH02", practitioner_username=""),  # a new team in an existing PDU
        ],
    )

    out, _ = run(path, "--create-org")

    assert out.strip() == (
        "Created 3, unchanged 0 (already present), skipped 0 invalid. Created 1 regions, 1 PDUs and 3 teams."
    )
    leeds_1 = Team.objects.select_related("pdu__region").get(code="YHLD01")
    assert (leeds_1.name, leeds_1.pdu.code, leeds_1.pdu.name) == ("Leeds 1", "YHLD", "Leeds")
    assert (leeds_1.pdu.region.code, leeds_1.pdu.region.name) == ("YH", "Yorkshire and the Humber")
    assert Team.objects.get(code="YHLD02").name == "YHLD02"  # no team_name: named after its code
    assert Team.objects.get(code="NEGH02").pdu == pat.team.pdu
    assert Person.objects.get(crn="A000001").team == leeds_1


def test_create_org_refuses_a_new_team_given_two_different_pdus(tmp_path, pat, newcastle):
    path = write_csv(
        tmp_path,
        [
            row(team_code="NEGH09", practitioner_username=""),
            row(crn="B000002", pdu_code="NENC", team_code="NEGH09", practitioner_username=""),
        ],
    )

    _, err = run_rejected(path, "--create-org")

    assert err.strip() == 'line 3: new team "NEGH09" is in PDU "NEGH" on line 2, not "NENC"'
    assert not Team.objects.filter(code="NEGH09").exists()


def test_create_org_never_moves_or_renames_an_existing_unit(tmp_path, pat):
    path = write_csv(tmp_path, [row(team_name="Renamed", pdu_code="NENC")])

    _, err = run_rejected(path, "--create-org")

    assert 'team "NEGH01" is in PDU "NEGH", not "NENC"' in err
    assert Team.objects.get(code="NEGH01").name == "Gateshead Team 1"


def test_a_practitioner_cannot_be_in_a_team_the_import_creates(tmp_path, pat):
    _, err = run_rejected(write_csv(tmp_path, [row(team_code="NEGH09")]), "--create-org")

    assert err.strip() == 'line 2: practitioner "pat" is not in team "NEGH09"'


# --- Idempotency -------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(tmp_path, pat):
    path = write_csv(
        tmp_path,
        [
            row(registrations="ADVP;MAPP", mappa_category="1", mappa_level="2", address_line1="1 High St"),
            row(crn="B000002", team_code="NEGH02", practitioner_username=""),
        ],
    )
    run(path, "--create-org")
    after_first = history_counts()

    out, err = run(path, "--create-org")

    assert out.strip() == "Created 0, unchanged 2 (already present), skipped 0 invalid."
    assert err == ""
    assert history_counts() == after_first


def test_an_existing_case_is_never_overwritten(tmp_path, pats_case):
    path = write_csv(tmp_path, [row(crn=pats_case.crn, first_name="Someone", last_name="Else"), row(crn="B000002")])
    out, _ = run(path)

    assert out.strip() == "Created 1, unchanged 1 (already present), skipped 0 invalid."
    pats_case.refresh_from_db()
    assert (pats_case.first_name, pats_case.last_name) == ("John", "Smith")
    assert not pats_case.sentences.exists()
    assert apps.get_model("cases", "PersonEvent").objects.filter(pgh_obj=pats_case).count() == 1


def test_a_case_opened_by_someone_else_during_the_import_rolls_the_whole_import_back(tmp_path, pats_case, monkeypatch):
    # As if the CRN was opened between the import's checks and its writes.
    monkeypatch.setattr("cases.importing._existing_crns", lambda crns: iter(()))
    path = write_csv(tmp_path, [row(crn="B000002"), row(crn=pats_case.crn)])
    before = history_counts()

    message, _ = run_rejected(path)

    assert message.startswith("The database refused the import (duplicate key value violates unique constraint")
    assert message.endswith("; nothing was imported")
    assert history_counts() == before


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(tmp_path, pat):
    small = write_csv(tmp_path, [row(crn=f"A{n:06d}", registrations="ADVP", postcode="NE8 1AA") for n in range(2)])
    large = write_csv(
        tmp_path,
        [row(crn=f"B{n:06d}", registrations="ADVP", postcode="NE8 1AA") for n in range(50)],
        name="large.csv",
    )

    with CaptureQueriesContext(connection) as small_import:
        run(small)
    with CaptureQueriesContext(connection) as large_import:
        run(large)

    assert Person.objects.count() == 52
    assert len(large_import) == len(small_import) <= 20


# --- The file itself ---------------------------------------------------------------------------


def test_missing_required_columns_reject_the_file_naming_them(tmp_path, pat):
    columns = [c for c in COLUMNS if c not in {"rosh", "sentence_end"}]

    message, _ = run_rejected(write_csv(tmp_path, [row()], columns=columns))

    assert message == "The header row is wrong: missing required columns: sentence_end, rosh"


def test_unknown_columns_reject_the_file_naming_them(tmp_path, pat):
    message, _ = run_rejected(write_csv(tmp_path, [row(shoe_size="9", Nickname="Al")]))

    assert message.startswith("The header row is wrong: unknown columns: shoe_size, nickname (allowed: crn, ")
    assert not Person.objects.exists()


def test_a_file_that_is_not_utf8_is_rejected_with_a_clear_message(tmp_path, pat):
    path = write_csv(tmp_path, [row(), row(crn="B000002", first_name="Zoë")], encoding="latin-1")

    message, _ = run_rejected(path)

    assert message == "caseload.csv is not UTF-8 text (first bad byte on line 3); save it as CSV UTF-8"


def test_a_spreadsheet_is_rejected_with_a_clear_message(tmp_path, db):
    path = tmp_path / "caseload.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")

    message, _ = run_rejected(path)

    assert message == "caseload.xlsx is a binary file (a spreadsheet?), not CSV; save it as CSV UTF-8"


def test_a_file_that_is_not_valid_csv_is_rejected_with_a_clear_message(tmp_path, db):
    path = tmp_path / "caseload.csv"
    path.write_text(",".join(COLUMNS) + '\n"A000001"oops,Alice\n')

    message, _ = run_rejected(path)

    assert message == "caseload.csv is not valid CSV: line 2: ',' expected after '\"'"


def test_an_empty_file_is_rejected(tmp_path, db):
    path = tmp_path / "caseload.csv"
    path.write_bytes(b"")

    message, _ = run_rejected(path)

    assert message == "caseload.csv is empty: expected a header row naming the columns"


def test_a_missing_file_is_rejected(tmp_path, db):
    message, _ = run_rejected(tmp_path / "nowhere.csv")

    assert message == f"{tmp_path / 'nowhere.csv'}: no such file"
