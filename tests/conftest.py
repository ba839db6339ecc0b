"""Named personas shared by every test.

North East region: Pat (practitioner, PO) and Sam (her SPO) in the Gateshead team; Eve, a
practitioner in the same team who is excluded from one case; Rory (read-only) in Newcastle.
London region: Olga, a practitioner who must see nothing of the North East.
Ada is an administrator; Quinn a quality lead.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, settings

from cases.models import Grade, Role, User
from tests.cases.factories import PDUFactory, PersonFactory, RegionFactory, TeamFactory, UserFactory

# Under CI the real PostgreSQL and Redis are required: a test needing them fails, never skips.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# No test may depend on the day or the hour it runs: the whole suite runs on one clock, started at
# a known moment (a Wednesday mid-morning, no bank holiday or clock change within weeks, far enough
# ahead that a browser keeps the cookies it is given) and ticking from there. Import-time dates in
# test modules see it too, because this module is imported first. `TEST_CLOCK` (ISO 8601, London
# time) moves the start, to run the suite on a bank holiday, a weekend or just before midnight.
# The database's own `now()` is not moved: application SQL takes the time from Python.
CLOCK_START = datetime.fromisoformat(os.environ.get("TEST_CLOCK") or "2031-01-15T10:30:00").replace(
    tzinfo=ZoneInfo("Europe/London")
)
_clock = time_machine.travel(CLOCK_START, tick=True)
_clock.start()

# Property tests (hypothesis, schemathesis) explore at random on a developer's machine; under CI
# they replay the same examples every run, so a submission's result does not depend on luck.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if IN_CI else "dev")


@pytest.fixture
def north_east(db):
    return RegionFactory(code="NE", name="North East")


@pytest.fixture
def gateshead(north_east):
    pdu = PDUFactory(code="NEGH", name="Gateshead and South Tyneside", region=north_east)
    return TeamFactory(code="NEGH01", name="Gateshead Team 1", pdu=pdu)


@pytest.fixture
def newcastle(north_east):
    pdu = PDUFactory(code="NENC", name="Newcastle", region=north_east)
    return TeamFactory(code="NENC01", name="Newcastle Team 1", pdu=pdu)


@pytest.fixture
def london_team(db):
    region = RegionFactory(code="LDN", name="London")
    pdu = PDUFactory(code="LDCA", name="Camden and Islington", region=region)
    return TeamFactory(code="LDCA01", name="Camden Team 1", pdu=pdu)


@pytest.fixture
def pat(gateshead) -> User:
    return UserFactory(
        username="pat",
        first_name="Pat",
        last_name="Practitioner",
        role=Role.PRACTITIONER,
        grade=Grade.PO,
        team=gateshead,
    )


@pytest.fixture
def sam(gateshead) -> User:
    return UserFactory(username="sam", first_name="Sam", last_name="Senior", role=Role.SPO, team=gateshead)


@pytest.fixture
def eve(gateshead) -> User:
    return UserFactory(
        username="eve", first_name="Eve", last_name="Excluded", role=Role.PRACTITIONER, grade=Grade.PSO, team=gateshead
    )


@pytest.fixture
def rory(newcastle) -> User:
    return UserFactory(username="rory", first_name="Rory", last_name="Reader", role=Role.READ_ONLY, team=newcastle)


@pytest.fixture
def olga(london_team) -> User:
    return UserFactory(
        username="olga",
        first_name="Olga",
        last_name="Otherregion",
        role=Role.PRACTITIONER,
        grade=Grade.PO,
        team=london_team,
    )


@pytest.fixture
def ada(db) -> User:
    return UserFactory(username="ada", first_name="Ada", last_name="Admin", role=Role.ADMIN, team=None, is_staff=True)


@pytest.fixture
def quinn(gateshead) -> User:
    return UserFactory(
        username="quinn", first_name="Quinn", last_name="Quality", role=Role.QUALITY_LEAD, team=gateshead
    )


@pytest.fixture
def pats_case(pat):
    """A case allocated to Pat."""
    return PersonFactory(crn="X100001", first_name="John", last_name="Smith", practitioner=pat, team=pat.team)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_pat(pat) -> Client:
    return client_for(pat)


@pytest.fixture
def as_sam(sam) -> Client:
    return client_for(sam)


@pytest.fixture
def as_olga(olga) -> Client:
    return client_for(olga)


@pytest.fixture
def as_eve(eve) -> Client:
    return client_for(eve)


@pytest.fixture
def as_rory(rory) -> Client:
    return client_for(rory)


@pytest.fixture
def as_ada(ada) -> Client:
    return client_for(ada)


def seed_reference_data() -> None:
    """Put back the reference data the migrations seed (registration types, contact types and
    outcomes, contact policy version 1, check definitions). Idempotent. A transactional test ends by
    flushing every table, so tests that need the data after one call this."""
    import importlib

    from django.apps import apps

    importlib.import_module("cases.migrations.0002_registration_types").add_types(apps, None)
    importlib.import_module("supervision.migrations_seed").seed(apps, None)
    importlib.import_module("inspections.migrations_seed").seed(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make sure the reference data is present, even in a reused test database that a
    transactional (flushing) test run emptied earlier."""
    with django_db_blocker.unblock():
        seed_reference_data()
