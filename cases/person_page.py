"""Extension points for the person page, so apps that build on `cases` can add to it without
`cases` importing them (dependencies point one way).

- A *tab* is a page about the person with its own URL (e.g. Contacts); every person page shows the
  tabs as MoJ sub-navigation under the case header.
- A *section* is a panel on the overview page (e.g. the compliance panel). Its context function
  takes the person and the signed-in user and returns the template context; keep it to a fixed,
  small number of queries (the page's query-count tests include every section).

The composition root (`probation/wiring.py`) registers them; apps register nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from cases.models import Person, User


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str  # reversed with the CRN
    order: int


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable[[Person, User], dict[str, Any]]
    order: int


_TABS: dict[str, Tab] = {"overview": Tab("overview", "Overview", "cases:person", 0)}
_SECTIONS: dict[str, Section] = {}


def register_tab(tab: Tab) -> None:
    _TABS[tab.key] = tab


def register_section(section: Section) -> None:
    _SECTIONS[section.key] = section


def tabs(person: Person, current: str) -> list[dict[str, Any]]:
    return [
        {"label": tab.label, "href": reverse(tab.url_name, args=[person.crn]), "active": tab.key == current}
        for tab in sorted(_TABS.values(), key=lambda t: t.order)
    ]


def sections(person: Person, user: User) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "template": s.template, **s.context(person, user)}
        for s in sorted(_SECTIONS.values(), key=lambda s: s.order)
    ]
