"""The synthetic national dataset (`manage.py generate_national_dataset`): every app's steps, in order.

Dev tooling may import every app, so the steps are a literal list here, not registered by the
apps: cases' organisation, staff, people, sentences and registrations (`people.py`), then
supervision's contacts (`contacts.py`). A new app's rows (EM orders, assessments...) get a module
here and a line below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devtools.national_dataset import contacts, people
from devtools.national_dataset.people import Dataset

STEPS: list[tuple[str, str, Callable[[Dataset, Any], int]]] = [
    *people.STEPS,
    ("contacts", "supervision_contact", contacts.load_contacts),
]
LOADED_TABLES: list[str] = [*people.TABLES, "supervision_contact"]
REFERENCES: list[tuple[str, str, str]] = [*people.REFERENCES, *contacts.REFERENCES]
