"""Read models for the flag pages: a case's flags, one flag with its history, a team's flag list,
the home-page section and the caseload badge. Each is a fixed number of queries whatever the rows.

Flags are only ever read here; the engine (`inspections.services`) writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone

from cases.access import visible_people
from cases.models import Person, PersonQuerySet, Role, User
from inspections.models import Flag, FlagKind, FlagQuerySet, Severity
from kit.clock import local_midnight

# How far back "new flags" looks on the home page: a page layout choice, not a policy number.
HOME_NEW_DAYS = 14
HOME_LIMIT = 10
# The age filter of the flags list: opened more than N days ago.
AGE_CHOICES = [(7, "More than 7 days"), (14, "More than 14 days"), (30, "More than 30 days")]


# --- One case ------------------------------------------------------------------------------------


def case_flags(person: Person) -> FlagQuerySet:
    return Flag.objects.filter(person=person).select_related("acknowledged_by")


def open_flags(person: Person) -> list[Flag]:
    """The case's open flags, most severe first then oldest: one query."""
    return sorted(case_flags(person).open(), key=lambda f: (severity_rank(f.severity), f.opened_at))


def severity_rank(severity: str) -> int:
    return {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}.get(Severity(severity), 3)


# --- Evidence ------------------------------------------------------------------------------------


@dataclass
class EvidenceTable:
    """A list found in the evidence, shown as a table: one column per key seen in its entries."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Evidence:
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[EvidenceTable] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.facts and not self.tables


def _label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def _cell(value: Any) -> Any:
    """A value as a person reads it: ISO dates become dates, nested structures a short text."""
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return dateformat.format(date.fromisoformat(value), "j M Y")
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return dateformat.format(moment, "j M Y, H:i")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_cell(v)}" for k, v in value.items())
    return value


def _table(title: str, entries: list[Any]) -> EvidenceTable:
    columns: list[str] = []
    for entry in entries:
        for key in entry if isinstance(entry, dict) else ["value"]:
            if key not in columns:
                columns.append(key)
    rows = [[_cell(entry.get(c)) if isinstance(entry, dict) else _cell(entry) for c in columns] for entry in entries]
    return EvidenceTable(_label(title), [_label(c) for c in columns], rows)


def readable_evidence(evidence: Any) -> Evidence:
    """The engine's JSON evidence, whatever its shape: lists become tables, the rest key/values."""
    found = Evidence()
    if isinstance(evidence, list):
        evidence = {"items": evidence}
    if not isinstance(evidence, dict):
        if evidence not in (None, ""):
            found.facts.append(("Evidence", _cell(evidence)))
        return found
    for key, value in evidence.items():
        if isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
            found.tables.append(_table(key, value))
        elif isinstance(value, dict):
            found.facts.extend((f"{_label(key)}: {_label(k).lower()}", _cell(v)) for k, v in value.items())
        else:
            found.facts.append((_label(key), _cell(value) if value not in (None, "", []) else "None"))
    return found


# --- History -------------------------------------------------------------------------------------

# Fields whose change is worth telling; `last_checked_at` moves on every sweep and is left out.
_TOLD = {"severity": "severity", "due_by": "due by", "evidence": "evidence", "standard": "standard"}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    by: str
    detail: str = ""


def _describe(before: Any, after: Any) -> tuple[str, str]:
    if before is None:
        return "Opened", ""
    if after.resolved_at and not before.resolved_at:
        return "Resolved", after.resolution
    if after.acknowledged_at and after.acknowledged_at != before.acknowledged_at:
        until = after.acknowledgement_expires.strftime("%-d %b %Y") if after.acknowledgement_expires else ""
        return f"Acknowledged until {until}", after.acknowledgement_reason
    changed = [label for name, label in _TOLD.items() if getattr(before, name) != getattr(after, name)]
    if changed:
        return "Updated", "Changed: " + ", ".join(changed)
    return "", ""


def flag_history(flag: Flag) -> list[HistoryEntry]:
    """What happened to the flag, from its pghistory events: two queries (events, the staff named)."""
    event_model = apps.get_model("inspections", "FlagEvent")
    events = list(event_model.objects.filter(pgh_obj_id=flag.pk).select_related("pgh_context").order_by("pgh_id"))
    user_ids = {user for e in events if (user := _context_user(e)) is not None}
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    entries: list[HistoryEntry] = []
    before = None
    for event in events:
        what, detail = _describe(before, event)
        before = event
        if what:
            user = _context_user(event)
            by = (names.get(user) if user is not None else None) or _context_source(event)
            entries.append(HistoryEntry(event.pgh_created_at, what, by, detail))
    return entries


def _context_user(event: Any) -> int | None:
    metadata = event.pgh_context.metadata if event.pgh_context_id else {}
    user = metadata.get("user")
    return user if isinstance(user, int) else None


def _context_source(event: Any) -> str:
    """Who changed the flag when no member of staff did: the checks (sweep, re-check) or a command."""
    metadata = event.pgh_context.metadata if event.pgh_context_id else {}
    command = metadata.get("command")
    return f"Automated checks ({command})" if command else "Automated checks"


# --- The flags list ------------------------------------------------------------------------------


def flags_scope(user: User) -> PersonQuerySet:
    """Cases whose flags `user` works on: an SPO's team, a practitioner's own cases."""
    people = visible_people(user)
    if user.role == Role.SPO:
        return people.in_team(user.team) if user.team is not None else people.none()
    return people.allocated_to(user)


def team_flags(people: QuerySet[Person], filters: dict[str, Any], on: date | None = None) -> FlagQuerySet:
    """Open flags of `people`, filtered, oldest first (the rows are paginated by the caller)."""
    on = on or timezone.localdate()
    flags = Flag.objects.open().filter(person__in=people.values("pk"))
    if kinds := filters.get("kind"):
        flags = flags.filter(kind__in=kinds)
    if severities := filters.get("severity"):
        flags = flags.filter(severity__in=severities)
    if practitioner := filters.get("practitioner"):
        flags = flags.filter(person__practitioner=practitioner)
    if age := filters.get("age"):
        flags = flags.filter(opened_at__lt=local_midnight(on - timedelta(days=int(age))))
    acknowledged = filters.get("acknowledged")
    if acknowledged == "yes":
        flags = flags.exclude(pk__in=Flag.objects.unacknowledged(on).values("pk"))
    elif acknowledged == "no":
        flags = flags.filter(pk__in=Flag.objects.unacknowledged(on).values("pk"))
    return flags.select_related("person", "person__practitioner", "acknowledged_by").order_by("opened_at", "pk")


def counts_by_kind(flags: FlagQuerySet) -> list[tuple[str, str, int]]:
    """(kind, label, count) for each kind present, most first: one aggregate query."""
    rows = flags.order_by().values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    return [(row["kind"], FlagKind(row["kind"]).label, row["n"]) for row in rows]


# --- The home page -------------------------------------------------------------------------------


@dataclass
class HomeFlags:
    recent: Sequence[Flag]
    open_count: int
    days: int = HOME_NEW_DAYS


def home_flags(user: User, now: datetime | None = None) -> HomeFlags:
    """Newest open flags on the practitioner's cases (opened in the last fortnight) and how many are
    open, in one query: the count is a window over all her open flags, taken before the limit."""
    now = now or timezone.now()
    since = local_midnight(timezone.localdate(now) - timedelta(days=HOME_NEW_DAYS))
    newest = list(
        Flag.objects.open()
        .filter(person__in=visible_people(user).allocated_to(user).values("pk"))
        .annotate(open_count=Window(Count("pk")))
        .select_related("person")
        .order_by("-opened_at", "pk")[:HOME_LIMIT]
    )
    recent = [flag for flag in newest if flag.opened_at >= since]
    return HomeFlags(recent=recent, open_count=newest[0].open_count if newest else 0)  # type: ignore[attr-defined]


# --- The caseload --------------------------------------------------------------------------------


def open_flag_count() -> Coalesce:
    """Annotation: how many open flags the case has (a correlated count over the partial index)."""
    counted = (
        Flag.objects.open().filter(person=OuterRef("pk")).order_by().values("person").annotate(n=Count("pk"))
    ).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def has_high_flag() -> Exists:
    return Exists(Flag.objects.open().filter(person=OuterRef("pk"), severity=Severity.HIGH))


def with_open_flags(rows: QuerySet[Person], wanted: bool) -> QuerySet[Person]:
    return rows.filter(Exists(Flag.objects.open().filter(person=OuterRef("pk")))) if wanted else rows


def with_flag_kind(rows: QuerySet[Person], kind: str) -> QuerySet[Person]:
    return rows.filter(Exists(Flag.objects.open().filter(person=OuterRef("pk"), kind=kind))) if kind else rows
