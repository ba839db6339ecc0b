"""The legacy tier rule (reference/standards.md §3.5): table-driven over the published bands with
their boundaries, and a property: the tier never improves when a risk input worsens.

"Improves" (supervision.rules.tier.improves): the protect letter moves towards D (A → B, C or D, ...) or
the change digit goes down. The S suffix is about supervision stopping, not risk, so it is ignored.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.models import OrderType, RequirementCategory, RoshLevel
from supervision.models import Need, NeedSeverity
from supervision.rules.tier import (
    Axis,
    TierInputs,
    calculate_tier,
    change_band,
    has_mandate_for_change,
    improves,
    ogrs_points,
    protect_band,
    rsr_points,
)

D = Decimal
ASSESSED = TierInputs(has_valid_assessment=True)


# --- Protect --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rsr", "points"),
    [
        (None, 0),
        (D("0"), 0),
        (D("2.99"), 0),
        (D("3"), 10),
        (D("3.00"), 10),
        (D("6.99"), 10),
        (D("7"), 20),
        (D("100"), 20),
    ],
)
def test_rsr_points_by_band(rsr, points):
    assert rsr_points(rsr) == points


@pytest.mark.parametrize(
    ("rosh", "points", "letter"),
    [
        ("", 0, "D"),
        (RoshLevel.LOW, 0, "D"),
        (RoshLevel.MEDIUM, 10, "C"),
        (RoshLevel.HIGH, 20, "B"),
        (RoshLevel.VERY_HIGH, 150, "A"),
    ],
)
def test_rosh_points_and_letter(rosh, points, letter):
    result = calculate_tier(TierInputs(rosh=rosh))

    assert (result.protect_points, result.protect) == (points, letter)


@pytest.mark.parametrize(
    ("rsr", "rosh", "points"),
    [
        (D("7"), RoshLevel.MEDIUM, 20),  # RSR 20 beats RoSH 10
        (D("3"), RoshLevel.HIGH, 20),  # RoSH 20 beats RSR 10
        (D("7"), RoshLevel.HIGH, 20),  # equal: counted once, not 40
        (D("7"), RoshLevel.VERY_HIGH, 150),
        (D("2.99"), RoshLevel.LOW, 0),
    ],
)
def test_only_the_higher_of_rsr_and_rosh_counts(rsr, rosh, points):
    result = calculate_tier(TierInputs(rsr=rsr, rosh=rosh))

    assert result.protect_points == points
    counted = [f for f in result.factors(Axis.PROTECT) if f.factor in {"RSR", "RoSH"} and f.points]
    assert len(counted) <= 1


@pytest.mark.parametrize(("level", "points", "letter"), [(None, 0, "D"), (1, 5, "D"), (2, 150, "A"), (3, 150, "A")])
def test_mappa_points(level, points, letter):
    result = calculate_tier(TierInputs(mappa_level=level))

    assert (result.protect_points, result.protect) == (points, letter)


@pytest.mark.parametrize(
    ("count", "points", "letter"), [(0, 0, "D"), (1, 2, "D"), (4, 8, "D"), (5, 10, "C"), (9, 18, "C"), (10, 20, "B")]
)
def test_complexity_factors_give_two_points_each(count, points, letter):
    result = calculate_tier(TierInputs(complexity_factors=tuple(f"Factor {n}" for n in range(count))))

    assert (result.protect_points, result.protect) == (points, letter)


def test_a_complexity_factor_counts_once():
    assert calculate_tier(TierInputs(complexity_factors=("Vulnerability", "Vulnerability"))).protect_points == 2


@pytest.mark.parametrize(
    ("points", "letter"), [(0, "D"), (9, "D"), (10, "C"), (19, "C"), (20, "B"), (149, "B"), (150, "A"), (400, "A")]
)
def test_protect_bands(points, letter):
    assert protect_band(points) == letter


def test_points_add_up_across_factors():
    inputs = TierInputs(rosh=RoshLevel.MEDIUM, mappa_level=1, complexity_factors=("Mental health issues",))

    assert calculate_tier(inputs).protect_points == 10 + 5 + 2


@pytest.mark.parametrize(("female", "breach", "points"), [(False, True, 0), (True, False, 0), (True, True, 2)])
def test_previous_breach_or_recall_counts_for_women_only(female, breach, points):
    result = calculate_tier(TierInputs(is_female=female, previous_breach_or_recall=breach))

    assert result.protect_points == points


def test_women_only_factors_not_recorded_give_nothing_and_say_so():
    result = calculate_tier(TierInputs(is_female=True))

    explained = {f.factor: f.explanation for f in result.factors(Axis.PROTECT)}
    assert "Not recorded" in explained["Parenting responsibilities"]
    assert "Not recorded" in explained["Impulsivity or temper control"]
    assert result.protect_points == 0


def test_women_only_factors_count_when_recorded():
    inputs = TierInputs(is_female=True, parenting_responsibilities=True, impulsivity_or_temper=True)

    assert calculate_tier(inputs).protect_points == 4


# --- Change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "severity", "points"),
    [
        (Need.THINKING_BEHAVIOUR, NeedSeverity.STANDARD, 2),
        (Need.THINKING_BEHAVIOUR, NeedSeverity.SEVERE, 4),
        (Need.ATTITUDES, NeedSeverity.SEVERE, 4),
        (Need.ACCOMMODATION, NeedSeverity.STANDARD, 1),
        (Need.ETE, NeedSeverity.SEVERE, 2),
        (Need.RELATIONSHIPS, NeedSeverity.SEVERE, 2),
        (Need.LIFESTYLE, NeedSeverity.SEVERE, 2),
        (Need.DRUGS, NeedSeverity.SEVERE, 2),
        (Need.ALCOHOL, NeedSeverity.STANDARD, 1),
        (Need.FINANCE, NeedSeverity.SEVERE, 0),
        (Need.EMOTIONAL_WELLBEING, NeedSeverity.SEVERE, 0),
        (Need.DRUGS, NeedSeverity.NONE, 0),
    ],
)
def test_need_weighting_times_severity(need, severity, points):
    assert calculate_tier(replace(ASSESSED, needs={need: severity})).change_points == points


@pytest.mark.parametrize(
    ("ogrs", "points"),
    [(None, 0), (D("0"), 0), (D("9.99"), 0), (D("10"), 1), (D("49.99"), 4), (D("50"), 5), (D("100"), 10)],
)
def test_ogrs_divided_by_ten_rounds_down(ogrs, points):
    assert ogrs_points(ogrs) == points


@pytest.mark.parametrize(("points", "level"), [(0, 1), (9, 1), (10, 2), (19, 2), (20, 3), (60, 3)])
def test_change_bands(points, level):
    assert change_band(points) == level


SEVERE, STANDARD = NeedSeverity.SEVERE, NeedSeverity.STANDARD
TOP: dict[str, str] = {Need.THINKING_BEHAVIOUR: SEVERE, Need.ATTITUDES: SEVERE}  # 2 x 2 each = 8
ALL_SEVERE: dict[str, str] = {
    **TOP,
    **{n: SEVERE for n in (Need.ACCOMMODATION, Need.ETE, Need.RELATIONSHIPS, Need.LIFESTYLE, Need.DRUGS)},
}
NEEDS_WORTH: dict[int, dict[str, str]] = {
    0: {},
    5: {Need.THINKING_BEHAVIOUR: SEVERE, Need.ALCOHOL: STANDARD},
    9: {**TOP, Need.ACCOMMODATION: STANDARD},
    10: {**TOP, Need.ACCOMMODATION: SEVERE},
    12: {**TOP, Need.ACCOMMODATION: SEVERE, Need.ETE: SEVERE},
    19: {**ALL_SEVERE, Need.ALCOHOL: STANDARD, Need.FINANCE: SEVERE},
    20: {**ALL_SEVERE, Need.ALCOHOL: SEVERE, Need.EMOTIONAL_WELLBEING: SEVERE},
}


def _needs_worth(points: int) -> dict[str, str]:
    return NEEDS_WORTH[points]


@pytest.mark.parametrize(("points", "level"), [(0, 1), (9, 1), (10, 2), (19, 2), (20, 3)])
def test_needs_scores_at_the_band_boundaries(points, level):
    result = calculate_tier(replace(ASSESSED, needs=_needs_worth(points)))

    assert (result.change_points, result.change) == (points, level)


def test_ogrs_and_iom_add_to_the_needs():
    inputs = replace(ASSESSED, needs=_needs_worth(5), ogrs=D("38"), iom=True)

    result = calculate_tier(inputs)

    assert result.change_points == 5 + 3 + 2
    assert result.change == 2


def test_no_valid_assessment_gives_change_level_two():
    result = calculate_tier(TierInputs(has_valid_assessment=False, needs=_needs_worth(20), ogrs=D("90")))

    assert (result.change, result.change_points) == (2, 0)
    assert result.factors(Axis.CHANGE)[0].factor == "No valid assessment"


def test_no_mandate_for_change_gives_change_level_zero_even_without_an_assessment():
    assert calculate_tier(TierInputs(mandate_for_change=False)).change == 0
    assert calculate_tier(replace(ASSESSED, mandate_for_change=False, needs=_needs_worth(20))).change == 0


@pytest.mark.parametrize(
    ("sentences", "mandate"),
    [
        ([], False),
        ([(OrderType.CO, [])], False),
        ([(OrderType.CO, [RequirementCategory.UPW])], False),
        ([(OrderType.CO, [RequirementCategory.CURFEW, RequirementCategory.EM, RequirementCategory.UPW])], False),
        ([(OrderType.SSO, [RequirementCategory.EXCLUSION, RequirementCategory.PROHIBITED_ACTIVITY])], False),
        ([(OrderType.CO, [RequirementCategory.RAR])], True),
        ([(OrderType.CO, [RequirementCategory.UPW, RequirementCategory.DRUG])], True),
        ([(OrderType.LICENCE, [])], True),
        ([(OrderType.PSS, [])], True),
        ([(OrderType.CO, [RequirementCategory.UPW]), (OrderType.LICENCE, [])], True),
    ],
)
def test_mandate_for_change(sentences, mandate):
    assert has_mandate_for_change(sentences) is mandate


# --- The tier -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "tier"),
    [
        (TierInputs(), "D2"),
        (replace(ASSESSED, rosh=RoshLevel.HIGH, needs=_needs_worth(12)), "B2"),
        (replace(ASSESSED, rosh=RoshLevel.VERY_HIGH, needs=_needs_worth(20)), "A3"),
        (replace(ASSESSED, rsr=D("4"), mandate_for_change=False), "C0"),
        (replace(ASSESSED, mappa_level=2, reset_applies=True), "A1S"),
    ],
)
def test_the_tier_is_the_letter_and_the_digit(inputs, tier):
    assert calculate_tier(inputs).tier == tier


def test_probation_reset_adds_s_and_says_why():
    result = calculate_tier(TierInputs(reset_applies=True))

    assert result.tier == "D2S"
    assert any(f.factor == "Probation Reset" for f in result.breakdown)


@pytest.mark.parametrize(
    ("before", "after", "improved"),
    [
        ("B2", "C2", True),
        ("B2", "B1", True),
        ("B2", "A2", False),
        ("B2", "B3", False),
        ("B2", "B2S", False),
        ("A0", "D3", True),
    ],
)
def test_what_improves_means(before, after, improved):
    assert improves(before, after) is improved


# --- Property: worsening a risk input never improves the tier -------------------------------

ROSH = ["", RoshLevel.LOW, RoshLevel.MEDIUM, RoshLevel.HIGH, RoshLevel.VERY_HIGH]
SEVERITIES: list[str] = [NeedSeverity.NONE, NeedSeverity.STANDARD, NeedSeverity.SEVERE]
percent = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))

inputs_strategy = st.builds(
    TierInputs,
    rosh=st.sampled_from(ROSH),
    rsr=percent,
    ogrs=percent,
    mappa_level=st.sampled_from([None, 1, 2, 3]),
    complexity_factors=st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F"]), unique=True).map(tuple),
    is_female=st.booleans(),
    parenting_responsibilities=st.sampled_from([None, False, True]),
    impulsivity_or_temper=st.sampled_from([None, False, True]),
    previous_breach_or_recall=st.booleans(),
    needs=st.dictionaries(st.sampled_from(Need.values), st.sampled_from(SEVERITIES)),
    has_valid_assessment=st.booleans(),
    iom=st.booleans(),
    mandate_for_change=st.booleans(),
    reset_applies=st.booleans(),
)


def _worse_percent(value: Decimal | None, more: Decimal) -> Decimal:
    return min(D(100), (value or D(0)) + more)


def worsen(inputs: TierInputs, how: str, data: st.DataObject) -> TierInputs:
    """`inputs` with one risk input made worse, everything else fixed."""
    if how == "rosh":
        start = ROSH.index(inputs.rosh)
        return replace(inputs, rosh=data.draw(st.sampled_from(ROSH[start:])))
    if how == "rsr":
        return replace(inputs, rsr=_worse_percent(inputs.rsr, data.draw(st.decimals(0, 100, places=2))))
    if how == "ogrs":
        return replace(inputs, ogrs=_worse_percent(inputs.ogrs, data.draw(st.decimals(0, 100, places=2))))
    if how == "mappa":
        return replace(inputs, mappa_level=data.draw(st.integers(min_value=inputs.mappa_level or 1, max_value=3)))
    if how == "complexity":
        return replace(inputs, complexity_factors=(*inputs.complexity_factors, "A new factor"))
    need = data.draw(st.sampled_from(Need.values))
    current = SEVERITIES.index(inputs.needs.get(need, NeedSeverity.NONE))
    return replace(inputs, needs={**inputs.needs, need: data.draw(st.sampled_from(SEVERITIES[current:]))})


@given(
    inputs=inputs_strategy,
    how=st.sampled_from(["rosh", "rsr", "ogrs", "mappa", "complexity", "need"]),
    data=st.data(),
)
def test_the_tier_never_improves_when_a_risk_input_worsens(inputs, how, data):
    before = calculate_tier(inputs)
    after = calculate_tier(worsen(inputs, how, data))

    assert not improves(before.tier, after.tier), (how, before.tier, after.tier)
    assert after.protect_points >= before.protect_points
    assert after.change_points >= before.change_points


@given(inputs=inputs_strategy)
def test_the_tier_is_always_well_formed(inputs):
    result = calculate_tier(inputs)

    assert result.protect in "ABCD" and 0 <= result.change <= 3
    assert result.protect_points == sum(f.points for f in result.factors(Axis.PROTECT))
    assert result.tier.endswith("S") is inputs.reset_applies
