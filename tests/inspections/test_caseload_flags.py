"""Open flags on the caseloads: a badge on each row (red when any is high severity), and filters
"only cases with open flags" and "open flag of kind", through the cases registries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections.models import Flag
from tests.cases.factories import PersonFactory, RegistrationFactory, SentenceFactory, registration_type
from tests.cases.pages import is_fragment, problems
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db


def row_of(content: str, crn: str) -> str:
    start = content.index(crn)
    return content[start : content.index("</tr>", start)]


@pytest.fixture
def flagged(pat):
    """Three of Pat's cases: two flags (one high), one low flag and one resolved, none."""
    two = PersonFactory(crn="X100011", last_name="Alpha", practitioner=pat)
    FlagFactory(person=two, kind="TELEPHONE_ONLY")  # HIGH
    FlagFactory(person=two, kind="OUTCOME_NOT_RECORDED")  # LOW
    low = PersonFactory(crn="X100012", last_name="Bravo", practitioner=pat)
    FlagFactory(person=low, kind="OUTCOME_NOT_RECORDED")
    gone = FlagFactory(person=low, kind="HOME_VISIT_OVERDUE")
    Flag.objects.filter(pk=gone.pk).update(resolved_at=timezone.now(), resolution="Home visit recorded")
    PersonFactory(crn="X100013", last_name="Charlie", practitioner=pat)
    return two, low


def test_each_row_shows_its_open_flags(as_pat, flagged):
    content = as_pat.get("/caseload/").content.decode()
    assert 'govuk-tag--red app-badge">2 flags<' in row_of(content, "X100011")
    assert 'govuk-tag--orange app-badge">1 flag<' in row_of(content, "X100012")
    assert "flag" not in row_of(content, "X100013").replace("Flags", "")
    assert 'href="/people/X100011/flags/"' in content


def test_the_team_caseload_shows_them_too(as_sam, flagged):
    content = as_sam.get("/team-caseload/").content.decode()
    assert 'govuk-tag--red app-badge">2 flags<' in row_of(content, "X100011")


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("has_open_flags=on", {"Alpha", "Bravo"}),
        ("flag_kind=TELEPHONE_ONLY", {"Alpha"}),
        ("flag_kind=OUTCOME_NOT_RECORDED", {"Alpha", "Bravo"}),
        ("flag_kind=HOME_VISIT_OVERDUE", set()),  # resolved flags do not count
        ("", {"Alpha", "Bravo", "Charlie"}),
    ],
)
@pytest.mark.parametrize("path", ["/caseload/", "/team-caseload/"])
def test_the_caseloads_filter_by_open_flags(as_pat, as_sam, flagged, path, query, shown):
    client = as_pat if path == "/caseload/" else as_sam
    content = client.get(f"{path}?{query}").content.decode()
    assert {name for name in ("Alpha", "Bravo", "Charlie") if f"{name}, " in content} == shown


def test_the_filters_are_on_the_form(as_pat, flagged):
    content = as_pat.get("/caseload/").content.decode()
    assert 'name="has_open_flags"' in content and 'name="flag_kind"' in content
    assert '<option value="TELEPHONE_ONLY">Telephone-only supervision</option>' in content


def test_a_bad_kind_is_reported_and_left_out(as_pat, flagged):
    response = as_pat.get("/caseload/?flag_kind=NOPE")
    assert "Select a kind of flag from the list" in problems(response)
    assert "3 cases" in response.content.decode()


def test_the_htmx_fragment_carries_the_badges(as_pat, flagged):
    response = as_pat.get("/caseload/?has_open_flags=on", HTTP_HX_REQUEST="true")
    assert is_fragment(response)
    assert "2 flags" in response.content.decode()


# The caseloads keep their own query bounds (tests/cases/test_caseload.py, test_team_caseload.py):
# the badge is two correlated subqueries in the rows' query, not a query per row.


@pytest.mark.parametrize("count", [3, 30])
def test_my_caseload_costs_the_same_with_flags(as_pat, pat, count, django_assert_max_num_queries):
    for n in range(count):
        person = PersonFactory(crn=f"X6{n:05d}", practitioner=pat)
        SentenceFactory(person=person)
        RegistrationFactory(person=person, type=registration_type("ADVP"))
        FlagFactory(person=person, kind="TELEPHONE_ONLY")
        FlagFactory(person=person, kind="OUTCOME_NOT_RECORDED", opened_at=timezone.now() - timedelta(days=n))
    with django_assert_max_num_queries(11):
        response = as_pat.get("/caseload/?has_open_flags=on&flag_kind=TELEPHONE_ONLY")
    assert f"{count} cases" in response.content.decode()
    assert response.content.decode().count("2 flags<") == min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_the_team_caseload_costs_the_same_with_flags(as_sam, pat, eve, gateshead, count, django_assert_max_num_queries):
    for n in range(count):
        person = PersonFactory(crn=f"X7{n:05d}", practitioner=[pat, eve, None][n % 3], team=gateshead)
        FlagFactory(person=person, kind="TELEPHONE_ONLY")
    with django_assert_max_num_queries(13):
        response = as_sam.get("/team-caseload/")
    assert f"{count} cases" in response.content.decode()
