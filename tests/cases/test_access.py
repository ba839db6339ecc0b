"""The access chokepoint (cases.access): who may see and change which case, through every page.

"Missing" and "not yours" both answer 404, so nobody can probe for CRNs they may not see; a role
that may only read gets 403 on every page that changes a case.
"""

from __future__ import annotations

import re

import pytest

from cases.models import CaseView, Role
from tests.cases.factories import PersonFactory, RegistrationFactory, UserFactory
from tests.cases.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(pats_case):
    return RegistrationFactory(person=pats_case)


def read_pages(crn: str = "X100001") -> list[str]:
    return [f"/people/{crn}/"]


def write_pages(registration) -> list[str]:
    crn = registration.person.crn
    return [
        f"/people/{crn}/personal-details/",
        f"/people/{crn}/address/",
        f"/people/{crn}/registrations/add/",
        f"/people/{crn}/registrations/{registration.pk}/review/",
        f"/people/{crn}/registrations/{registration.pk}/close/",
    ]


def case_pages(registration) -> list[str]:
    return read_pages(registration.person.crn) + write_pages(registration)


def without_tokens(response) -> str:
    """The page without its CSRF tokens, which are masked differently on every response."""
    content = response.content.decode()
    content = re.sub(r'"X-CSRFToken": "[^"]+"', "", content)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def found_by_search(client, crn: str) -> bool:
    return f">{crn}</td>" in client.get("/search/", {"q": crn}).content.decode()


# --- Scope: the region by default ------------------------------------------------------------


def test_staff_see_cases_anywhere_in_their_region(as_rory, newcastle, pats_case):
    assert as_rory.get("/people/X100001/").status_code == 200
    assert found_by_search(as_rory, "X100001")


def test_staff_in_another_region_get_page_not_found_on_every_case_page(as_olga, registration):
    for url in case_pages(registration):
        assert as_olga.get(url).status_code == 404, url
    assert not found_by_search(as_olga, "X100001")


def test_not_found_and_not_yours_look_the_same(as_olga, pats_case):
    not_yours = as_olga.get("/people/X100001/")
    missing = as_olga.get("/people/X999999/")

    assert not_yours.status_code == missing.status_code == 404
    assert without_tokens(not_yours) == without_tokens(missing)


def test_an_admin_with_no_team_sees_no_cases(as_ada, registration):
    for url in case_pages(registration):
        assert as_ada.get(url).status_code == 404, url
    assert not found_by_search(as_ada, "X100001")


def test_the_scope_can_be_narrowed_to_the_pdu(settings, as_rory, as_sam, pats_case):
    settings.CASE_VISIBILITY_SCOPE = "pdu"

    assert as_sam.get("/people/X100001/").status_code == 200
    assert as_rory.get("/people/X100001/").status_code == 404
    assert not found_by_search(as_rory, "X100001")


def test_the_scope_can_be_widened_to_the_whole_country(settings, as_olga, as_ada, pats_case):
    settings.CASE_VISIBILITY_SCOPE = "national"

    assert as_olga.get("/people/X100001/").status_code == 200
    assert as_ada.get("/people/X100001/").status_code == 200
    assert found_by_search(as_olga, "X100001")


def test_even_a_national_scope_keeps_restricted_cases_to_named_staff(settings, as_olga, pat, pats_case):
    settings.CASE_VISIBILITY_SCOPE = "national"
    pats_case.access_rules.create(user=pat, kind="RESTRICTION")

    assert as_olga.get("/people/X100001/").status_code == 404


def test_an_inactive_member_of_staff_sees_nothing(pat, pats_case):
    client = client_for(pat)
    pat.is_active = False
    pat.save()

    response = client.get("/people/X100001/")

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- Restricted cases ------------------------------------------------------------------------


@pytest.fixture
def restricted(pat, olga, pats_case):
    """Pats' case, restricted to Pat and (unusually, from another region) Olga."""
    pats_case.access_rules.create(user=pat, kind="RESTRICTION", reason="Case manager")
    pats_case.access_rules.create(user=olga, kind="RESTRICTION", reason="Court liaison")
    return pats_case


def test_a_restricted_case_is_hidden_from_everyone_not_named_even_the_team_spo(
    as_sam, as_rory, registration, restricted
):
    for client in (as_sam, as_rory):
        for url in case_pages(registration):
            assert client.get(url).status_code == 404, url
        assert not found_by_search(client, "X100001")
    assert "X100001" not in as_sam.get("/team-caseload/").content.decode()


def test_named_staff_see_a_restricted_case_even_outside_their_region(as_pat, as_olga, restricted):
    assert as_pat.get("/people/X100001/").status_code == 200
    assert as_olga.get("/people/X100001/").status_code == 200
    assert found_by_search(as_olga, "X100001")
    assert "X100001" in as_pat.get("/caseload/").content.decode()


def test_every_page_view_of_a_restricted_case_is_logged(as_pat, pat, registration, restricted):
    pages = case_pages(registration)

    for url in pages:
        assert as_pat.get(url).status_code == 200, url

    logged = list(CaseView.objects.filter(person=restricted).order_by("viewed_at", "pk").values_list("user", "path"))
    assert logged == [(pat.pk, url) for url in pages]


def test_a_refused_view_of_a_restricted_case_is_not_logged_as_a_view(as_sam, restricted):
    as_sam.get("/people/X100001/")

    assert not CaseView.objects.exists()


# --- Excluded staff --------------------------------------------------------------------------


def test_excluded_staff_get_page_not_found_even_when_in_the_team_and_allocated(eve, registration):
    person = registration.person
    person.practitioner = eve
    person.save()
    person.access_rules.create(user=eve, kind="EXCLUSION", reason="Known to the person")
    as_eve = client_for(eve)

    for url in case_pages(registration):
        assert as_eve.get(url).status_code == 404, url
    assert not found_by_search(as_eve, "X100001")
    assert "X100001" not in as_eve.get("/caseload/").content.decode()


def test_an_exclusion_beats_a_restriction_naming_the_same_person(as_pat, pat, pats_case):
    pats_case.access_rules.create(user=pat, kind="RESTRICTION")
    pats_case.access_rules.create(user=pat, kind="EXCLUSION")

    assert as_pat.get("/people/X100001/").status_code == 404


def test_an_exclusion_affects_only_the_excluded_person(as_pat, eve, pats_case):
    pats_case.access_rules.create(user=eve, kind="EXCLUSION")

    assert as_pat.get("/people/X100001/").status_code == 200


# --- Roles that may only read ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.QUALITY_LEAD])
def test_read_only_roles_get_forbidden_on_every_write_page(role, gateshead, registration):
    client = client_for(UserFactory(role=role, team=gateshead))

    assert client.get("/people/X100001/").status_code == 200
    for url in [*write_pages(registration), "/people/X100001/allocate/"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_rory_gets_forbidden_on_every_write_page_of_a_case_he_can_read(as_rory, registration):
    for url in [*write_pages(registration), "/people/X100001/allocate/"]:
        response = as_rory.post(url, {})
        assert response.status_code == 403, url
        assert "You do not have permission to view this page" in response.content.decode()


def test_a_practitioner_is_forbidden_the_spo_only_pages(as_pat, pats_case):
    assert as_pat.get("/team-caseload/").status_code == 403
    assert as_pat.get("/people/X100001/allocate/").status_code == 403


def test_a_case_in_another_team_can_be_changed_by_a_practitioner_in_the_region(newcastle, registration):
    """Region scope lets colleagues cover each other's cases; only allocation stays with the team."""
    neighbour = client_for(UserFactory(role=Role.PRACTITIONER, team=newcastle))

    assert neighbour.get("/people/X100001/personal-details/").status_code == 200
    assert neighbour.get("/people/X100001/allocate/").status_code == 403


def test_a_case_of_another_region_is_not_found_before_a_role_check_could_reveal_it(london_team, pats_case):
    reader = client_for(UserFactory(role=Role.READ_ONLY, team=london_team))

    assert reader.get("/people/X100001/personal-details/").status_code == 404


def test_people_in_a_team_whose_other_cases_are_restricted_still_see_the_rest(as_sam, pat, pats_case, gateshead):
    open_case = PersonFactory(crn="X100077", team=gateshead)
    pats_case.access_rules.create(user=pat, kind="RESTRICTION")

    content = as_sam.get("/team-caseload/").content.decode()

    assert open_case.crn in content and "X100001" not in content
