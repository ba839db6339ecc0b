"""Small request helpers every app's views share (cases is the base every app imports)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from cases.models import User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The member of staff making the request (views behind login_required or DRF authentication)."""
    assert isinstance(request.user, User)
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    """True for requests from htmx, which get the page's results fragment instead of the page."""
    return bool(getattr(request, "htmx", False))


def query_without_page(request: HttpRequest) -> str:
    """The query string without its page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
