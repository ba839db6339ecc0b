"""Demo supervision history for the demo cases: contacts over the last months, upcoming
appointments, failures to comply and enforcement decisions, so every supervision page has
something true to show. Deterministic (fixed seed, dates relative to today).

Rows are bulk-inserted inside one transaction under a pghistory context naming this command (the
audit triggers still record every row), as import_contacts does; going through the per-contact
services would make `make run` wait a minute for a demo."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.models import OrderType, Sentence, User
from kit.calendar import next_working_day
from supervision.models import Contact, ContactType, EnforcementAction, EnforcementKind, OutcomeType

DEMO_SEED = 20261121
HISTORY_DAYS = 180
# The demo practitioner's cases get a richer, hand-shaped story (see _practitioner_story).
DEMO_PRACTITIONER = "practitioner"


class Command(BaseCommand):
    help = "Load demo contacts, appointments and enforcement decisions for the demo cases (DEMO ONLY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any contact is already recorded")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off")

    def handle(self, *args: Any, if_empty: bool, force: bool, **options: Any) -> None:
        if Contact.objects.exists():
            if if_empty:
                self.stdout.write("seed_demo_supervision: contacts already recorded; nothing loaded.")
                return
            raise CommandError("Contacts are already recorded; demo history can only be added to an empty log.")
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off, so this may be a live service; use --force only for a demo database.")
        contacts, actions = build_demo_history(random.Random(DEMO_SEED), timezone.localdate())
        with transaction.atomic(), pghistory.context(command="seed_demo_supervision"):
            Contact.objects.bulk_create(contacts, batch_size=2000)
            EnforcementAction.objects.bulk_create(actions)
        from supervision.policy import refresh_standings

        refreshed = refresh_standings({c.person_id for c in contacts})
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo_supervision: {len(contacts)} contacts, {len(actions)} enforcement decisions, "
                f"{refreshed} cases evaluated."
            )
        )


def build_demo_history(rng: random.Random, today: date) -> tuple[list[Contact], list[EnforcementAction]]:
    types = {t.code: t for t in ContactType.objects.all()}
    outcomes = {o.code: o for o in OutcomeType.objects.all()}
    contacts: list[Contact] = []
    actions: list[EnforcementAction] = []
    sentences = Sentence.objects.in_force(today).select_related("person__practitioner").order_by("person__crn")
    seen: set[uuid.UUID] = set()
    for sentence in sentences:
        person = sentence.person
        if person.pk in seen or person.practitioner is None:
            continue
        seen.add(person.pk)
        telephone_heavy = rng.random() < 0.15
        story = _history(rng, today, sentence, types, outcomes, telephone_heavy)
        story += _upcoming(rng, today, sentence, types)
        contacts += story
    contacts += _practitioner_story(today, types, outcomes, actions)
    return contacts, actions


def _contact(
    sentence: Sentence, kind: ContactType, starts: datetime, outcome: OutcomeType | None, notes: str = ""
) -> Contact:
    identity = uuid.uuid4()
    by: User | None = sentence.person.practitioner
    return Contact(
        id=identity,
        thread_id=identity,
        person=sentence.person,
        sentence=sentence,
        contact_type=kind,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        location="Probation office" if kind.location_required else "",
        staff=by,
        outcome=outcome,
        outcome_recorded_at=starts + timedelta(hours=1) if outcome else None,
        outcome_recorded_by=by if outcome else None,
        notes=notes,
        is_sensitive=kind.sensitive_by_default,
        created_by=by,
        created_at=starts - timedelta(days=7),
    )


def _slot(day: date, rng: random.Random) -> datetime:
    day = next_working_day(day)
    return timezone.make_aware(datetime.combine(day, time(rng.choice([9, 10, 11, 13, 14, 15]), rng.choice([0, 30]))))


NOTES = (
    "Discussed progress on employment and housing. No concerns raised.",
    "Reviewed the sentence plan objectives; agreed next steps on accommodation.",
    "Talked through triggers for alcohol use and the support group details.",
    "Checked in on family circumstances and the children's contact arrangements.",
    "Went through the unpaid work hours outstanding and the next placement.",
)


def _history(
    rng: random.Random,
    today: date,
    sentence: Sentence,
    types: dict[str, ContactType],
    outcomes: dict[str, OutcomeType],
    telephone_heavy: bool,
) -> list[Contact]:
    start = max(sentence.start_date, today - timedelta(days=HISTORY_DAYS))
    rows = []
    if sentence.start_date >= start:
        rows.append(_contact(sentence, types["COAI"], _slot(start + timedelta(days=2), rng), outcomes["ATTC"]))
    day = start + timedelta(days=rng.randint(7, 14))
    while day < today - timedelta(days=1):
        if telephone_heavy:
            code = rng.choices(["COPT", "COVC", "COAP"], [80, 15, 5])[0]
        else:
            code = rng.choices(["COAP", "COOO", "CHVS", "COPT", "COVC"], [60, 10, 5, 20, 5])[0]
        outcome_code = rng.choices(["ATTC", "AFTA", "AAME", "UAAB", "AFTC"], [88, 4, 4, 2, 2])[0]
        notes = rng.choice(NOTES) if outcomes[outcome_code].is_attended else ""
        rows.append(_contact(sentence, types[code], _slot(day, rng), outcomes[outcome_code], notes))
        day += timedelta(days=rng.choice([14, 21, 28] if telephone_heavy else [7, 14, 14, 21]))
    return rows


def _upcoming(rng: random.Random, today: date, sentence: Sentence, types: dict[str, ContactType]) -> list[Contact]:
    if rng.random() < 0.3:
        return []
    return [_contact(sentence, types["COAP"], _slot(today + timedelta(days=rng.randint(1, 21)), rng), None)]


def _practitioner_story(
    today: date, types: dict[str, ContactType], outcomes: dict[str, OutcomeType], actions: list[EnforcementAction]
) -> list[Contact]:
    """For the demo practitioner: appointments today, an outcome to record, and a community order
    with a warning already given and a new failure, so the service requires a breach referral."""
    practitioner = User.objects.filter(username=DEMO_PRACTITIONER).first()
    if practitioner is None:
        return []
    sentences = list(
        Sentence.objects.in_force(today)
        .filter(person__practitioner=practitioner)
        .select_related("person__practitioner")
        .order_by("person__crn")
    )
    rows: list[Contact] = []
    # Today's appointments; once their time has passed they are outcomes to record.
    for hour, sentence in zip((10, 14, 16), sentences[:3], strict=False):
        rows.append(_contact(sentence, types["COAP"], timezone.make_aware(datetime.combine(today, time(hour))), None))
    # Prefer a case without an appointment today, but always tell the enforcement story.
    community = sorted(
        (s for s in sentences if s.order_type in (OrderType.CO, OrderType.SSO)), key=lambda s: s in sentences[:3]
    )
    if community:
        sentence = community[0]
        first = _slot(today - timedelta(days=40), random.Random(1))
        second = _slot(today - timedelta(days=6), random.Random(2))
        rows.append(_contact(sentence, types["COAP"], first, outcomes["UAAB"], "Did not attend; no evidence provided."))
        rows.append(_contact(sentence, types["COAP"], second, outcomes["UAAB"], "Did not attend again."))
        actions.append(
            EnforcementAction(
                person=sentence.person,
                sentence=sentence,
                kind=EnforcementKind.WARNING_LETTER,
                failure_date=first.date(),
                decided_on=first.date() + timedelta(days=1),
                decided_by=practitioner,
                rationale="First unacceptable absence: warning letter sent explaining the consequences.",
                response_days=7,
                evidence_due=first.date() + timedelta(days=8),
            )
        )
    return rows
