"""What the contact policy needs to know about a case, loaded in a fixed number of queries.

One loader serves every caller: `load_cases(people, on)` reads the facts and a summary of the made
contacts (first/last dates by kind) for any set of people with a handful of queries, whatever their
number. `facts_for` and `evaluate_case` call it for one person; `policy_impact` and
`refresh_standings` for thousands. The rules (supervision.policy.rules) then work on plain values.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import GOVERNING_FIRST, OrderType, Person, Registration, RoshLevel, Sentence
from kit.clock import now_as_of
from supervision.models import Contact, ResetDecision, ResetState
from supervision.rules.reset import ResetFacts, compute_reset, exemptions_for

# nDelius register codes the policy reads.
DOMESTIC_ABUSE_CODES = frozenset({"ADVP", "ADVV", "REG30"})
CHILD_PROTECTION_CODE = "RCPR"
CHILD_CONCERN_CODES = frozenset({"RCCO", "RCPR", "RCHD"})
VERY_HIGH_ROSH_CODE = "RVHR"
TERRORISM_CODE = "RTAO"
PROBATION_RESET_CODE = "PRC"
# The orders Probation Reset applies to (the fallback rule when facts were not loaded by load_cases).
RESET_ORDER_TYPES = frozenset({OrderType.LICENCE, OrderType.PSS, OrderType.CO, OrderType.SSO})
HIGH_ROSH = frozenset({RoshLevel.HIGH, RoshLevel.VERY_HIGH})


@dataclass(frozen=True)
class ContactSummary:
    """Dates of made contacts since supervision started, up to the evaluation date.

    `early` lists every made contact date; loaders fill it only when the case may be in its
    early-engagement weeks (the one rule that needs every date)."""

    first_made: date | None = None
    first_face_to_face: date | None = None
    first_initial_or_face_to_face: date | None = None
    first_home_visit: date | None = None
    last_made: date | None = None
    last_face_to_face: date | None = None
    early: tuple[date, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    person_id: uuid.UUID
    crn: str = ""
    sentence_id: uuid.UUID | None = None
    order_type: str = ""
    rosh: str = ""
    tier_letter: str = ""
    supervision_start: date | None = None
    expected_end: date | None = None
    two_thirds: date | None = None
    very_high_rosh: bool = False
    any_mappa: bool = False
    mappa_level_2_3: bool = False
    sexual_offence: bool = False
    domestic_abuse: bool = False
    child_protection: bool = False
    child_concern: bool = False
    terrorism: bool = False
    reset_registered: bool = False
    # The Probation Reset state from supervision.rules.reset (the SPO's latest decision, else computed).
    reset_state: str = ""
    contacts: ContactSummary = field(default_factory=ContactSummary)

    @property
    def active(self) -> bool:
        return self.sentence_id is not None

    @property
    def high_rosh(self) -> bool:
        return self.rosh in HIGH_ROSH

    @property
    def reset_eligible(self) -> bool:
        """Supervision stops at the two-thirds point, unless an exemption applies (DOMAIN.md)."""
        if self.reset_state:
            return self.reset_state == ResetState.ELIGIBLE
        exempt = self.any_mappa or self.very_high_rosh or self.child_protection or self.terrorism
        return self.order_type in RESET_ORDER_TYPES and not exempt

    def suspended_supervision(self, on: date) -> bool:
        """Probation Reset has suspended supervision: registered as such, or past two-thirds."""
        past_two_thirds = self.two_thirds is not None and on >= self.two_thirds
        return self.reset_registered or (self.reset_eligible and past_two_thirds)


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


# Made contacts (supervision.models.ContactQuerySet.made) of each sentence's person from the local
# midnight starting the sentence up to `upper`, summarised in ONE pass per person: a range scan of the
# `contact_current_person` index (person_id, starts_at) with FILTER aggregates, instead of a correlated
# subquery per date. `s` is the chunk's current sentences (the Django query below, as a subquery).
_CONTACT_DATES = """
SELECT s.id, s.person_id, s.order_type, s.start_date, s.expected_end_date, m.*
  FROM ({sentences}) s
  LEFT JOIN LATERAL (
      SELECT min(c.starts_at) AS first_made,
             min(c.starts_at) FILTER (WHERE ct.is_face_to_face) AS first_f2f,
             min(c.starts_at) FILTER (WHERE ct.is_face_to_face OR ct.is_initial) AS first_initial_or_f2f,
             min(c.starts_at) FILTER (WHERE ct.is_home_visit) AS first_home_visit,
             max(c.starts_at) AS last_made,
             max(c.starts_at) FILTER (WHERE ct.is_face_to_face) AS last_f2f
        FROM supervision_contact c
        JOIN supervision_contacttype ct ON ct.id = c.contact_type_id
        LEFT JOIN supervision_outcometype o ON o.id = c.outcome_id
       WHERE c.person_id = s.person_id AND c.superseded_at IS NULL
         AND c.starts_at >= (s.start_date::timestamp AT TIME ZONE %s) AND c.starts_at <= %s
         AND (o.is_attended OR (NOT ct.is_attendance AND c.outcome_id IS NULL))
  ) m ON true
"""


def _sentences(people: QuerySet[Person], on: date) -> list[dict[str, Any]]:
    """The governing sentence of each person on `on` (`Sentence.objects.governing`), with contact dates."""
    upper = now_as_of(on)
    current = (
        Sentence.objects.in_force(on)
        .filter(person__in=people)
        .order_by("person_id", *GOVERNING_FIRST)
        .distinct("person_id")
        .values("id", "person_id", "order_type", "start_date", "expected_end_date")
    )
    sql, params = current.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_CONTACT_DATES.format(sentences=sql), [*params, settings.TIME_ZONE, upper])
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _registrations(people: QuerySet[Person], on: date) -> dict[uuid.UUID, list[dict[str, Any]]]:
    rows = (
        Registration.objects.filter(person__in=people, registered_on__lte=on)
        .filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=on))
        .values("person_id", "type__code", "type__is_mappa", "mappa_category", "mappa_level")
    )
    grouped: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["person_id"]].append(dict(row))
    return grouped


def _reset_decisions(sentence_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, str]:
    rows = (
        ResetDecision.objects.filter(sentence_id__in=sentence_ids, decided_at__date__lte=on)
        .order_by("sentence_id", "-decided_at")
        .distinct("sentence_id")
        .values_list("sentence_id", "state")
    )
    return dict(rows)


def _early_dates(sentences: list[dict[str, Any]], on: date, early_days: int) -> dict[uuid.UUID, tuple[date, ...]]:
    """Every made contact date for cases that started within `early_days` (the only ones that need them)."""
    recent = {row["person_id"]: row["start_date"] for row in sentences if (on - row["start_date"]).days < early_days}
    if not recent:
        return {}
    earliest = min(recent.values())
    rows = (
        Contact.objects.current()
        .made()
        .filter(person_id__in=list(recent), starts_at__date__gte=earliest, starts_at__date__lte=on)
        .filter(starts_at__lte=timezone.now())
        .order_by("starts_at")
        .values_list("person_id", "starts_at")
    )
    dates: dict[uuid.UUID, list[date]] = defaultdict(list)
    for person_id, starts_at in rows:
        day = timezone.localtime(starts_at).date()
        if day >= recent[person_id]:
            dates[person_id].append(day)
    return {person_id: tuple(days) for person_id, days in dates.items()}


def _registration_flags(rows: Iterable[dict[str, Any]]) -> dict[str, bool]:
    codes = {row["type__code"] for row in rows}
    mappa = [
        row
        for row in rows
        if row["type__is_mappa"] or row["mappa_category"] is not None or row["mappa_level"] is not None
    ]
    return {
        "any_mappa": bool(mappa),
        "mappa_level_2_3": any((row["mappa_level"] or 0) >= 2 for row in mappa),
        "sexual_offence": any(row["mappa_category"] == 1 for row in mappa),
        "domestic_abuse": bool(codes & DOMESTIC_ABUSE_CODES),
        "child_protection": CHILD_PROTECTION_CODE in codes,
        "child_concern": bool(codes & CHILD_CONCERN_CODES),
        "terrorism": TERRORISM_CODE in codes,
        "reset_registered": PROBATION_RESET_CODE in codes,
        "very_high_rosh_registered": VERY_HIGH_ROSH_CODE in codes,
    }


def _contact_summary(row: dict[str, Any] | None, early: tuple[date, ...]) -> ContactSummary:
    if row is None:
        return ContactSummary()
    first_made = row["first_made"]
    return ContactSummary(
        first_made=_local_date(first_made),
        first_face_to_face=_local_date(row["first_f2f"]),
        first_initial_or_face_to_face=_local_date(row["first_initial_or_f2f"]),
        first_home_visit=_local_date(row["first_home_visit"]),
        last_made=_local_date(row["last_made"]),
        last_face_to_face=_local_date(row["last_f2f"]),
        early=early,
    )


def _two_thirds(start: date, end: date) -> date:
    return Sentence(start_date=start, expected_end_date=end).two_thirds_date


def load_cases(
    people: QuerySet[Person], on: date, *, early_days: int, loaded: Iterable[Person] = ()
) -> dict[uuid.UUID, CaseFacts]:
    """Facts for every person in `people` on `on`, in five queries however many there are.

    `early_days` bounds which cases need every contact date (those that started less than that
    many days ago); pass the longest early-engagement period any policy being evaluated sets.
    `loaded` saves the first query when the caller already holds the Person rows."""
    persons: list[dict[str, Any]] = [{"id": p.pk, "crn": p.crn, "rosh": p.rosh, "tier": p.tier} for p in loaded] or [
        dict(row) for row in people.values("id", "crn", "rosh", "tier")
    ]
    sentences = _sentences(people, on)
    registrations = _registrations(people, on)
    decisions = _reset_decisions([row["id"] for row in sentences], on) if sentences else {}
    early = _early_dates(sentences, on, early_days)
    by_person = {row["person_id"]: row for row in sentences}
    facts: dict[uuid.UUID, CaseFacts] = {}
    for person in persons:
        sentence = by_person.get(person["id"])
        regs = registrations.get(person["id"], [])
        flags = _registration_flags(regs)
        registered_very_high = flags.pop("very_high_rosh_registered")  # pop always: the rest are fields
        very_high = person["rosh"] == RoshLevel.VERY_HIGH or registered_very_high
        facts[person["id"]] = CaseFacts(
            person_id=person["id"],
            crn=person["crn"],
            sentence_id=sentence["id"] if sentence else None,
            order_type=sentence["order_type"] if sentence else "",
            rosh=person["rosh"],
            tier_letter=(person["tier"] or "")[:1],
            supervision_start=sentence["start_date"] if sentence else None,
            expected_end=sentence["expected_end_date"] if sentence else None,
            two_thirds=_two_thirds(sentence["start_date"], sentence["expected_end_date"]) if sentence else None,
            very_high_rosh=very_high,
            reset_state=_reset_state(sentence, person["rosh"], regs, decisions.get(sentence["id"], ""), on)
            if sentence
            else "",
            contacts=_contact_summary(sentence, early.get(person["id"], ())),
            **flags,
        )
    return facts


def people_under_supervision(on: date) -> QuerySet[Person]:
    """Everyone with an active sentence on `on` (the cases the policy applies to)."""
    return Person.objects.filter(Exists(Sentence.objects.in_force(on).filter(person=OuterRef("pk"))))


def _reset_state(
    sentence: dict[str, Any], rosh: str, registrations: list[dict[str, Any]], decision: str, on: date
) -> str:
    """Probation Reset by supervision.rules.reset's own pure rule (no queries), the SPO's decision winning."""
    if decision:
        return decision
    as_objects = [
        SimpleNamespace(
            type=SimpleNamespace(code=row["type__code"], is_mappa=row["type__is_mappa"]),
            mappa_category=row["mappa_category"],
        )
        for row in registrations
    ]
    facts = ResetFacts(
        order_type=sentence["order_type"],
        start_date=sentence["start_date"],
        expected_end_date=sentence["expected_end_date"],
        exemptions=exemptions_for(rosh, cast(list[Registration], as_objects)),
    )
    return str(compute_reset(facts, on).computed_state)


def facts_for(person: Person, on: date | None = None, *, early_days: int = 366) -> CaseFacts:
    """The facts of one case on `on` (today by default), in a fixed handful of queries."""
    on = on or timezone.localdate()
    return load_cases(Person.objects.filter(pk=person.pk), on, early_days=early_days, loaded=[person])[person.pk]
