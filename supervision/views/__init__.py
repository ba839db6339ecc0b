"""Supervision's pages, one module per subdomain (contacts, appointments, compliance, policies,
assessments and plans under the Risk tab, safeguarding and tier, oversight, approvals, home).
Shared here: who may change a case's supervision records."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

from cases.access import get_person_for_user, require_role
from cases.models import Person, Role, User
from cases.web import signed_in_user

CHANGE_ROLES = (Role.PRACTITIONER, Role.SPO)


def can_change(user: User) -> bool:
    """Practitioners and SPOs record contacts, assessments, plans and safeguarding information."""
    return user.role in CHANGE_ROLES


def writable_person(request: HttpRequest, crn: str) -> Person:
    """The case, if the user may change its records: 404 if they cannot see it, 403 if they cannot change it."""
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    require_role(user, *CHANGE_ROLES)
    return person


def user_and_writable_person(request: HttpRequest, crn: str) -> tuple[User, Person]:
    return signed_in_user(request), writable_person(request, crn)


def submitted(request: HttpRequest) -> QueryDict | None:
    """The submitted form, even when empty (so an empty POST is an error, not a fresh form)."""
    return request.POST if request.method == "POST" else None
