"""`manage.py benchmark_pages`: time the main case pages through the whole Django stack.

Runs against whatever database it is pointed at (meant for the national dataset, see
`generate_national_dataset` and docs/benchmarks.md). It picks a practitioner with a typical
(median) caseload, their team's SPO, a few of the practitioner's CRNs and the commonest surname on
the caseload, then requests each page through the Django test `Client` signed in with
`force_login`: URL routing, middleware, access checks, queries and template rendering all count;
the network and a WSGI server do not. Each page is requested once to warm up (and to count its
SQL queries), then `--repeat` times with a wall clock. The search queries are re-run under
EXPLAIN ANALYZE so a slow search can be told apart from a slow template.

It writes only a session row per signed-in user (deleted at the end) and, for restricted cases,
the usual record of the view.
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
import time
import warnings
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from cases.access import visible_people
from cases.models import Person, Role, User


@dataclass
class Subjects:
    practitioner: User
    caseload: int
    spo: User | None
    crns: list[str]
    surname: str

    @property
    def crn_prefix(self) -> str:
        return self.crns[0][:4]


@dataclass
class Page:
    label: str
    as_spo: bool
    url: Callable[[Subjects, int], str]  # (subjects, repetition) → URL
    explain: bool = False  # re-run its search queries under EXPLAIN ANALYZE


PAGES = [
    Page("Caseload", False, lambda s, _: "/caseload/"),
    Page("Caseload, high RoSH, sorted by RoSH", False, lambda s, _: "/caseload/?rosh=HIGH&sort=rosh"),
    Page("Team caseload (SPO)", True, lambda s, _: "/team-caseload/"),
    Page("Search by surname", False, lambda s, _: f"/search/?q={quote(s.surname)}", explain=True),
    Page("Search by CRN prefix", False, lambda s, _: f"/search/?q={s.crn_prefix}", explain=True),
    Page("Person page", False, lambda s, n: f"/people/{s.crns[n % len(s.crns)]}/"),
    Page("API search by surname", False, lambda s, _: f"/api/v1/people/?q={quote(s.surname)}", explain=True),
]


@dataclass
class Timing:
    page: str
    url: str
    user: str
    median_ms: float
    p95_ms: float
    queries: int
    samples_ms: list[float] = field(repr=False)


@dataclass
class Explained:
    page: str
    query: str  # "count" or "rows"
    planning_ms: float
    execution_ms: float
    top_node: str
    plan: str = field(repr=False)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: with 20 samples the p95 is the 19th fastest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def choose_subjects() -> Subjects:
    practitioners = list(
        User.objects.filter(role=Role.PRACTITIONER, is_active=True, team__isnull=False)
        .annotate(cases=Count("caseload"))
        .filter(cases__gt=0)
        .order_by("cases", "username")
    )
    if not practitioners:
        raise CommandError("No practitioner has a caseload: load data first (generate_national_dataset).")
    practitioner = practitioners[len(practitioners) // 2]  # the median caseload: a typical one
    caseload = visible_people(practitioner).allocated_to(practitioner).order_by("crn")
    crns = list(caseload.values_list("crn", flat=True)[:5])
    if not crns:
        raise CommandError(f"{practitioner.username} cannot see any of their own cases.")
    surnames = Counter(caseload.values_list("last_name", flat=True))
    surname = min(surnames, key=lambda name: (-surnames[name], name))
    spo = User.objects.filter(role=Role.SPO, is_active=True, team=practitioner.team).order_by("username").first()
    return Subjects(practitioner, practitioner.cases, spo, crns, surname)


def time_page(client: Client, page: Page, subjects: Subjects, user: User, repeat: int) -> tuple[Timing, list[str]]:
    """Warm up once (counting queries), then time `repeat` requests. Returns the timing and the
    warm-up's SQL, for EXPLAIN."""
    url = page.url(subjects, 0)
    with CaptureQueriesContext(connection) as captured:
        check(client.get(url), url)
    queries = [query["sql"] for query in captured.captured_queries]  # now: the log is reset per request
    samples = []
    for n in range(repeat):
        url_n = page.url(subjects, n)
        started = time.perf_counter()
        response = client.get(url_n)
        samples.append((time.perf_counter() - started) * 1000)
        check(response, url_n)
    timing = Timing(
        page=page.label,
        url=url,
        user=user.username,
        median_ms=round(statistics.median(samples), 1),
        p95_ms=round(percentile(samples, 0.95), 1),
        queries=len(queries),
        samples_ms=[round(s, 2) for s in samples],
    )
    return timing, queries


def check(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}, not 200: nothing to time")


def explain(page: str, queries: list[str]) -> list[Explained]:
    """EXPLAIN ANALYZE the page's queries on people that search by name or CRN."""
    results = []
    for sql in queries:
        if "cases_person" not in sql or "LIKE" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            (report,) = cursor.fetchone()[0]
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            text = "\n".join(row[0] for row in cursor.fetchall())
        top = report["Plan"]
        results.append(
            Explained(
                page=page,
                query="count" if sql.lstrip().upper().startswith("SELECT COUNT(") else "rows",
                planning_ms=round(report["Planning Time"], 2),
                execution_ms=round(report["Execution Time"], 2),
                top_node=top["Node Type"] + (f" ({top['Strategy']})" if "Strategy" in top else ""),
                plan=text,
            )
        )
    return results


def database_facts() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), pg_database_size(current_database()), version()")
        name, size, version = cursor.fetchone()
    return {
        "database": name,
        "database_size_mb": round(size / 2**20),
        "postgres": version.split(" on ")[0],
        "people": Person.objects.count(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


@contextmanager
def quietly() -> Iterator[None]:
    """Keep the report readable: no sign-in log lines from axes, no missing-staticfiles warning."""
    axes = logging.getLogger("axes")
    level = axes.level
    axes.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="No directory at")
            yield
    finally:
        axes.setLevel(level)


class Command(BaseCommand):
    help = "Time the caseload, team caseload, search, person and API pages (median and p95, in ms)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page (default 20)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON, not Markdown")
        parser.add_argument("--plans", action="store_true", help="Also print the EXPLAIN ANALYZE plans")

    def handle(self, *args: Any, repeat: int, as_json: bool, plans: bool, **options: Any) -> None:
        if repeat < 1:
            raise CommandError("--repeat must be at least 1")
        subjects = choose_subjects()
        facts = database_facts()
        timings, explained = self._run(subjects, repeat)
        facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if as_json:
            self._print_json(facts, subjects, repeat, timings, explained)
        else:
            self._print_markdown(facts, subjects, repeat, timings, explained, plans)

    def _run(self, subjects: Subjects, repeat: int) -> tuple[list[Timing], list[Explained]]:
        clients: dict[bool, tuple[Client, User]] = {}
        timings, explained = [], []
        # DEBUG off, as in production: no per-query logging (query counts come from the capture).
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False), quietly():
            for page in PAGES:
                user = subjects.spo if page.as_spo else subjects.practitioner
                if user is None:
                    self.stderr.write(f"Skipped {page.label}: the practitioner's team has no SPO")
                    continue
                if page.as_spo not in clients:
                    client = Client()
                    client.force_login(user)
                    clients[page.as_spo] = (client, user)
                client, user = clients[page.as_spo]
                timing, queries = time_page(client, page, subjects, user, repeat)
                timings.append(timing)
                if page.explain:
                    explained += explain(page.label, queries)
            for client, _ in clients.values():
                client.logout()
        return timings, explained

    def _print_json(self, facts: dict[str, Any], subjects: Subjects, repeat: int, timings: list[Timing],
                    explained: list[Explained]) -> None:  # fmt: skip
        report = {
            **facts,
            "repeat": repeat,
            "practitioner": subjects.practitioner.username,
            "caseload": subjects.caseload,
            "spo": subjects.spo.username if subjects.spo else None,
            "surname": subjects.surname,
            "crn_prefix": subjects.crn_prefix,
            "pages": [asdict(t) for t in timings],
            "explain": [asdict(e) for e in explained],
        }
        self.stdout.write(json.dumps(report, indent=2, default=str))

    def _print_markdown(self, facts: dict[str, Any], subjects: Subjects, repeat: int, timings: list[Timing],
                        explained: list[Explained], plans: bool) -> None:  # fmt: skip
        out = self.stdout.write
        out(
            f"Database `{facts['database']}` ({facts['people']:,} people, {facts['database_size_mb']:,} MB), "
            f"{facts['postgres']}, {facts['cpus']} CPUs, load average {facts['load_average'][0]} → "
            f"{facts['load_average_after'][0]}. {repeat} timed requests per page after one warm-up."
        )
        out(
            f"Practitioner `{subjects.practitioner.username}` (caseload {subjects.caseload}), "
            f"SPO `{subjects.spo.username if subjects.spo else '-'}`, surname `{subjects.surname}`, "
            f"CRN prefix `{subjects.crn_prefix}`.\n"
        )
        out("| Page | URL | As | Median ms | p95 ms | SQL queries |")
        out("|---|---|---|---:|---:|---:|")
        for t in timings:
            out(f"| {t.page} | `{t.url}` | {t.user} | {t.median_ms:.1f} | {t.p95_ms:.1f} | {t.queries} |")
        if explained:
            out("\nEXPLAIN ANALYZE of the search queries (one run each, after the timed requests):\n")
            out("| Page | Query | Planning ms | Execution ms | Top plan node |")
            out("|---|---|---:|---:|---|")
            for e in explained:
                out(f"| {e.page} | {e.query} | {e.planning_ms:.2f} | {e.execution_ms:.2f} | {e.top_node} |")
        if plans:
            for e in explained:
                out(f"\n{e.page}, {e.query} query:\n\n```\n{e.plan}\n```")
