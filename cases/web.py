"""The signed-in member of staff, for views in every app (staff are a `cases` model)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from cases.models import User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The member of staff making the request (views behind login_required or DRF authentication)."""
    assert isinstance(request.user, User)
    return request.user
