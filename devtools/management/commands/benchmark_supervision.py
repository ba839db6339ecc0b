"""`manage.py benchmark_supervision`: time recording a contact, and the contact pages, at scale.

Meant for the national dataset with its contacts (`generate_national_dataset`, docs/benchmarks.md).
It picks the same subjects as `benchmark_pages` (a practitioner with the median caseload and a few
of their CRNs) and times, as median and p95 over `--repeat` runs after one warm-up:

- recording a contact through the real view: a POST of the form to /people/<crn>/contacts/new/ with
  the test `Client` (routing, middleware, access check, form, service, audit triggers; no network);
- recording a contact by calling `supervision.services.contacts.record_contact` directly;
- re-evaluating the case against the contact policy (`refresh_standing`): the work the recording
  queues for a background worker, so it is not part of the request;
- the contacts tab and the practitioner's launch page.

Each recording runs in a transaction that is rolled back, so the dataset is the same after a run
as before (and nothing is queued for a worker: the queueing happens on commit).
"""

from __future__ import annotations

import statistics
import time
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from cases.models import Person
from devtools.management.commands.benchmark_pages import Subjects, choose_subjects, database_facts, percentile, quietly
from supervision.models import Contact, ContactType, OutcomeType


@dataclass
class Timing:
    label: str
    how: str
    median_ms: float
    p95_ms: float
    queries: int


class _Rollback(Exception):
    """Raised to roll back a timed recording."""


def _measure(action: Callable[[int], object], repeat: int, *, rolled_back: bool) -> tuple[list[float], int]:
    """Warm up once (counting queries), then time `repeat` runs of `action(n)`."""

    def once(n: int) -> float:
        started = time.perf_counter()
        if rolled_back:
            try:
                with transaction.atomic():
                    action(n)
                    raise _Rollback
            except _Rollback:
                pass
        else:
            action(n)
        return (time.perf_counter() - started) * 1000

    executed: list[str] = []

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: the test Client resets the query log per request.
    with connection.execute_wrapper(count):
        once(0)
    return [once(n) for n in range(1, repeat + 1)], len(executed)


class Command(BaseCommand):
    help = "Time recording a contact (through the page and the service), re-evaluation and the contact pages."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each (default 20)")

    def handle(self, *args: Any, repeat: int, **options: Any) -> None:
        if repeat < 1:
            raise CommandError("--repeat must be at least 1")
        subjects = choose_subjects()
        people = list(Person.objects.filter(crn__in=subjects.crns).order_by("crn"))
        facts = database_facts()
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False), quietly():
            client = Client()
            client.force_login(subjects.practitioner)
            try:
                timings = self._run(client, subjects, people, repeat)
            finally:
                client.logout()
        self._print(facts, subjects, repeat, timings)

    def _run(self, client: Client, subjects: Subjects, people: list[Person], repeat: int) -> list[Timing]:
        from supervision.policy import refresh_standing
        from supervision.services.contacts import record_contact

        office = ContactType.objects.get(code="COAP")
        attended = OutcomeType.objects.get(code="ATTC")
        when = timezone.localtime() - timedelta(hours=1)
        form = {
            "contact_type": str(office.pk),
            "date_day": str(when.day),
            "date_month": str(when.month),
            "date_year": str(when.year),
            "time": f"{when:%H:%M}",
            "outcome": attended.code,
            "location": "Probation office",
            "notes": "Discussed employment and training.",
            "em_discussed": "no",
            "safeguarding_discussed": "no",
        }

        def person(n: int) -> Person:
            return people[n % len(people)]

        def post(n: int) -> None:
            url = f"/people/{person(n).crn}/contacts/new/"
            response = client.post(url, form)
            if response.status_code != 302:
                raise CommandError(f"POST {url} answered {response.status_code}, not a redirect: {response.context}")

        def service(n: int) -> None:
            record_contact(
                person(n),
                contact_type=office,
                starts_at=when,
                by=subjects.practitioner,
                outcome=attended,
                location="Probation office",
                notes="Discussed employment and training.",
            )

        def get(url: Callable[[int], str]) -> Callable[[int], object]:
            def run(n: int) -> None:
                response = client.get(url(n))
                if response.status_code != 200:
                    raise CommandError(f"GET {url(n)} answered {response.status_code}, not 200")

            return run

        cases = [
            ("Record a contact", "POST /people/<crn>/contacts/new/ (test Client)", post, True),
            ("Record a contact", "record_contact() service", service, True),
            ("Re-evaluate the case (queued job)", "refresh_standing()", lambda n: refresh_standing(person(n)), True),
            ("Contacts tab", "GET /people/<crn>/contacts/", get(lambda n: f"/people/{person(n).crn}/contacts/"), False),
            ("Launch page", "GET /", get(lambda n: "/"), False),
        ]
        timings = []
        for label, how, action, rolled_back in cases:
            samples, queries = _measure(action, repeat, rolled_back=rolled_back)
            timings.append(
                Timing(
                    label,
                    how,
                    round(statistics.median(samples), 1),
                    round(percentile(samples, 0.95), 1),
                    queries,
                )
            )
        return timings

    def _print(self, facts: dict[str, Any], subjects: Subjects, repeat: int, timings: list[Timing]) -> None:
        out = self.stdout.write
        contacts = Contact.objects.current().filter(person__crn__in=subjects.crns).count()
        out(
            f"Database `{facts['database']}` ({facts['people']:,} people, {Contact.objects.count():,} contacts, "
            f"{facts['database_size_mb']:,} MB), {facts['postgres']}, {facts['cpus']} CPUs, load average "
            f"{facts['load_average'][0]}. {repeat} timed runs each after one warm-up; recordings rolled back."
        )
        out(
            f"Practitioner `{subjects.practitioner.username}` (caseload {subjects.caseload}); cases "
            f"{', '.join(subjects.crns)} ({contacts} contacts between them).\n"
        )
        out("| What | How | Median ms | p95 ms | SQL queries |")
        out("|---|---|---:|---:|---:|")
        for t in timings:
            out(f"| {t.label} | `{t.how}` | {t.median_ms:.1f} | {t.p95_ms:.1f} | {t.queries} |")
