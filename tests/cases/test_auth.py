"""Signing in and out, the login lockout (django-axes), sessions, and who is sent where."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.cases.pages import client_for, problems

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # set by UserFactory


def sign_in(client: Client, username: str, password: str, **extra: Any):
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sign_in_page_renders(client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in content
    assert 'name="username"' in content and 'name="password"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert problems(response) == []


def test_it_signs_a_practitioner_in_and_takes_her_to_her_launch_page(client, pat, pats_case):
    response = sign_in(client, "pat", PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client)
    assert "Your work today" in client.get("/").content.decode()


def test_it_returns_to_the_page_that_asked_for_sign_in(client, pat):
    response = client.post("/sign-in/?next=/search/", {"username": "pat", "password": PASSWORD, "next": "/search/"})

    assert response["Location"] == "/search/"


def test_it_never_sends_anyone_to_another_site_after_sign_in(client, pat):
    response = client.post("/sign-in/", {"username": "pat", "password": PASSWORD, "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_a_signed_in_user_visiting_sign_in_goes_home(as_pat):
    assert as_pat.get("/sign-in/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "home"),
    # Practitioners get the launch page itself (tests/supervision/test_home.py).
    [("sam", "/team-caseload/"), ("rory", "/search/"), ("ada", "/search/")],
)
def test_home_sends_each_role_to_its_starting_page(request, persona, home):
    response = client_for(request.getfixturevalue(persona)).get("/")

    assert response.status_code == 302 and response["Location"] == home


# --- Bad input -------------------------------------------------------------------------------


def test_a_wrong_password_shows_a_gov_uk_error_summary(client, pat):
    response = sign_in(client, "pat", "wrong-password")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert problems(response) == ["Enter a correct username and password. Both are case-sensitive."]
    assert "<title>Error: Sign in" in response.content.decode()
    assert not is_signed_in(client)


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client, pat):
    assert problems(sign_in(client, "nobody", "whatever")) == problems(sign_in(client, "pat", "wrong"))


def test_empty_fields_say_what_to_enter(client, db):
    response = sign_in(client, "", "")

    assert problems(response) == ["Enter your username", "Enter your password"]


def test_a_null_character_in_the_username_is_refused_not_a_server_error(client, pat):
    response = sign_in(client, "pat\x00", PASSWORD)

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not is_signed_in(client)


# --- Lockout ---------------------------------------------------------------------------------


def test_it_locks_the_account_after_too_many_failed_attempts(client, settings, pat):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pat", "wrong-password")

    response = sign_in(client, "pat", PASSWORD)

    assert response.status_code == 429
    assert "Your account is temporarily locked" in response.content.decode()
    assert not is_signed_in(client)


def test_the_lockout_is_for_that_username_from_that_address_only(client, settings, pat, sam):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pat", "wrong-password")

    assert sign_in(Client(), "sam", PASSWORD).status_code == 302
    assert sign_in(Client(), "pat", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, settings, pat):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "pat", "wrong-password")
    assert sign_in(client, "pat", PASSWORD).status_code == 302
    client.post("/sign-out/")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "pat", "wrong-password")

    assert sign_in(client, "pat", PASSWORD).status_code == 302


# --- Sign out --------------------------------------------------------------------------------


def test_sign_out_is_post_only(as_pat):
    assert as_pat.get("/sign-out/").status_code == 405
    assert is_signed_in(as_pat)


def test_sign_out_ends_the_session(as_pat):
    response = as_pat.post("/sign-out/")

    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert not is_signed_in(as_pat)
    assert as_pat.get("/caseload/").status_code == 302


def test_every_page_offers_a_sign_out_button_that_posts(as_pat):
    content = as_pat.get("/search/").content.decode()

    assert '<form method="post" action="/sign-out/"' in content


# --- Anonymous visitors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/caseload/",
        "/team-caseload/",
        "/search/",
        "/search/?q=smith",
        "/people/X100001/",
        "/people/X100001/personal-details/",
        "/people/X100001/address/",
        "/people/X100001/allocate/",
        "/people/X100001/registrations/add/",
        "/people/X100001/registrations/00000000-0000-0000-0000-000000000000/review/",
        "/people/X100001/registrations/00000000-0000-0000-0000-000000000000/close/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, pats_case, url):
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next=")


def test_an_anonymous_post_changes_nothing(client, pats_case):
    client.post("/people/X100001/personal-details/", {"first_name": "Changed"})

    pats_case.refresh_from_db()
    assert pats_case.first_name == "John"


# --- Sessions --------------------------------------------------------------------------------


def test_sessions_time_out_after_an_hour_idle_and_end_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_lasts_only_as_long_as_the_browser(client, pat):
    response = sign_in(client, "pat", PASSWORD)

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


def test_each_request_pushes_the_idle_timeout_forward(client, settings, pat):
    sign_in(client, "pat", PASSWORD)
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))

    client.get("/search/")

    remaining = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_expires_and_sends_the_user_to_sign_in(client, pat):
    sign_in(client, "pat", PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get("/caseload/")

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
