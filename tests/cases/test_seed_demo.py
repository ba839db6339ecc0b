"""The demo dataset (`seed_demo`) and the sign-in table (`demo_signins`)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cases.models import AccessRuleKind, CaseAccessRule, Person, Registration, RegistrationType, Role, User
from devtools.management.commands.seed_demo import (
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_USERNAMES,
    MIN_PEOPLE,
    build_demo_plan,
)

pytestmark = pytest.mark.django_db

PEOPLE = 40  # small enough to keep each test quick, big enough for every kind of case


def seed(*args: str, people: int = PEOPLE) -> str:
    out = StringIO()
    call_command("seed_demo", f"--people={people}", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """One load shared by a class of tests (it takes seconds), rolled back when the class ends.

    Case records refuse DELETE, so the load runs inside an outer transaction that is never
    committed; each test's own transaction is a savepoint within it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        seed("--force")
        yield
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_the_plan_is_the_same_every_time_for_the_same_day():
    anchor = date(2026, 11, 21)
    assert build_demo_plan(DEMO_SEED, anchor, PEOPLE) == build_demo_plan(DEMO_SEED, anchor, PEOPLE)


def test_the_plan_keeps_its_people_but_moves_its_dates_with_the_day():
    today = build_demo_plan(DEMO_SEED, date(2026, 11, 21), PEOPLE).people
    tomorrow = build_demo_plan(DEMO_SEED, date(2026, 11, 22), PEOPLE).people
    assert [p.details.last_name for p in today] == [p.details.last_name for p in tomorrow]
    assert [p.crn for p in today] == [p.crn for p in tomorrow]
    starts = zip(today, tomorrow, strict=True)
    assert {b.sentences[-1].start_date - a.sentences[-1].start_date for a, b in starts} == {timedelta(days=1)}


def test_every_current_sentence_is_running_on_the_day_and_started_within_two_years():
    anchor = date(2026, 11, 21)
    for person in build_demo_plan(DEMO_SEED, anchor, 300).people:
        current = person.sentences[-1]
        assert anchor - timedelta(days=730) <= current.start_date <= anchor < current.expected_end_date


def test_tiers_follow_risk_and_mappa():
    for person in build_demo_plan(DEMO_SEED, date(2026, 11, 21), 300).people:
        levels = {r.mappa_level for r in person.registrations if r.code == "MAPP"}
        if person.details.rosh == "VERY_HIGH" or levels & {2, 3}:
            assert person.details.tier.startswith("A"), person
        elif person.details.rosh == "HIGH":
            assert person.details.tier.startswith("B"), person


def test_it_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not Person.objects.exists()


def test_it_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True
    assert "loaded" in seed(people=MIN_PEOPLE)
    assert Person.objects.count() == MIN_PEOPLE


def test_it_asks_for_the_migrations_when_registration_types_are_missing():
    RegistrationType.objects.all().delete()
    with pytest.raises(CommandError, match="run the migrations"):
        seed("--force")
    assert not Person.objects.exists()


def test_demo_signins_says_when_there_are_none():
    out = StringIO()
    call_command("demo_signins", stdout=out)
    assert "no demo sign-ins" in out.getvalue()


@pytest.mark.usefixtures("loaded_demo")
class TestTheLoadedDemo:
    def test_it_loads_exactly_the_plan(self):
        plan = build_demo_plan(DEMO_SEED, timezone.localdate(), PEOPLE)
        planned = sorted((p.crn, p.details.first_name, p.details.last_name, p.details.rosh) for p in plan.people)
        loaded = sorted(Person.objects.values_list("crn", "first_name", "last_name", "rosh"))
        assert loaded == planned

    def test_every_change_is_audited_as_the_seed_command(self):
        for model in ("PersonEvent", "SentenceEvent", "RegistrationEvent", "AllocationEvent"):
            events = apps.get_model("cases", model).objects.all()
            assert events.exists(), model
            assert not events.exclude(pgh_context__metadata__command="seed_demo").exists(), model

    def test_demo_users_sign_in_with_the_demo_password(self):
        for username in DEMO_USERNAMES:
            response = Client().post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 302, username

    def test_other_staff_cannot_sign_in_until_given_a_password(self):
        others = User.objects.exclude(username__in=DEMO_USERNAMES)
        assert others.count() > 40
        assert not any(u.has_usable_password() for u in others)

    def test_demo_users_have_their_roles_and_teams(self):
        practitioner = user("practitioner")
        assert (practitioner.role, practitioner.grade) == (Role.PRACTITIONER, "PO")
        assert user("spo").role == Role.SPO and user("spo").team == practitioner.team
        assert user("excluded").team == practitioner.team
        assert (user("quality").role, user("readonly").role) == (Role.QUALITY_LEAD, Role.READ_ONLY)
        admin = user("admin")
        assert (admin.role, admin.team, admin.is_staff, admin.is_superuser) == (Role.ADMIN, None, True, True)

    def test_the_practitioner_sees_their_caseload(self):
        caseload = Person.objects.allocated_to(user("practitioner"))
        assert caseload.count() >= 4
        response = client_for("practitioner").get("/caseload/")
        assert f"{caseload.count()} cases".encode() in response.content

    def test_the_practitioners_restricted_case_is_hidden_from_the_excluded_colleague(self):
        exclusion = CaseAccessRule.objects.get(kind=AccessRuleKind.EXCLUSION)
        case = exclusion.person
        assert exclusion.user == user("excluded")
        assert case.practitioner == user("practitioner") and case.exclusion_message
        restricted_to = set(
            case.access_rules.filter(kind=AccessRuleKind.RESTRICTION).values_list("user__username", flat=True)
        )
        assert restricted_to == {"practitioner", "spo"}
        assert client_for("practitioner").get(f"/people/{case.crn}/").status_code == 200
        assert client_for("excluded").get(f"/people/{case.crn}/").status_code == 404
        assert client_for("quality").get(f"/people/{case.crn}/").status_code == 404

    def test_there_are_two_restricted_cases(self):
        restricted = Person.objects.filter(access_rules__kind=AccessRuleKind.RESTRICTION).distinct()
        assert restricted.count() == 2
        assert all(p.restriction_message for p in restricted)

    def test_mappa_registrations_carry_a_category_and_level(self):
        mappa = Registration.objects.filter(type__code="MAPP")
        assert mappa.exists()
        for registration in mappa:
            assert registration.mappa_category in {1, 2, 3, 4} and registration.mappa_level in {1, 2, 3}

    def test_some_cases_await_allocation_and_some_reviews_are_overdue(self):
        assert Person.objects.filter(practitioner=None).exists()
        assert Registration.objects.review_overdue().exists()

    def test_if_empty_does_nothing_when_people_exist(self):
        before = Person.objects.count()
        assert "nothing loaded" in seed("--if-empty", "--force")
        assert Person.objects.count() == before

    def test_it_refuses_to_load_twice(self):
        with pytest.raises(CommandError, match="empty database"):
            seed("--force")

    def test_demo_signins_lists_the_demo_users(self):
        out = StringIO()
        call_command("demo_signins", "--url=http://demo.example/", stdout=out)
        text = out.getvalue()
        assert "http://demo.example/" in text
        for username in DEMO_USERNAMES:
            line = next(line for line in text.splitlines() if line.startswith(f"{username} "))
            assert DEMO_PASSWORD in line
        excluded_from = CaseAccessRule.objects.get(kind=AccessRuleKind.EXCLUSION).person.crn
        assert f"excluded from {excluded_from}" in text

    def test_demo_signins_hides_a_changed_password(self):
        practitioner = user("practitioner")
        practitioner.set_password("a-new-private-password")
        practitioner.save()
        out = StringIO()
        call_command("demo_signins", stdout=out)
        line = next(line for line in out.getvalue().splitlines() if line.startswith("practitioner "))
        assert DEMO_PASSWORD not in line and "changed" in line
