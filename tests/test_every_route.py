"""One test walks every URL pattern (pages, htmx fragments, the API), so a new route cannot forget
the access chokepoint (`cases.access.get_person_for_user`):

- a case the user may not see answers 404 on every route that names a case, to a page request, an
  htmx request and a POST alike — and the chokepoint is what answered;
- a read-only member of staff is refused (403) every change, on case routes and the others;
- every page varies on `HX-Request`.

Routes are read from the URLconf, not listed here: a route added tomorrow is walked tomorrow.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cases import access
from cases.models import Role
from tests.cases.factories import UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CRN = "X100001"  # Pat's case, in the North East
# Routes without a case or a change, which need no access rule of their own.
OPEN = {"", "sign-in/", "sign-out/", "accessibility/", "healthz", "api/v1/schema/"}
# Values for the other parts of a route: ids that exist nowhere (the case is refused before them).
SAMPLES = {"uuid": str(uuid.UUID(int=1)), "int": "1", "slug": "rosh", "str": str(uuid.UUID(int=1)), "path": "x"}
PART = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def url(route: str) -> str:
    def fill(match: re.Match[str]) -> str:
        return CRN if match["name"] == "crn" else SAMPLES[match["converter"] or "str"]

    return "/" + PART.sub(fill, route)


ALL = sorted(set(routes()) - OPEN)
CASE_ROUTES = [route for route in ALL if "<str:crn>" in route]


def test_the_walk_finds_the_routes() -> None:
    assert len(CASE_ROUTES) > 50 and len(ALL) > len(CASE_ROUTES)
    assert "people/<str:crn>/" in CASE_ROUTES and "api/v1/people/<str:crn>/" in CASE_ROUTES


@pytest.fixture
def chokepoint_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CRNs the chokepoint was asked for (it is the only caller of `visible_people` by name)."""
    calls: list[str] = []
    real = access.get_person_for_user

    def spy(user: Any, crn: str, **kwargs: Any) -> Any:
        calls.append(crn)
        return real(user, crn, **kwargs)

    for module in _view_modules():
        if getattr(module, "get_person_for_user", None) is real:
            monkeypatch.setattr(module, "get_person_for_user", spy)
    return calls


def _view_modules() -> list[Any]:
    import sys

    return [
        m
        for name, m in list(sys.modules.items())
        if name.split(".")[0] in {"cases", "supervision", "inspections", "monitoring"}
    ]


@pytest.fixture
def as_london_spo(london_team: Any) -> Client:
    """An SPO in London: every role a case route asks for (a practitioner's refusal from an
    SPO-only page says nothing about the case, so it may come before the chokepoint)."""
    return client_for(UserFactory(username="lena", role=Role.SPO, team=london_team))


@pytest.mark.parametrize("route", CASE_ROUTES)
def test_a_case_the_user_may_not_see_is_not_found_on_every_route(
    route: str, pats_case: Any, as_london_spo: Client, chokepoint_calls: list[str]
) -> None:
    path = url(route)
    for method, headers in (("get", {}), ("get", {"HX-Request": "true"}), ("post", {})):
        chokepoint_calls.clear()
        response = getattr(as_london_spo, method)(path, headers=headers)
        if response.status_code == 405:
            continue  # a method the route does not take: refused before anything is read
        assert response.status_code == 404, (method, path, response.status_code)
        assert chokepoint_calls == [CRN], f"{method} {path}: the 404 did not come from the access chokepoint"


@pytest.mark.parametrize("route", ALL)
def test_a_read_only_user_is_refused_every_change(route: str, pats_case: Any, as_rory: Client) -> None:
    path = url(route)
    response = as_rory.post(path, {})
    assert response.status_code in {403, 405}, (path, response.status_code)


@pytest.mark.parametrize("route", ALL)
def test_every_response_varies_on_the_htmx_header(route: str, pats_case: Any, as_pat: Client) -> None:
    response = as_pat.get(url(route))
    assert "HX-Request" in response.get("Vary", ""), url(route)
