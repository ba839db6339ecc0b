"""Pure assessment rules: predictor bands (boundaries included), the overall RoSH, who needs a
countersignature, the task-list sections and what changed between two assessments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supervision.models import Assessment, Need
from supervision.rules.assessments import (
    Change,
    band,
    diff,
    highest_rosh,
    missing,
    needs_countersignature,
    overall_rosh,
)
from tests.supervision.assessment_factories import FULL


@pytest.mark.parametrize(
    ("predictor", "score", "expected"),
    [
        ("ogrs", "0", "LOW"),
        ("ogrs", "49.99", "LOW"),
        ("ogrs", "50", "MEDIUM"),
        ("ogrs", "74.99", "MEDIUM"),
        ("ogrs", "75", "HIGH"),
        ("ogrs", "89.99", "HIGH"),
        ("ogrs", "90", "VERY_HIGH"),
        ("ogrs", "100", "VERY_HIGH"),
        ("ovp", "49.99", "LOW"),
        ("ovp", "75", "HIGH"),
        ("ogp", "50", "MEDIUM"),
        ("ogp", "90", "VERY_HIGH"),
        ("rsr", "0", "LOW"),
        ("rsr", "2.99", "LOW"),
        ("rsr", "3", "MEDIUM"),
        ("rsr", "6.99", "MEDIUM"),
        ("rsr", "7", "HIGH"),
        ("rsr", "100", "HIGH"),
        ("osp", "0.99", "LOW"),
        ("osp", "1", "MEDIUM"),
        ("osp", "2.99", "MEDIUM"),
        ("osp", "3", "HIGH"),
        ("osp", "5.99", "HIGH"),
        ("osp", "6", "VERY_HIGH"),
    ],
)
def test_predictor_bands(predictor, score, expected):
    assert band(predictor, Decimal(score)) == expected


def test_no_score_has_no_band():
    assert band("ogrs", None) is None


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([], ""),
        (["", ""], ""),
        (["LOW"], "LOW"),
        (["LOW", "MEDIUM", ""], "MEDIUM"),
        (["HIGH", "VERY_HIGH", "LOW"], "VERY_HIGH"),
        (["MEDIUM", "HIGH"], "HIGH"),
    ],
)
def test_the_overall_rosh_is_the_highest_group(levels, expected):
    assert highest_rosh(levels) == expected


def test_an_overall_rosh_set_by_the_author_wins():
    assessment = Assessment(**{**FULL, "rosh_public": "MEDIUM", "rosh_overall": "HIGH"})
    assert overall_rosh(assessment) == "HIGH"
    assert overall_rosh(Assessment(**{**FULL, "rosh_children": "VERY_HIGH"})) == "VERY_HIGH"


@pytest.mark.parametrize(
    ("grade", "rosh", "required"),
    [
        ("PSO", "VERY_HIGH", True),
        ("PSO", "HIGH", True),
        ("PSO", "MEDIUM", False),
        ("PSO", "LOW", False),
        ("PQIP", "HIGH", True),
        ("PQIP", "VERY_HIGH", True),
        ("PQIP", "MEDIUM", False),
        ("PO", "VERY_HIGH", False),
        ("PO", "HIGH", False),
        ("", "HIGH", False),
    ],
)
def test_who_needs_a_countersignature(grade, rosh, required):
    assert needs_countersignature(grade, rosh) is required


def test_a_full_assessment_is_missing_nothing():
    assert missing(Assessment(**FULL)) == []


def test_missing_parts_are_named_by_section():
    partial = {**FULL, "rosh_staff": "", "rsr": None, "needs": {}, "contingency_plan": " "}
    problems = missing(Assessment(**partial))
    assert ("rosh", "Select the RoSH to staff") in problems
    assert ("predictors", "Enter the RSR score") in problems
    assert ("needs", "Select the level of need for accommodation") in problems
    assert ("plans", "Enter the contingency plan") in problems
    assert len([p for p in problems if p[0] == "needs"]) == len(Need)


def test_osp_is_optional():
    assert missing(Assessment(**{**FULL, "osp": None})) == []


def test_diff_names_each_change_from_and_to():
    before = Assessment(**FULL)
    needs = {**FULL["needs"], "ALCOHOL": "SEVERE"}
    after = Assessment(
        **{**FULL, "rosh_children": "HIGH", "rsr": Decimal("7.50"), "needs": needs, "risk_management_plan": "New plan"}
    )
    changes = [str(c) for c in diff(before, after)]
    assert changes == [
        "RoSH to children: Low → High",
        "Overall RoSH: Medium → High",
        "RSR: 2.5% (Low) → 7.5% (High)",
        "Alcohol misuse: Some need → Severe need",
        "Risk management plan changed",
    ]


def test_diff_of_the_same_assessment_is_empty():
    assert diff(Assessment(**FULL), Assessment(**FULL)) == []


def test_diff_against_nothing_shows_everything_as_new():
    changes = diff(None, Assessment(**FULL))
    assert Change("RoSH to the public", "Not assessed", "Medium") in changes
    assert Change("OGRS", "No score", "40% (Low)") in changes
    assert Change("Risk of harm analysis", is_text=True) in changes


def test_a_removed_score_shows_as_no_score():
    changes = diff(Assessment(**FULL), Assessment(**{**FULL, "ogp": None}))
    assert [str(c) for c in changes] == ["OGP: 30% (Low) → No score"]
