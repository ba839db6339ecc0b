"""Small request helpers every app's views share."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for requests from htmx, which get the page's results fragment instead of the page."""
    return bool(getattr(request, "htmx", False))


def query_without_page(request: HttpRequest) -> str:
    """The query string without its page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
