"""The legacy tier (A-D x 0-3, hmpps-tier "V2"): a pure rule, no database.

Protect (A-D) measures risk of harm, change (0-3) the need and mandate for change; the tier is the
two together, e.g. ``B2``, with an ``S`` suffix while Probation Reset has stopped supervision.
Source: reference/standards.md §3.5 (from TIER ``ProtectLevelCalculator.kt`` and
``ChangeLevelCalculator.kt``). Every factor is reported with its points and the reason, so the
page can show how a tier was reached.

The inputs, and where they come from (``supervision.services.tier.tier_inputs_for``):

- RoSH: the highest of the case's RoSH (the latest valid assessment's overall RoSH, else the case's
  own) and its RoSH registration (``RVHR`` very high, ``RHRH`` high, ``RMRH`` medium, ``RLRH`` low:
  the MoJ tier service reads RoSH from these registers, and the rest of this service treats ``RVHR``
  as very high RoSH). The higher one counts, so a registration never lowers an assessed RoSH.
- RSR: the latest RSR recorded on the case wherever it arrived (a completed assessment, a standalone
  calculation, the caseload import; ``cases.RsrScore``), with or without an assessment, as the MoJ
  service takes the latest RSR (``rsrscore``) on the case. "RSR 23%, no assessment" is B2.
- A valid assessment: the latest complete one, completed in the last 55 weeks
  (``ASSESSMENT_VALID_WEEKS``: one completed exactly 55 weeks ago still counts, one a day older does
  not), as the MoJ service (``AssessmentApiService``: completed after today - 55 weeks - 1 day). Its
  needs, OGRS and the factors for women are used; with none the change level is 2. RoSH and RSR
  are not aged out: the latest recorded risk stays until it is reassessed (the review-overdue check
  flags a stale assessment). DOMAIN.md is silent on the age limit; this is the MoJ service's rule.
- Previous breach or recall (women only): a breach referral or recall consideration decided in the
  12 months ending on the day (``breach_or_recall_counts``: the rolling 12 months compliance uses, so
  one 364 days ago counts and one 366 days ago does not). The MoJ service counts enforcement in the
  last 365 days; the two readings differ only on the anniversary itself.
- Women only: parenting responsibilities (OASys 6.9) and impulsivity or temper control (11.2 or 11.4,
  2 points if either is a problem) are recorded on the assessment; when not recorded (``None``) they
  give nothing and the breakdown says so.

Choices made where the source leaves room:

- Only the higher of RSR and RoSH counts; both are reported, the lower with 0 points.
- OGRS ÷ 10 is floored (49.99% gives 4 points), as the Kotlin integer division does.
- MAPPA counts the highest level among the active MAPPA registrations.
- Complexity factors count once per registration type.
- No mandate for change wins over "no valid assessment" (the source checks it first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta

from cases.models import ROSH_ORDER, OrderType, RequirementCategory, RoshLevel
from supervision.models import Need, NeedSeverity
from supervision.rules.compliance import rolling_window_start

# --- Published tables (the rule itself, not admin-set policy) ---------------------------------

RSR_HIGH = Decimal("7")  # ≥7% → 20 points
RSR_MEDIUM = Decimal("3")  # 3-6.99% → 10 points
RSR_POINTS = {"high": 20, "medium": 10}
ROSH_POINTS: dict[str, int] = {RoshLevel.VERY_HIGH: 150, RoshLevel.HIGH: 20, RoshLevel.MEDIUM: 10, RoshLevel.LOW: 0}
MAPPA_POINTS: dict[int, int] = {3: 150, 2: 150, 1: 5}
COMPLEXITY_POINTS = 2
WOMEN_FACTOR_POINTS = 2
PROTECT_BANDS: tuple[tuple[int, str], ...] = ((150, "A"), (20, "B"), (10, "C"), (0, "D"))

NEED_WEIGHTS: dict[str, int] = {
    Need.THINKING_BEHAVIOUR: 2,
    Need.ATTITUDES: 2,
    Need.ACCOMMODATION: 1,
    Need.ETE: 1,
    Need.RELATIONSHIPS: 1,
    Need.LIFESTYLE: 1,
    Need.DRUGS: 1,
    Need.ALCOHOL: 1,
    Need.FINANCE: 0,
    Need.EMOTIONAL_WELLBEING: 0,
}
SEVERITY_POINTS: dict[str, int] = {NeedSeverity.NONE: 0, NeedSeverity.STANDARD: 1, NeedSeverity.SEVERE: 2}
OGRS_DIVISOR = Decimal(10)
IOM_POINTS = 2
CHANGE_BANDS: tuple[tuple[int, int], ...] = ((20, 3), (10, 2), (0, 1))
NO_MANDATE_LEVEL = 0
NO_ASSESSMENT_LEVEL = 2
# An assessment counts for the tier this long after it was completed (the MoJ tier service's limit).
ASSESSMENT_VALID_WEEKS = 55
# A breach or recall counts for the women-only factor for the rolling 12 months (compliance's window).
BREACH_OR_RECALL_MONTHS = 12

# Requirements that restrict rather than change: on their own (or with unpaid work) they give no
# mandate for change. Residence is counted as restrictive: it says where, not what to work on.
RESTRICTIVE_REQUIREMENTS = frozenset(
    {
        RequirementCategory.CURFEW,
        RequirementCategory.EM,
        RequirementCategory.EXCLUSION,
        RequirementCategory.PROHIBITED_ACTIVITY,
        RequirementCategory.RESIDENCE,
    }
)
CUSTODIAL_ORDERS = frozenset({OrderType.LICENCE, OrderType.PSS})

PROTECT_RANK = {"A": 3, "B": 2, "C": 1, "D": 0}  # higher is more risk: moving towards D "improves"


class Axis(StrEnum):
    PROTECT = "protect"
    CHANGE = "change"


def assessment_valid_until(completed_on: date) -> date:
    """The last day a complete assessment counts for the tier."""
    return completed_on + timedelta(weeks=ASSESSMENT_VALID_WEEKS)


def assessment_counts(completed_on: date | None, on: date) -> bool:
    """Whether an assessment completed on `completed_on` counts for the tier on `on` (55 weeks)."""
    return completed_on is not None and completed_on <= on <= assessment_valid_until(completed_on)


def breach_or_recall_counts(decided_on: date, on: date) -> bool:
    """Whether a breach or recall decided on `decided_on` is "previous breach or recall" on `on`: in
    the rolling 12 months ending `on`, the window compliance counts failures in (one name for it)."""
    return rolling_window_start(on) <= decided_on <= on


def breach_or_recall_counts_until(decided_on: date) -> date:
    """The last day a breach referral or recall consideration counts (the day before its anniversary,
    the end of February for one on 29 February)."""
    last: date = decided_on + relativedelta(months=BREACH_OR_RECALL_MONTHS)
    while not breach_or_recall_counts(decided_on, last):
        last -= timedelta(days=1)
    return last


def higher_rosh(*levels: str) -> str:
    """The highest of the RoSH levels given ("" when none is)."""
    return max((level for level in levels if level), key=lambda level: ROSH_ORDER[RoshLevel(level)], default="")


@dataclass(frozen=True)
class TierInputs:
    """What the tier is worked out from. Percentages as Decimals; ``None`` means not known."""

    rosh: str = ""
    # The level of the case's RoSH registration (RVHR, RHRH, ...), if it has one.
    rosh_registered: str = ""
    rsr: Decimal | None = None
    # Where the RSR came from, for the breakdown (e.g. "standalone calculation, 3 Jan 2031").
    rsr_from: str = ""
    ogrs: Decimal | None = None
    mappa_level: int | None = None
    complexity_factors: tuple[str, ...] = ()
    is_female: bool = False
    parenting_responsibilities: bool | None = None
    impulsivity_or_temper: bool | None = None
    previous_breach_or_recall: bool = False
    needs: Mapping[str, str] = field(default_factory=dict)
    has_valid_assessment: bool = False
    iom: bool = False
    mandate_for_change: bool = True
    reset_applies: bool = False


@dataclass(frozen=True)
class TierFactor:
    axis: Axis
    factor: str
    points: int
    explanation: str

    def as_json(self) -> dict[str, Any]:
        return {"axis": str(self.axis), "factor": self.factor, "points": self.points, "explanation": self.explanation}


@dataclass(frozen=True)
class TierResult:
    protect: str  # A-D
    change: int  # 0-3
    protect_points: int
    change_points: int
    reset: bool
    breakdown: tuple[TierFactor, ...]

    @property
    def tier(self) -> str:
        return f"{self.protect}{self.change}{'S' if self.reset else ''}"

    def factors(self, axis: Axis) -> list[TierFactor]:
        return [f for f in self.breakdown if f.axis == axis]

    def breakdown_json(self) -> dict[str, Any]:
        """The breakdown as stored on TierCalculation (JSON-native, so a stored copy compares equal)."""
        return {
            "tier": self.tier,
            "protect": self.protect,
            "change": self.change,
            "reset": self.reset,
            "factors": [f.as_json() for f in self.breakdown],
        }


def calculate_tier(inputs: TierInputs) -> TierResult:
    protect_factors = _protect_factors(inputs)
    protect_points = sum(f.points for f in protect_factors)
    change, change_points, change_factors = _change(inputs)
    breakdown = [*protect_factors, *change_factors]
    if inputs.reset_applies:
        breakdown.append(TierFactor(Axis.CHANGE, "Probation Reset", 0, "Supervision has stopped: tier marked S"))
    return TierResult(
        protect=protect_band(protect_points),
        change=change,
        protect_points=protect_points,
        change_points=change_points,
        reset=inputs.reset_applies,
        breakdown=tuple(breakdown),
    )


def protect_band(points: int) -> str:
    return next(letter for floor, letter in PROTECT_BANDS if points >= floor)


def change_band(points: int) -> int:
    return next(level for floor, level in CHANGE_BANDS if points >= floor)


def improves(before: str, after: str) -> bool:
    """True if `after` is a lower tier than `before`: the protect letter moved towards D or the
    change digit went down (the S suffix is ignored: it is about supervision, not risk)."""
    return PROTECT_RANK[after[0]] < PROTECT_RANK[before[0]] or int(after[1]) < int(before[1])


# --- Protect ------------------------------------------------------------------------------


def rsr_points(rsr: Decimal | None) -> int:
    if rsr is None:
        return 0
    if rsr >= RSR_HIGH:
        return RSR_POINTS["high"]
    if rsr >= RSR_MEDIUM:
        return RSR_POINTS["medium"]
    return 0


def _protect_factors(inputs: TierInputs) -> list[TierFactor]:
    return [*_rsr_or_rosh(inputs), _mappa(inputs.mappa_level), *_complexity(inputs), *_women(inputs)]


def _rosh_text(inputs: TierInputs, level: str, points: int) -> str:
    if not level:
        return "RoSH not recorded"
    text = f"RoSH {RoshLevel(level).label.lower()}: {points} points"
    if inputs.rosh_registered == level and (
        not inputs.rosh or ROSH_ORDER[RoshLevel(level)] > ROSH_ORDER[RoshLevel(inputs.rosh)]
    ):
        text += " (from the RoSH registration)"
    return text


def _rsr_or_rosh(inputs: TierInputs) -> list[TierFactor]:
    rsr = rsr_points(inputs.rsr)
    level = higher_rosh(inputs.rosh, inputs.rosh_registered)
    rosh = ROSH_POINTS.get(level, 0)
    rsr_text = f"RSR {inputs.rsr}%: {rsr} points" if inputs.rsr is not None else "RSR not recorded"
    if inputs.rsr is not None and inputs.rsr_from:
        rsr_text = f"RSR {inputs.rsr}% ({inputs.rsr_from}): {rsr} points"
    rosh_text = _rosh_text(inputs, level, rosh)
    rosh_counts = rosh >= rsr
    lower = " (not counted: only the higher of RSR and RoSH counts)"
    return [
        TierFactor(Axis.PROTECT, "RSR", 0 if rosh_counts else rsr, rsr_text + (lower if rosh_counts and rsr else "")),
        TierFactor(Axis.PROTECT, "RoSH", rosh if rosh_counts else 0, rosh_text + ("" if rosh_counts else lower)),
    ]


def _mappa(level: int | None) -> TierFactor:
    if level is None:
        return TierFactor(Axis.PROTECT, "MAPPA", 0, "Not managed under MAPPA")
    return TierFactor(Axis.PROTECT, "MAPPA", MAPPA_POINTS.get(level, 0), f"MAPPA level {level}")


def _complexity(inputs: TierInputs) -> list[TierFactor]:
    names = sorted(set(inputs.complexity_factors))
    if not names:
        return [TierFactor(Axis.PROTECT, "Complexity factors", 0, "None registered")]
    return [TierFactor(Axis.PROTECT, "Complexity factor", COMPLEXITY_POINTS, name) for name in names]


def _women(inputs: TierInputs) -> list[TierFactor]:
    if not inputs.is_female:
        return []
    return [
        _women_factor("Parenting responsibilities", inputs.parenting_responsibilities),
        _women_factor("Impulsivity or temper control", inputs.impulsivity_or_temper),
        _women_factor("Previous breach or recall", inputs.previous_breach_or_recall, in_12_months=True),
    ]


def _women_factor(name: str, present: bool | None, *, in_12_months: bool = False) -> TierFactor:
    if present is None:
        return TierFactor(Axis.PROTECT, name, 0, "Not recorded in the assessment, so not counted")
    text = "Yes" if present else "No"
    if in_12_months:
        text += (
            " (a breach referral or recall consideration in the last 12 months)"
            if present
            else " (none in the last 12 months)"
        )
    return TierFactor(Axis.PROTECT, name, WOMEN_FACTOR_POINTS if present else 0, text)


# --- Change -------------------------------------------------------------------------------


def ogrs_points(ogrs: Decimal | None) -> int:
    if ogrs is None:
        return 0
    return int((ogrs / OGRS_DIVISOR).to_integral_value(rounding=ROUND_FLOOR))


def need_points(need: str, severity: str) -> int:
    return NEED_WEIGHTS.get(need, 0) * SEVERITY_POINTS.get(severity, 0)


def _change(inputs: TierInputs) -> tuple[int, int, list[TierFactor]]:
    if not inputs.mandate_for_change:
        reason = "Only restrictive requirements or unpaid work, and not a custodial sentence: change level 0"
        return NO_MANDATE_LEVEL, 0, [TierFactor(Axis.CHANGE, "No mandate for change", 0, reason)]
    if not inputs.has_valid_assessment:
        reason = f"No assessment completed in the last {ASSESSMENT_VALID_WEEKS} weeks: change level 2 until one is"
        return NO_ASSESSMENT_LEVEL, 0, [TierFactor(Axis.CHANGE, "No valid assessment", 0, reason)]
    recorded = [
        (need, inputs.needs[need])
        for need in Need.values
        if inputs.needs.get(need, NeedSeverity.NONE) != NeedSeverity.NONE
    ]
    factors = [_need(need, severity) for need, severity in recorded]
    factors = factors or [TierFactor(Axis.CHANGE, "Needs", 0, "No criminogenic needs recorded")]
    ogrs = ogrs_points(inputs.ogrs)
    ogrs_text = f"OGRS {inputs.ogrs}% ÷ 10, rounded down" if inputs.ogrs is not None else "OGRS not recorded"
    factors.append(TierFactor(Axis.CHANGE, "OGRS", ogrs, ogrs_text))
    if inputs.iom:
        factors.append(TierFactor(Axis.CHANGE, "IOM", IOM_POINTS, "Integrated offender management nominal (IIOM)"))
    points = sum(f.points for f in factors)
    return change_band(points), points, factors


def _need(need: str, severity: str) -> TierFactor:
    weight = NEED_WEIGHTS.get(need, 0)
    label = NeedSeverity(severity).label if severity in NeedSeverity.values else severity
    text = f"{label} (severity {SEVERITY_POINTS.get(severity, 0)} x weighting {weight})"
    return TierFactor(Axis.CHANGE, Need(need).label, need_points(need, severity), text)


def has_mandate_for_change(sentences: Iterable[tuple[str, Sequence[str]]]) -> bool:
    """From the active sentences as (order type, active requirement categories): a custodial
    sentence (licence, PSS) or any requirement that is neither restrictive nor unpaid work."""
    for order_type, categories in sentences:
        if order_type in CUSTODIAL_ORDERS:
            return True
        if any(c not in RESTRICTIVE_REQUIREMENTS and c != RequirementCategory.UPW for c in categories):
            return True
    return False
