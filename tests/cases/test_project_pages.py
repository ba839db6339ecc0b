"""Project pages: health check, accessibility statement, error pages in the service's design,
and the Django admin, which only administrators may use and which can delete nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.models import Role
from tests.cases.factories import UserFactory, registration_type
from tests.cases.pages import client_for

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_ok_as_json_without_signing_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_the_accessibility_statement_is_public(client):
    response = client.get("/accessibility/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Accessibility statement for Manage a probation case" in content
    assert "WCAG" in content


def test_every_page_links_to_the_accessibility_statement(as_pat):
    assert 'href="/accessibility/"' in as_pat.get("/search/").content.decode()


def test_a_missing_page_is_a_404_in_the_service_design(as_pat):
    response = as_pat.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "<title>Page not found \N{EN DASH} Manage a probation case</title>" in content
    assert "govuk-template" in content and "govuk-footer" in content
    assert "Traceback" not in content


def test_a_missing_page_is_a_404_for_anonymous_visitors_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_is_a_403_in_the_service_design(as_pat):
    response = as_pat.get("/team-caseload/")

    assert response.status_code == 403
    assert "<title>You do not have permission to view this page" in response.content.decode()


def test_a_form_posted_without_a_valid_csrf_token_gets_the_csrf_page(pat, pats_case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat)

    response = client.post("/people/X100001/personal-details/", {"first_name": "Forged"})

    assert response.status_code == 403
    assert "Your session has expired or the form could not be checked" in response.content.decode()
    pats_case.refresh_from_db()
    assert pats_case.first_name == "John"


def test_sign_in_without_a_csrf_token_gets_the_csrf_page(pat):
    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "pat", "password": "x"})

    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(as_pat):
    policy = as_pat.get("/search/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


# --- Admin -----------------------------------------------------------------------------------


def test_the_admin_sends_a_practitioner_to_the_admin_sign_in(as_pat):
    response = as_pat.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/admin/cases/person/", "/admin/cases/registrationtype/", "/admin/cases/user/"])
def test_a_practitioner_with_staff_status_still_gets_no_admin_models(gateshead, url):
    staff_practitioner = client_for(UserFactory(role=Role.PRACTITIONER, team=gateshead, is_staff=True))

    assert staff_practitioner.get(url).status_code == 403
    assert "Registration types" not in staff_practitioner.get("/admin/").content.decode()


def test_an_admin_can_see_the_reference_data(as_ada):
    index = as_ada.get("/admin/")
    types = as_ada.get("/admin/cases/registrationtype/")

    assert index.status_code == 200 and "Registration types" in index.content.decode()
    assert types.status_code == 200
    assert "Domestic abuse perpetrator" in types.content.decode()


def test_an_admin_can_change_a_review_period(as_ada):
    child_protection = registration_type("RCPR")
    url = f"/admin/cases/registrationtype/{child_protection.pk}/change/"

    response = as_ada.post(
        url,
        {
            "code": "RCPR",
            "description": "Child protection",
            "review_period_months": "4",
            "is_complexity_factor": "on",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    child_protection.refresh_from_db()
    assert child_protection.review_period_months == 4


def test_an_admin_cannot_delete_anything(as_ada, pats_case):
    child_protection = registration_type("RCPR")

    assert as_ada.get(f"/admin/cases/registrationtype/{child_protection.pk}/delete/").status_code == 403
    assert (
        as_ada.post(f"/admin/cases/registrationtype/{child_protection.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert "delete_selected" not in as_ada.get("/admin/cases/registrationtype/").content.decode()
    assert as_ada.get(f"/admin/cases/person/{pats_case.pk}/delete/").status_code == 403
    assert registration_type("RCPR").pk == child_protection.pk


def test_an_admin_sees_case_records_read_only(as_ada, pats_case):
    response = as_ada.get(f"/admin/cases/person/{pats_case.pk}/change/")

    assert response.status_code == 200
    assert 'name="first_name"' not in response.content.decode()
    assert as_ada.get("/admin/cases/person/add/").status_code == 403
