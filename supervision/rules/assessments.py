"""Risk assessment rules: predictor bands, the overall RoSH, who needs a countersignature, what
changed between two assessments, and when the next review is due.

Everything here but `next_review` and `review_rows` (the loader) is pure (plain values or unsaved
model instances in, values out), so it is tested table-first.

Predictor bands (scores are percentages, 0 to 100; a boundary belongs to the higher band):

- OGRS, OVP, OGP: Low < 50, Medium 50 to 74.99, High 75 to 89.99, Very high >= 90. The usual
  OASys practice; the cut-offs are unconfirmed ([U] in `reference/standards.md` section 3.2).
- RSR: Low < 3, Medium 3 to 6.99, High >= 7 (no Very high). The tiering thresholds (TIER
  `RsrThresholds.kt`, section 3.2), the same numbers `supervision.rules.tier` uses.
- OSP: Low < 1, Medium 1 to 2.99, High 3 to 5.99, Very high >= 6. ASSUMPTION: OASys reports
  OSP/C as a category rather than a percentage; these percentage cut-offs only approximate its
  categories and must be confirmed against current HMPPS guidance before live use.

The bands describe a score; they are not admin policy. Numbers that *are* policy (the first
assessment's deadline, the review interval and how soon a trigger brings a review) come from the
contact policy parameters `first_assessment_days`, `assessment_review_weeks` and
`review_trigger_days`, resolved per case by `policy_for`.

The first assessment (`first_assessment_due`, one rule for the risk page and the checks engine's
ASSESSMENT_OVERDUE): a complete assessment (countersigned where that is required) completed on or
after the start of the current sentence, due `first_assessment_days` calendar days after that start
(default 20, DOMAIN.md). Day 0 is the start date: one completed on day 20 is in time, from day 21 it
is overdue. An assessment from an earlier sentence does not count: a new sentence (a new order, or a
release on licence) is a new assessment point, which is what an inspector reading the case expects
(reference/standards.md section 3.3: new offence, pre-release), while its review schedule still runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from cases.models import ROSH_ORDER, Gender, Grade, OrderType, RoshLevel
from supervision.models.assessments import PREDICTOR_FIELDS, ROSH_FIELDS, Assessment, Need, NeedSeverity


class PredictorBand(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"
    VERY_HIGH = "VERY_HIGH", "Very high"


# Lower bound (inclusive) → band, highest first; anything below the last bound is Low.
_GENERAL = (
    (Decimal(90), PredictorBand.VERY_HIGH),
    (Decimal(75), PredictorBand.HIGH),
    (Decimal(50), PredictorBand.MEDIUM),
)
_RSR = ((Decimal(7), PredictorBand.HIGH), (Decimal(3), PredictorBand.MEDIUM))
_OSP = ((Decimal(6), PredictorBand.VERY_HIGH), (Decimal(3), PredictorBand.HIGH), (Decimal(1), PredictorBand.MEDIUM))
PREDICTOR_BANDS: dict[str, tuple[tuple[Decimal, PredictorBand], ...]] = {
    "ogrs": _GENERAL,
    "ovp": _GENERAL,
    "ogp": _GENERAL,
    "osp": _OSP,
    "rsr": _RSR,
}
PREDICTOR_LABELS = {"ogrs": "OGRS", "ovp": "OVP", "ogp": "OGP", "osp": "OSP", "rsr": "RSR"}
ROSH_GROUP_LABELS = {
    "rosh_public": "Public",
    "rosh_known_adult": "Known adult",
    "rosh_children": "Children",
    "rosh_staff": "Staff",
    "rosh_prisoners": "Prisoners",
}
# "RoSH to ..." in sentences.
ROSH_TO = {
    "rosh_public": "the public",
    "rosh_known_adult": "a known adult",
    "rosh_children": "children",
    "rosh_staff": "staff",
    "rosh_prisoners": "prisoners",
}
# The factors for women (scored by the tier) as the assessment asks them.
WOMEN_QUESTIONS = {
    "parenting_responsibilities": "Does she have parenting responsibilities?",
    "impulsivity": "Is impulsivity a problem?",
    "temper_control": "Is temper control a problem?",
}
TEXT_FIELDS = {
    "risk_of_harm_analysis": "Risk of harm analysis",
    "risk_management_plan": "Risk management plan",
    "contingency_plan": "Contingency plan",
    "safeguarding_information_used": "Safeguarding information used",
}
# Authors whose high-risk assessments count only once an SPO has countersigned them.
COUNTERSIGN_GRADES = frozenset({Grade.PSO, Grade.PQIP})
COUNTERSIGN_ROSH = frozenset({RoshLevel.HIGH, RoshLevel.VERY_HIGH})
# Predictors a complete assessment must have; OSP applies only to sexual offending.
REQUIRED_PREDICTORS = ("ogrs", "ovp", "ogp", "rsr")


def band(predictor: str, score: Decimal | float | int | None) -> PredictorBand | None:
    """The band of a predictor score (a percentage), or None when there is no score."""
    if score is None:
        return None
    value = Decimal(str(score))
    for lower, name in PREDICTOR_BANDS[predictor]:
        if value >= lower:
            return name
    return PredictorBand.LOW


def highest_rosh(levels: Iterable[str]) -> str:
    """The highest RoSH level among `levels` ("" when none is set)."""
    ranked = [level for level in levels if level]
    return max(ranked, key=lambda level: ROSH_ORDER[RoshLevel(level)], default="")


def overall_rosh(assessment: Assessment) -> str:
    """The overall RoSH: as the author set it, else the highest of the groups."""
    return assessment.rosh_overall or highest_rosh(getattr(assessment, name) for name in ROSH_FIELDS)


def needs_countersignature(author_grade: str, overall: str) -> bool:
    """PSOs and trainees (PQiP) need an SPO's countersignature on high or very high RoSH cases."""
    return author_grade in COUNTERSIGN_GRADES and overall in COUNTERSIGN_ROSH


# --- Sections and completeness ----------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    problems: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.problems


def asks_women_factors(assessment: Assessment) -> bool:
    """The factors for women are asked of women (the tier scores them for women only). Reads the
    assessment's person: load it with the assessment (an assessment of no one asks nothing)."""
    try:
        return bool(assessment.person.gender == Gender.FEMALE)
    except ObjectDoesNotExist:
        return False


def women_section(assessment: Assessment) -> Section:
    problems = tuple(
        f"Answer: {question[0].lower()}{question[1:]}"
        for name, question in WOMEN_QUESTIONS.items()
        if getattr(assessment, name) is None
    )
    return Section("women", "Factors for women", problems)


def sections(assessment: Assessment) -> list[Section]:
    """The task-list sections of an assessment, each with what is still missing (the factors for
    women only for a woman)."""
    a = assessment
    rosh = tuple(f"Select the RoSH to {ROSH_TO[name]}" for name in ROSH_FIELDS if not getattr(a, name))
    predictors = tuple(
        f"Enter the {PREDICTOR_LABELS[name]} score" for name in REQUIRED_PREDICTORS if getattr(a, name) is None
    )
    needs = a.needs or {}
    need_problems = tuple(f"Select the level of need for {need.label.lower()}" for need in Need if need not in needs)
    return [
        Section("rosh", "Risk of serious harm", rosh),
        Section("predictors", "Predictor scores", predictors),
        Section("needs", "Criminogenic needs", need_problems),
        Section(
            "analysis",
            "Risk of harm analysis",
            () if a.risk_of_harm_analysis.strip() else ("Enter the risk of harm analysis",),
        ),
        Section(
            "plans",
            "Risk management and contingency plans",
            tuple(
                message
                for text, message in (
                    (a.risk_management_plan, "Enter the risk management plan"),
                    (a.contingency_plan, "Enter the contingency plan"),
                )
                if not text.strip()
            ),
        ),
        Section(
            "safeguarding",
            "Safeguarding information used",
            ()
            if a.safeguarding_information_used.strip()
            else ("Say how safeguarding and domestic abuse information was used",),
        ),
        *([women_section(a)] if asks_women_factors(a) else []),
    ]


def missing(assessment: Assessment) -> list[tuple[str, str]]:
    """(section key, problem) for everything that must be done before the assessment is submitted."""
    return [(section.key, problem) for section in sections(assessment) for problem in section.problems]


# --- Presenting an assessment ----------------------------------------------------------------


def rosh_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {"group": ROSH_GROUP_LABELS[name], "level": getattr(assessment, name), "levels": list(RoshLevel)}
        for name in ROSH_FIELDS
    ]


def predictor_rows(assessment: Assessment) -> list[dict[str, Any]]:
    rows = []
    for name in PREDICTOR_FIELDS:
        score = getattr(assessment, name)
        found = band(name, score)
        shown = f"{Decimal(score).normalize():f}" if score is not None else ""
        rows.append({"name": PREDICTOR_LABELS[name], "score": shown, "band": found.label if found else ""})
    return rows


def women_rows(assessment: Assessment) -> list[dict[str, str]]:
    """The factors for women as recorded (none for a man)."""
    if not asks_women_factors(assessment):
        return []
    answers = {True: "Yes", False: "No", None: "Not answered"}
    return [{"question": q, "answer": answers[getattr(assessment, name)]} for name, q in WOMEN_QUESTIONS.items()]


def need_rows(assessment: Assessment) -> list[dict[str, str]]:
    needs = assessment.needs or {}
    return [
        {"need": need.label, "severity": needs.get(need, ""), "label": _severity_label(needs.get(need, ""))}
        for need in Need
    ]


def _severity_label(code: str) -> str:
    return NeedSeverity(code).label if code in NeedSeverity.values else "Not assessed"


# --- What changed between two assessments -------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference between an assessment and the one before it. Texts only say they changed."""

    label: str
    before: str = ""
    after: str = ""
    is_text: bool = False

    def __str__(self) -> str:
        if self.is_text:
            return f"{self.label} changed"
        return f"{self.label}: {self.before} → {self.after}"


def _rosh_label(code: str) -> str:
    return RoshLevel(code).label if code else "Not assessed"


def _score_label(predictor: str, score: Decimal | None) -> str:
    if score is None:
        return "No score"
    found = band(predictor, score)
    return f"{Decimal(score).normalize():f}% ({found.label if found else ''})"


def diff(previous: Assessment | None, current: Assessment) -> list[Change]:
    """What changed from `previous` (None: nothing assessed before) to `current`, in page order."""
    changes: list[Change] = []

    def before(name: str) -> Any:
        return getattr(previous, name) if previous is not None else None

    for name in ROSH_FIELDS:
        old, new = before(name) or "", getattr(current, name)
        if old != new:
            changes.append(Change(f"RoSH to {ROSH_TO[name]}", _rosh_label(old), _rosh_label(new)))
    old_overall = overall_rosh(previous) if previous is not None else ""
    if old_overall != overall_rosh(current):
        changes.append(Change("Overall RoSH", _rosh_label(old_overall), _rosh_label(overall_rosh(current))))
    for name in PREDICTOR_FIELDS:
        old_score, new_score = before(name), getattr(current, name)
        if old_score != new_score:
            label = PREDICTOR_LABELS[name]
            changes.append(Change(label, _score_label(name, old_score), _score_label(name, new_score)))
    old_needs: Mapping[str, str] = (previous.needs or {}) if previous is not None else {}
    new_needs: Mapping[str, str] = current.needs or {}
    for need in Need:
        if old_needs.get(need, "") != new_needs.get(need, ""):
            changes.append(
                Change(need.label, _severity_label(old_needs.get(need, "")), _severity_label(new_needs.get(need, "")))
            )
    answers = {True: "Yes", False: "No", None: "Not answered"}
    for name, question in WOMEN_QUESTIONS.items():
        if before(name) != getattr(current, name) and (previous is not None or getattr(current, name) is not None):
            changes.append(Change(question, answers[before(name)], answers[getattr(current, name)]))
    for name, label in TEXT_FIELDS.items():
        if (before(name) or "").strip() != getattr(current, name).strip():
            changes.append(Change(label, is_text=True))
    return changes


# --- When the next review is due -----------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """Something that brings the review forward: what happened, when, and the review it asks for."""

    reason: str
    on: dt.date
    due: dt.date


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date | None
    reason: str
    overdue: bool = False
    triggers: tuple[Trigger, ...] = field(default=())

    @property
    def date(self) -> dt.date | None:
        return self.due


FIRST_ASSESSMENT = "First assessment of the sentence"


def first_assessment_due(*, start: dt.date | None, last_completed: dt.date | None, days: int) -> dt.date | None:
    """When the current sentence's first assessment is due (`days` after its `start`; on that day it is
    still in time), or None when there is no sentence or a complete assessment was completed on or after
    its start. The one rule the risk page (`next_review`) and ASSESSMENT_OVERDUE apply."""
    if start is None or (last_completed is not None and last_completed >= start):
        return None
    return start + dt.timedelta(days=days)


def schedule(
    *,
    on: dt.date,
    last_completed: dt.date | None,
    interval_weeks: int,
    trigger_days: int,
    first_due: Trigger | None = None,
    events: Iterable[tuple[str, dt.date]] = (),
    triggers: Iterable[Trigger] = (),
) -> ReviewDue:
    """The next review (pure): the interval after the last complete assessment, brought forward by each
    event since (to its date + `trigger_days`), each open manual trigger (to its own due date) and the
    current sentence's first assessment (`first_due`) while it is outstanding. Earliest wins."""
    candidates: list[Trigger] = [
        Trigger(reason, when, when + dt.timedelta(days=trigger_days)) for reason, when in events
    ]
    candidates.extend(triggers)
    if last_completed is not None:
        candidates.append(
            Trigger("Regular review", last_completed, last_completed + dt.timedelta(weeks=interval_weeks))
        )
    if first_due is not None:
        candidates.append(first_due)
    if not candidates:
        return ReviewDue(None, "Nothing to assess yet")
    first = min(candidates, key=lambda t: (t.due, t.reason))
    ordered = tuple(sorted(candidates, key=lambda t: (t.due, t.reason)))
    return ReviewDue(first.due, first.reason, first.due < on, ordered)


@dataclass(frozen=True)
class ReviewRecords:
    """What the review rule reads about one case, loaded for any number of cases at once
    (`review_rows`): the last complete assessment, the open sentences (earliest first), the open
    manual triggers, the events since that assessment (none when there is none) and the start of
    the current sentence (the latest-starting one in force)."""

    person_id: Any
    last_completed: dt.date | None = None
    sentences: tuple[tuple[dt.date, str], ...] = ()
    manual: tuple[Trigger, ...] = ()
    events: tuple[tuple[str, dt.date], ...] = ()
    supervision_start: dt.date | None = None

    def first_assessment_due(self, days: int) -> dt.date | None:
        return first_assessment_due(start=self.supervision_start, last_completed=self.last_completed, days=days)


def review_due(
    records: ReviewRecords,
    *,
    on: dt.date,
    interval_weeks: int,
    trigger_days: int,
    first_assessment_days: int | None = None,
) -> ReviewDue:
    """The next review from a case's loaded records (pure; the one rule `next_review` and the checks
    engine's REVIEW_OVERDUE share). Pre-release is due by the release date itself (its trigger date
    taken as `trigger_days` before release). With `first_assessment_days` the current sentence's first
    assessment is a candidate while it is outstanding (the page shows it; the checks engine leaves it
    out of REVIEW_OVERDUE because ASSESSMENT_OVERDUE is that finding)."""
    first = records.first_assessment_due(first_assessment_days) if first_assessment_days is not None else None
    start = records.supervision_start
    first_due = Trigger(FIRST_ASSESSMENT, start, first) if first is not None and start is not None else None
    since = records.last_completed
    releases = [
        Trigger("Pre-release", start - dt.timedelta(days=trigger_days), start)
        for start, order_type in records.sentences
        if since is not None and order_type == OrderType.LICENCE and start > since
    ]
    return schedule(
        on=on,
        last_completed=since,
        interval_weeks=interval_weeks,
        trigger_days=trigger_days,
        first_due=first_due,
        events=records.events if since is not None else (),
        triggers=[*records.manual, *releases],
    )


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def review_records(row: Mapping[str, Any]) -> ReviewRecords:
    """One `review_rows` row as the review rule's input."""
    from supervision.models import EnforcementKind, ReviewTrigger

    manual = tuple(
        Trigger(
            f"{ReviewTrigger.Reason(t['reason']).label}{': ' + t['details'] if t['details'] else ''}",
            _day(t["raised_on"]),
            _day(t["due"]),
        )
        for t in row["review_manual"] or ()
    )
    events = [(f"New registration: {r['description']}", _day(r["on"])) for r in row["review_registrations"] or ()]
    events.extend(("Change of address", _day(a["on"])) for a in row["review_moves"] or ())
    events.extend(
        (f"Breach or recall: {EnforcementKind(e['kind']).label.lower()}", _day(e["on"]))
        for e in row["review_enforcement"] or ()
    )
    sentences = sorted((_day(s["start"]), s["order_type"]) for s in row["review_sentences"] or ())
    return ReviewRecords(
        row["pk"], row["last_completed"], tuple(sentences), manual, tuple(events), row["supervision_start"]
    )
