"""Small request helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for requests from htmx, which get the page's results fragment instead of the page.

    A history restore (htmx found no snapshot of the page when the user went back) is an htmx
    request that needs the whole page, as django-htmx's documentation says: it gets the page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def query_without_page(request: HttpRequest) -> str:
    """The query string without its page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class VaryOnHtmxMiddleware:
    """`Vary: HX-Request` on every response: the same URL answers a fragment to htmx and the page
    otherwise, so no cache (the browser's included) may hand one to the other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


def htmx_context(request: HttpRequest) -> dict[str, bool]:
    """Context processor: `htmx_fragment` is true when the response is the fragment, not the page."""
    return {"htmx_fragment": is_htmx(request)}
