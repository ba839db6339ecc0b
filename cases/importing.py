"""Onboarding a PDU's caseload from a legacy CSV extract (`manage.py import_people`).

The import runs in three stages so that nothing is written until every row has been checked:

1. read: decode the file, parse the header, reject the whole file for unknown or missing columns;
2. check: each row on its own (formats, dates, codes), against reference data loaded once up front
   (organisation, staff, registration types, CRNs already on record) and against the rest of the
   file (a CRN twice, a new team given two different PDUs);
3. write: in one transaction, under one pghistory context naming the command and the file, so
   the audit trail says where each row came from.

New cases are written a batch at a time rather than through `cases.services` one row at a time.
Those services cost about 55 queries a case (model validation runs a query per constraint, each
service opens a savepoint), which made a 10,000-row caseload take many minutes. For a CRN not yet
on record their checks on existing state (an active registration of the same type, a current
address or allocation, access rules) cannot fail, so this module builds the same rows they would,
validates each one in Python as they do (uniqueness was checked for the whole file at once, and
the constraints are the database's own), and inserts them in bulk. The pghistory triggers record
every inserted row exactly as they do for single writes.

A CRN already on record is left exactly as it is ("unchanged"): the import never overwrites a
case, which is what makes running the same file twice safe. The format is documented, with an
example, in docs/import-people.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases import services
from cases.models import (
    CATEGORY_UNITS,
    CRN_REGEX,
    PDU,
    PNC_REGEX,
    Address,
    AddressStatus,
    Allocation,
    Gender,
    OrderType,
    Person,
    Region,
    Registration,
    RegistrationType,
    Requirement,
    RequirementCategory,
    RequirementUnit,
    Role,
    RoshLevel,
    RsrScore,
    RsrSource,
    Sentence,
    Team,
    User,
)
from kit.importing import (
    ImportRejected,
    RawRow,
    RowError,
    all_or_nothing,
    check_each,
    read_csv,
    refuse_invalid,
    repeated,
)
from kit.importing import ImportSummary as BaseSummary

REQUIRED_COLUMNS = (
    "crn",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "region_code",
    "pdu_code",
    "team_code",
    "order_type",
    "sentence_start",
    "sentence_end",
    "rosh",
)
# A blank (or absent) practitioner_username means "awaiting allocation"; the *_name columns only
# matter with --create-org, for organisation units that do not exist yet.
OPTIONAL_COLUMNS = (
    "practitioner_username",
    "registrations",
    "pnc_number",
    "tier",
    "is_hdc",
    "offence",
    "address_line1",
    "town",
    "postcode",
    "mappa_category",
    "mappa_level",
    "requirements",
    "rsr",
    "rsr_date",
    "region_name",
    "pdu_name",
    "team_name",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

GENDERS: dict[str, Gender] = {
    "M": Gender.MALE,
    "MALE": Gender.MALE,
    "F": Gender.FEMALE,
    "FEMALE": Gender.FEMALE,
    "O": Gender.OTHER,
    "N": Gender.NOT_KNOWN,
}
ORDER_TYPES: dict[str, OrderType] = {choice.value: choice for choice in OrderType}
ROSH_LEVELS: dict[str, RoshLevel] = {choice.value: choice for choice in RoshLevel}
BOOLEANS = {
    "TRUE": True,
    "YES": True,
    "Y": True,
    "1": True,
    "FALSE": False,
    "NO": False,
    "N": False,
    "0": False,
}
MAPPA_CATEGORIES = range(1, 5)
MAPPA_LEVELS = range(1, 4)
# Staff a case can be allocated to (the same rule as cases.services.allocate).
ALLOCATABLE_ROLES = {Role.PRACTITIONER, Role.SPO}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CATEGORIES: dict[str, RequirementCategory] = {choice.value: choice for choice in RequirementCategory}
UNITS: dict[str, RequirementUnit] = {choice.value: choice for choice in RequirementUnit if choice.value}
TIER = re.compile(r"^[A-D][0-3]S?$")
# Field lengths from the models, checked here so a long value is a row error, not a rollback.
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "offence": 200,
    "address_line1": 200,
    "town": 100,
    "postcode": 10,
    "region_code": 10,
    "pdu_code": 10,
    "team_code": 12,
    "region_name": 100,
    "pdu_name": 100,
    "team_name": 100,
}

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
# Rows per INSERT statement when writing new cases.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class PersonRow:
    """A row that passed every check, in the types the models take."""

    line: int
    crn: str
    first_name: str
    last_name: str
    date_of_birth: date
    gender: Gender
    pnc_number: str
    tier: str
    rosh: RoshLevel
    region_code: str
    pdu_code: str
    team_code: str
    practitioner_username: str
    order_type: OrderType
    sentence_start: date
    sentence_end: date
    is_hdc: bool
    offence: str
    registration_codes: tuple[str, ...]
    mappa_category: int | None
    mappa_level: int | None
    address_line1: str
    town: str
    postcode: str
    requirements: tuple[RequirementRow, ...] = ()
    rsr: Decimal | None = None
    rsr_date: date | None = None


@dataclass(frozen=True)
class RequirementRow:
    """One requirement (or licence condition) of the sentence: `CATEGORY[:LENGTH[:UNIT]]`."""

    category: RequirementCategory
    length: int | None
    unit: str


@dataclass
class ImportSummary(BaseSummary):
    regions_created: int = 0
    pdus_created: int = 0
    teams_created: int = 0

    def more(self) -> str:
        if not (self.regions_created or self.pdus_created or self.teams_created):
            return ""
        return f" {self.verb} {self.regions_created} regions, {self.pdus_created} PDUs and {self.teams_created} teams."


# --- Reading -----------------------------------------------------------------------------------


def read_rows(path: Path) -> list[RawRow]:
    """Decode and split the file; reject it outright if it is not UTF-8 CSV with a usable header."""
    return read_csv(path, required=REQUIRED_COLUMNS, allowed=ALL_COLUMNS)


# --- Checking one row on its own -----------------------------------------------------------------


class _Cells:
    """Reads typed values out of a row, collecting a reason for each one that is wrong."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.reasons: list[str] = [raw.width_error] if raw.width_error else []

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.raw.get(column)
        if required and not value:
            self.reasons.append(f"{column} is blank")
        elif len(value) > MAX_LENGTHS.get(column, len(value)):
            self.reasons.append(f"{column} is longer than {MAX_LENGTHS[column]} characters")
        return value

    def pattern(self, column: str, regex: str | re.Pattern[str], explanation: str) -> str:
        value = self.raw.code(column)
        if value and not re.match(regex, value):
            self.reasons.append(f'{column} "{self.raw.get(column)}" is not a valid {explanation}')
        return value

    def date(self, column: str) -> date | None:
        value = self.raw.get(column)
        if not value:
            self.reasons.append(f"{column} is blank")
            return None
        if ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.reasons.append(f'{column} "{value}" is not a valid date (use YYYY-MM-DD, e.g. 2024-03-31)')
        return None

    def choice(self, column: str, choices: Mapping[str, T]) -> T | None:
        given = self.raw.get(column)
        key = given.upper().replace(" ", "_").replace("-", "_")
        if key in choices:
            return choices[key]
        allowed = ", ".join(choices)
        self.reasons.append(
            f'{column} "{given}" is not one of {allowed}' if given else f"{column} is blank (use {allowed})"
        )
        return None

    def number(self, column: str, allowed: range) -> int | None:
        value = self.raw.get(column)
        if not value:
            return None
        if value.isdigit() and int(value) in allowed:
            return int(value)
        self.reasons.append(f'{column} "{value}" is not a number from {allowed.start} to {allowed.stop - 1}')
        return None

    def flag(self, column: str) -> bool:
        value = self.raw.code(column)
        if value and value not in BOOLEANS:
            self.reasons.append(f'{column} "{self.raw.get(column)}" is not true or false')
        return BOOLEANS.get(value, False)

    def requirements(self, column: str) -> tuple[RequirementRow, ...]:
        """`RAR:20:DAYS;UPW:120:HOURS;EXCLUSION`: a category, then its length and unit if measured (the
        unit may be left out where the category has one measure: RAR days, UPW hours...)."""
        found: list[RequirementRow] = []
        for item in (part.strip() for part in self.raw.get(column).split(";")):
            if item:
                requirement = self._requirement(column, item)
                if requirement is not None:
                    found.append(requirement)
        return tuple(found)

    def _requirement(self, column: str, item: str) -> RequirementRow | None:
        category_code, length_text, unit_code, *extra = [*item.upper().split(":"), "", ""]
        category = CATEGORIES.get(category_code.strip())
        if category is None or any(extra):
            allowed = ", ".join(CATEGORIES)
            self.reasons.append(f'{column} "{item}" is not CATEGORY[:LENGTH[:UNIT]] with a category of {allowed}')
            return None
        length_text, unit_code = length_text.strip(), unit_code.strip()
        if length_text and not (length_text.isdigit() and int(length_text) > 0):
            self.reasons.append(f'{column} "{item}": the length must be a whole number more than 0')
            return None
        if unit_code and unit_code not in UNITS:
            self.reasons.append(f'{column} "{item}": the unit must be one of {", ".join(UNITS)}')
            return None
        if unit_code and not length_text:
            self.reasons.append(f'{column} "{item}" gives a unit but no length')
            return None
        unit = unit_code or (CATEGORY_UNITS.get(category, RequirementUnit.NONE).value if length_text else "")
        if length_text and not unit:
            self.reasons.append(f'{column} "{item}" needs a unit ({", ".join(UNITS)})')
            return None
        return RequirementRow(category, int(length_text) if length_text else None, unit)

    def percent(self, column: str) -> Decimal | None:
        value = self.raw.get(column)
        if not value:
            return None
        try:
            score = Decimal(value)
        except InvalidOperation:
            score = Decimal(-1)
        if not score.is_finite() or not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.01")):
            self.reasons.append(f'{column} "{value}" is not a percentage from 0 to 100 (at most 2 decimal places)')
            return None
        return score

    def codes(self, column: str) -> tuple[str, ...]:
        codes = tuple(code.strip().upper() for code in self.raw.get(column).split(";") if code.strip())
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            self.reasons.append(f"{column} lists {', '.join(repeated)} more than once")
        return codes


def parse_row(raw: RawRow, today: date) -> tuple[PersonRow | None, list[str]]:
    """The row in model types, or None with the reasons it is wrong (every reason, not the first)."""
    c = _Cells(raw)
    crn = c.pattern("crn", CRN_REGEX, "CRN (one letter and six digits, e.g. X123456)")
    if not crn:
        c.reasons.append("crn is blank")
    first_name, last_name = c.text("first_name", required=True), c.text("last_name", required=True)
    date_of_birth = c.date("date_of_birth")
    if date_of_birth and date_of_birth >= today:
        c.reasons.append(f"date_of_birth {date_of_birth} is not in the past")
    gender, rosh = c.choice("gender", GENDERS), c.choice("rosh", ROSH_LEVELS)
    pnc_number = c.pattern("pnc_number", PNC_REGEX, "PNC number (e.g. 2004/0012345A)")
    tier = c.pattern("tier", TIER, "tier (a letter A-D and a digit 0-3, e.g. B2)")
    for column in ("region_code", "pdu_code", "team_code"):
        c.text(column, required=True)
    for column in ("region_name", "pdu_name", "team_name", "offence", "address_line1", "town", "postcode"):
        c.text(column)
    order_type = c.choice("order_type", ORDER_TYPES)
    start, end = c.date("sentence_start"), c.date("sentence_end")
    if start and end and end < start:
        c.reasons.append(f"sentence_end {end} is before sentence_start {start}")
    is_hdc = c.flag("is_hdc")
    if is_hdc and order_type and order_type != OrderType.LICENCE:
        c.reasons.append(f"is_hdc is true but order_type is {order_type.value}: only a LICENCE can be HDC")
    codes = c.codes("registrations")
    mappa_category, mappa_level = (
        c.number("mappa_category", MAPPA_CATEGORIES),
        c.number("mappa_level", MAPPA_LEVELS),
    )
    if raw.get("town") and not (raw.get("address_line1") or raw.get("postcode")):
        c.reasons.append("an address needs address_line1 or postcode")
    requirements = c.requirements("requirements")
    rsr, rsr_date = c.percent("rsr"), c.date("rsr_date") if raw.get("rsr_date") else None
    if rsr_date and rsr is None and not raw.get("rsr"):
        c.reasons.append("rsr_date is given but rsr is blank")
    if rsr_date and rsr_date > today:
        c.reasons.append(f"rsr_date {rsr_date} is in the future")
    if c.reasons or date_of_birth is None or gender is None or rosh is None or order_type is None:
        return None, c.reasons
    if start is None or end is None:
        return None, c.reasons
    row = PersonRow(
        line=raw.line,
        crn=crn,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        gender=gender,
        pnc_number=pnc_number,
        tier=tier,
        rosh=rosh,
        region_code=raw.code("region_code"),
        pdu_code=raw.code("pdu_code"),
        team_code=raw.code("team_code"),
        practitioner_username=raw.get("practitioner_username"),
        order_type=order_type,
        sentence_start=start,
        sentence_end=end,
        is_hdc=is_hdc,
        offence=raw.get("offence"),
        registration_codes=codes,
        mappa_category=mappa_category,
        mappa_level=mappa_level,
        address_line1=raw.get("address_line1"),
        town=raw.get("town"),
        postcode=raw.get("postcode"),
        requirements=requirements,
        rsr=rsr,
        rsr_date=(rsr_date or today) if rsr is not None else None,
    )
    return row, []


# --- Checking against reference data and the rest of the file -----------------------------------


@dataclass
class ReferenceData:
    """Everything a row is checked against, loaded in a handful of queries for the whole file."""

    regions: dict[str, Region]
    pdus: dict[str, PDU]
    teams: dict[str, Team]
    users: dict[str, User]
    registration_types: dict[str, RegistrationType]
    existing_crns: set[str]

    @classmethod
    def load(cls, rows: list[RawRow]) -> ReferenceData:
        usernames = {row.get("practitioner_username") for row in rows} - {""}
        crns = sorted({row.code("crn") for row in rows} - {""})
        return cls(
            regions={r.code.upper(): r for r in Region.objects.all()},
            pdus={p.code.upper(): p for p in PDU.objects.select_related("region")},
            teams={t.code.upper(): t for t in Team.objects.select_related("pdu__region")},
            users={u.username: u for u in User.objects.filter(username__in=usernames)},
            registration_types={t.code.upper(): t for t in RegistrationType.objects.all()},
            existing_crns=set(_existing_crns(crns)),
        )


def _existing_crns(crns: list[str], chunk: int = 5000) -> Iterator[str]:
    for i in range(0, len(crns), chunk):
        yield from Person.objects.filter(crn__in=crns[i : i + chunk]).values_list("crn", flat=True)


@dataclass
class _NewUnit:
    """A region, PDU or team to create (--create-org), as first named in the file."""

    name: str
    parent: str
    line: int
    named: bool


@dataclass
class _OrgPlan:
    regions: dict[str, _NewUnit] = field(default_factory=dict)
    pdus: dict[str, _NewUnit] = field(default_factory=dict)
    teams: dict[str, _NewUnit] = field(default_factory=dict)


class _RowChecker:
    """Checks a row against reference data and against the rows before it."""

    def __init__(self, refs: ReferenceData, *, create_org: bool) -> None:
        self.refs = refs
        self.create_org = create_org
        self.plan = _OrgPlan()

    def reasons(self, raw: RawRow) -> list[str]:
        return [*self._organisation(raw), *self._practitioner(raw), *self._registrations(raw)]

    def _organisation(self, raw: RawRow) -> list[str]:
        region, pdu, team = raw.code("region_code"), raw.code("pdu_code"), raw.code("team_code")
        if not (region and pdu and team):
            return []  # already reported as blank
        # Once one level is wrong, its children are not compared with it: one reason, not three.
        reasons = self._unit(raw, "region", region, "", self.refs.regions, self.plan.regions)
        reasons = reasons or self._unit(raw, "PDU", pdu, region, self.refs.pdus, self.plan.pdus)
        return reasons or self._unit(raw, "team", team, pdu, self.refs.teams, self.plan.teams)

    def _unit(
        self,
        raw: RawRow,
        kind: str,
        code: str,
        parent: str,
        known: Mapping[str, Region | PDU | Team],
        planned: dict[str, _NewUnit],
    ) -> list[str]:
        parent_kind = {"PDU": "region", "team": "PDU"}.get(kind, "")
        if code in known:
            actual = _parent_code(known[code])
            if parent and actual != parent:
                return [f'{kind} "{code}" is in {parent_kind} "{actual}", not "{parent}"']
            return []
        if not self.create_org:
            return [f'{kind} "{code}" does not exist (use --create-org to create it)']
        name_column = f"{kind.lower()}_name"
        name = raw.get(name_column)
        unit = planned.setdefault(code, _NewUnit(name or code, parent, raw.line, bool(name)))
        if unit.parent != parent:
            return [f'new {kind} "{code}" is in {parent_kind} "{unit.parent}" on line {unit.line}, not "{parent}"']
        if name and unit.named and name != unit.name:
            return [f'{name_column} "{name}" differs from "{unit.name}" on line {unit.line}']
        if name and not unit.named:
            unit.name, unit.named = name, True
        return []

    def _practitioner(self, raw: RawRow) -> list[str]:
        username = raw.get("practitioner_username")
        if not username:
            return []
        user = self.refs.users.get(username)
        if user is None:
            return [f'practitioner_username "{username}" is not a member of staff']
        if not user.is_active or user.role not in ALLOCATABLE_ROLES:
            return [f'practitioner "{username}" is not an active practitioner or SPO']
        team = self.refs.teams.get(raw.code("team_code"))
        if user.team_id is None or team is None or user.team_id != team.pk:
            return [f'practitioner "{username}" is not in team "{raw.code("team_code")}"']
        return []

    def _registrations(self, raw: RawRow) -> list[str]:
        reasons = []
        has_mappa = False
        for code in {c.strip().upper() for c in raw.get("registrations").split(";")} - {""}:
            registration_type = self.refs.registration_types.get(code)
            if registration_type is None or not registration_type.is_active:
                reasons.append(f'registration code "{code}" is not a registration type in use')
            elif registration_type.is_mappa:
                has_mappa = True
        given = bool(raw.get("mappa_category") or raw.get("mappa_level"))
        if has_mappa and not (raw.get("mappa_category") and raw.get("mappa_level")):
            reasons.append("a MAPPA registration needs mappa_category (1-4) and mappa_level (1-3)")
        elif given and not has_mappa and not reasons:
            reasons.append("mappa_category and mappa_level are only for a MAPPA registration")
        return sorted(reasons)


def _parent_code(unit: Region | PDU | Team) -> str:
    if isinstance(unit, PDU):
        return unit.region.code.upper()
    if isinstance(unit, Team):
        return unit.pdu.code.upper()
    return ""


@dataclass
class CheckedFile:
    valid: list[PersonRow]
    errors: list[RowError]
    plan: _OrgPlan


def check_rows(rows: list[RawRow], refs: ReferenceData, *, create_org: bool, today: date) -> CheckedFile:
    checker = _RowChecker(refs, create_org=create_org)

    def check(raw: RawRow) -> tuple[PersonRow | None, list[str]]:
        row, reasons = parse_row(raw, today)
        return row, reasons + checker.reasons(raw)

    valid, errors = check_each(rows, check, also=repeated(rows, "crn", lambda row: row.code("crn")))
    return CheckedFile(valid, errors, checker.plan)


# --- Writing -------------------------------------------------------------------------------------


def import_people(
    path: Path, *, create_org: bool = False, skip_invalid: bool = False, dry_run: bool = False
) -> ImportSummary:
    """Import the file at `path`; all or nothing. Raises ImportRejected if it cannot be imported."""
    rows = read_rows(path)
    refs = ReferenceData.load(rows)
    today = timezone.localdate()
    checked = check_rows(rows, refs, create_org=create_org, today=today)
    refuse_invalid(checked.errors, len(checked.valid), len(rows), skip_invalid=skip_invalid)
    new = [row for row in checked.valid if row.crn not in refs.existing_crns]
    summary = ImportSummary(unchanged=len(checked.valid) - len(new), errors=checked.errors, dry_run=dry_run)
    # Someone may since have opened one of these CRNs (or created one of these teams): refused whole.
    with all_or_nothing("import_people", path, dry_run=dry_run):
        _create_organisation(new, checked.plan, refs, summary)
        _write_new_cases(new, refs, rationale=f"Imported from {path.name}", today=today)
        summary.created = len(new)
    return summary


def _create_organisation(rows: list[PersonRow], plan: _OrgPlan, refs: ReferenceData, summary: ImportSummary) -> None:
    """Create the regions, PDUs and teams the rows being imported need (only with --create-org).

    There is no organisation service yet: these are reference data, not case records, and are
    created here in the import's transaction."""
    for code in sorted({row.region_code for row in rows} - set(refs.regions)):
        refs.regions[code] = Region.objects.create(code=code, name=plan.regions[code].name)
        summary.regions_created += 1
    for code in sorted({row.pdu_code for row in rows} - set(refs.pdus)):
        unit = plan.pdus[code]
        refs.pdus[code] = PDU.objects.create(code=code, name=unit.name, region=refs.regions[unit.parent])
        summary.pdus_created += 1
    for code in sorted({row.team_code for row in rows} - set(refs.teams)):
        unit = plan.teams[code]
        refs.teams[code] = Team.objects.create(code=code, name=unit.name, pdu=refs.pdus[unit.parent])
        summary.teams_created += 1


def _write_new_cases(rows: list[PersonRow], refs: ReferenceData, *, rationale: str, today: date) -> None:
    """Open a case for each row: the person, their allocation, sentence, registrations and address."""
    now = timezone.now()
    people = {row.crn: _person(row, refs, now) for row in rows}
    _insert(Person, people.values())
    _insert(Allocation, [_allocation(people[row.crn], rationale, now) for row in rows])
    sentences = {row.crn: _sentence(people[row.crn], row) for row in rows}
    _insert(Sentence, sentences.values())
    _insert(Requirement, [r for row in rows for r in _requirements(sentences[row.crn], row)])
    _insert(Registration, [r for row in rows for r in _registrations(people[row.crn], row, refs, today)])
    _insert(Address, [a for row in rows if (a := _address(people[row.crn], row, today))])
    _insert(RsrScore, [r for row in rows if (r := _rsr(people[row.crn], row, now))])


def _insert(model: type[M], objects: Iterable[M]) -> None:
    """Validate like the services do, minus their queries, then insert a batch at a time."""
    objects = list(objects)
    relations = [f.name for f in model._meta.fields if f.is_relation]
    for obj in objects:
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ImportRejected(f"{obj}: {'; '.join(error.messages)}; nothing was imported") from error
    model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)


def _person(row: PersonRow, refs: ReferenceData, now: datetime) -> Person:
    # As cases.services.create_person, with the first allocation's team and practitioner set at
    # once rather than by a second update.
    return Person(
        crn=row.crn,
        first_name=row.first_name,
        last_name=row.last_name,
        date_of_birth=row.date_of_birth,
        gender=row.gender,
        pnc_number=row.pnc_number,
        tier=row.tier,
        rosh=row.rosh,
        team=refs.teams[row.team_code],
        practitioner=refs.users.get(row.practitioner_username),
        created_at=now,
    )


def _allocation(person: Person, rationale: str, now: datetime) -> Allocation:
    return Allocation(
        person=person, team=person.team, practitioner=person.practitioner, rationale=rationale, started_at=now
    )


def _sentence(person: Person, row: PersonRow) -> Sentence:
    return Sentence(
        person=person,
        order_type=row.order_type,
        is_hdc=row.is_hdc,
        offence=row.offence,
        start_date=row.sentence_start,
        expected_end_date=row.sentence_end,
    )


def _requirements(sentence: Sentence, row: PersonRow) -> Iterator[Requirement]:
    # As cases.services.add_requirement: each starts with the sentence.
    for requirement in row.requirements:
        yield Requirement(
            sentence=sentence,
            category=requirement.category,
            length=requirement.length,
            unit=requirement.unit,
            start_date=sentence.start_date,
        )


def _rsr(person: Person, row: PersonRow, now: datetime) -> RsrScore | None:
    # As cases.services.record_rsr: the RSR recorded where it arrived (here, the extract).
    if row.rsr is None or row.rsr_date is None:
        return None
    return RsrScore(person=person, score=row.rsr, calculated_on=row.rsr_date, source=RsrSource.IMPORT, recorded_at=now)


def _known_from(row: PersonRow, today: date) -> date:
    """The legacy extract has no registration or address dates: the sentence start is the best
    date known, and a registration cannot be dated in the future."""
    return min(row.sentence_start, today)


def _registrations(person: Person, row: PersonRow, refs: ReferenceData, today: date) -> Iterator[Registration]:
    registered_on = _known_from(row, today)
    for code in row.registration_codes:
        registration_type = refs.registration_types[code]
        yield Registration(
            person=person,
            type=registration_type,
            registered_on=registered_on,
            review_due=services.default_review_due(registration_type, registered_on),
            mappa_category=row.mappa_category if registration_type.is_mappa else None,
            mappa_level=row.mappa_level if registration_type.is_mappa else None,
        )


def _address(person: Person, row: PersonRow, today: date) -> Address | None:
    if not (row.address_line1 or row.postcode):
        return None
    return Address(
        person=person,
        status=AddressStatus.MAIN,
        line1=row.address_line1,
        town=row.town,
        postcode=row.postcode.upper(),
        start_date=_known_from(row, today),
    )
