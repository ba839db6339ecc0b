"""The registry of checks, one per flag kind, and what a check sees and returns.

A check is a function from a `ChunkContext` (a few hundred cases, already evaluated against the
contact policy) to the findings it raises, using at most one query for the whole chunk. Adding a
check is one function and one `@check(...)` line; a kind whose records do not exist yet is
registered with `unavailable=` so the registry still names every kind (it never opens a flag).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from inspections.models import CheckDefinition, FlagKind
from supervision.models import ContactPolicy
from supervision.policy.evaluate import Evaluation
from supervision.policy.facts import CaseFacts
from supervision.policy.parameters import PolicyParameters

NO_LONGER_HOLDS = "Condition no longer holds"


@dataclass(frozen=True)
class CheckFinding:
    """One case failing one check: what the flag records (severity and standard come from the definition)."""

    person_id: uuid.UUID
    kind: str
    due_by: date | None
    evidence: dict[str, Any]


@dataclass
class ChunkContext:
    """A chunk of cases judged on one date under one policy version; checks share `cache`."""

    on: date
    now: datetime
    policy: ContactPolicy
    evaluations: dict[uuid.UUID, Evaluation]
    cache: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, CheckDefinition] = field(default_factory=dict)

    @property
    def supervised(self) -> list[uuid.UUID]:
        """Only cases under active supervision (an active sentence) are checked."""
        return [pk for pk, evaluation in self.evaluations.items() if evaluation.active]

    def facts(self, person_id: uuid.UUID) -> CaseFacts:
        return self.evaluations[person_id].facts

    def threshold(self, kind: FlagKind, default: int) -> int:
        """The kind's `CheckDefinition.threshold` (admin-editable), or `default` when it is not set."""
        definition = self.definitions.get(str(kind))
        return definition.threshold if definition is not None and definition.threshold is not None else default

    def params(self, person_id: uuid.UUID) -> PolicyParameters:
        """The contact-policy parameters resolved for this case (base rule overlaid by scoped rules)."""
        return self.evaluations[person_id].params


class JsonbRows(list[Any]):
    """Evidence rows decoded from jsonb text: every object's keys already in jsonb's order, so the
    sweep's digest of the evidence (inspections.services.jsonb_md5) need not reorder them."""


Find = Callable[[ChunkContext], Iterable[CheckFinding]]
Explain = Callable[[ChunkContext, uuid.UUID], str]


@dataclass(frozen=True)
class Check:
    kind: str
    find: Find | None
    resolved_because: Explain
    unavailable: str = ""

    @property
    def available(self) -> bool:
        return self.find is not None and not self.unavailable


REGISTRY: dict[str, Check] = {}


def _no_longer_holds(ctx: ChunkContext, person_id: uuid.UUID) -> str:
    return NO_LONGER_HOLDS


def check(kind: FlagKind, *, resolved_because: Explain = _no_longer_holds) -> Callable[[Find], Find]:
    """Register `find` as the check for `kind`; `resolved_because` words the resolution when it stops failing."""

    def register(find: Find) -> Find:
        REGISTRY[str(kind)] = Check(str(kind), find, resolved_because)
        return find

    return register


def unavailable(kind: FlagKind, records: str) -> None:
    """Name a kind whose records do not exist yet: listed, never run, never opens a flag."""
    REGISTRY[str(kind)] = Check(str(kind), None, _no_longer_holds, f"Not available until {records} exist")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def spoken(value: date) -> str:
    """3 Dec 2026: how resolutions and summaries name a date."""
    return f"{value.day} {value:%b %Y}"
