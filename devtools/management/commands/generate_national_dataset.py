"""`manage.py generate_national_dataset`: a synthetic caseload of national shape, for benchmarks.

What it loads and how: `devtools/national_dataset/` (the cases steps in `people.py`, the contacts in
`contacts.py`, the order in `STEPS`).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import Person
from devtools.national_dataset import LOADED_TABLES, REFERENCES, STEPS
from devtools.national_dataset.people import SHAPE, Dataset, verify


class Command(BaseCommand):
    help = "Load a deterministic synthetic dataset of national shape (for benchmarks) with COPY."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, default=250_000, help="People on probation (default 250,000)")
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (default 2025)")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Date the data is current on (default today)",
        )

    def handle(self, *args: Any, people: int, seed: int, as_of: date | None, **options: Any) -> None:
        if people < 1:
            raise CommandError("--people must be at least 1")
        if existing := Person.objects.count():
            raise CommandError(
                f"The database already has {existing:,} people. The national dataset loads only into a "
                "database with none, so benchmark data never mixes with real or demo cases: use a fresh "
                "database (EMBEDDED_DATABASE_NAME=national)."
            )
        ds = Dataset(people=people, seed=seed, as_of=as_of or timezone.localdate())
        started = time.monotonic()
        try:
            with transaction.atomic():
                self._load(ds)
        except IntegrityError as error:
            raise CommandError(f"The load clashed with rows already there; nothing was loaded: {error}") from error
        loaded = time.monotonic() - started
        self._analyze()
        self._report(ds, loaded, time.monotonic() - started)

    def _load(self, ds: Dataset) -> None:
        triggers_off = self._skip_triggers()
        with connection.cursor() as cursor:
            cur = cursor.cursor  # the psycopg cursor: COPY, and no per-query debug logging
            for label, table, loader in STEPS:
                step_started = time.monotonic()
                ds.counts[table] = loader(ds, cur)
                self.stdout.write(f"{label:<14} {ds.counts[table]:>10,} rows  {time.monotonic() - step_started:6.1f} s")
            if triggers_off:
                cur.execute("SET LOCAL session_replication_role = DEFAULT")
            verify(cur, REFERENCES)

    def _skip_triggers(self) -> bool:
        """Skip the audit (and delete-refusing) triggers for this transaction, if allowed."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            self.stdout.write(
                self.style.WARNING("Not allowed to skip triggers (needs a superuser): loading with them.")
            )
            return False
        return True

    def _analyze(self) -> None:
        """Fresh statistics, so the planner sees national volumes at once (autovacuum would lag).

        Outside a transaction VACUUM also sets the visibility map, which index-only scans need.
        """
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in LOADED_TABLES:
                cursor.execute(f"{command} {table}")

    def _report(self, ds: Dataset, loaded: float, total: float) -> None:
        self.stdout.write("")
        for table, rows in ds.counts.items():
            self.stdout.write(f"{table:<24} {rows:>10,}")
        with connection.cursor() as cursor:
            for label, sql in SHAPE.items():
                cursor.execute(sql, {"as_of": ds.as_of})
                self.stdout.write(f"{label}: {cursor.fetchone()[0]}")
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            self.stdout.write(f"database size: {cursor.fetchone()[0]}")
        self.stdout.write(f"Loaded in {loaded:.1f} s; {total:.1f} s with VACUUM/ANALYZE.")
        summary = f"National dataset ready: {ds.people:,} people, seed {ds.seed}, as of {ds.as_of}."
        self.stdout.write(self.style.SUCCESS(summary))
