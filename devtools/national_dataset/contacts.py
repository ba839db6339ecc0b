"""Contacts for the synthetic national dataset (`manage.py generate_national_dataset`).

About 40 contacts a person over the last 18 months (about 10 million at 250,000 people), plus the
appointments booked for the next four weeks. A realistic mix: about 15% of cases are supervised
mostly by telephone; the rest mostly in the office or elsewhere face to face, with some home
visits, phone and video calls. Outcomes are mostly "attended - complied", with some failures to
attend, unacceptable and acceptable absences; the last few days' appointments are partly still
awaiting an outcome. Every contact is version 1 of its own thread (thread_id = id).

At 10 million rows the per-row cost is what matters, so rows are written as COPY text lines
directly (`copy.write`), a chunk of people at a time, rather than as Python dicts adapted value by
value: no list of rows is ever built, and memory stays flat. The same seed and `--as-of` give the
same rows with the same ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from devtools.national_dataset.people import PERSON, make_uuid, pick, weighted
from kit.calendar import next_working_day
from supervision.models import ContactType, OutcomeType

if TYPE_CHECKING:
    from devtools.national_dataset.people import Dataset

CONTACT = 0x10  # the UUID namespace of contact rows (cases' tables use 1-6)
HISTORY_DAYS = 548  # 18 months of contacts
FUTURE_DAYS = 28  # appointments already booked for the next four weeks
TELEPHONE_HEAVY_SHARE = 0.15
# Days between contacts: weekly at first (early engagement), then every one to two weeks.
EARLY_DAYS, EARLY_GAP = 28, (6, 8)
GAP = (4, 11)
# fmt: off
TELEPHONE_HEAVY_MIX = [("COPT", 0.75), ("COAP", 0.13), ("COVC", 0.08), ("COOO", 0.04)]
USUAL_MIX = [("COAP", 0.55), ("COOO", 0.17), ("CHVS", 0.08), ("COPT", 0.12), ("COVC", 0.05), ("C084", 0.03)]
OUTCOMES = [
    ("ATTC", 0.84), ("AFTA", 0.035), ("UAAB", 0.025), ("AFTC", 0.01), ("AAME", 0.025), ("AAEM", 0.015),
    ("AAFC", 0.01), ("AACL", 0.005), ("AAHO", 0.005), ("RSOF", 0.015), ("RSSR", 0.015),
]
# fmt: on
AWAITING_OUTCOME_DAYS, AWAITING_OUTCOME_SHARE = 5, 0.3
LOCATIONS = {
    "COAP": "{place} probation office",
    "COOO": "Community hub, {place}",
    "CHVS": "Home address",
    "C084": "{place} Children's Services",
}
NOTES = [
    "Discussed employment and training.", "Reviewed the sentence plan.", "Discussed housing.",
    "Discussed alcohol use and the referral.", "Checked in; no concerns raised.", "Discussed relationships.",
    "Reviewed progress on unpaid work.", "Talked through the licence conditions.", "",
]  # fmt: skip
COLUMNS = (
    "id", "thread_id", "version", "person_id", "contact_type_id", "starts_at", "ends_at", "location", "staff_id",
    "outcome_id", "outcome_recorded_at", "outcome_recorded_by_id", "notes", "is_sensitive", "em_discussed",
    "safeguarding_discussed", "booking_warnings", "override_reason", "external_id", "created_by_id", "created_at",
    "correction_reason",
)  # fmt: skip
NULL = "\\N"
LINES_PER_WRITE = 5000


def _prefix(table: int) -> str:
    """make_uuid(table, n) as text is this prefix followed by n in 12 hex digits (asserted in the tests)."""
    return str(make_uuid(table, 0))[:-12]


class _Clock:
    """Timestamps as COPY text, with each day's date formatted once."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def at(self, ordinal: int, minutes: int) -> str:
        day = self.days.get(ordinal)
        if day is None:
            day = self.days[ordinal] = date.fromordinal(ordinal).isoformat()
        return f"{day} {minutes // 60:02d}:{minutes % 60:02d}:00+00"


@cache
def _working_day(ordinal: int) -> int:
    """The day itself or the next working day (kit.calendar: no weekends, no bank holidays), by ordinal."""
    return next_working_day(date.fromordinal(ordinal)).toordinal()


def load_contacts(ds: Dataset, cur: Any) -> int:
    rng = ds.rng("contacts")
    types = {t.code: t for t in ContactType.objects.all()}
    outcomes = {o.code: o.id for o in OutcomeType.objects.all()}
    telephone_heavy, usual = weighted(TELEPHONE_HEAVY_MIX), weighted(USUAL_MIX)
    outcome_table = weighted([(outcomes[code], weight) for code, weight in OUTCOMES])
    contact_prefix, person_prefix = _prefix(CONTACT), _prefix(PERSON)
    clock = _Clock()
    today = ds.as_of.toordinal()
    first_day = today - HISTORY_DAYS
    counter = 0

    def lines(i: int) -> Iterator[str]:
        nonlocal counter
        start = ds.supervision_start[i]
        staff = str(ds.practitioner_of[i]) if ds.practitioner_of[i] else NULL
        person = f"{person_prefix}{i:012x}"
        place = ds.team(i).place
        mix = telephone_heavy if rng.random() < TELEPHONE_HEAVY_SHARE else usual
        day = max(start + rng.randint(1, 5), first_day + rng.randint(0, 6))
        initial = day - start < EARLY_DAYS
        while day <= today + FUTURE_DAYS:
            day = _working_day(day)
            if day > today + FUTURE_DAYS:
                break
            code = "COAI" if initial else pick(rng, mix)
            initial = False
            kind = types[code]
            minutes = rng.randrange(8 * 60, 16 * 60, 15)  # UTC; 09:00-17:00 in summer
            past = day < today or (day == today and minutes < 10 * 60)
            counter += 1
            contact_id = f"{contact_prefix}{counter:012x}"
            starts = clock.at(day, minutes)
            outcome = NULL
            if (
                past
                and kind.is_attendance
                and not (today - day < AWAITING_OUTCOME_DAYS and rng.random() < AWAITING_OUTCOME_SHARE)
            ):
                outcome = str(pick(rng, outcome_table))
            location = LOCATIONS.get(code, "").format(place=place)
            recorded = clock.at(day, minutes + 60) if outcome != NULL else NULL
            created = starts if past else clock.at(max(today - rng.randint(1, 21), start), 9 * 60)
            yield "\t".join(
                (
                    contact_id, contact_id, "1", person, str(kind.id), starts, clock.at(day, minutes + 45),
                    location, staff, outcome, recorded, staff if outcome != NULL else NULL,
                    rng.choice(NOTES) if past else "", "f", NULL, NULL, "[]", "", "", staff, created, "",
                )
            )  # fmt: skip
            gap = EARLY_GAP if day - start < EARLY_DAYS else GAP
            day += rng.randint(*gap)

    with cur.copy(f"COPY supervision_contact ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for chunk in ds.chunks():
            buffer: list[str] = []
            for i in chunk:
                buffer.extend(lines(i))
                if len(buffer) >= LINES_PER_WRITE:
                    copy.write("\n".join(buffer) + "\n")
                    buffer.clear()
            if buffer:
                copy.write("\n".join(buffer) + "\n")
    return counter


# (table, column, referenced table), checked before the load commits (replica mode skips the foreign keys).
REFERENCES = [
    ("supervision_contact", "person_id", "cases_person"),
    ("supervision_contact", "staff_id", "cases_user"),
    ("supervision_contact", "contact_type_id", "supervision_contacttype"),
    ("supervision_contact", "outcome_id", "supervision_outcometype"),
]
