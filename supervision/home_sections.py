"""Extension point for the practitioner's home page, so apps that build on supervision (e.g. the
flags raised by inspections) can add a section without supervision importing them.

A section's context function takes the signed-in user and returns the template context; keep it to a
fixed, small number of queries (the home page's query-count test includes every section). The
composition root (`probation/wiring.py`) registers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cases.models import User


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    context: Callable[[User], dict[str, Any]]
    order: int


_SECTIONS: dict[str, HomeSection] = {}


def register_home_section(section: HomeSection) -> None:
    _SECTIONS[section.key] = section


def sections(user: User) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "template": s.template, **s.context(user)}
        for s in sorted(_SECTIONS.values(), key=lambda s: s.order)
    ]
