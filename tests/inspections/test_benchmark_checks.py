"""`manage.py benchmark_checks` end to end on a tiny national dataset: the sweep over worker
processes, the one-query SQL floor (which must agree with the flags the sweep opened), the naive
per-case path, check_case timings and the memory figures."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from inspections.models import Flag
from tests.conftest import seed_reference_data

PEOPLE = 200


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)  # the sweep runs in other processes: the data must be committed
def test_the_benchmark_runs_end_to_end_and_the_floor_agrees_with_the_sweep():
    # An earlier transactional test may have emptied the seeded reference data.
    seed_reference_data()
    call_command("generate_national_dataset", "--people", str(PEOPLE), stdout=StringIO())

    out = StringIO()
    call_command(
        "benchmark_checks",
        "--workers=0",
        "--sample=10",
        "--repeat=3",
        "--small-pdus=3",
        "--floor-repeat=1",
        "--json",
        stdout=out,
        stderr=StringIO(),
    )
    report = json.loads(out.getvalue())

    first, second, small = report["sweeps"]
    assert first["label"] == "first" and first["pdus"] > 3
    assert first["cases"] == report["facts"]["cases_under_supervision"] > 0
    assert first["opened"] == Flag.objects.open().count() > 0
    # Idempotent: the second sweep opens, updates and resolves nothing.
    assert (second["opened"], second["updated"], second["resolved"]) == (0, 0, 0)
    assert second["unchanged"] == first["opened"]
    assert small["pdus"] == 3
    # In-process here (--workers 0); each process reports its peak memory.
    assert 1 <= len(first["peak_rss_mb"]) <= 2 and all(mb > 0 for mb in first["peak_rss_mb"])

    # The floor computes the same flags, case by case, as the sweep opened.
    assert report["floor"] > 0
    assert report["floor_exact"] is True  # the seeded policy has only its base rule
    by_kind = {row["kind"]: row for row in report["agreement"]}
    assert sum(row["floor"] for row in by_kind.values()) > 0
    for kind, row in by_kind.items():
        assert (row["only_floor"], row["only_flags"], row["due_differs"]) == (0, 0, 0), kind
        assert row["floor"] == row["flags"] == Flag.objects.open().filter(kind=kind).count(), kind

    assert report["naive"]["sample"] == 10
    assert report["naive"]["extrapolated_seconds"] > 0
    assert report["incremental"]["cases"] == 3
    assert 0 < report["incremental"]["median_ms"] <= report["incremental"]["p95_ms"]


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_prints_its_tables():
    seed_reference_data()
    call_command("generate_national_dataset", "--people", "60", stdout=StringIO())

    out = StringIO()
    call_command(
        "benchmark_checks",
        "--workers=0",
        "--sample=5",
        "--repeat=2",
        "--floor-repeat=1",
        "--reset-flags",
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert "Checks sweep benchmark on" in text
    assert "first" in text and "second" in text
    assert "SQL floor (one query, 7 kinds)" in text
    assert "Ratio sweep / floor" in text
    assert "Naive per-case ORM" in text
    assert "Incremental check_case" in text
