"""`manage.py import_people` takes each sentence's requirements (category, length, unit) and the
latest RSR: without them every imported community order had no mandate for change (change level
0) and an RSR on record never reached the tier. See docs/import-people.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Person, Requirement, RsrScore
from supervision.services.tier import recalculate_tier
from tests.cases.test_import_people import registration_types, row, run, run_rejected, write_csv

pytestmark = pytest.mark.django_db
__all__ = ["registration_types"]  # the autouse fixture, here too


def test_requirements_are_imported_with_their_length_and_unit(tmp_path, pat):
    path = write_csv(tmp_path, [row(requirements="RAR:20; upw:120:hours ;CURFEW:3:MONTHS;exclusion")])

    run(path)

    requirements = {
        r.category: (r.length, r.unit, r.delivered, r.start_date)
        for r in Requirement.objects.filter(sentence__person__crn="A000001")
    }
    start = date(2024, 1, 15)
    assert requirements == {
        "RAR": (20, "DAYS", 0, start),  # RAR is measured in days: the unit may be left out
        "UPW": (120, "HOURS", 0, start),
        "CURFEW": (3, "MONTHS", 0, start),
        "EXCLUSION": (None, "", 0, start),
    }


@pytest.mark.parametrize(
    ("requirements", "change"),
    [
        ("", 0),  # no requirement: no mandate for change (as before this column)
        ("UPW:100", 0),  # unpaid work only: still none
        ("UPW:100;CURFEW:2", 0),
        ("RAR:10", 2),  # a rehabilitative requirement: change level 2 until an assessment
        ("UPW:100;DRUG_REHAB:6:MONTHS", 2),
    ],
)
def test_imported_requirements_give_the_tier_its_mandate_for_change(tmp_path, pat, requirements, change):
    today = timezone.localdate()
    start, end = date(today.year - 1, 1, 15), date(today.year + 1, 1, 14)
    run(write_csv(tmp_path, [row(requirements=requirements, sentence_start=str(start), sentence_end=str(end))]))

    calculation = recalculate_tier(Person.objects.get(crn="A000001"), trigger="Imported")

    assert int(calculation.tier[1]) == change


def test_the_rsr_is_recorded_where_it_arrived_and_reaches_the_tier(tmp_path, pat):
    today = timezone.localdate()
    start, end = date(today.year - 1, 1, 15), date(today.year + 1, 1, 14)
    path = write_csv(
        tmp_path,
        [
            row(
                rsr="23", rsr_date="2030-06-01", requirements="RAR:20", sentence_start=str(start), sentence_end=str(end)
            ),
            row(crn="B000002", rsr="4.5"),  # no date: recorded as of the import
        ],
    )

    run(path)

    imported = RsrScore.objects.get(person__crn="A000001")
    assert (imported.score, imported.calculated_on, imported.source) == (Decimal("23.00"), date(2030, 6, 1), "IMPORT")
    assert RsrScore.objects.get(person__crn="B000002").calculated_on == today
    assert recalculate_tier(Person.objects.get(crn="A000001"), trigger="Imported").tier == "B2"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"requirements": "NOPE:10"}, 'requirements "NOPE:10" is not CATEGORY[:LENGTH[:UNIT]] with a category of'),
        ({"requirements": "RAR:ten"}, 'requirements "RAR:ten": the length must be a whole number more than 0'),
        ({"requirements": "RAR:0"}, 'requirements "RAR:0": the length must be a whole number more than 0'),
        ({"requirements": "RAR:10:WEEKS"}, 'requirements "RAR:10:WEEKS": the unit must be one of'),
        ({"requirements": "DRUG_REHAB:6"}, 'requirements "DRUG_REHAB:6" needs a unit'),
        ({"requirements": "RAR::DAYS"}, 'requirements "RAR::DAYS" gives a unit but no length'),
        ({"requirements": "RAR:1:DAYS:X"}, 'requirements "RAR:1:DAYS:X" is not CATEGORY[:LENGTH[:UNIT]]'),
        ({"rsr": "101"}, 'rsr "101" is not a percentage from 0 to 100 (at most 2 decimal places)'),
        ({"rsr": "4.567"}, 'rsr "4.567" is not a percentage from 0 to 100 (at most 2 decimal places)'),
        ({"rsr": "NaN"}, 'rsr "NaN" is not a percentage from 0 to 100 (at most 2 decimal places)'),
        ({"rsr_date": "2030-01-01"}, "rsr_date is given but rsr is blank"),
        ({"rsr": "5", "rsr_date": "2999-01-01"}, "rsr_date 2999-01-01 is in the future"),
    ],
)
def test_bad_requirements_and_rsr_reject_the_row(tmp_path, pat, overrides, reason):
    _, err = run_rejected(write_csv(tmp_path, [row(**overrides)]))

    assert err.startswith("line 2: ") and reason in err
    assert not Person.objects.exists() and not Requirement.objects.exists() and not RsrScore.objects.exists()
