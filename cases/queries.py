"""Read models for the case pages: caseload rows and the person overview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.utils import timezone

from cases.models import (
    Address,
    AddressStatus,
    Allocation,
    OrderType,
    Person,
    PersonQuerySet,
    Registration,
    RoshLevel,
    Sentence,
)

ROSH_RANK = Case(
    *[
        When(rosh=level, then=Value(rank))
        for level, rank in ((RoshLevel.LOW, 1), (RoshLevel.MEDIUM, 2), (RoshLevel.HIGH, 3), (RoshLevel.VERY_HIGH, 4))
    ],
    default=Value(0),
    output_field=IntegerField(),
)

# The sentence type as people read it ("Community order"), not its code ("CO").
SENTENCE_LABEL = Case(
    *[When(sentence_type=value, then=Value(label)) for value, label in OrderType.choices],
    default=Value(""),
)

SORT_FIELDS = {
    "name": ["last_name", "first_name", "crn"],
    "crn": ["crn"],
    "tier": ["tier", "last_name"],
    "rosh": ["rosh_rank", "last_name"],
    "sentence_end": ["sentence_end", "last_name"],
}


# Extension points, so apps that build on `cases` (e.g. inspections' open-flag badge) can add a
# column value, a filter and a badge to every caseload without `cases` importing them. The composition
# root (`probation/wiring.py`) registers them. An annotation must be one correlated expression (no extra query per row).
_ANNOTATIONS: dict[str, Callable[[], Combinable]] = {}
_FILTERS: dict[str, Callable[[QuerySet[Person], Any], QuerySet[Person]]] = {}
_BADGES: dict[str, str] = {}


def register_caseload_annotation(name: str, factory: Callable[[], Combinable]) -> None:
    _ANNOTATIONS[name] = factory


def register_caseload_filter(name: str, apply: Callable[[QuerySet[Person], Any], QuerySet[Person]]) -> None:
    """`apply(rows, value)` runs when the caseload filter form's field `name` has a value (see
    `cases.forms.register_caseload_filter_field`)."""
    _FILTERS[name] = apply


def register_caseload_badge(key: str, template: str) -> None:
    """A template included in each row's Flags cell, with `person` (and the annotations) in context."""
    _BADGES[key] = template


def caseload_badges() -> list[str]:
    return list(_BADGES.values())


def caseload_rows(people: PersonQuerySet, filters: dict[str, Any]) -> QuerySet[Person]:
    """Annotate and filter a caseload: current sentence, overdue reviews, active registrations.

    A fixed number of queries whatever the number of rows (registrations are prefetched).
    """
    today = timezone.localdate()
    # The caseload's sentence column: the latest sentence not terminated, even past its expected end
    # (a case waiting for its termination to be recorded still shows the order), not the governing one.
    current_sentence = Sentence.objects.filter(person=OuterRef("pk"), terminated_on__isnull=True).order_by(
        "-start_date"
    )
    overdue = Registration.objects.review_overdue(today).filter(person=OuterRef("pk"))
    rows = (
        people.annotate(
            sentence_type=Subquery(current_sentence.values("order_type")[:1]),
            sentence_end=Subquery(current_sentence.values("expected_end_date")[:1]),
            has_overdue_review=Exists(overdue),
            rosh_rank=ROSH_RANK,
        )
        .annotate(sentence_label=SENTENCE_LABEL)
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.active().select_related("type"),
                to_attr="active_registrations",
            )
        )
        .select_related("practitioner")
    )
    if _ANNOTATIONS:
        rows = rows.annotate(**{name: factory() for name, factory in _ANNOTATIONS.items()})

    if tiers := filters.get("tier"):
        rows = rows.filter(tier__regex=r"^[" + "".join(str(t) for t in tiers) + "]")
    if rosh := filters.get("rosh"):
        rows = rows.filter(rosh__in=rosh)
    if order_types := filters.get("order_type"):
        rows = rows.filter(sentence_type__in=order_types)
    if registrations := filters.get("registration"):
        active = Registration.objects.active().filter(person=OuterRef("pk"), type__in=registrations)
        rows = rows.filter(Exists(active))
    if filters.get("review_overdue"):
        rows = rows.filter(has_overdue_review=True)
    if practitioner := filters.get("practitioner"):
        rows = rows.filter(practitioner=practitioner)
    if filters.get("unallocated"):
        rows = rows.filter(practitioner__isnull=True)

    fields = SORT_FIELDS.get(str(filters.get("sort") or "name"), SORT_FIELDS["name"])
    if filters.get("direction") == "desc":
        fields = [f"-{fields[0]}", *fields[1:]]
    return _extension_filters(rows, filters).order_by(*fields)


def _extension_filters(rows: QuerySet[Person], filters: dict[str, Any]) -> QuerySet[Person]:
    for name, apply in _FILTERS.items():
        if filters.get(name) not in (None, "", [], False):
            rows = apply(rows, filters[name])
    return rows


@dataclass
class Overview:
    person: Person
    sentences: list[Sentence]
    registrations: list[Registration]
    closed_registrations: list[Registration]
    main_address: Address | None
    previous_addresses: list[Address]
    allocations: list[Allocation]

    @property
    def active_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_active]

    @property
    def is_licence(self) -> bool:
        return any(s.order_type in (OrderType.LICENCE, OrderType.PSS) for s in self.active_sentences)


def person_overview(person: Person) -> Overview:
    sentences = list(person.sentences.prefetch_related("requirements").order_by("-start_date"))
    registrations = list(
        person.registrations.select_related("type", "registered_by", "deregistered_by").order_by("-registered_on")
    )
    addresses = list(person.addresses.order_by("-start_date"))
    main = next(
        (a for a in addresses if a.end_date is None and a.status in (AddressStatus.MAIN, AddressStatus.NO_FIXED_ABODE)),
        None,
    )
    return Overview(
        person=person,
        sentences=sentences,
        registrations=[r for r in registrations if r.is_active],
        closed_registrations=[r for r in registrations if not r.is_active],
        main_address=main,
        previous_addresses=[a for a in addresses if a is not main],
        allocations=list(
            person.allocations.select_related("practitioner", "allocated_by", "team").order_by("-started_at")[:10]
        ),
    )
