"""`manage.py seed_demo`: load a realistic, deterministic demo dataset into an empty database.

DEMO DATA ONLY. Six demo sign-ins share one published password, DEMO_PASSWORD below
(`manage.py demo_signins` prints them): practitioner, spo, admin, quality, readonly and excluded.
Every other generated member of staff gets an unusable password. Because a known password must
never reach a live service by accident, the command refuses to run with DEBUG off unless --force.

The data is built in two steps. `build_demo_plan` is pure: from a seed and an anchor date it
returns plain dataclasses, the same every time (dates are relative to the anchor, so the data stays
current while being identical for runs on the same day). `apply_demo_plan` writes the plan through
cases.services in one transaction. Case records cannot be deleted, so the command only loads into
a database with no people in it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from importlib import import_module
from typing import Any

import pghistory
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases import changes, services
from cases.models import (
    PDU,
    AccessRuleKind,
    CaseAccessRule,
    Grade,
    OrderType,
    Person,
    Region,
    RegistrationType,
    RequirementCategory,
    Role,
    RoshLevel,
    Team,
    User,
)

Req = RequirementCategory  # short, for the many requirement rows below

DEMO_SEED = 20261121
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published on purpose: demo data only
DEMO_USERNAMES = ("practitioner", "spo", "admin", "quality", "readonly", "excluded")
MIN_PEOPLE = 10

# The seeded registration types (code, description, review months, complexity factor, MAPPA). The
# plan is pure, so it reads the defaults from the migration that seeds them, not the database.
_TYPES = import_module("cases.migrations.0002_registration_types").TYPES
REVIEW_MONTHS: dict[str, int] = {code: months for code, _, months, _, _ in _TYPES}
COMPLEXITY_CODES = frozenset(code for code, _, _, complexity, _ in _TYPES if complexity)
# Requirements that only restrict: an order with nothing else gives no mandate for change (tier 0).
RESTRICTIVE = frozenset({Req.UPW, Req.CURFEW, Req.EM, Req.EXCLUSION, Req.PROHIBITED_ACTIVITY})

# --- Fixed reference lists (no Faker: everything comes from these and the seeded generator) ----


def _rows(table: str) -> list[list[str]]:
    """The cells of a `|`-separated text table, one row a line."""
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines())


def _word_lists(text: str) -> dict[str, tuple[str, ...]]:
    """`key: word word ...` blocks; an indented line continues the block above it."""
    lists: dict[str, list[str]] = {}
    key = ""
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            key, _, line = line.partition(":")
        lists.setdefault(key, []).extend(line.split())
    return {key: tuple(words) for key, words in lists.items()}


REGIONS = {"NE": ("North East", "N"), "LDN": ("London", "L"), "WAL": ("Wales", "W")}  # name, CRN letter
TEAMS_PER_PDU = 2
# PDU code | region | name | team name prefix | magistrates' court | Crown Court
PDUS = _rows("""
NEGH | NE | Gateshead and South Tyneside | Gateshead | Gateshead Magistrates' Court | Newcastle Crown Court
NENC | NE | Newcastle upon Tyne | Newcastle | Newcastle Magistrates' Court | Newcastle Crown Court
LDCI | LDN | Camden and Islington | Camden | Highbury Corner Magistrates' Court | Wood Green Crown Court
LDLS | LDN | Lambeth and Southwark | Lambeth | Camberwell Green Magistrates' Court | Inner London Crown Court
WACV | WAL | Cardiff and Vale of Glamorgan | Cardiff | Cardiff Magistrates' Court | Cardiff Crown Court
WASW | WAL | Swansea, Neath and Port Talbot | Swansea | Swansea Magistrates' Court | Swansea Crown Court
""")
# PDU code | town: its postcode districts | ...
TOWNS = {
    pdu: tuple((town.strip(), tuple(districts.split())) for town, districts in (c.split(":") for c in cells))
    for pdu, *cells in _rows("""
NEGH | Gateshead: NE8 NE9 NE10 | South Shields: NE33 NE34 | Jarrow: NE32
NENC | Newcastle upon Tyne: NE1 NE4 NE5 NE6 NE15
LDCI | London: N1 N7 N19 NW1 NW5
LDLS | London: SE1 SE5 SE11 SE15 SW2 SW9
WACV | Cardiff: CF10 CF11 CF14 CF24 | Barry: CF62 CF63
WASW | Swansea: SA1 SA5 SA6 | Neath: SA11 | Port Talbot: SA12
""")
}
STREETS = _lines("""
Station Road
High Street
Church Lane
Victoria Street
Albert Road
Park Avenue
Queen Street
Mill Lane
Chapel Street
Front Street
Coronation Terrace
Elm Grove
Beech Close
Windsor Crescent
Hawthorn Drive
""")


@dataclass(frozen=True)
class Background:
    ethnicity: str
    share: dict[str, int]  # weight per region code
    language: str  # main language for some, besides English
    speaks: float  # share whose main language it is
    interpreter: float  # share of those who need an interpreter
    religions: tuple[str, ...]  # drawn at random; "" is not recorded


# background | ethnicity | weight in NE LDN WAL | language, share, share needing interpreter | religions
BACKGROUNDS = {
    name: Background(
        ethnicity,
        dict(zip(REGIONS, map(int, share.split()), strict=True)),
        language.split()[0],
        float(language.split()[1]),
        float(language.split()[2]),
        tuple(r.strip() for r in religions.split(",")),
    )
    for name, ethnicity, share, language, religions in _rows("""
british | WHITE | 86 42 87 | English 0 0      | No religion, No religion, Christian, Christian, Catholic,
asian   | ASIAN | 5 14 4   | Urdu 0.15 0.5    | Muslim, Muslim, Muslim, Sikh, Hindu, No religion
black   | BLACK | 2 22 2   | Somali 0.1 0.5   | Christian, Christian, Muslim, No religion,
mixed   | MIXED | 2 9 2    | English 0 0      | No religion, No religion, Christian,
polish  | WHITE | 3 4 3    | Polish 0.6 0.4   | Catholic, Catholic, No religion
romanian| WHITE | 1 4 1    | Romanian 0.6 0.4 | Christian Orthodox, Christian Orthodox, No religion
other   | OTHER | 1 5 1    | Arabic 0.6 0.5   | Muslim, Muslim, No religion
""")
}
# "<background> male|female|surname" lists; "<region> surname|male|female" lists are local names
# mixed into the British ones.
NAMES = _word_lists("""
british male: James John Michael David Daniel Thomas Christopher Matthew Andrew Mark Paul Steven Lee
    Craig Ryan Jordan Liam Connor Kieran Jamie Shaun Darren Gary Kevin Wayne Scott Callum Aaron Nathan
    Jack Joshua Luke Adam Dean Carl Anthony Stephen Robert Peter Gareth Bradley Kyle Jake Lewis Sean Ben
british female: Sarah Emma Laura Rebecca Gemma Kelly Nicola Amy Jade Leanne Stacey Danielle Hannah
    Chloe Jessica Rachel Lisa Claire Michelle Natalie Charlotte Samantha Kirsty Shannon Megan
british surname: Smith Taylor Brown Wilson Johnson Robinson Wright Thompson Walker White Green Hall
    Wood Jackson Clarke Harris Turner Hill Scott Cooper Ward Morris King Baker Watson Harrison Young
    Allen Mitchell Carter Parker Moore Marshall Kelly Murphy O'Brien Campbell Stewart Anderson Graham
asian male: Mohammed Imran Ali Hassan Bilal Zain Asif Tariq Sanjay Rajesh Arjun Harpreet Kamran
asian female: Aisha Fatima Priya Nadia Sana Amina Ayesha Harjit
asian surname: Khan Ahmed Hussain Ali Patel Iqbal Mahmood Rahman Singh Sharma Chowdhury Akhtar
    Malik Miah Shah
black male: Kwame Kofi Tunde Chidi Emeka Jermaine Tyrone Marcus Andre Darnell Femi Ibrahim Abdi Kareem
    Dwayne Leon Nathaniel Joel Samuel
black female: Abena Ngozi Chantelle Shanice Tanisha Grace Blessing Amara Hodan Precious
black surname: Okafor Adeyemi Mensah Owusu Boateng Campbell Williams Francis Henry Clarke Osei Adebayo
    Mohamed Hassan Okoro Reid Grant
mixed male: Jordan Tyler Kai Reece Marcus Jayden Levi Elijah Isaac Dante
mixed female: Jasmine Keisha Leah Mia Tia Aaliyah
mixed surname: Campbell Williams Brown Thomas Johnson Clarke Lewis Walker Henry Francis
polish male: Piotr Tomasz Marek Krzysztof Pawel Lukasz Kamil Dawid
polish female: Agnieszka Katarzyna Magdalena Joanna
polish surname: Nowak Wojcik Kowalczyk Mazur Krawczyk Kaczmarek Pawlak
romanian male: Andrei Ionut Mihai Florin Alexandru Bogdan Cristian
romanian female: Ioana Elena Andreea Maria
romanian surname: Popescu Ionescu Popa Dumitru Stan Munteanu Stoica
other male: Omar Yusuf Ahmad Karim Mustafa Hamid
other female: Leila Mariam Zahra
other surname: Haddad Saleh Nasser Rahimi Ahmadi Karimi
NE surname: Robson Charlton Milburn Armstrong Dodds Elliott Forster Nixon Hutchinson Bell Heslop
LDN surname: Murphy O'Connor Doyle Kennedy Byrne
WAL surname: Jones Williams Davies Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price Rees Powell
    Pritchard Llewellyn Bevan Vaughan Howells Jenkins Phillips
WAL male: Rhys Dylan Owen Gethin Iwan Aled Dafydd Emyr
WAL female: Sian Bethan Carys Ffion Cerys Nia
""")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# RoSH it usually comes with ("-": only with its MAPPA category) | offence | kinds
OFFENCES = _rows("""
LOW | Theft from a shop | acquisitive
LOW | Criminal damage |
LOW | Driving with excess alcohol |
LOW | Fraud by false representation |
LOW | Possession of a class A drug |
LOW | Handling stolen goods | acquisitive
LOW | Burglary (non-dwelling) | acquisitive
MEDIUM | Assault occasioning actual bodily harm |
MEDIUM | Burglary (dwelling) | acquisitive
MEDIUM | Assault by beating (domestic) | domestic
MEDIUM | Possession with intent to supply a class A drug |
MEDIUM | Possession of a bladed article |
MEDIUM | Affray |
MEDIUM | Harassment |
MEDIUM | Coercive and controlling behaviour | domestic
MEDIUM | Breach of a restraining order |
MEDIUM | Theft from the person | acquisitive
HIGH | Wounding (section 20) | violent
HIGH | Robbery | acquisitive violent
HIGH | Stalking involving fear of violence | domestic stalking
HIGH | Arson |
HIGH | Possession of a firearm |
HIGH | Assault occasioning actual bodily harm (domestic) | domestic
VERY_HIGH | Wounding with intent (section 18) | violent
VERY_HIGH | Manslaughter | violent
VERY_HIGH | Arson endangering life |
- | Sexual assault | sexual
- | Making indecent photographs of a child | sexual
- | Sexual communication with a child | sexual
- | Rape | sexual
""")


def _offences(*, rosh: str = "", kind: str = "") -> tuple[str, ...]:
    return tuple(o for level, o, kinds in OFFENCES if level == rosh or kind in kinds.split())


LICENCE_CONDITIONS = _lines("""
Reside at an address approved by the supervising officer
Not to approach or communicate with the victim without prior approval of the supervising officer
Attend all appointments arranged with a psychiatrist, psychologist or medical practitioner
Submit to drug testing as required by the supervising officer
Not to enter the exclusion zone shown on the attached map without prior approval
Notify the supervising officer of any developing intimate relationship
""")
PSS_REQUIREMENTS = _lines("""
PSS: attend appointments with a drug worker
PSS: submit to drug testing
PSS: keep in touch with the supervisor as instructed
""")
DISABILITIES = _lines("""
Uses a walking stick: needs ground-floor rooms
Hearing impairment: needs an induction loop
Learning disability: needs easy-read letters and extra time
Diabetes (type 1)
Anxiety and depression: prefers morning appointments
""")
NEURODIVERGENCE = ("ADHD", "Dyslexia", "Autism", "Acquired brain injury", "Dyspraxia")
REGISTRATION_NOTES = dict(
    _rows("""
ADVP | Police call-outs to the home address in the last 12 months; current partner at the address.
ADVV | Disclosed abuse by a former partner; safety plan agreed with the IDVA.
RCPR | Children on a child protection plan; social worker told of the sentence.
RCCO | Children's services involved with the family; checks requested.
RMDO | Under the community mental health team; medication reviewed by the GP.
ALSH | History of self-harm when in crisis; crisis numbers given.
RVLN | Vulnerable to exploitation by associates.
RSTO | Threats made to staff at a previous office appointment.
STRG | Police intelligence links the person to a local street gang.
IIOM | Managed as an integrated offender management nominal.
""")
)
ROSH_WEIGHTS = {RoshLevel.LOW: 35, RoshLevel.MEDIUM: 45, RoshLevel.HIGH: 17, RoshLevel.VERY_HIGH: 3}
MAPPA_CHANCE: dict[str, float] = {
    RoshLevel.LOW: 0,
    RoshLevel.MEDIUM: 0.02,
    RoshLevel.HIGH: 0.15,
    RoshLevel.VERY_HIGH: 0.7,
}
# The range of reoffending predictor (RSR %) scores drawn for each RoSH level.
RSR_RANGE: dict[str, tuple[float, float]] = {
    RoshLevel.LOW: (0.2, 4),
    RoshLevel.MEDIUM: (1, 8),
    RoshLevel.HIGH: (3, 12),
    RoshLevel.VERY_HIGH: (4, 15),
}
ROSH_POINTS: dict[str, int] = {
    RoshLevel.LOW: 0,
    RoshLevel.MEDIUM: 10,
    RoshLevel.HIGH: 20,
    RoshLevel.VERY_HIGH: 150,
}
ROSH_REGISTRATION: dict[str, str] = {RoshLevel.HIGH: "RHRH", RoshLevel.VERY_HIGH: "RVHR"}
ORDER_WEIGHTS = {OrderType.CO: 45, OrderType.SSO: 20, OrderType.LICENCE: 30, OrderType.PSS: 5}


# --- The plan: plain data, the same for the same seed, anchor and size ------------------------


@dataclass(frozen=True)
class TeamPlan:
    code: str
    name: str
    pdu_code: str
    pdu_name: str
    region_code: str
    courts: tuple[str, str]  # magistrates', Crown

    @property
    def towns(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return TOWNS[self.pdu_code]


@dataclass(frozen=True)
class StaffPlan:
    username: str
    first_name: str
    last_name: str
    role: str
    grade: str = ""
    team_code: str | None = None
    staff_code: str = ""
    is_superuser: bool = False


@dataclass(frozen=True)
class PersonDetails:
    """Exactly the Person fields create_person takes as keyword arguments."""

    first_name: str
    last_name: str
    date_of_birth: date
    gender: str
    ethnicity: str
    religion: str
    language: str
    interpreter_required: bool
    pnc_number: str
    phone: str
    email: str
    disability: str
    neurodivergence: str
    neurodivergence_details: str
    rosh: str
    tier: str
    restriction_message: str = ""
    exclusion_message: str = ""


@dataclass(frozen=True)
class AddressPlan:
    start_date: date
    line1: str = ""
    town: str = ""
    postcode: str = ""
    no_fixed_abode: bool = False


@dataclass(frozen=True)
class RequirementPlan:
    category: str
    description: str
    length: int | None = None
    delivered: int = 0


@dataclass(frozen=True)
class SentencePlan:
    order_type: str
    offence: str
    court: str
    sentence_date: date
    start_date: date
    expected_end_date: date
    is_hdc: bool = False
    requirements: tuple[RequirementPlan, ...] = ()


@dataclass(frozen=True)
class RegistrationPlan:
    code: str
    registered_on: date
    review_due: date
    mappa_category: int | None = None
    mappa_level: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class PersonPlan:
    crn: str
    team_code: str
    practitioner: str | None  # username; None while awaiting allocation
    details: PersonDetails
    addresses: tuple[AddressPlan, ...]  # oldest first
    sentences: tuple[SentencePlan, ...]  # oldest first: the last is the current one
    registrations: tuple[RegistrationPlan, ...]


@dataclass(frozen=True)
class AccessRulePlan:
    crn: str
    username: str
    kind: str
    reason: str


@dataclass(frozen=True)
class DemoPlan:
    teams: tuple[TeamPlan, ...]
    staff: tuple[StaffPlan, ...]
    people: tuple[PersonPlan, ...]
    access_rules: tuple[AccessRulePlan, ...]


def build_demo_plan(seed: int, anchor: date, people: int) -> DemoPlan:
    """The whole demo dataset as plain data. Pure: equal inputs give an equal plan."""
    rng = random.Random(seed)
    teams = tuple(
        TeamPlan(f"{pdu}{n:02d}", f"{prefix} Team {n}", pdu, name, region, (magistrates, crown))
        for pdu, region, name, prefix, magistrates, crown in PDUS
        for n in range(1, TEAMS_PER_PDU + 1)
    )
    staff = _staff(rng, teams)
    cases = _people(rng, anchor, teams, staff, people)
    cases, rules = _limit_access(cases, staff)
    return DemoPlan(teams=teams, staff=staff, people=cases, access_rules=rules)


def _staff(rng: random.Random, teams: tuple[TeamPlan, ...]) -> tuple[StaffPlan, ...]:
    """Per team an SPO and four practitioners; the demo sign-ins take places in the first team."""
    lead, readers = teams[0].code, teams[TEAMS_PER_PDU].code
    staff = [
        StaffPlan("practitioner", "Alex", "Morgan", Role.PRACTITIONER, Grade.PO, lead, f"{lead}P1"),
        StaffPlan("excluded", "Eve", "Thornton", Role.PRACTITIONER, Grade.PSO, lead, f"{lead}P2"),
        StaffPlan("spo", "Sam", "Okafor", Role.SPO, "", lead, f"{lead}S1"),
        StaffPlan("admin", "Aisha", "Rahman", Role.ADMIN, is_superuser=True),
        StaffPlan("quality", "Quinn", "Harper", Role.QUALITY_LEAD, "", lead),
        StaffPlan("readonly", "Rory", "Douglas", Role.READ_ONLY, "", readers),
    ]
    taken = {s.username for s in staff}
    for team in teams:
        slots = [(Role.PRACTITIONER, g) for g in (Grade.PO, Grade.PO, Grade.PSO, Grade.PQIP)] + [(Role.SPO, "")]
        if team.code == lead:  # the demo practitioner, colleague and SPO fill three places
            slots = [(Role.PRACTITIONER, Grade.PO), (Role.PRACTITIONER, Grade.PQIP)]
        for role, grade in slots:
            first, last = _name(rng, rng.choice(["british", "british", "asian", "black"]), rng.random() < 0.6)
            username = _unique(f"{first}.{last}".lower().replace("'", ""), taken)
            number = 1 + sum(s.team_code == team.code and s.role == role for s in staff)
            code = f"{team.code}{'S' if role == Role.SPO else 'P'}{number}"
            staff.append(StaffPlan(username, first, last, role, grade, team.code, code))
    return tuple(staff)


def _unique(username: str, taken: set[str]) -> str:
    candidate, n = username, 1
    while candidate in taken:
        n += 1
        candidate = f"{username}{n}"
    taken.add(candidate)
    return candidate


def _name(rng: random.Random, background: str, female: bool, region: str = "") -> tuple[str, str]:
    sex = "female" if female else "male"
    forenames, surnames = NAMES[f"{background} {sex}"], NAMES[f"{background} surname"]
    if background == "british" and f"{region} surname" in NAMES and rng.random() < 0.4:
        surnames = NAMES[f"{region} surname"]
        forenames = NAMES.get(f"{region} {sex}", forenames) if rng.random() < 0.5 else forenames
    return rng.choice(forenames), rng.choice(surnames)


def _people(
    rng: random.Random, anchor: date, teams: tuple[TeamPlan, ...], staff: tuple[StaffPlan, ...], count: int
) -> tuple[PersonPlan, ...]:
    """`practitioner` gets a full caseload (35 of 300); a few cases await allocation."""
    lead = teams[0]
    workers = {
        t.code: [s.username for s in staff if s.team_code == t.code and s.role == Role.PRACTITIONER] for t in teams
    }
    workers[lead.code].remove("practitioner")  # whose caseload is set, not drawn
    own = min(35, max(4, round(count * 35 / 300)))
    awaiting = max(2, count // 60)
    people = []
    for i, number in enumerate(rng.sample(range(100000, 1000000), count)):
        team = lead if i <= own else rng.choice(teams)
        worker = "practitioner" if i < own else None if i < own + awaiting else rng.choice(workers[team.code])
        crn = f"{REGIONS[team.region_code][1]}{number}"
        people.append(_person(rng, anchor, crn, team, worker, featured=i == 0))
    return tuple(people)


def _person(
    rng: random.Random, anchor: date, crn: str, team: TeamPlan, worker: str | None, *, featured: bool
) -> PersonPlan:
    rosh = RoshLevel.HIGH if featured else _weighted(rng, ROSH_WEIGHTS)
    mappa = (2, 2) if featured else _mappa(rng, rosh)
    kind = {1: "sexual", 2: "violent"}.get(mappa[0], "") if mappa else ""
    offence = rng.choice(_offences(kind=kind) if kind else _offences(rosh=rosh))
    female = rng.random() < 0.12
    sentences = _sentences(rng, anchor, team, offence, mappa, awaiting=worker is None)
    registrations = _registrations(rng, anchor, rosh, mappa, offence, female, team.region_code)
    tier = _tier(rng, rosh, mappa, registrations, sentences[-1])
    details = _details(rng, anchor, team, female, rosh, tier)
    addresses = _addresses(rng, anchor, team, sentences[-1].start_date)
    return PersonPlan(crn, team.code, worker, details, addresses, sentences, registrations)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _mappa(rng: random.Random, rosh: str) -> tuple[int, int] | None:
    """(category, level) for about 5% of cases, nearly all high or very high RoSH."""
    if rng.random() >= MAPPA_CHANCE[rosh]:
        return None
    category = _weighted(rng, {1: 5, 2: 4, 3: 1})
    if rosh == RoshLevel.VERY_HIGH:
        return category, rng.choice([2, 2, 3])
    return category, 1 if rosh == RoshLevel.MEDIUM or rng.random() < 0.6 else 2


def _sentences(
    rng: random.Random,
    anchor: date,
    team: TeamPlan,
    offence: str,
    mappa: tuple[int, int] | None,
    *,
    awaiting: bool,
) -> tuple[SentencePlan, ...]:
    """The current sentence, after an older, expired one for about one case in ten."""
    order_type = _weighted(rng, ORDER_WEIGHTS)
    if mappa and mappa[0] == 2:
        order_type = OrderType.LICENCE  # category 2 needs 12 months' custody or more
    months = 12 if order_type == OrderType.PSS else rng.choice([6, 9, 12, 12, 18, 18, 24, 24, 36])
    elapsed = rng.randint(1, 6) if awaiting else rng.randint(0, min(730, months * 30 - 14))
    start = anchor - timedelta(days=elapsed)
    current = _sentence(rng, anchor, team, order_type, offence, start, months, hdc_ok=mappa is None)
    if awaiting or rng.random() >= 0.1:
        return (current,)
    old_start = start - timedelta(days=rng.randint(400, 900))
    old = _sentence(rng, anchor, team, OrderType.CO, rng.choice(_offences(rosh="LOW")), old_start, 12, hdc_ok=False)
    return replace(old, expected_end_date=min(old.expected_end_date, start - timedelta(days=30))), current


def _sentence(
    rng: random.Random,
    anchor: date,
    team: TeamPlan,
    order_type: str,
    offence: str,
    start: date,
    months: int,
    *,
    hdc_ok: bool,
) -> SentencePlan:
    end = start + relativedelta(months=months)
    magistrates, crown = team.courts
    is_hdc = order_type == OrderType.LICENCE and hdc_ok and rng.random() < 0.3
    if order_type in (OrderType.CO, OrderType.SSO):
        court = magistrates if rng.random() < (0.7 if order_type == OrderType.CO else 0.3) else crown
        requirements = _order_requirements(rng, anchor, team, offence, start, end)
        return SentencePlan(order_type, offence, court, start, start, end, False, requirements)
    # Released at the halfway point of the custodial sentence; earlier on home detention curfew.
    sentenced = start - relativedelta(months=months) + timedelta(days=rng.randint(60, 150) if is_hdc else 0)
    court = crown if order_type == OrderType.LICENCE else magistrates
    requirements = _licence_conditions(rng, anchor, order_type, offence, start, is_hdc)
    return SentencePlan(order_type, offence, court, min(sentenced, start), start, end, is_hdc, requirements)


def _order_requirements(
    rng: random.Random, anchor: date, team: TeamPlan, offence: str, start: date, end: date
) -> tuple[RequirementPlan, ...]:
    done = max(0.0, min(1.0, (anchor - start).days / (end - start).days))
    months_in = (anchor - start).days // 30
    found: list[RequirementPlan] = []
    if rng.random() < 0.6:
        days = rng.choice([10, 15, 20, 20, 25, 30, 40])
        # The inspectorate found no RAR activity at all in about half of the cases it read.
        delivered = 0 if rng.random() < 0.2 else min(days, round(days * done * rng.uniform(0.5, 1.3)))
        found.append(RequirementPlan(Req.RAR, f"Up to {days} days", days, delivered))
    if rng.random() < 0.45 or not found:
        hours = rng.choice([40, 60, 80, 100, 120, 150, 180, 200, 240, 300])
        # Unpaid work must be finished within 12 months.
        delivered = min(hours, round(hours * min(1.0, months_in / 12) * rng.uniform(0.4, 1.2)))
        found.append(RequirementPlan(Req.UPW, f"{hours} hours", hours, delivered))
    domestic = "domestic" in _kinds(offence)
    if domestic or rng.random() < 0.1:
        name, sessions = ("Building Better Relationships", 24) if domestic else ("Thinking Skills Programme", 19)
        delivered = max(0, min(sessions, round(sessions * (done * 1.6 - 0.2))))
        found.append(RequirementPlan(Req.PROGRAMME, name, sessions, delivered))
    if rng.random() < 0.12:
        found += _monitored_curfew("Curfew at the home address", rng.choice([2, 3, 4, 6]), months_in)
    extras = (
        (0.08, Req.DRUG, "6 months, non-residential, with drug testing"),
        (0.06, Req.ALCOHOL, "6 months, community alcohol service"),
        (0.05, Req.MENTAL_HEALTH, "12 months, primary care psychological therapy"),
        (0.03, Req.EXCLUSION, f"Not to enter {team.towns[0][0]} town centre between 18:00 and 06:00"),
        (0.02, Req.PROHIBITED_ACTIVITY, "Not to enter licensed premises"),
    )
    found += [RequirementPlan(category, text) for chance, category, text in extras if rng.random() < chance]
    if rng.random() < 0.04:
        found.append(RequirementPlan(Req.EM, "Alcohol abstinence monitoring (transdermal tag)", 4, min(4, months_in)))
    return tuple(found)


def _licence_conditions(
    rng: random.Random, anchor: date, order_type: str, offence: str, start: date, is_hdc: bool
) -> tuple[RequirementPlan, ...]:
    if order_type == OrderType.PSS:
        texts = rng.sample(PSS_REQUIREMENTS, rng.randint(1, 2))
        return tuple(RequirementPlan(Req.LICENCE_CONDITION, text) for text in texts)
    texts = rng.sample(LICENCE_CONDITIONS, rng.randint(1, 3))
    if "sexual" in _kinds(offence):
        texts.append("Not to have unsupervised contact with any child under 18 without prior approval")
    found = [RequirementPlan(Req.LICENCE_CONDITION, text) for text in texts]
    months_in = (anchor - start).days // 30
    if is_hdc:
        found += _monitored_curfew("Home detention curfew at the approved address", rng.randint(2, 4), months_in)
    elif rng.random() < 0.08:
        found.append(RequirementPlan(Req.EM, "GPS trail monitoring with an exclusion zone", 6, min(6, months_in)))
    return tuple(found)


def _monitored_curfew(label: str, months: int, months_in: int) -> list[RequirementPlan]:
    """A curfew and the electronic monitoring that enforces it."""
    served = min(months, months_in)
    return [
        RequirementPlan(Req.CURFEW, f"{label}, 19:00 to 07:00", months, served),
        RequirementPlan(Req.EM, f"{label}: radio frequency tag", months, served),
    ]


def _kinds(offence: str) -> list[str]:
    return next(kinds.split() for _, o, kinds in OFFENCES if o == offence)


def _registrations(
    rng: random.Random,
    anchor: date,
    rosh: str,
    mappa: tuple[int, int] | None,
    offence: str,
    female: bool,
    region: str,
) -> tuple[RegistrationPlan, ...]:
    kinds = _kinds(offence)
    codes = [ROSH_REGISTRATION[rosh]] if rosh in ROSH_REGISTRATION else []
    chances = {  # about 20% domestic abuse perpetrators, 25% mental health, 5% MAPPA overall
        "ADVP": 1.0 if "domestic" in kinds else 0.0 if female else 0.05,
        "ADVV": 0.25 if female else 0.02,
        "RCHD": 1.0 if "sexual" in kinds else 0.02,
        "RMDO": 0.25,
        "RVLN": 0.06,
        "RSTO": 0.1 if rosh in (RoshLevel.HIGH, RoshLevel.VERY_HIGH) else 0.01,
        "STRG": 0.06 if region == "LDN" else 0.02,
        "IIOM": 0.3 if "acquisitive" in kinds else 0.02,
        "SPO": 1.0 if "stalking" in kinds else 0.0,
    }
    codes += [code for code, chance in chances.items() if rng.random() < chance]
    if rng.random() < (0.25 if "ADVP" in codes else 0.05):
        codes.append(rng.choice(["RCCO", "RCCO", "RCPR"]))
    if rng.random() < (0.2 if "RMDO" in codes else 0.04):
        codes.append("ALSH")
    found = [_registration(rng, anchor, code, REGISTRATION_NOTES.get(code, "")) for code in codes]
    if mappa:
        category, level = mappa
        mappa_registration = _registration(rng, anchor, "MAPP", f"Category {category}, managed at level {level}.")
        found.append(replace(mappa_registration, mappa_category=category, mappa_level=level))
    return tuple(found)


def _registration(rng: random.Random, anchor: date, code: str, notes: str) -> RegistrationPlan:
    """About one registration in ten is past its review date."""
    months = REVIEW_MONTHS[code]
    if rng.random() < 0.1:
        review_due = anchor - timedelta(days=rng.randint(3, 60))
    else:
        review_due = anchor + timedelta(days=rng.randint(7, months * 30))
    registered_on = min(anchor, review_due - relativedelta(months=months * rng.randint(1, 2)))
    return RegistrationPlan(code, registered_on, review_due, notes=notes)


def _tier(
    rng: random.Random,
    rosh: str,
    mappa: tuple[int, int] | None,
    registrations: tuple[RegistrationPlan, ...],
    sentence: SentencePlan,
) -> str:
    """Legacy tier (A-D protect, 0-3 change) from the hmpps-tier points (reference/standards.md §3.5)."""
    rsr = rng.uniform(*RSR_RANGE[rosh])
    rsr_points = 20 if rsr >= 7 else 10 if rsr >= 3 else 0
    mappa_points = {1: 5, 2: 150, 3: 150}[mappa[1]] if mappa else 0
    complexity = 2 * sum(r.code in COMPLEXITY_CODES for r in registrations)
    protect = max(ROSH_POINTS[rosh], rsr_points) + mappa_points + complexity
    band = "A" if protect >= 150 else "B" if protect >= 20 else "C" if protect >= 10 else "D"
    restrictive_only = {r.category for r in sentence.requirements} <= RESTRICTIVE
    if sentence.order_type in (OrderType.CO, OrderType.SSO) and restrictive_only:
        return f"{band}0"  # no mandate for change
    iom = any(r.code == "IIOM" for r in registrations)
    needs = rng.randint(0, 16) + rng.randint(5, 95) // 10 + (2 if iom else 0)  # needs + OGRS/10 + IOM
    return f"{band}{3 if needs >= 20 else 2 if needs >= 10 else 1}"


def _details(rng: random.Random, anchor: date, team: TeamPlan, female: bool, rosh: str, tier: str) -> PersonDetails:
    name = _weighted(rng, {name: b.share[team.region_code] for name, b in BACKGROUNDS.items()})
    background = BACKGROUNDS[name]
    first, last = _name(rng, name, female, team.region_code)
    age = int(rng.triangular(18, 70, 29))
    dob = anchor - timedelta(days=age * 365 + rng.randint(0, 364))
    language = background.language if rng.random() < background.speaks else "English"
    if name == "british" and team.region_code == "WAL" and rng.random() < 0.05:
        language = "Welsh"  # by choice: no interpreter needed
    neurodivergence = rng.choices(["", "NONE", "DECLARED", "PREFER_NOT"], weights=[40, 35, 20, 5])[0]
    email = f"{first}.{last}{rng.randint(1, 99)}@example.com".lower().replace("'", "")
    return PersonDetails(
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        gender="F" if female else "M",
        ethnicity=rng.choice([background.ethnicity] * 30 + ["NOT_STATED", ""]),
        religion=rng.choice(background.religions),
        language=language,
        interpreter_required=language not in ("English", "Welsh") and rng.random() < background.interpreter,
        pnc_number=_pnc(rng, dob, anchor) if rng.random() < 0.92 else "",
        phone=f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.85 else "",  # Ofcom's drama range
        email=email if rng.random() < 0.15 else "",
        disability=rng.choice(DISABILITIES) if rng.random() < 0.15 else "",
        neurodivergence=neurodivergence,
        neurodivergence_details=rng.choice(NEURODIVERGENCE) if neurodivergence == "DECLARED" else "",
        rosh=rosh,
        tier=tier,
    )


def _pnc(rng: random.Random, dob: date, anchor: date) -> str:
    year = rng.randint(min(dob.year + 14, anchor.year), anchor.year)
    return f"{year}/{rng.randint(0, 9999999):07d}{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}"


def _addresses(rng: random.Random, anchor: date, team: TeamPlan, supervised_from: date) -> tuple[AddressPlan, ...]:
    """A current main address (4% no fixed abode); a third moved while supervised, so have a previous one."""
    moved = rng.random() < 0.33
    if moved:
        start = supervised_from + timedelta(days=rng.randint(0, (anchor - supervised_from).days))
    else:
        start = supervised_from - timedelta(days=rng.randint(90, 3000))
    current = AddressPlan(start, no_fixed_abode=True) if rng.random() < 0.04 else _address(rng, team, start)
    if not moved:
        return (current,)
    return _address(rng, team, start - timedelta(days=rng.randint(180, 2500))), current


def _address(rng: random.Random, team: TeamPlan, start: date) -> AddressPlan:
    town, districts = rng.choice(team.towns)
    postcode = f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    line1 = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    if rng.random() < 0.25:
        line1 = f"Flat {rng.randint(1, 24)}, {line1}"
    return AddressPlan(start, line1, town, postcode)


def _limit_access(
    people: tuple[PersonPlan, ...], staff: tuple[StaffPlan, ...]
) -> tuple[tuple[PersonPlan, ...], tuple[AccessRulePlan, ...]]:
    """Restrict two of `practitioner`'s cases to them and their SPO, and exclude `excluded` from one."""
    own = [p for p in people if p.practitioner == "practitioner"]
    restricted, excluded_from = (own[1].crn, own[2].crn), own[1].crn
    spo = next(s for s in staff if s.username == "spo")
    reason = "The person is related to a member of staff in the PDU"
    rules = [
        AccessRulePlan(crn, username, AccessRuleKind.RESTRICTION, reason)
        for crn in restricted
        for username in ("practitioner", "spo")
    ]
    rules.append(AccessRulePlan(excluded_from, "excluded", AccessRuleKind.EXCLUSION, "Knows the person's family"))
    restriction = f"Only the case manager and {spo.first_name} {spo.last_name} (SPO) may see this case."
    limited = []
    for p in people:
        if p.crn in restricted:
            exclusion = "Named staff are excluded from this case." if p.crn == excluded_from else ""
            details = replace(p.details, restriction_message=restriction, exclusion_message=exclusion)
            p = replace(p, details=details)
        limited.append(p)
    return tuple(limited), tuple(rules)


# --- Applying the plan -------------------------------------------------------------------------


def _fields(plan: Any, *leave_out: str) -> dict[str, Any]:
    """A plan dataclass's fields as service keyword arguments (shallow, unlike asdict)."""
    return {f.name: getattr(plan, f.name) for f in fields(plan) if f.name not in leave_out}


def apply_demo_plan(plan: DemoPlan, *, password_hash: str) -> None:
    """Write the plan through cases.services in one transaction, audited as the seed_demo command."""
    # Quietly: no re-evaluation task per case; `seed_demo_supervision` and the nightly run evaluate them.
    with transaction.atomic(), pghistory.context(command="seed_demo"), changes.quietly():
        teams = _apply_teams(plan.teams)
        staff = _apply_staff(plan.staff, teams, password_hash)
        spos = {user.team_id: user for user in staff.values() if user.role == Role.SPO}
        types = {t.code: t for t in RegistrationType.objects.all()}
        people = {p.crn: _apply_person(p, teams[p.team_code], staff, spos, types) for p in plan.people}
        for rule in plan.access_rules:
            CaseAccessRule.objects.create(
                person=people[rule.crn], user=staff[rule.username], kind=rule.kind, reason=rule.reason
            )


def _apply_teams(plans: tuple[TeamPlan, ...]) -> dict[str, Team]:
    teams = {}
    for t in plans:
        region, _ = Region.objects.get_or_create(code=t.region_code, defaults={"name": REGIONS[t.region_code][0]})
        pdu, _ = PDU.objects.get_or_create(code=t.pdu_code, defaults={"name": t.pdu_name, "region": region})
        teams[t.code], _ = Team.objects.get_or_create(code=t.code, defaults={"name": t.name, "pdu": pdu})
    return teams


def _apply_staff(plans: tuple[StaffPlan, ...], teams: dict[str, Team], password_hash: str) -> dict[str, User]:
    """Demo sign-ins share one password hash; everyone else cannot sign in until given a password."""
    staff = {}
    for s in plans:
        user = User(
            **_fields(s, "team_code"),
            team=teams[s.team_code] if s.team_code else None,
            email=f"{s.username}@justice.example",
            is_staff=s.is_superuser,
        )
        if s.username in DEMO_USERNAMES:
            user.password = password_hash
        else:
            user.set_unusable_password()
        user.save()
        staff[s.username] = user
    return staff


def _apply_person(
    plan: PersonPlan,
    team: Team,
    staff: dict[str, User],
    spos: dict[int | None, User],
    types: dict[str, RegistrationType],
) -> Person:
    practitioner = staff[plan.practitioner] if plan.practitioner else None
    spo = spos[team.pk]
    by = practitioner or spo
    rationale = "Allocated on grade and capacity" if practitioner else "New case from court: awaiting allocation"
    person = services.create_person(
        crn=plan.crn,
        team=team,
        practitioner=practitioner,
        rationale=rationale,
        by=spo,
        **_fields(plan.details),
    )
    for address in plan.addresses:
        services.change_main_address(person, by=by, **_fields(address))
    for s in plan.sentences:
        sentence = services.add_sentence(person, by=by, **_fields(s, "requirements"))
        for requirement in s.requirements:
            services.add_requirement(sentence, by=by, **_fields(requirement))
    for r in plan.registrations:
        services.add_registration(person, registration_type=types[r.code], by=by, **_fields(r, "code"))
    return person


# --- The command -------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Load demo data (regions, teams, staff, ~300 people on probation) into an empty database. "
        f"DEMO ONLY: the sign-ins {', '.join(DEMO_USERNAMES)} share the password '{DEMO_PASSWORD}'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any person is already recorded")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (creates sign-ins with a published password)",
        )
        parser.add_argument("--people", type=int, default=300, help="How many people on probation (default 300)")

    def handle(self, *args: Any, if_empty: bool, force: bool, people: int, **options: Any) -> None:
        existing = Person.objects.count()
        if existing and if_empty:
            self.stdout.write(f"seed_demo: the database already holds {existing} people; nothing loaded.")
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a live service. seed_demo creates sign-ins with a published "
                "password; run it with --force only if this database is for demonstration."
            )
        if existing:
            raise CommandError(
                f"The database already holds {existing} people and case records cannot be deleted, so demo "
                "data can only be loaded into an empty database. Use --if-empty to skip quietly."
            )
        if people < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}")
        started = time.monotonic()
        plan = build_demo_plan(DEMO_SEED, timezone.localdate(), people)
        clashes = User.objects.filter(username__in=[s.username for s in plan.staff]).values_list("username", flat=True)
        if clashes:
            raise CommandError(f"These usernames already exist: {', '.join(sorted(clashes))}")
        needed = {r.code for p in plan.people for r in p.registrations}
        if missing := needed - set(RegistrationType.objects.values_list("code", flat=True)):
            raise CommandError(f"Registration types {', '.join(sorted(missing))} are missing: run the migrations.")
        apply_demo_plan(plan, password_hash=make_password(DEMO_PASSWORD))
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"seed_demo: loaded {_summary(plan)} in {elapsed:.1f}s."))
        self.stdout.write("`manage.py demo_signins` lists the demo sign-ins.")


def _summary(plan: DemoPlan) -> str:
    sentences = [s for p in plan.people for s in p.sentences]
    counts = {
        "teams": len(plan.teams),
        "staff": len(plan.staff),
        "people": len(plan.people),
        "sentences": len(sentences),
        "requirements": sum(len(s.requirements) for s in sentences),
        "registrations": sum(len(p.registrations) for p in plan.people),
        "access rules": len(plan.access_rules),
    }
    return ", ".join(f"{n} {what}" for what, n in counts.items())
