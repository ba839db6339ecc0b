"""What the page tests read off a response: the GOV.UK error summary, form dates, fragments."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from django.test import Client

from cases.models import Person, User

_SUMMARY = re.compile(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_TAG = re.compile(r"<[^>]+>")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def problems(response: Any) -> list[str]:
    """The messages listed in the page's error summary, as a user reads them."""
    text = response.content.decode()
    found: list[str] = []
    for summary in _SUMMARY.findall(text):
        found.extend(html.unescape(_TAG.sub("", item)).strip() for item in _ITEM.findall(summary))
    return found


def assert_problem(response: Any, message: str) -> None:
    """The form was re-rendered (200) with a GOV.UK error summary that says `message`."""
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in problems(response), problems(response)
    assert "<title>Error: " in content or "<html" not in content


def date_fields(
    name: str, value: date | None = None, *, day: str = "", month: str = "", year: str = ""
) -> dict[str, str]:
    """The three boxes of a GOV.UK date input, from a date or from raw strings."""
    if value is not None:
        day, month, year = str(value.day), str(value.month), str(value.year)
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def snapshot(person: Person) -> dict[str, Any]:
    """Every stored field of a person, to show that a refused change changed nothing."""
    fresh = Person.objects.get(pk=person.pk)
    return {field.attname: getattr(fresh, field.attname) for field in Person._meta.concrete_fields}


def is_fragment(response: Any) -> bool:
    content = response.content.decode()
    return "<html" not in content and 'id="results"' in content
