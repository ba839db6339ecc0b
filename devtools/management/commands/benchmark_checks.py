"""`manage.py benchmark_checks`: time the automated-checks sweep at national scale (issue 4).

Meant for the national dataset (`generate_national_dataset`, docs/benchmarks.md "Checks sweep").
It reports, on one date (today by default):

- **Sweep**: the nightly sweep as production runs it, `inspections.services.sweep_pdu(pdu_id)` for
  every PDU, fanned out over `--workers` processes (default 2: two Celery workers on two cores).
  Each process opens its own database connection. Then the same sweep again, which must change
  nothing (idempotence), and its time.
- **SQL floor**: ONE hand-written query computing the same findings (case, kind, due date) for the
  kinds it covers (`FLOOR_KINDS`), timed as the server computing them (`count(*)` per kind, so
  transfer to Python is not counted against the floor), then the ratio sweep / floor. The floor
  resolves policy parameters from the base rule only, so the command refuses to call it a floor
  when the policy in force has scoped rules (it reports the difference instead). It then checks
  that the floor and the open flags agree per kind, case by case, and names any difference.
- **Naive**: per-case ORM evaluation (`supervision.policy.evaluate_case` plus one ORM query per case
  for each record check) on a seeded random sample of `--sample` cases, extrapolated to every case.
- **Incremental**: `inspections.services.check_case(person)` for `--repeat` cases: median and p95.
- **Memory**: the peak resident memory (ru_maxrss) of each sweep process, for a sweep of the first
  `--small-pdus` PDUs and for the full sweep: flat memory means the two peaks are about the same.

`--reset-flags` first removes every flag (and its history) so the first sweep opens them all, as on
the night the checks go live. Flags are never deleted in the service (a trigger refuses); this
switch disables the triggers for its own transaction (`session_replication_role = replica`, as
`generate_national_dataset` does), so it needs a superuser and is meant for benchmark databases only.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import random
import resource
import statistics
import time
import uuid
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from cases.models import PDU, Person, Registration, Sentence
from inspections.models import Flag, FlagKind
from kit.calendar import add_working_days
from kit.clock import local_midnight
from supervision.models import Contact, ContactPolicy
from supervision.policy.evaluate import evaluate_case
from supervision.policy.resolve import policy_in_force
from supervision.rules.reset import RESET_STARTED

# The kinds the hand-written floor query computes (every kind the engine implements on today's records).
FLOOR_KINDS = (
    FlagKind.TELEPHONE_ONLY,
    FlagKind.FACE_TO_FACE_OVERDUE,
    FlagKind.INITIAL_APPOINTMENT_OVERDUE,
    FlagKind.HOME_VISIT_OVERDUE,
    FlagKind.REGISTRATION_REVIEW_OVERDUE,
    FlagKind.OUTCOME_NOT_RECORDED,
    FlagKind.ENFORCEMENT_DECISION_DUE,
)

# The floor: the findings of every check above for every case under supervision on %(on)s, in one
# statement with one pass over the contacts. It restates supervision.policy (facts.py, rules.py),
# supervision.rules.reset and inspections.checks.records in SQL: the active sentence (latest start), made
# contacts since it started (local dates), the registrations in force, Probation Reset (which stops
# every contact rule in the final third but a licence's follow-up), then each rule. Parameters come
# from the base rule of the policy in force (exact when the policy has no scoped rules). The initial
# appointment deadlines (N working days, bank holidays excluded) come from kit.calendar, passed in
# as a table of start date → deadline (`initial_deadlines`), so the calendar is not restated.
FLOOR_SQL = """
WITH params AS MATERIALIZED (
    SELECT face_to_face_window_days, telephone_only_window_days, initial_appointment_working_days,
        initial_must_be_face_to_face, home_visit_days_high, home_visit_days_medium, home_visit_days_low,
        outcome_recording_days, early_engagement_weeks
    FROM supervision_policyrule WHERE policy_id = %(policy)s AND is_base
),
deadlines AS MATERIALIZED (
    SELECT * FROM unnest(%(deadline_starts)s::date[], %(deadlines)s::date[]) AS d(start_date, deadline)
),
cases AS NOT MATERIALIZED (
    SELECT DISTINCT ON (s.person_id) s.person_id, s.id AS sentence_id, s.order_type, s.start_date,
        s.expected_end_date, s.start_date::timestamp AT TIME ZONE %(tz)s AS start_at,
        s.start_date + (2 * (s.expected_end_date - s.start_date)) / 3 AS two_thirds
    FROM cases_sentence s
    WHERE s.terminated_on IS NULL AND s.start_date <= %(on)s AND s.expected_end_date >= %(on)s
    ORDER BY s.person_id, s.start_date DESC, s.created_at DESC
),
reset_decisions AS (
    SELECT DISTINCT ON (d.sentence_id) d.sentence_id, d.state
    FROM supervision_resetdecision d
    WHERE (d.decided_at AT TIME ZONE %(tz)s)::date <= %(on)s
    ORDER BY d.sentence_id, d.decided_at DESC
),
answered AS (
    SELECT person_id, (max(failure_date) + 1)::timestamp AT TIME ZONE %(tz)s AS until
    FROM supervision_enforcementaction GROUP BY person_id
),
contacts AS (
    -- One pass over the contacts: timestamps are compared with precomputed local midnights, and
    -- only the aggregates are turned into local dates.
    SELECT c.person_id,
        min(c.starts_at) FILTER (WHERE made) AS first_made,
        min(c.starts_at) FILTER (WHERE made AND ct.is_face_to_face) AS first_f2f,
        min(c.starts_at) FILTER (WHERE made AND (ct.is_face_to_face OR ct.is_initial)) AS first_initial_or_f2f,
        min(c.starts_at) FILTER (WHERE made AND ct.is_home_visit) AS first_home_visit,
        max(c.starts_at) FILTER (WHERE made) AS last_made,
        max(c.starts_at) FILTER (WHERE made AND ct.is_face_to_face) AS last_f2f,
        min(c.starts_at) FILTER (
            WHERE ct.is_attendance AND c.outcome_id IS NULL AND c.starts_at < %(outcome_before)s
        ) AS unrecorded,
        min(c.starts_at) FILTER (
            WHERE o.is_failure AND ct.is_national_standard AND c.starts_at >= k.start_at
            AND c.starts_at < %(end_of_day)s AND (a.until IS NULL OR c.starts_at >= a.until)
        ) AS unanswered
    FROM supervision_contact c
    JOIN cases k ON k.person_id = c.person_id
    JOIN supervision_contacttype ct ON ct.id = c.contact_type_id
    LEFT JOIN supervision_outcometype o ON o.id = c.outcome_id
    LEFT JOIN answered a ON a.person_id = c.person_id
    CROSS JOIN LATERAL (
        SELECT (o.is_attended OR (NOT ct.is_attendance AND c.outcome_id IS NULL))
            AND c.starts_at < %(upper)s AND c.starts_at >= k.start_at AS made
    ) m
    WHERE c.superseded_at IS NULL AND c.starts_at <= %(now)s
    GROUP BY c.person_id
),
registrations AS (
    SELECT r.person_id,
        bool_or(in_force AND rt.code IN ('ADVP', 'ADVV', 'REG30')) AS domestic_abuse,
        bool_or(in_force AND rt.code IN ('RCCO', 'RCPR', 'RCHD')) AS child_concern,
        bool_or(in_force AND (rt.is_mappa OR r.mappa_category IS NOT NULL OR r.mappa_level IS NOT NULL)
                AND r.mappa_category = 1) AS sexual_offence,
        min(r.review_due) FILTER (WHERE r.deregistered_on IS NULL AND r.review_due < %(on)s) AS review_due,
        -- supervision.rules.reset.exemptions_for (the very high RoSH of the person is added below)
        bool_or(in_force AND (rt.code IN ('MAPP', 'RVHR', 'RCPR', 'RTAO') OR rt.is_mappa
                OR r.mappa_category IS NOT NULL)) AS reset_exempt
    FROM cases_registration r
    JOIN cases_registrationtype rt ON rt.id = r.type_id
    CROSS JOIN LATERAL (
        SELECT r.registered_on <= %(on)s AND (r.deregistered_on IS NULL OR r.deregistered_on > %(on)s) AS in_force
    ) f
    GROUP BY r.person_id
),
facts AS (
    SELECT k.person_id, k.start_date, p.rosh, params.*,
        c.first_made, c.first_f2f,
        (c.first_f2f AT TIME ZONE %(tz)s)::date AS first_f2f_day,
        (c.first_initial_or_f2f AT TIME ZONE %(tz)s)::date AS first_initial_or_f2f,
        (c.first_home_visit AT TIME ZONE %(tz)s)::date AS first_home_visit,
        (c.last_made AT TIME ZONE %(tz)s)::date AS last_made,
        (c.last_f2f AT TIME ZONE %(tz)s)::date AS last_f2f,
        (c.unrecorded AT TIME ZONE %(tz)s)::date AS unrecorded,
        (c.unanswered AT TIME ZONE %(tz)s)::date AS unanswered,
        coalesce(r.domestic_abuse, false) OR coalesce(r.child_concern, false)
            OR p.rosh IN ('HIGH', 'VERY_HIGH') AS needs_home_visit,
        CASE WHEN p.rosh IN ('HIGH', 'VERY_HIGH') OR coalesce(r.sexual_offence, false) THEN home_visit_days_high
             WHEN p.rosh = 'MEDIUM' THEN home_visit_days_medium
             ELSE home_visit_days_low END AS home_visit_days,
        r.review_due,
        dl.deadline AS initial_deadline,
        k.order_type, k.two_thirds,
        k.two_thirds + (k.expected_end_date - k.two_thirds) / 2 AS follow_up,
        -- supervision.policy.resolve.phase_for: FINAL_THIRD past two-thirds of an eligible case
        -- (the SPO's latest decision, else supervision.rules.reset.compute_reset), after the early weeks.
        %(on)s >= k.start_date + 7 * early_engagement_weeks AND %(on)s >= k.two_thirds
        AND coalesce(rd.state = 'ELIGIBLE', k.expected_end_date >= %(reset_started)s
            AND p.rosh IS DISTINCT FROM 'VERY_HIGH' AND NOT coalesce(r.reset_exempt, false)) AS final_third
    FROM cases k
    JOIN cases_person p ON p.id = k.person_id
    CROSS JOIN params
    JOIN deadlines dl ON dl.start_date = k.start_date
    LEFT JOIN contacts c ON c.person_id = k.person_id
    LEFT JOIN registrations r ON r.person_id = k.person_id
    LEFT JOIN reset_decisions rd ON rd.sentence_id = k.sentence_id
),
findings AS (
    SELECT f.person_id, x.kind, x.due_by
    FROM facts f
    CROSS JOIN LATERAL (
        SELECT CASE WHEN initial_must_be_face_to_face THEN first_f2f_day ELSE first_initial_or_f2f END AS first
    ) i
    CROSS JOIN LATERAL (VALUES
        ('FACE_TO_FACE_OVERDUE',
         coalesce(last_f2f, start_date) + face_to_face_window_days,
         NOT final_third AND %(on)s > coalesce(last_f2f, start_date) + face_to_face_window_days),
        -- supervision.policy.rules.reset_follow_up: a licence's one appointment in the final third
        ('FACE_TO_FACE_OVERDUE',
         follow_up,
         final_third AND order_type = 'LICENCE' AND %(on)s > follow_up
         AND (last_f2f IS NULL OR last_f2f < two_thirds)),
        ('TELEPHONE_ONLY',
         coalesce(last_f2f, start_date) + telephone_only_window_days,
         NOT final_third AND last_made >= %(on)s - telephone_only_window_days
         AND (last_f2f IS NULL OR last_f2f < %(on)s - telephone_only_window_days)),
        -- held at all (late or not) meets it: a late one resolves the flag
        ('INITIAL_APPOINTMENT_OVERDUE',
         initial_deadline,
         NOT final_third AND i.first IS NULL AND %(on)s > initial_deadline),
        ('HOME_VISIT_OVERDUE',
         start_date + home_visit_days,
         NOT final_third AND needs_home_visit AND NOT coalesce(
            first_home_visit <= start_date + home_visit_days,
            %(on)s <= start_date + home_visit_days AND first_home_visit IS NULL)),
        ('REGISTRATION_REVIEW_OVERDUE', review_due, review_due IS NOT NULL),
        ('OUTCOME_NOT_RECORDED', unrecorded + outcome_recording_days, unrecorded IS NOT NULL),
        ('ENFORCEMENT_DECISION_DUE', unanswered, unanswered IS NOT NULL)
    ) x(kind, due_by, hit)
    WHERE x.hit
)
"""


@dataclass
class SweepRun:
    label: str
    pdus: int
    seconds: float
    cases: int = 0
    opened: int = 0
    updated: int = 0
    resolved: int = 0
    unchanged: int = 0
    slowest_pdu_seconds: float = 0.0
    peak_rss_mb: list[float] = field(default_factory=list)


@dataclass
class Report:
    on: str
    facts: dict[str, Any]
    workers: int
    sweeps: list[SweepRun] = field(default_factory=list)
    floor_seconds: list[float] = field(default_factory=list)
    floor_rows_seconds: float = 0.0
    floor_exact: bool = True
    agreement: list[dict[str, Any]] = field(default_factory=list)
    kinds_not_in_floor: list[str] = field(default_factory=list)
    naive: dict[str, Any] = field(default_factory=dict)
    incremental: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def full_sweep(self) -> SweepRun | None:
        return next((run for run in self.sweeps if run.label == "first"), None)

    @property
    def floor(self) -> float:
        return min(self.floor_seconds) if self.floor_seconds else 0.0


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: with 20 samples the p95 is the 19th fastest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if os.uname().sysname == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _sweep_one(job: tuple[int, date]) -> dict[str, Any]:
    """In a worker process: sweep one PDU with the engine's own code and its own connection."""
    from inspections.services import sweep_pdu

    pdu_id, on = job
    started = time.perf_counter()
    result = sweep_pdu(pdu_id, on=on)
    seconds = time.perf_counter() - started
    connections.close_all()
    return {
        "pid": os.getpid(),
        "seconds": seconds,
        "rss": _peak_rss_mb(),
        **{name: int(getattr(result, name, 0)) for name in ("cases", "opened", "updated", "resolved", "unchanged")},
    }


def sweep(label: str, pdus: list[int], on: date, workers: int) -> SweepRun:
    """Sweep `pdus` over `workers` fresh processes (forked: each opens its own database connection)."""
    connections.close_all()  # never share the parent's socket with a child
    context = multiprocessing.get_context("fork")
    run = SweepRun(label=label, pdus=len(pdus), seconds=0.0)
    peaks: dict[int, float] = {}
    started = time.perf_counter()
    jobs = [(pdu, on) for pdu in pdus]
    # --workers 0 sweeps in this process: for the test suite, whose other tests may leave database
    # connections in other threads that forked children would share.
    pool = context.Pool(processes=workers) if workers > 0 else None
    rows = pool.imap_unordered(_sweep_one, jobs) if pool else map(_sweep_one, jobs)
    try:
        for row in rows:
            for name in ("cases", "opened", "updated", "resolved", "unchanged"):
                setattr(run, name, getattr(run, name) + row[name])
            run.slowest_pdu_seconds = max(run.slowest_pdu_seconds, row["seconds"])
            peaks[row["pid"]] = max(peaks.get(row["pid"], 0.0), row["rss"])
    finally:
        if pool:
            pool.close()
            pool.join()
    run.seconds = time.perf_counter() - started
    run.peak_rss_mb = sorted((round(mb, 1) for mb in peaks.values()), reverse=True)
    return run


def _upper(on: date, now: datetime) -> datetime:
    return min(now, local_midnight(on + timedelta(days=1)))


def initial_deadlines(on: date, working_days: int) -> tuple[list[date], list[date]]:
    """Every active sentence's start date and its initial appointment deadline (kit.calendar)."""
    starts = list(Sentence.objects.in_force(on).order_by("start_date").values_list("start_date", flat=True).distinct())
    return starts, [add_working_days(start, working_days) for start in starts]


def floor_params(policy: ContactPolicy, on: date, now: datetime) -> dict[str, Any]:
    base = next(rule for rule in policy.rules.all() if rule.is_base)
    starts, deadlines = initial_deadlines(on, int(base.initial_appointment_working_days))
    return {
        "policy": policy.pk,
        "on": on,
        "now": now,
        "upper": _upper(on, now),
        "end_of_day": local_midnight(on + timedelta(days=1)),
        "outcome_before": local_midnight(on - timedelta(days=int(base.outcome_recording_days))),
        "tz": settings.TIME_ZONE,
        "deadline_starts": starts,
        "deadlines": deadlines,
        "reset_started": RESET_STARTED,
    }


def time_floor(policy: ContactPolicy, on: date, now: datetime, repeat: int) -> tuple[list[float], Counter[str]]:
    """The server computing every finding (counted per kind): the floor, `repeat` times."""
    sql = FLOOR_SQL + "SELECT kind, count(*) FROM findings GROUP BY kind"  # noqa: S608 - constant text
    times: list[float] = []
    counts: Counter[str] = Counter()
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, floor_params(policy, on, now))
            rows = cursor.fetchall()
            times.append(time.perf_counter() - started)
            counts = Counter(dict(rows))
    return times, counts


def time_floor_rows(policy: ContactPolicy, on: date, now: datetime) -> float:
    """The same query delivering every finding row to Python (for reference; not the floor)."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        sql = FLOOR_SQL + "SELECT person_id, kind, due_by FROM findings"  # noqa: S608 - constant text
        cursor.execute(sql, floor_params(policy, on, now))
        while cursor.fetchmany(10_000):
            pass
        return time.perf_counter() - started


def agreement(policy: ContactPolicy, on: date, now: datetime) -> list[dict[str, Any]]:
    """Per kind: findings in the floor, open flags, and the cases only one side has (with examples)."""
    kinds = [str(kind) for kind in FLOOR_KINDS]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE benchmark_floor ON COMMIT DROP AS " + FLOOR_SQL + "SELECT * FROM findings",  # noqa: S608
            floor_params(policy, on, now),
        )
        cursor.execute(
            """
            WITH flags AS (
                SELECT person_id, kind, due_by FROM inspections_flag
                WHERE resolved_at IS NULL AND kind = ANY(%(kinds)s)
            )
            SELECT coalesce(f.kind, g.kind) AS kind,
                count(f.person_id) AS floor, count(g.person_id) AS flags,
                count(*) FILTER (WHERE g.person_id IS NULL) AS only_floor,
                count(*) FILTER (WHERE f.person_id IS NULL) AS only_flags,
                count(*) FILTER (WHERE f.person_id IS NOT NULL AND g.person_id IS NOT NULL
                                 AND f.due_by IS DISTINCT FROM g.due_by) AS due_differs,
                (array_agg(p.crn ORDER BY p.crn) FILTER (WHERE g.person_id IS NULL))[1:3] AS only_floor_crns,
                (array_agg(p.crn ORDER BY p.crn) FILTER (WHERE f.person_id IS NULL))[1:3] AS only_flags_crns
            FROM benchmark_floor f
            FULL JOIN flags g ON g.person_id = f.person_id AND g.kind = f.kind
            JOIN cases_person p ON p.id = coalesce(f.person_id, g.person_id)
            GROUP BY 1 ORDER BY 1
            """,
            {"kinds": kinds},
        )
        columns = [col.name for col in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    seen = {row["kind"] for row in rows}
    return rows + [
        {"kind": kind, "floor": 0, "flags": 0, "only_floor": 0, "only_flags": 0, "due_differs": 0}
        for kind in kinds
        if kind not in seen
    ]


def active_case_ids(on: date) -> list[uuid.UUID]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT person_id FROM cases_sentence "
            "WHERE terminated_on IS NULL AND start_date <= %s AND expected_end_date >= %s ORDER BY person_id",
            [on, on],
        )
        return [row[0] for row in cursor.fetchall()]


def naive_case(person: Person, on: date, now: datetime, outcome_days: int) -> Counter[str]:
    """The per-case way: evaluate one case with the ORM, then one query per record check."""
    found: Counter[str] = Counter()
    evaluation = evaluate_case(person, on)
    shortfall_kinds = {
        "TELEPHONE_ONLY": FlagKind.TELEPHONE_ONLY,
        "FACE_TO_FACE_OVERDUE": FlagKind.FACE_TO_FACE_OVERDUE,
        "INITIAL_APPOINTMENT": FlagKind.INITIAL_APPOINTMENT_OVERDUE,
        "HOME_VISIT_OVERDUE": FlagKind.HOME_VISIT_OVERDUE,
    }
    found.update(shortfall_kinds[code].value for code in evaluation.shortfalls if code in shortfall_kinds)
    if not evaluation.active:
        return found
    if Registration.objects.review_overdue(on).filter(person=person).exists():
        found[FlagKind.REGISTRATION_REVIEW_OVERDUE.value] += 1
    midnight = timezone.make_aware(datetime.combine(on - timedelta(days=outcome_days), datetime.min.time()))
    if Contact.objects.current().awaiting_outcome(now).filter(person=person, starts_at__lt=midnight).exists():
        found[FlagKind.OUTCOME_NOT_RECORDED.value] += 1
    start = evaluation.facts.supervision_start
    failures = Contact.objects.current().awaiting_enforcement_decision().filter(person=person, starts_at__lte=now)
    if start and failures.filter(starts_at__date__gte=start, starts_at__date__lte=on).exists():
        found[FlagKind.ENFORCEMENT_DECISION_DUE.value] += 1
    return found


def time_each(items: Iterable[Any], action: Callable[[Any], object]) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        action(item)
        times.append(time.perf_counter() - started)
    return times


def reset_flags() -> int:
    """Remove every flag and its history (benchmark databases only; see the module docstring)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT count(*) FROM inspections_flag")
        (count,) = cursor.fetchone()
        events = Flag.pgh_event_model._meta.db_table  # type: ignore[attr-defined]
        cursor.execute(f'DELETE FROM "{events}"')  # noqa: S608 - a model's table name
        cursor.execute("DELETE FROM inspections_flag")
    return int(count)


class Command(BaseCommand):
    help = "Time the checks sweep against a one-query SQL floor and a naive per-case evaluation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Sweep processes (default 2: 2 workers, 2 cores; 0 sweeps in this process)",
        )
        parser.add_argument("--sample", type=int, default=500, help="Cases for the naive evaluation (default 500)")
        parser.add_argument("--repeat", type=int, default=20, help="Cases for check_case timings (default 20)")
        parser.add_argument("--floor-repeat", type=int, default=3, help="Runs of the floor query (default 3)")
        parser.add_argument("--small-pdus", type=int, default=10, help="PDUs in the small sweep (memory)")
        parser.add_argument("--pdus", type=int, default=0, help="Sweep only the first N PDUs (default all)")
        parser.add_argument("--seed", type=int, default=4, help="Random seed for the samples")
        parser.add_argument("--reset-flags", action="store_true", help="Delete every flag first (benchmark only)")
        parser.add_argument("--skip-naive", action="store_true")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        # As in production: with DEBUG on, Django keeps the text of every query (the sweep's upserts
        # carry megabytes of evidence), which costs time and makes the workers' memory grow.
        with override_settings(DEBUG=False):
            self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        workers = options["workers"]
        if workers < 0:
            raise CommandError("--workers must be 0 (sweep in this process) or more")
        on = timezone.localdate()
        now = timezone.now()
        policy = policy_in_force(on)
        rules = list(policy.rules.all())
        pdus = list(
            PDU.objects.filter(teams__people__isnull=False).distinct().order_by("pk").values_list("pk", flat=True)
        )
        if options["pdus"]:
            pdus = pdus[: options["pdus"]]
        if not pdus:
            raise CommandError("No PDU has any cases: load data first (generate_national_dataset).")
        active = active_case_ids(on)
        report = Report(on=on.isoformat(), facts=self._facts(len(active), len(pdus), policy, rules), workers=workers)
        report.floor_exact = all(rule.is_base for rule in rules)
        if not report.floor_exact:
            report.notes.append("The policy in force has scoped rules: the floor uses the base rule only.")
        from inspections.checks import REGISTRY

        implemented = sorted(kind for kind, check in REGISTRY.items() if check.available)
        report.kinds_not_in_floor = [kind for kind in implemented if kind not in {str(k) for k in FLOOR_KINDS}]
        self._say(
            options, f"{len(active):,} cases under supervision in {len(pdus)} PDUs on {on}; policy v{policy.version}"
        )

        if options["reset_flags"]:
            self._say(options, f"Removed {reset_flags():,} flags (--reset-flags).")

        self._say(options, f"Sweeping {len(pdus)} PDUs with {workers} processes...")
        report.sweeps.append(sweep("first", pdus, on, workers))
        self._say(options, f"  first sweep {report.sweeps[-1].seconds:.1f} s; second (no change)...")
        report.sweeps.append(sweep("second", pdus, on, workers))
        small = pdus[: options["small_pdus"]]
        if len(small) < len(pdus):
            report.sweeps.append(sweep(f"first {len(small)} PDUs", small, on, workers))

        self._say(options, "Floor query...")
        report.floor_seconds, _ = time_floor(policy, on, now, options["floor_repeat"])
        report.floor_rows_seconds = time_floor_rows(policy, on, now)
        report.agreement = agreement(policy, on, now)

        rng = random.Random(options["seed"])
        if not options["skip_naive"] and options["sample"]:
            self._say(options, f"Naive per-case evaluation of {options['sample']} cases...")
            report.naive = self._naive(rng, active, options["sample"], on, now, rules)
        self._say(options, f"check_case on {options['repeat']} cases...")
        report.incremental = self._incremental(rng, active, options["repeat"], on)

        if options["json"]:
            self.stdout.write(json.dumps(asdict(report) | {"floor": report.floor}, indent=2, default=str))
        else:
            self._print(report)

    def _say(self, options: dict[str, Any], text: str) -> None:
        if not options["json"]:
            self.stderr.write(text)

    def _facts(self, active: int, pdus: int, policy: ContactPolicy, rules: list[Any]) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), pg_database_size(current_database()), "
                "current_setting('server_version'), (SELECT reltuples::bigint FROM pg_class "
                "WHERE oid = 'supervision_contact'::regclass)"
            )
            name, size, version, contacts = cursor.fetchone()
        return {
            "database": name,
            "database_size_mb": round(size / 2**20),
            "postgres": version,
            "people": Person.objects.count(),
            "cases_under_supervision": active,
            "contacts_estimate": int(contacts),
            "pdus_swept": pdus,
            "policy_version": policy.version,
            "policy_rules": [rule.name + (" (base)" if rule.is_base else "") for rule in rules],
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }

    def _naive(
        self, rng: random.Random, active: list[uuid.UUID], sample: int, on: date, now: datetime, rules: list[Any]
    ) -> dict[str, Any]:
        chosen = rng.sample(active, min(sample, len(active)))
        people = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
        base = next(rule for rule in rules if rule.is_base)
        found: Counter[str] = Counter()

        def one(pk: uuid.UUID) -> None:
            found.update(naive_case(people[pk], on, now, int(base.outcome_recording_days)))

        times = time_each(chosen, one)
        total = sum(times)
        per_case = total / len(times)
        return {
            "sample": len(times),
            "seconds": round(total, 2),
            "per_case_ms": round(1000 * per_case, 2),
            "extrapolated_seconds": round(per_case * len(active), 1),
            "findings_in_sample": dict(sorted(found.items())),
        }

    def _incremental(self, rng: random.Random, active: list[uuid.UUID], repeat: int, on: date) -> dict[str, Any]:
        from inspections.services import check_case

        chosen = rng.sample(active, min(repeat, len(active)))
        people = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
        check_case(people[chosen[0]], on=on)  # warm-up
        times = time_each(chosen, lambda pk: check_case(people[pk], on=on))
        return {
            "cases": len(times),
            "median_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(1000 * percentile(times, 0.95), 1),
        }

    def _print(self, report: Report) -> None:
        w = self.stdout.write
        facts = report.facts
        w(f"Checks sweep benchmark on {report.on} ({facts['database']}, {facts['database_size_mb']:,} MB)")
        w(
            f"{facts['people']:,} people, {facts['cases_under_supervision']:,} under supervision, "
            f"~{facts['contacts_estimate']:,} contacts, {facts['pdus_swept']} PDUs; policy v{facts['policy_version']} "
            f"rules: {', '.join(facts['policy_rules'])}; load average {facts['load_average']}"
        )
        w("")
        w(
            f"{'Sweep':<22}{'PDUs':>6}{'wall s':>9}{'slowest PDU s':>15}{'cases':>9}{'opened':>9}"
            f"{'updated':>9}{'resolved':>9}{'unchanged':>10}  peak RSS per process (MB)"
        )
        for run in report.sweeps:
            w(
                f"{run.label:<22}{run.pdus:>6}{run.seconds:>9.1f}{run.slowest_pdu_seconds:>15.1f}{run.cases:>9,}"
                f"{run.opened:>9,}{run.updated:>9,}{run.resolved:>9,}{run.unchanged:>10,}  {run.peak_rss_mb}"
            )
        w("")
        full = report.full_sweep
        floor = report.floor
        w(
            f"SQL floor (one query, {len(FLOOR_KINDS)} kinds): "
            f"{', '.join(f'{s:.1f}' for s in report.floor_seconds)} s (best {floor:.1f} s); "
            f"delivering every row to Python {report.floor_rows_seconds:.1f} s"
            + ("" if report.floor_exact else " [base rule only: not exact]")
        )
        if full and floor:
            second = next((run for run in report.sweeps if run.label == "second"), None)
            w(
                f"Ratio sweep / floor: first {full.seconds / floor:.1f}x"
                + (f", second (no change) {second.seconds / floor:.1f}x" if second else "")
            )
        if report.kinds_not_in_floor:
            w(f"Implemented kinds the floor does not compute: {', '.join(report.kinds_not_in_floor)}")
        w("")
        w(f"{'Kind':<30}{'floor':>9}{'flags':>9}{'only floor':>12}{'only flags':>12}{'due differs':>13}  examples")
        for row in report.agreement:
            examples = ", ".join((row.get("only_floor_crns") or []) + (row.get("only_flags_crns") or []))
            w(
                f"{row['kind']:<30}{row['floor']:>9,}{row['flags']:>9,}{row['only_floor']:>12,}"
                f"{row['only_flags']:>12,}{row['due_differs']:>13,}  {examples}"
            )
        if report.naive and full:
            naive = report.naive
            w("")
            w(
                f"Naive per-case ORM: {naive['sample']} cases in {naive['seconds']} s "
                f"({naive['per_case_ms']} ms a case); "
                f"extrapolated to {facts['cases_under_supervision']:,} cases: {naive['extrapolated_seconds']:,.0f} s "
                f"in one process ({naive['extrapolated_seconds'] / full.seconds:.0f}x the sweep; "
                f"{naive['extrapolated_seconds'] / max(report.workers, 1) / full.seconds:.0f}x if spread over "
                f"{report.workers} processes)"
            )
            w(f"  findings in the sample: {naive['findings_in_sample']}")
        inc = report.incremental
        w(f"Incremental check_case: {inc['cases']} cases, median {inc['median_ms']} ms, p95 {inc['p95_ms']} ms")
        for note in report.notes:
            w(f"Note: {note}")
