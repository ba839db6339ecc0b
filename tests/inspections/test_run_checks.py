"""`manage.py run_checks`: the same code as the sweep, synchronously, for every case, a PDU or a
case; `--crn X --json` prints that case's open flags; a dry run writes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Flag
from tests.inspections.factories import supervised
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_checks", *args, stdout=out)
    return out.getvalue()


def test_crn_json_prints_the_open_flags_of_the_case(pat: Any) -> None:
    case = supervised(90, practitioner=pat, crn="X100001")
    ContactFactory(person=case, type_code="COAP", starts_at=at(60))
    ContactFactory(person=case, type_code="COPT", starts_at=at(5))

    flags = json.loads(run("--crn", "X100001", "--json"))

    assert [f["kind"] for f in flags] == ["FACE_TO_FACE_OVERDUE", "TELEPHONE_ONLY"]
    for flag in flags:
        assert {"kind", "opened_at", "due_by", "standard", "severity", "key_question", "evidence"} <= set(flag)
        assert flag["standard"] == "2.3" and flag["policy_version"] == 1 and flag["opened_at"]
    last_seen = date.fromisoformat(flags[0]["evidence"]["last_face_to_face"])
    assert flags[0]["due_by"] == (last_seen + timedelta(days=30)).isoformat()


def test_a_dry_run_prints_the_findings_and_writes_nothing(pat: Any) -> None:
    supervised(90, practitioner=pat, crn="X100001")

    flags = json.loads(run("--crn", "X100001", "--json", "--dry-run"))

    assert [(f["kind"], f["opened_at"]) for f in flags] == [("FACE_TO_FACE_OVERDUE", None)]
    assert not Flag.objects.exists()
    assert "Dry run, nothing saved" in run("--dry-run")
    assert not Flag.objects.exists()


def test_a_pdu_run_and_a_full_run_report_their_counts(pat: Any, olga: Any) -> None:
    supervised(90, practitioner=pat)
    supervised(90, practitioner=olga)

    assert "Checked 1 cases: 1 flags opened" in run("--pdu", "negh")
    counts = json.loads(run("--json"))
    assert (counts["cases"], counts["opened"], counts["unchanged"]) == (2, 1, 1)
    assert counts["by_kind"] == {"FACE_TO_FACE_OVERDUE": 2}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--crn", "Z999999"], "No case with CRN Z999999"),
        (["--pdu", "NOPE"], "No PDU with code NOPE"),
        (["--crn", "X1", "--pdu", "NEGH"], "Give --crn or --pdu, not both"),
    ],
)
def test_unknown_cases_and_pdus_are_clear_errors(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
