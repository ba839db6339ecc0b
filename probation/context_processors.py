"""Template context every page needs: service name, phase and the navigation for the user's role.
It lives in the project package because the navigation spans every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from cases.models import Role


def _navigation(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)  # absent when an error happens before the middleware
    if user is None or not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = []
    role = getattr(user, "role", None)
    if role == Role.PRACTITIONER:
        items.append(("Home", reverse("home")))
        items.append(("My caseload", reverse("cases:caseload")))
    if role == Role.SPO:
        items.append(("Team caseload", reverse("cases:team_caseload")))
        items.append(("Approvals", reverse("supervision:approvals")))
    if role in (Role.PRACTITIONER, Role.SPO):
        items.append(("Flags", reverse("inspections:flags")))
    items.append(("Search", reverse("cases:search")))
    if role == Role.ADMIN:
        items.append(("Contact policies", reverse("supervision:policies")))
    if role == Role.ADMIN or user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    home = reverse("home")
    return [
        {"label": label, "href": href, "active": path == href if href == home else path.startswith(href)}
        for label, href in items
    ]


def service(request: HttpRequest) -> dict[str, Any]:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "feedback_email": settings.SERVICE_FEEDBACK_EMAIL,
        "navigation": _navigation(request),
    }
