"""The national benchmark dataset (generate_national_dataset) and the page benchmark, run small."""

from __future__ import annotations

import json
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from cases.models import (
    CRN_REGEX,
    PDU,
    Address,
    Allocation,
    CaseAccessRule,
    Person,
    Region,
    Registration,
    Requirement,
    Role,
    Sentence,
    Team,
    User,
)
from devtools.national_dataset.people import CRN_SPACE, PERSON, crn_for, make_uuid

pytestmark = pytest.mark.django_db

PEOPLE = 300


@pytest.fixture
def national() -> str:
    out = StringIO()
    call_command("generate_national_dataset", people=PEOPLE, stdout=out)
    return out.getvalue()


def test_it_builds_the_national_organisation(national):
    assert (Region.objects.count(), PDU.objects.count(), Team.objects.count()) == (12, 100, 1000)
    assert User.objects.filter(role=Role.PRACTITIONER).count() == 8000
    assert User.objects.filter(role=Role.SPO).count() == 1000
    assert not any(user.has_usable_password() for user in User.objects.all()[:50])


def test_it_loads_each_person_with_one_current_allocation_in_their_team(national):
    assert Person.objects.count() == PEOPLE
    current = Count("allocations", filter=Q(allocations__ended_at__isnull=True))
    assert set(Person.objects.annotate(current=current).values_list("current", flat=True)) == {1}
    for allocation in Allocation.objects.select_related("person"):
        assert allocation.team_id == allocation.person.team_id
        assert allocation.practitioner_id == allocation.person.practitioner_id
    assert Person.objects.filter(practitioner__isnull=True).count() < PEOPLE * 0.1  # awaiting allocation


def test_crns_are_valid_and_unique(national):
    crns = list(Person.objects.values_list("crn", flat=True))
    assert all(re.fullmatch(CRN_REGEX, crn) for crn in crns)
    assert len(set(crns)) == PEOPLE
    # The CRN of person i is a permutation of i, so national volumes never collide either.
    assert len({crn_for(i) for i in range(0, CRN_SPACE, 97)}) == len(range(0, CRN_SPACE, 97))


def test_it_is_deterministic(national):
    first = Person.objects.get(pk=make_uuid(PERSON, 0))
    assert first.crn == crn_for(0)


def test_sentences_requirements_and_addresses_have_the_expected_shape(national):
    per_person = Counter(Sentence.objects.values_list("person_id", flat=True))
    assert len(per_person) == PEOPLE
    assert set(per_person.values()) <= {1, 2}
    assert Sentence.objects.in_force().values("person").distinct().count() == PEOPLE
    per_sentence = Sentence.objects.annotate(n=Count("requirements")).values_list("n", flat=True)
    assert max(per_sentence) <= 3
    assert Requirement.objects.exists()
    assert Address.objects.filter(end_date__isnull=True).count() == PEOPLE


def test_registrations_reference_existing_types_with_mappa_details(national):
    registrations = Registration.objects.select_related("type")
    assert 1.0 <= registrations.count() / PEOPLE <= 1.5
    assert all(r.type.is_active for r in registrations)
    mappa = registrations.filter(type__is_mappa=True)
    assert not mappa.filter(Q(mappa_category__isnull=True) | Q(mappa_level__isnull=True)).exists()
    active = Registration.objects.active().count()
    assert 0.03 <= Registration.objects.review_overdue().count() / active <= 0.2


def test_it_adds_restriction_and_exclusion_rules(national):
    kinds = set(CaseAccessRule.objects.values_list("kind", flat=True))
    assert kinds == {"RESTRICTION", "EXCLUSION"}


def test_it_skips_audit_triggers_during_the_load_only(national):
    person_events = apps.get_model("cases", "PersonEvent")
    assert not person_events.objects.exists()
    Person.objects.filter(pk=make_uuid(PERSON, 0)).update(first_name="Changed")
    assert person_events.objects.count() == 1


def test_it_refuses_a_database_that_already_has_people(national):
    with pytest.raises(CommandError, match="already has 300 people"):
        call_command("generate_national_dataset", people=10, stdout=StringIO())


def test_the_benchmark_prints_a_table_of_page_timings(national):
    out = StringIO()
    call_command("benchmark_pages", repeat=1, stdout=out, stderr=StringIO())
    table = out.getvalue()
    assert "| Page | URL | As | Median ms | p95 ms | SQL queries |" in table
    for page in (
        "Caseload",
        "Team caseload (SPO)",
        "Search by surname",
        "Person page",
        "API search by surname",
    ):
        assert f"| {page} |" in table
    assert "| Search by surname | count |" in table  # the EXPLAIN ANALYZE table


def test_the_benchmark_reports_json(national):
    out = StringIO()
    call_command("benchmark_pages", repeat=1, as_json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["people"] == PEOPLE
    assert len(report["pages"]) == 7
    assert all(page["queries"] > 0 and page["median_ms"] > 0 for page in report["pages"])
