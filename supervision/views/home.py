"""The launch page: what a practitioner needs today. Other roles go to their own starting page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern
from django.views.decorators.http import require_safe

from cases.models import Role, User
from supervision import home_sections
from supervision.queries.home import launch_page


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.PRACTITIONER:
        context = {"page": launch_page(user), "sections": home_sections.sections(user)}
        return render(request, "supervision/home.html", context)
    if user.role == Role.SPO:
        return redirect("cases:team_caseload")
    return redirect("cases:search")


urlpatterns: list[URLPattern] = []
