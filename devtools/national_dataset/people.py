"""The cases side of the synthetic national dataset (`manage.py generate_national_dataset`).

12 regions, 100 PDUs, 1,000 teams, 8,000 practitioners and 1,000 SPOs, and `--people` (default
250,000) people on probation with an allocation, an address, one or two sentences with their
requirements, risk registrations and a few hundred limited-access rules. The same seed and
`--as-of` date always give the same rows, with the same UUIDs.

Rows are streamed with PostgreSQL COPY (psycopg 3 `cursor.copy`), never saved one by one through
the ORM: per-row saves (factories) are far too slow for ~1.8 million rows.

Audit triggers are skipped: synthetic benchmark data is not a change to anyone's case record, and
a pghistory event for each of ~1.8 million rows would double the writes and the size for nothing.
`SET LOCAL session_replication_role = replica` skips them for this transaction only; it needs a
superuser, which the embedded server's `postgres` user is. Where it is not permitted the load
still runs, with the triggers (and their events). Replica mode also skips foreign-key checks, so
`verify` checks every reference itself before the transaction commits.

The load's steps are listed in order in `devtools.national_dataset.STEPS`. Each step gets the shared `Dataset`
(organisation ids, and the per-person plan made by `load_people`) and a psycopg cursor, streams
its rows with `copy_rows` in chunks so memory stays flat, and draws from its own random stream
(`dataset.rng("step")`), so adding a step (contacts: ~10 million rows) changes no other table.
"""

from __future__ import annotations

import random
import uuid
from array import array
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.management.base import CommandError

from cases.models import CATEGORY_UNITS, RegistrationType, RequirementCategory

CHUNK = 25_000  # people per COPY batch in the per-person steps

# fmt: off
# Region code and name → PDU names. 100 PDUs; each gets TEAMS_PER_PDU teams.
REGIONS: list[tuple[str, str, list[str]]] = [
    ("NE", "North East", [
        "Gateshead and South Tyneside", "Newcastle upon Tyne", "North Tyneside and Northumberland",
        "Sunderland", "County Durham and Darlington", "Redcar, Cleveland and Middlesbrough",
        "Stockton and Hartlepool"]),
    ("NW", "North West", [
        "Cumbria", "Lancashire North", "Lancashire East", "Blackburn", "Blackpool", "Cheshire East",
        "Cheshire West", "Wirral", "Liverpool"]),
    ("GM", "Greater Manchester", [
        "Manchester North", "Manchester South", "Salford", "Bolton", "Wigan", "Oldham", "Rochdale",
        "Stockport", "Tameside", "Bury and Trafford"]),
    ("YH", "Yorkshire and the Humber", [
        "Leeds", "Bradford and Calderdale", "Kirklees", "Wakefield", "Sheffield", "Rotherham", "Doncaster",
        "Hull and East Riding", "North Yorkshire"]),
    ("EM", "East Midlands", [
        "Nottingham City", "Nottinghamshire", "Derby City", "Derbyshire", "Leicester",
        "Leicestershire and Rutland", "Lincolnshire", "Northamptonshire"]),
    ("WM", "West Midlands", [
        "Birmingham Central and South", "Birmingham North and East", "Coventry", "Dudley and Sandwell",
        "Walsall and Wolverhampton", "Staffordshire", "Stoke-on-Trent", "Warwickshire",
        "Herefordshire and Worcestershire"]),
    ("EE", "East of England", [
        "Bedfordshire", "Cambridgeshire and Peterborough", "Essex North", "Essex South", "Hertfordshire",
        "Norfolk", "Suffolk", "Southend"]),
    ("LDN", "London", [
        "Barnet, Enfield and Haringey", "Camden and Islington", "Croydon", "Ealing and Hillingdon",
        "Hackney and City", "Westminster, Kensington and Chelsea", "Lambeth", "Lewisham and Bromley",
        "Newham", "Southwark", "Tower Hamlets", "Wandsworth, Merton and Sutton"]),
    ("KSS", "Kent, Surrey and Sussex", [
        "Brighton and East Sussex", "West Sussex", "Surrey", "East Kent", "West Kent", "North Kent",
        "Medway", "Swale and Thanet"]),
    ("SC", "South Central", [
        "Hampshire North", "Hampshire South and Isle of Wight", "Portsmouth", "Southampton", "Oxfordshire",
        "Buckinghamshire and Milton Keynes", "Berkshire"]),
    ("SW", "South West", [
        "Bristol and South Gloucestershire", "Gloucestershire", "Wiltshire", "Dorset", "Devon and Torbay",
        "Cornwall and Isles of Scilly", "Somerset"]),
    ("WLS", "Wales", [
        "Cardiff and the Vale", "Swansea, Neath and Port Talbot", "Gwent", "North Wales", "Dyfed-Powys",
        "Cwm Taf Morgannwg"]),
]
POSTCODE_AREAS = {
    "NE": ["NE", "SR", "DH", "TS"], "NW": ["CA", "LA", "PR", "BB", "FY", "CW", "CH", "L"],
    "GM": ["M", "BL", "WN", "OL", "SK"], "YH": ["LS", "BD", "HD", "WF", "S", "DN", "HU", "YO"],
    "EM": ["NG", "DE", "LE", "LN", "NN"], "WM": ["B", "CV", "DY", "WS", "WV", "ST", "WR", "HR"],
    "EE": ["LU", "CB", "PE", "CO", "CM", "SG", "NR", "IP", "SS"],
    "LDN": ["N", "E", "SE", "SW", "W", "NW", "CR", "BR"], "KSS": ["BN", "RH", "GU", "CT", "TN", "ME", "DA"],
    "SC": ["SO", "PO", "OX", "HP", "MK", "RG", "SL"], "SW": ["BS", "GL", "SN", "BH", "DT", "EX", "TQ", "TR"],
    "WLS": ["CF", "SA", "NP", "LL", "SY", "LD"],
}
TEAMS_PER_PDU = 10
PRACTITIONERS_PER_TEAM = 8
# The commonest surnames in England and Wales, in order; `surname_table` weights them by rank.
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
    "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
    "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed",
    "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
    "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole", "Atkinson",
    "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose", "Booth", "Perry",
    "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman",
    "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
]
# A long tail of compound surnames (Ashworth, Kirkby...), as real surnames have: without it a
# search for "Smith" would match ten times more cases than in production.
SURNAME_STEMS = [
    "Ash", "Black", "Brad", "Brook", "Cald", "Carl", "Chal", "Clif", "Cran", "Dal", "Dun", "Elm", "Fair",
    "Fern", "Gold", "Hart", "Hay", "Hol", "Kirk", "Lang", "Lock", "Marl", "Mid", "Nor", "Oak", "Pen", "Rad",
    "Red", "Roth", "Shel", "Stan", "Sut", "Thorn", "Wal", "Whit", "Wick", "Wins", "Yar", "Bram", "Hather",
]
SURNAME_ENDINGS = [
    "ley", "ton", "worth", "field", "ford", "wood", "bury", "by", "well", "more", "ham", "stone", "bridge",
    "croft", "dale", "hurst", "land", "wick", "combe", "shaw", "den", "man", "son", "ridge", "low",
]
MALE_NAMES = [
    "Daniel", "James", "David", "Michael", "Thomas", "Christopher", "Matthew", "Ryan", "Andrew", "Jamie",
    "Liam", "Lewis", "Adam", "Luke", "Craig", "Mark", "Paul", "Lee", "Kyle", "Jordan", "Connor", "Callum",
    "Nathan", "Jack", "Joshua", "Aaron", "Dean", "Scott", "Darren", "Stephen", "Robert", "John", "Richard",
    "Gary", "Wayne", "Anthony", "Kevin", "Shaun", "Jason", "Carl", "Sean", "Mohammed", "Ashley", "Reece",
    "Bradley", "Tyler", "Kieran", "Ben", "Sam", "Joe", "Dylan", "Marcus", "Tariq", "Imran", "Aled", "Rhys",
    "Owen", "Gareth", "Dale", "Jake",
]
FEMALE_NAMES = [
    "Sarah", "Emma", "Laura", "Rebecca", "Amy", "Gemma", "Lisa", "Kelly", "Claire", "Nicola", "Michelle",
    "Stacey", "Danielle", "Jade", "Chloe", "Hannah", "Charlotte", "Lauren", "Samantha", "Leanne", "Natalie",
    "Jessica", "Sophie", "Holly", "Megan", "Katie", "Zoe", "Louise", "Joanne", "Donna", "Tracey", "Amanda",
    "Shannon", "Kirsty", "Aisha", "Fatima", "Siobhan", "Ffion", "Rachel", "Jodie",
]
STREETS = [
    "High", "Station", "Church", "Park", "Victoria", "Mill", "Queen", "King", "Albert", "Manor", "Chapel",
    "Bridge", "Grange", "Orchard", "Windsor", "Alexandra", "Springfield", "Green",
]
STREET_KINDS = ["Street", "Road", "Lane", "Avenue", "Close", "Terrace", "Way", "Drive"]
OFFENCES = [
    "Theft from a shop", "Burglary (dwelling)", "Assault occasioning actual bodily harm", "Common assault",
    "Possession with intent to supply a Class A drug", "Criminal damage", "Driving while disqualified",
    "Fraud by false representation", "Harassment", "Robbery", "Affray", "Breach of a restraining order",
    "Possession of an offensive weapon", "Stalking", "Arson", "Wounding with intent",
]
COURTS = ["Magistrates' Court", "Crown Court"]
ROSH = [("LOW", 0.28), ("MEDIUM", 0.46), ("HIGH", 0.21), ("VERY_HIGH", 0.03), ("", 0.02)]
ROSH_PROTECT_POINTS = {"VERY_HIGH": 150, "HIGH": 20, "MEDIUM": 10, "LOW": 0, "": 0}
ORDER_TYPES = [("CO", 0.42), ("SSO", 0.18), ("LICENCE", 0.33), ("PSS", 0.07)]
COMMUNITY_REQUIREMENTS = [
    (RequirementCategory.RAR, 30), (RequirementCategory.UPW, 30), (RequirementCategory.CURFEW, 8),
    (RequirementCategory.EM, 6), (RequirementCategory.PROGRAMME, 8), (RequirementCategory.DRUG, 6),
    (RequirementCategory.ALCOHOL, 6), (RequirementCategory.MENTAL_HEALTH, 3),
    (RequirementCategory.EXCLUSION, 2), (RequirementCategory.PROHIBITED_ACTIVITY, 1),
]
LICENCE_REQUIREMENTS = [
    (RequirementCategory.LICENCE_CONDITION, 50), (RequirementCategory.EXCLUSION, 15),
    (RequirementCategory.RESIDENCE, 20), (RequirementCategory.EM, 10), (RequirementCategory.PROGRAMME, 5),
]
UNIT_LENGTHS = {"DAYS": (5, 40), "HOURS": (40, 300), "SESSIONS": (10, 30), "MONTHS": (2, 12)}
# Relative frequency of each registration type; codes not listed (added by admins) get 0.5.
# High/very high RoSH and MAPPA registrations follow the person's plan instead of this draw.
REGISTRATION_WEIGHTS = {
    "ADVP": 20, "ADVV": 4, "REG30": 6, "RCPR": 3, "RCCO": 6, "RCHD": 6, "RSTO": 4, "RMDO": 12,
    "ALSH": 8, "RVLN": 6, "RVAD": 2, "RPIR": 1, "STRG": 3, "RTAO": 0.3, "IIOM": 6, "SPO": 2, "PRC": 3,
    "INLL": 2, "MAPP": 0, "RHRH": 0, "RVHR": 0,
}
# fmt: on
REGISTRATIONS_PER_PERSON = [(0, 0.33), (1, 0.38), (2, 0.18), (3, 0.08), (4, 0.03)]
MAPPA_SHARE = 0.06
MAPPA_CATEGORIES = [(1, 0.55), (2, 0.38), (3, 0.06), (4, 0.01)]
MAPPA_LEVELS = [(1, 0.86), (2, 0.12), (3, 0.02)]
OVERDUE_REVIEW_SHARE = 0.10
UNALLOCATED_SHARE = 0.03
GRADES = [("PO", 0.5), ("PSO", 0.35), ("PQIP", 0.15)]
CASELOAD_WEIGHT = {"PO": 1.0, "PSO": 1.0, "PQIP": 0.4}  # trainees carry protected caseloads
ETHNICITIES = [
    ("WHITE", 0.72),
    ("BLACK", 0.09),
    ("ASIAN", 0.08),
    ("MIXED", 0.05),
    ("OTHER", 0.02),
    ("NOT_STATED", 0.01),
    ("", 0.03),
]
RELIGIONS = [("No religion", 0.45), ("Christian", 0.3), ("Muslim", 0.1), ("", 0.12), ("Other", 0.03)]
NEURODIVERGENCE = [("", 0.55), ("NONE", 0.3), ("DECLARED", 0.1), ("PREFER_NOT", 0.05)]
LANGUAGES = ["Polish", "Romanian", "Urdu", "Arabic", "Welsh"]
RESTRICTED_SHARE = 0.0006  # 150 of 250,000 cases, each restricted to its practitioner and SPO
EXCLUDED_SHARE = 0.0008  # 200 of 250,000, each excluding another practitioner of the team
CRN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CRN_SPACE = len(CRN_LETTERS) * 1_000_000
CRN_STEP = 7919  # prime, coprime with CRN_SPACE: i → CRN is a permutation, so CRNs never collide
# fmt: on

# One UUID namespace per table: the same row gets the same id on every run.
PERSON, SENTENCE, REQUIREMENT, REGISTRATION, ADDRESS, ALLOCATION = range(1, 7)

Row = dict[str, Any]


def make_uuid(table: int, n: int) -> uuid.UUID:
    """6e6174TT-0000-4000-8000-NNNNNNNNNNNN: "nat", the table, a version-4 shape, the row number."""
    return uuid.UUID(int=(0x6E6174 << 104) | (table << 96) | (0x4000 << 64) | (0x8000 << 48) | n)


def crn_for(i: int) -> str:
    n = (i * CRN_STEP + 104_729) % CRN_SPACE
    return f"{CRN_LETTERS[n // 1_000_000]}{n % 1_000_000:06d}"


Table = tuple[list[Any], list[float]]


def weighted(pairs: Sequence[tuple[Any, float]]) -> Table:
    """Split (value, weight) pairs into values and cumulative weights, for `rng.choices`."""
    values, total, cumulative = [], 0.0, []
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative


def pick(rng: random.Random, table: Table) -> Any:
    """`rng.choices(values, cum_weights=...)[0]`, several times faster: called millions of times."""
    values, cumulative = table
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Team:
    id: int
    code: str
    name: str
    region: str
    spo_id: int = 0
    practitioners: list[int] = field(default_factory=list)
    caseload_weights: list[float] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.name.split(" Team ")[0]


@dataclass
class Dataset:
    """What the steps share: the options, the organisation and the per-person plan."""

    people: int
    seed: int
    as_of: date
    teams: list[Team] = field(default_factory=list)
    # The per-person plan, indexed by person number; arrays keep 250k people in a few MB.
    team_of: array[int] = field(default_factory=lambda: array("H"))
    practitioner_of: array[int] = field(default_factory=lambda: array("q"))  # 0: awaiting allocation
    supervision_start: array[int] = field(default_factory=lambda: array("i"))  # date ordinal
    rosh_of: list[str] = field(default_factory=list)
    mappa_level_of: array[int] = field(default_factory=lambda: array("b"))  # 0: not MAPPA
    restricted: set[int] = field(default_factory=set)
    excluded: dict[int, int] = field(default_factory=dict)  # person → excluded practitioner
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """Each step draws from its own stream, so adding a step changes no other table."""
        return random.Random(f"{self.seed}/{step}")

    def chunks(self) -> Iterable[range]:
        for start in range(0, self.people, CHUNK):
            yield range(start, min(start + CHUNK, self.people))

    def team(self, i: int) -> Team:
        return self.teams[self.team_of[i]]

    def start(self, i: int) -> date:
        return date.fromordinal(self.supervision_start[i])


def copy_rows(cur: Any, table: str, rows: Iterable[Row]) -> int:
    """Stream rows (dicts with the same keys, in the same order) into `table` with COPY."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    with cur.copy(f"COPY {table} ({', '.join(first)}) FROM STDIN") as copy:
        copy.write_row(tuple(first.values()))
        n = 1
        for row in rows:
            copy.write_row(tuple(row.values()))
            n += 1
    return n


def ids_by(cur: Any, table: str, key: str, values: list[str]) -> dict[str, int]:
    cur.execute(f"SELECT {key}, id FROM {table} WHERE {key} = ANY(%s)", [values])  # noqa: S608
    return dict(cur.fetchall())


# --- Steps -----------------------------------------------------------------------------------


def load_organisation(ds: Dataset, cur: Any) -> int:
    copy_rows(cur, "cases_region", ({"code": code, "name": name} for code, name, _ in REGIONS))
    region_ids = ids_by(cur, "cases_region", "code", [code for code, _, _ in REGIONS])
    # (PDU code, name, region code)
    pdus = [(f"{code}{i:02d}", name, code) for code, _, names in REGIONS for i, name in enumerate(names, 1)]
    pdu_rows = ({"code": code, "name": name, "region_id": region_ids[region]} for code, name, region in pdus)
    copy_rows(cur, "cases_pdu", pdu_rows)
    pdu_ids = ids_by(cur, "cases_pdu", "code", [code for code, _, _ in pdus])
    teams = [
        Team(0, f"{code}T{j:02d}", f"{name} Team {j}", region)
        for code, name, region in pdus
        for j in range(1, TEAMS_PER_PDU + 1)
    ]
    team_rows = ({"code": t.code, "name": t.name, "pdu_id": pdu_ids[t.code[:-3]]} for t in teams)
    copy_rows(cur, "cases_team", team_rows)
    team_ids = ids_by(cur, "cases_team", "code", [t.code for t in teams])
    for team in teams:
        team.id = team_ids[team.code]
    ds.teams = teams
    return len(REGIONS) + len(pdus) + len(teams)


def load_staff(ds: Dataset, cur: Any) -> int:
    rng = ds.rng("staff")
    grades = weighted(GRADES)
    joined = at(ds.as_of - timedelta(days=3650))
    forenames = MALE_NAMES + FEMALE_NAMES
    rows, grade_of = [], {}
    for t, team in enumerate(ds.teams):
        for k in range(PRACTITIONERS_PER_TEAM + 1):
            n = t * (PRACTITIONERS_PER_TEAM + 1) + k
            is_spo = k == PRACTITIONERS_PER_TEAM
            username = f"nat.{'spo' if is_spo else 'prac'}{n:05d}"
            grade_of[username] = "" if is_spo else pick(rng, grades)
            rows.append({
                "password": "!",  # unusable: synthetic staff can only be signed in by force_login
                "is_superuser": False,
                "username": username,
                "first_name": rng.choice(forenames),
                "last_name": rng.choice(SURNAMES),
                "email": "",
                "is_staff": False,
                "is_active": True,
                "date_joined": joined,
                "role": "SPO" if is_spo else "PRACTITIONER",
                "grade": grade_of[username],
                "team_id": team.id,
                "staff_code": f"N{n:05d}",
            })  # fmt: skip
    copy_rows(cur, "cases_user", rows)
    cur.execute("SELECT username, id, team_id, role FROM cases_user WHERE username LIKE %s", ["nat.%"])
    by_id = {team.id: team for team in ds.teams}
    for username, user_id, team_id, role in sorted(cur.fetchall()):
        team = by_id[team_id]
        if role == "SPO":
            team.spo_id = user_id
        else:
            team.practitioners.append(user_id)
            team.caseload_weights.append(CASELOAD_WEIGHT[grade_of[username]])
    return len(rows)


def plan_people(ds: Dataset) -> None:
    """Decide, before anything is written, where each person is and who supervises them."""
    rng = ds.rng("plan")
    team_weights = [rng.uniform(0.75, 1.25) for _ in ds.teams]
    ds.team_of = array("H", rng.choices(range(len(ds.teams)), weights=team_weights, k=ds.people))
    rosh, mappa = weighted(ROSH), weighted(MAPPA_LEVELS)
    for i in range(ds.people):
        team = ds.team(i)
        allocated = rng.random() >= UNALLOCATED_SHARE
        practitioner = rng.choices(team.practitioners, weights=team.caseload_weights)[0] if allocated else 0
        ds.practitioner_of.append(practitioner)
        # Awaiting allocation means newly sentenced; everyone else started up to two years ago.
        days_ago = int(rng.triangular(5, 730, 120)) if allocated else rng.randint(0, 10)
        ds.supervision_start.append((ds.as_of - timedelta(days=days_ago)).toordinal())
        ds.rosh_of.append(pick(rng, rosh))
        ds.mappa_level_of.append(pick(rng, mappa) if rng.random() < MAPPA_SHARE else 0)
    allocated_people = [i for i in range(ds.people) if ds.practitioner_of[i]]
    restricted, excluded = (max(1, round(share * ds.people)) for share in (RESTRICTED_SHARE, EXCLUDED_SHARE))
    chosen = rng.sample(allocated_people, min(len(allocated_people), restricted + excluded))
    ds.restricted = set(chosen[:restricted])
    for i in chosen[restricted:]:
        others = [p for p in ds.team(i).practitioners if p != ds.practitioner_of[i]]
        if others:
            ds.excluded[i] = rng.choice(others)


def surname_table() -> Table:
    """Smith about 1.3% of people, falling off by rank as real surname frequencies do (the top 150
    cover about a quarter of people); the rest share the compound names evenly."""
    common = [(name, 0.0126 * (rank + 1) ** -0.55) for rank, name in enumerate(SURNAMES)]
    tail = sorted({stem + ending for stem in SURNAME_STEMS for ending in SURNAME_ENDINGS} - set(SURNAMES))
    tail_share = (1 - sum(weight for _, weight in common)) / len(tail)
    return weighted(common + [(name, tail_share) for name in tail])


def tier(rng: random.Random, rosh: str, mappa_level: int) -> str:
    """A legacy tier roughly consistent with RoSH and MAPPA (see DOMAIN.md, "Risk, tier and MAPPA")."""
    if not rosh:
        return ""
    points = max(ROSH_PROTECT_POINTS[rosh], {0: 0, 1: 5}.get(mappa_level, 150)) + 2 * rng.randint(0, 3)
    letter = "A" if points >= 150 else "B" if points >= 20 else "C" if points >= 10 else "D"
    return f"{letter}{rng.choices((0, 1, 2, 3), weights=(1, 4, 4, 3))[0]}"


def load_people(ds: Dataset, cur: Any) -> int:
    plan_people(ds)
    rng = ds.rng("people")
    surnames = surname_table()
    ethnicities, religions, neurodivergence = (
        weighted(ETHNICITIES),
        weighted(RELIGIONS),
        weighted(NEURODIVERGENCE),
    )

    def row(i: int) -> Row:
        male = rng.random() < 0.85
        forenames = MALE_NAMES if male else FEMALE_NAMES
        born = ds.as_of - timedelta(days=rng.randint(18 * 365 + 5, 75 * 365))
        pnc_year = min(born.year + rng.randint(15, 30), ds.as_of.year)
        nd = pick(rng, neurodivergence)
        pnc = f"{pnc_year}/{rng.randrange(10**7):07d}{rng.choice(CRN_LETTERS)}" if rng.random() < 0.9 else ""
        english = rng.random() < 0.95
        created = at(ds.start(i))
        return {
            "id": make_uuid(PERSON, i),
            "crn": crn_for(i),
            "first_name": rng.choice(forenames),
            "middle_names": rng.choice(forenames) if rng.random() < 0.4 else "",
            "last_name": pick(rng, surnames),
            "preferred_name": "",
            "date_of_birth": born,
            "pnc_number": pnc,
            "gender": "M" if male else "F",
            "ethnicity": pick(rng, ethnicities),
            "religion": pick(rng, religions),
            "disability": "",
            "neurodivergence": nd,
            "neurodivergence_details": "ADHD" if nd == "DECLARED" else "",
            "language": "English" if english else rng.choice(LANGUAGES),
            "interpreter_required": not english and rng.random() < 0.6,
            "phone": f"07{rng.randrange(10**9):09d}" if rng.random() < 0.8 else "",
            "email": "",
            "rosh": ds.rosh_of[i],
            "tier": tier(rng, ds.rosh_of[i], ds.mappa_level_of[i]),
            "team_id": ds.team(i).id,
            "practitioner_id": ds.practitioner_of[i] or None,
            "restriction_message": "Restricted to the case manager and SPO." if i in ds.restricted else "",
            "exclusion_message": "Some staff are excluded from this case." if i in ds.excluded else "",
            "created_at": created,
            "updated_at": created,
        }  # fmt: skip

    return sum(copy_rows(cur, "cases_person", (row(i) for i in chunk)) for chunk in ds.chunks())


def load_allocations(ds: Dataset, cur: Any) -> int:
    rows = (
        {
            "id": make_uuid(ALLOCATION, i),
            "person_id": make_uuid(PERSON, i),
            "team_id": ds.team(i).id,
            "practitioner_id": ds.practitioner_of[i] or None,
            "rationale": "Allocated on capacity and the case's risk." if ds.practitioner_of[i] else "",
            "allocated_by_id": ds.team(i).spo_id,
            "started_at": at(ds.start(i), 10),
            "ended_at": None,
        }
        for i in range(ds.people)
    )  # fmt: skip
    return copy_rows(cur, "cases_allocation", rows)


def load_addresses(ds: Dataset, cur: Any) -> int:
    rng = ds.rng("addresses")
    letters = "ABDEFGHJLNPQRSTUWXYZ"

    def row(i: int) -> Row:
        team = ds.team(i)
        since = ds.as_of - timedelta(days=rng.randint(0, 1500))
        address = {"id": make_uuid(ADDRESS, i), "person_id": make_uuid(PERSON, i), "status": "NFA",
                   "line1": "", "line2": "", "town": "", "postcode": "", "start_date": since,
                   "end_date": None, "notes": ""}  # fmt: skip
        if rng.random() >= 0.03:  # 3% of people have no fixed abode
            area = rng.choice(POSTCODE_AREAS[team.region])
            address["status"] = "MAIN"
            address["line1"] = f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
            address["town"] = team.place
            address["postcode"] = (
                f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            )
        return address

    return copy_rows(cur, "cases_address", (row(i) for i in range(ds.people)))


def load_sentences(ds: Dataset, cur: Any) -> int:
    """Sentences and their requirements, a chunk of people at a time (requirements need the ids)."""
    rng = ds.rng("sentences")
    orders, how_many = weighted(ORDER_TYPES), weighted([(0, 0.2), (1, 0.35), (2, 0.3), (3, 0.15)])
    community, licence = weighted(COMMUNITY_REQUIREMENTS), weighted(LICENCE_REQUIREMENTS)
    numbers = {"sentences": 0, "requirements": 0}

    def sentence(i: int, order: str, start: date, end: date, ended: date | None) -> Row:
        numbers["sentences"] += 1
        return {
            "id": make_uuid(SENTENCE, numbers["sentences"]),
            "person_id": make_uuid(PERSON, i),
            "order_type": order,
            "is_hdc": order == "LICENCE" and rng.random() < 0.12,
            "offence": rng.choice(OFFENCES),
            "court": f"{ds.team(i).place} {rng.choice(COURTS)}",
            "sentence_date": start - timedelta(days=rng.randint(0, 20)),
            "start_date": start,
            "expected_end_date": end,
            "terminated_on": ended,
            "termination_reason": ("Completed" if ended == end else "Revoked on breach") if ended else "",
            "created_at": at(start),
        }

    def requirements(sentence: Row) -> Iterable[Row]:
        start, end, ended = sentence["start_date"], sentence["expected_end_date"], sentence["terminated_on"]
        table = licence if sentence["order_type"] in ("LICENCE", "PSS") else community
        elapsed = min(((ended or ds.as_of) - start).days / max((end - start).days, 1), 1)
        for category in sorted({pick(rng, table) for _ in range(pick(rng, how_many))}):
            unit = CATEGORY_UNITS.get(category, "")
            length = rng.randint(*UNIT_LENGTHS[unit]) if unit else None
            numbers["requirements"] += 1
            yield {
                "id": make_uuid(REQUIREMENT, numbers["requirements"]),
                "sentence_id": sentence["id"],
                "category": category,
                "description": "",
                "length": length,
                "unit": unit,
                "delivered": min(length, int(length * elapsed * rng.uniform(0.3, 1.1))) if length else 0,
                "start_date": start,
                "end_date": end,
                "terminated_on": ended,
            }

    def periods(i: int) -> Iterable[tuple[str, date, date, date | None]]:
        start, order = ds.start(i), pick(rng, orders)
        months = 12 if order == "PSS" else rng.choice((6, 12, 12, 18, 24, 24, 36))
        yield (
            order,
            start,
            max(start + timedelta(days=30 * months), ds.as_of + timedelta(days=rng.randint(14, 120))),
            None,
        )
        if rng.random() < 0.25:  # an earlier order, completed or revoked
            old_start = start - timedelta(days=rng.randint(400, 1500))
            old_end = old_start + timedelta(days=rng.randint(180, 720))
            ended = old_end if rng.random() < 0.7 else old_start + timedelta(days=rng.randint(30, 170))
            yield pick(rng, orders), old_start, old_end, min(ended, start)

    for chunk in ds.chunks():
        sentences = [sentence(i, *period) for i in chunk for period in periods(i)]
        copy_rows(cur, "cases_sentence", sentences)
        copy_rows(cur, "cases_requirement", (r for s in sentences for r in requirements(s)))
    ds.counts["cases_requirement"] = numbers["requirements"]
    return numbers["sentences"]


def load_registrations(ds: Dataset, cur: Any) -> int:
    rng = ds.rng("registrations")
    types = {t.code: t for t in RegistrationType.objects.filter(is_active=True)}
    if not types:
        raise CommandError("There are no registration types: run the migrations first.")
    drawn = weighted(
        [(code, REGISTRATION_WEIGHTS.get(code, 0.5)) for code in types if REGISTRATION_WEIGHTS.get(code, 0.5)]
    )
    how_many, categories = weighted(REGISTRATIONS_PER_PERSON), weighted(MAPPA_CATEGORIES)
    number = 0

    def codes(i: int) -> list[str]:
        chosen = {pick(rng, drawn) for _ in range(pick(rng, how_many))}
        if ds.rosh_of[i] == "VERY_HIGH" and rng.random() < 0.9:
            chosen.add("RVHR")
        if ds.rosh_of[i] == "HIGH" and rng.random() < 0.6:
            chosen.add("RHRH")
        if ds.mappa_level_of[i]:
            chosen.add("MAPP")
        return sorted(code for code in chosen if code in types)

    def rows(i: int) -> Iterable[Row]:
        nonlocal number
        for code in codes(i):
            kind = types[code]
            if rng.random() < OVERDUE_REVIEW_SHARE:
                review_due = ds.as_of - timedelta(days=rng.randint(1, 120))
            else:
                review_due = ds.as_of + timedelta(days=rng.randint(1, 30 * kind.review_period_months))
            registered = min(ds.start(i) + timedelta(days=rng.randint(0, 14)), ds.as_of, review_due)
            closed = not kind.is_mappa and rng.random() < 0.07
            by = ds.practitioner_of[i] or None
            number += 1
            yield {
                "id": make_uuid(REGISTRATION, number),
                "person_id": make_uuid(PERSON, i),
                "type_id": kind.id,
                "registered_on": registered,
                "review_due": review_due,
                "mappa_category": pick(rng, categories) if kind.is_mappa else None,
                "mappa_level": ds.mappa_level_of[i] if kind.is_mappa else None,
                "notes": "",
                "registered_by_id": by,
                "deregistered_on": registered + (ds.as_of - registered) * rng.random() if closed else None,
                "deregistration_reason": "No longer relevant" if closed else "",
                "deregistered_by_id": by if closed else None,
            }

    for chunk in ds.chunks():
        copy_rows(cur, "cases_registration", (row for i in chunk for row in rows(i)))
    return number


def load_access_rules(ds: Dataset, cur: Any) -> int:
    created = at(ds.as_of - timedelta(days=30))
    restrictions = [
        {"person_id": make_uuid(PERSON, i), "user_id": user, "kind": "RESTRICTION",
         "reason": "Victim is a member of staff", "created_at": created}
        for i in sorted(ds.restricted)
        for user in dict.fromkeys([ds.practitioner_of[i], ds.team(i).spo_id])
    ]  # fmt: skip
    exclusions = [
        {"person_id": make_uuid(PERSON, i), "user_id": user, "kind": "EXCLUSION",
         "reason": "Knows the person outside work", "created_at": created}
        for i, user in sorted(ds.excluded.items())
    ]  # fmt: skip
    return copy_rows(cur, "cases_caseaccessrule", restrictions + exclusions)


# The cases steps, in order: (label, table, step); `devtools.national_dataset.STEPS` adds the other
# apps' steps after them (contacts, assessments, EM orders...). A step returns the number of rows it
# wrote to its table (extra tables go in ds.counts) and streams per `ds.chunks()`, so memory stays
# flat whatever the volume.
STEPS: list[tuple[str, str, Callable[[Dataset, Any], int]]] = [
    ("organisation", "regions, PDUs, teams", load_organisation),
    ("staff", "cases_user", load_staff),
    ("people", "cases_person", load_people),
    ("allocations", "cases_allocation", load_allocations),
    ("addresses", "cases_address", load_addresses),
    ("sentences", "cases_sentence", load_sentences),
    ("registrations", "cases_registration", load_registrations),
    ("access rules", "cases_caseaccessrule", load_access_rules),
]
# fmt: off
TABLES = [
    "cases_region", "cases_pdu", "cases_team", "cases_user", "cases_person", "cases_allocation",
    "cases_address", "cases_sentence", "cases_requirement", "cases_registration", "cases_caseaccessrule",
]
# (table, column, referenced table): replica mode skips foreign-key triggers, so check them here.
REFERENCES = [
    ("cases_pdu", "region_id", "cases_region"), ("cases_team", "pdu_id", "cases_pdu"),
    ("cases_user", "team_id", "cases_team"), ("cases_person", "team_id", "cases_team"),
    ("cases_person", "practitioner_id", "cases_user"), ("cases_allocation", "person_id", "cases_person"),
    ("cases_allocation", "team_id", "cases_team"), ("cases_allocation", "practitioner_id", "cases_user"),
    ("cases_allocation", "allocated_by_id", "cases_user"), ("cases_address", "person_id", "cases_person"),
    ("cases_sentence", "person_id", "cases_person"), ("cases_requirement", "sentence_id", "cases_sentence"),
    ("cases_registration", "person_id", "cases_person"),
    ("cases_registration", "type_id", "cases_registrationtype"),
    ("cases_registration", "registered_by_id", "cases_user"),
    ("cases_registration", "deregistered_by_id", "cases_user"),
    ("cases_caseaccessrule", "person_id", "cases_person"), ("cases_caseaccessrule", "user_id", "cases_user"),
]
# fmt: on


SHAPE = {
    "practitioners' caseloads (min / median / max)": """
        SELECT concat_ws(' / ', min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n))
        FROM (SELECT count(p.id) AS n FROM cases_user u LEFT JOIN cases_person p ON p.practitioner_id = u.id
              WHERE u.role = 'PRACTITIONER' AND u.username LIKE 'nat.%%' GROUP BY u.id) caseloads""",
    "awaiting allocation": "SELECT count(*) FROM cases_person WHERE practitioner_id IS NULL",
    "registrations per person": """
        SELECT round((SELECT count(*) FROM cases_registration)::numeric / greatest(count(*), 1), 2)
        FROM cases_person""",
    "active registrations with an overdue review": """
        SELECT round(100.0 * count(*) FILTER (WHERE review_due < %(as_of)s) / greatest(count(*), 1), 1)
               || '%%' FROM cases_registration WHERE deregistered_on IS NULL""",
}


def verify(cur: Any, references: list[tuple[str, str, str]]) -> None:
    for table, column, target in references:
        cur.execute(
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {target} r WHERE r.id = t.{column})"
        )
        if orphans := cur.fetchone()[0]:
            raise CommandError(f"{orphans} rows of {table}.{column} point at no {target}: nothing was loaded")
