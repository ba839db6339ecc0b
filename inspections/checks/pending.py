"""Kinds whose records a later issue creates (EM location-data requests, HDC address checks, which
come with the electronic monitoring capability). They are registered so every kind is listed, and
never open a flag until their check is written: one function with `@check(KIND)` replacing the
line here."""

from __future__ import annotations

from inspections.checks.registry import unavailable
from inspections.models import FlagKind

unavailable(FlagKind.EM_LOCATION_DATA_OVERDUE, "electronic monitoring location-data requests")
unavailable(FlagKind.HDC_CHECKS_INCOMPLETE, "HDC curfew address check records")
