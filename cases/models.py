"""People on probation, their sentences, requirements, registrations and allocation, and the
organisation (region → PDU → team → staff) that supervises them.

Every model that holds case information is tracked by django-pghistory: database triggers record
each insert and update (including bulk `QuerySet.update()`), with the acting user and request
attached as context, in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

CRN_REGEX = r"^[A-Z][0-9]{6}$"
PNC_REGEX = r"^[0-9]{4}/[0-9]{7}[A-Z]$"
# Case records are never deleted: corrections are new versions, endings are dates. The database
# refuses a DELETE outright, whatever code (or person with a SQL prompt) attempts it.
NO_DELETES = pgtrigger.Protect(name="protect_deletes", operation=pgtrigger.Delete)

crn_validator = RegexValidator(CRN_REGEX, "Enter a CRN in the correct format, like X123456")
pnc_validator = RegexValidator(PNC_REGEX, "Enter a PNC number in the correct format, like 2004/0012345A")


# --- Organisation ----------------------------------------------------------------------------


class Region(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PDU(models.Model):
    """A probation delivery unit."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pdus")

    class Meta:
        ordering = ["name"]
        verbose_name = "PDU"
        verbose_name_plural = "PDUs"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    pdu = models.ForeignKey(PDU, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "PRACTITIONER", "Practitioner"
    SPO = "SPO", "Senior probation officer"
    ADMIN = "ADMIN", "Administrator"
    QUALITY_LEAD = "QUALITY_LEAD", "Quality and inspection lead"
    READ_ONLY = "READ_ONLY", "Read only"


class Grade(models.TextChoices):
    PO = "PO", "Probation officer"
    PSO = "PSO", "Probation services officer"
    PQIP = "PQIP", "Trainee probation officer (PQiP)"


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A member of staff. Practitioners carry a grade; everyone but national admins has a team."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.READ_ONLY)
    grade = models.CharField(max_length=4, choices=Grade.choices, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    staff_code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="PRACTITIONER") | Q(grade=""),
                name="user_grade_only_for_practitioners",
            ),
            models.UniqueConstraint(fields=["staff_code"], condition=~Q(staff_code=""), name="user_staff_code_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def can_change_cases(self) -> bool:
        return self.role in {Role.PRACTITIONER, Role.SPO, Role.ADMIN}

    @property
    def is_spo(self) -> bool:
        return self.role == Role.SPO

    @property
    def is_practitioner(self) -> bool:
        return self.role == Role.PRACTITIONER


# --- Reference data ------------------------------------------------------------------------


class RoshLevel(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"
    VERY_HIGH = "VERY_HIGH", "Very high"


ROSH_ORDER = {RoshLevel.LOW: 1, RoshLevel.MEDIUM: 2, RoshLevel.HIGH: 3, RoshLevel.VERY_HIGH: 4}


class Gender(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "O", "Other"
    NOT_KNOWN = "N", "Not known"


class Ethnicity(models.TextChoices):
    """Census 2021 ethnic groups (England and Wales), as recorded by the probation service."""

    ASIAN = "ASIAN", "Asian or Asian British"
    BLACK = "BLACK", "Black, Black British, Caribbean or African"
    MIXED = "MIXED", "Mixed or multiple ethnic groups"
    WHITE = "WHITE", "White"
    OTHER = "OTHER", "Other ethnic group"
    NOT_STATED = "NOT_STATED", "Prefer not to say"
    NOT_KNOWN = "", "Not recorded"


class Neurodivergence(models.TextChoices):
    NOT_ASKED = "", "Not asked"
    NONE_DECLARED = "NONE", "None declared"
    DECLARED = "DECLARED", "Declared"
    PREFER_NOT = "PREFER_NOT", "Prefer not to say"


class RegistrationType(models.Model):
    """A kind of risk or need flag (nDelius register codes). Admin-editable reference data."""

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100)
    review_period_months = models.PositiveSmallIntegerField(
        default=6, help_text="How often the registration must be reviewed, in months."
    )
    is_complexity_factor = models.BooleanField(default=False, help_text="Counts 2 protect points in the tier.")
    is_mappa = models.BooleanField(default=False, help_text="Carries a MAPPA category and level.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.code})"


# --- People on probation ---------------------------------------------------------------------


class PersonQuerySet(models.QuerySet["Person"]):
    def allocated_to(self, user: User) -> PersonQuerySet:
        return self.filter(practitioner=user)

    def in_team(self, team: Team) -> PersonQuerySet:
        return self.filter(team=team)

    def search(self, query: str) -> PersonQuerySet:
        """Partial, case-insensitive match on CRN or names, best matches first.

        Every word must match a forename or the surname ("John Smith" does not find Jane Smith).
        Exact CRN beats CRN prefix beats full name beats exact name beats surname prefix beats
        forename prefix beats anything else.
        """
        q = query.strip()
        if not q:
            return self.none()
        words = q.split()
        names = Q()
        for word in words:
            names &= Q(last_name__icontains=word) | Q(first_name__icontains=word)
        condition = Q(crn__istartswith=q) | names
        full_name = (
            Q(first_name__istartswith=words[0], last_name__istartswith=words[-1]) if len(words) > 1 else Q(pk=None)
        )
        rank = models.Case(
            models.When(crn__iexact=q, then=100),
            models.When(crn__istartswith=q, then=80),
            models.When(full_name, then=75),
            models.When(Q(last_name__iexact=q) | Q(first_name__iexact=q), then=70),
            models.When(last_name__istartswith=words[-1], then=60),
            models.When(first_name__istartswith=words[0], then=50),
            default=10,
            output_field=models.IntegerField(),
        )
        return (
            self.filter(condition).annotate(search_rank=rank).order_by("-search_rank", "last_name", "first_name", "crn")
        )


@pghistory.track()
class Person(models.Model):
    """A person on probation, identified by their case reference number (CRN)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    crn = models.CharField("CRN", max_length=7, unique=True, validators=[crn_validator])
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    pnc_number = models.CharField("PNC number", max_length=13, blank=True, validators=[pnc_validator])
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=12, choices=Ethnicity.choices, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=500, blank=True, help_text="Disabilities and adjustments needed.")
    neurodivergence = models.CharField(max_length=12, choices=Neurodivergence.choices, blank=True)
    neurodivergence_details = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=50, default="English")
    interpreter_required = models.BooleanField(default=False)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # Current risk summary; assessments (a later capability) will keep these up to date.
    rosh = models.CharField("RoSH", max_length=10, choices=RoshLevel.choices, blank=True)
    tier = models.CharField(max_length=3, blank=True, help_text="Legacy tier, e.g. B2.")
    # Current allocation, kept in step with the Allocation history by cases.services.allocate.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    practitioner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload")
    restriction_message = models.CharField(max_length=300, blank=True)
    exclusion_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(condition=Q(crn__regex=CRN_REGEX), name="person_crn_format"),
            models.CheckConstraint(
                condition=Q(pnc_number="") | Q(pnc_number__regex=PNC_REGEX), name="person_pnc_format"
            ),
            models.CheckConstraint(condition=Q(tier="") | Q(tier__regex=r"^[A-D][0-3]S?$"), name="person_tier_format"),
        ]
        indexes = [
            models.Index(fields=["practitioner", "last_name"]),
            models.Index(fields=["team", "last_name"]),
            # search(): icontains/istartswith compile to UPPER(col) LIKE ..., so index UPPER(...):
            # trigram GIN for "contains", a pattern b-tree for the CRN prefix. Every branch of the
            # OR needs one or the planner reads the whole table (docs/benchmarks.md).
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_name_trgm"),
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_name_trgm"),
            models.Index(OpClass(Upper("crn"), name="text_pattern_ops"), name="person_crn_upper_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.crn})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int:
        today = timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


class AddressStatus(models.TextChoices):
    MAIN = "MAIN", "Main address"
    SECONDARY = "SECONDARY", "Secondary address"
    PREVIOUS = "PREVIOUS", "Previous address"
    NO_FIXED_ABODE = "NFA", "No fixed abode"


@pghistory.track()
class Address(models.Model):
    """An address with its history: a change of main address ends the old one, never deletes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    status = models.CharField(max_length=10, choices=AddressStatus.choices, default=AddressStatus.MAIN)
    line1 = models.CharField("Address line 1", max_length=200, blank=True)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-start_date"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["MAIN", "NFA"], end_date__isnull=True),
                name="address_one_current_main_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="address_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="NFA") | ~Q(line1="") | ~Q(postcode=""),
                name="address_has_line_or_postcode",
            ),
        ]

    def __str__(self) -> str:
        if self.status == AddressStatus.NO_FIXED_ABODE:
            return "No fixed abode"
        return ", ".join(p for p in [self.line1, self.line2, self.town, self.postcode] if p)

    @property
    def is_current(self) -> bool:
        return self.end_date is None


# --- Sentences and requirements --------------------------------------------------------------


class OrderType(models.TextChoices):
    CO = "CO", "Community order"
    SSO = "SSO", "Suspended sentence order"
    LICENCE = "LICENCE", "Licence"
    PSS = "PSS", "Post-sentence supervision"


# Among sentences in force on a day, the one that governs comes first: the latest to start, then the
# latest recorded.
GOVERNING_FIRST = ("-start_date", "-created_at")


class SentenceQuerySet(models.QuerySet["Sentence"]):
    """Which sentence governs a case (or a contact) on a day is asked here, and only here (with its
    Python twin `governing_sentence` for sentences already loaded)."""

    def in_force(self, on: date | None = None) -> SentenceQuerySet:
        """Sentences in force on `on` (default today): started by then, not past their expected end,
        and not terminated by then. A sentence terminated since still counts for the days before
        its termination (a contact recorded late belongs to the sentence it was made under)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on, expected_end_date__gte=on).filter(
            Q(terminated_on__isnull=True) | Q(terminated_on__gt=on)
        )

    def governing(self, on: date | None = None) -> SentenceQuerySet:
        """The sentences in force on `on`, the governing one first: the latest to start (ties: the
        latest recorded). `.first()` is the governing sentence, None when none is in force."""
        return self.in_force(on).order_by(*GOVERNING_FIRST)


@pghistory.track()
class Sentence(models.Model):
    """An event: a court order or licence that brings the person under supervision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sentences")
    order_type = models.CharField(max_length=10, choices=OrderType.choices)
    is_hdc = models.BooleanField("Home detention curfew", default=False)
    offence = models.CharField(max_length=200, blank=True)
    court = models.CharField(max_length=100, blank=True)
    sentence_date = models.DateField(null=True, blank=True)
    start_date = models.DateField()
    expected_end_date = models.DateField()
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SentenceQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_date__gte=models.F("start_date")), name="sentence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(is_hdc=False) | Q(order_type="LICENCE"), name="sentence_hdc_only_on_licence"
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=models.F("start_date")),
                name="sentence_terminated_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "-start_date"])]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()} from {self.start_date:%d %b %Y}"

    @property
    def two_thirds_date(self) -> date:
        """The two-thirds point of the supervision period (Probation Reset uses it)."""
        length = (self.expected_end_date - self.start_date).days
        return self.start_date + timedelta(days=(2 * length) // 3)

    @property
    def is_active(self) -> bool:
        """In force today."""
        return self.in_force_on(timezone.localdate())

    def in_force_on(self, on: date) -> bool:
        """The same rule as `Sentence.objects.in_force(on)`, for a sentence already loaded."""
        not_terminated = self.terminated_on is None or self.terminated_on > on
        return not_terminated and self.start_date <= on <= self.expected_end_date

    @property
    def label(self) -> str:
        return "Licence (home detention curfew)" if self.is_hdc else self.get_order_type_display()


def governing_sentence(sentences: Iterable[Sentence], on: date) -> Sentence | None:
    """`Sentence.objects.governing(on).first()` for sentences already loaded (prefetched, imported):
    the latest-starting sentence in force on `on` (ties: the latest recorded), None when none is."""
    in_force = [sentence for sentence in sentences if sentence.in_force_on(on)]
    return max(in_force, key=lambda s: (s.start_date, s.created_at), default=None)


class RequirementCategory(models.TextChoices):
    RAR = "RAR", "Rehabilitation activity requirement"
    UPW = "UPW", "Unpaid work"
    CURFEW = "CURFEW", "Curfew"
    EM = "EM", "Electronic monitoring"
    PROGRAMME = "PROGRAMME", "Accredited programme"
    MENTAL_HEALTH = "MH_TREATMENT", "Mental health treatment"
    DRUG = "DRUG_REHAB", "Drug rehabilitation"
    ALCOHOL = "ALCOHOL_TREATMENT", "Alcohol treatment"
    EXCLUSION = "EXCLUSION", "Exclusion"
    RESIDENCE = "RESIDENCE", "Residence"
    PROHIBITED_ACTIVITY = "PROHIBITED", "Prohibited activity"
    LICENCE_CONDITION = "LICENCE_CONDITION", "Licence condition"


class RequirementUnit(models.TextChoices):
    DAYS = "DAYS", "days"
    HOURS = "HOURS", "hours"
    MONTHS = "MONTHS", "months"
    SESSIONS = "SESSIONS", "sessions"
    NONE = "", "no measure"


# The measure each category is delivered in, when it has one; progress is shown against it.
CATEGORY_UNITS = {
    RequirementCategory.RAR: RequirementUnit.DAYS,
    RequirementCategory.UPW: RequirementUnit.HOURS,
    RequirementCategory.PROGRAMME: RequirementUnit.SESSIONS,
    RequirementCategory.CURFEW: RequirementUnit.MONTHS,
    RequirementCategory.EM: RequirementUnit.MONTHS,
}


@pghistory.track()
class Requirement(models.Model):
    """A requirement of a community order/SSO or a condition of a licence, with its progress."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="requirements")
    category = models.CharField(max_length=20, choices=RequirementCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    length = models.PositiveIntegerField(null=True, blank=True, help_text="Ordered amount, in `unit`.")
    unit = models.CharField(max_length=10, choices=RequirementUnit.choices, blank=True)
    delivered = models.PositiveIntegerField(default=0, help_text="Amount delivered so far, in `unit`.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(condition=Q(length__isnull=True) | ~Q(unit=""), name="requirement_length_has_unit"),
            models.CheckConstraint(
                condition=Q(length__isnull=True) | Q(delivered__lte=models.F("length")),
                name="requirement_delivered_within_length",
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def progress_percent(self) -> int | None:
        if not self.length:
            return None
        return round(100 * self.delivered / self.length)


# --- Registrations -------------------------------------------------------------------------


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.filter(deregistered_on__isnull=True)

    def review_overdue(self, on: date | None = None) -> RegistrationQuerySet:
        return self.active().filter(review_due__lt=on or timezone.localdate())


@pghistory.track()
class Registration(models.Model):
    """A risk or need flag on a case with its review date. Closed, never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    type = models.ForeignKey(RegistrationType, on_delete=models.PROTECT, related_name="registrations")
    registered_on = models.DateField()
    review_due = models.DateField()
    mappa_category = models.PositiveSmallIntegerField(null=True, blank=True)
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.CharField(max_length=2000, blank=True)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deregistered_on = models.DateField(null=True, blank=True)
    deregistration_reason = models.CharField(max_length=1000, blank=True)
    deregistered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-registered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "type"],
                condition=Q(deregistered_on__isnull=True),
                name="registration_one_active_per_type",
            ),
            models.CheckConstraint(
                condition=Q(mappa_category__isnull=True) | Q(mappa_category__gte=1, mappa_category__lte=4),
                name="registration_mappa_category_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(mappa_level__isnull=True) | Q(mappa_level__gte=1, mappa_level__lte=3),
                name="registration_mappa_level_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(review_due__gte=models.F("registered_on")), name="registration_review_after_start"
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True) | ~Q(deregistration_reason=""),
                name="registration_closed_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["review_due"], condition=Q(deregistered_on__isnull=True), name="reg_active_review")
        ]

    def __str__(self) -> str:
        return f"{self.type.description} for {self.person.crn}"

    @property
    def is_active(self) -> bool:
        return self.deregistered_on is None

    @property
    def review_overdue(self) -> bool:
        return self.is_active and self.review_due < timezone.localdate()

    @property
    def mappa_label(self) -> str:
        if self.mappa_category is None and self.mappa_level is None:
            return ""
        return f"Category {self.mappa_category or '?'}, level {self.mappa_level or '?'}"


# The RoSH registers (nDelius codes) and the level each records: the tier reads them as the MoJ
# tier service does (TIER `domain/enums/Rosh.kt`; reference/standards.md section 3.1).
ROSH_REGISTRATION_LEVELS: dict[str, RoshLevel] = {
    "RVHR": RoshLevel.VERY_HIGH,
    "RHRH": RoshLevel.HIGH,
    "RMRH": RoshLevel.MEDIUM,
    "RLRH": RoshLevel.LOW,
}


# --- Predictor scores recorded outside an assessment -------------------------------------------


class RsrSource(models.TextChoices):
    ASSESSMENT = "ASSESSMENT", "Completed assessment"
    STANDALONE = "STANDALONE", "Standalone RSR calculation"
    IMPORT = "IMPORT", "Imported caseload"


class RsrScoreQuerySet(models.QuerySet["RsrScore"]):
    def latest_first(self) -> RsrScoreQuerySet:
        """The order "the latest RSR on the case" is read in: calculated last, then recorded last."""
        return self.order_by("-calculated_on", "-recorded_at")


@pghistory.track()
class RsrScore(models.Model):
    """An RSR (risk of serious recidivism, %) where it arrives: a completed assessment, a standalone
    calculation (for example for a pre-sentence report) or an imported caseload. The tier uses the
    latest, whether or not an assessment carries it, as the MoJ tier service does. Never edited: a
    new calculation is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rsr_scores")
    score = models.DecimalField("RSR", max_digits=5, decimal_places=2, help_text="Percent")
    calculated_on = models.DateField()
    source = models.CharField(max_length=20, choices=RsrSource.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = RsrScoreQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-calculated_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="rsr_score_percent"),
        ]
        indexes = [models.Index(fields=["person", "-calculated_on"])]

    def __str__(self) -> str:
        return f"RSR {self.score}% for {self.person.crn} on {self.calculated_on:%d %b %Y}"


# --- Allocation ------------------------------------------------------------------------------


@pghistory.track()
class Allocation(models.Model):
    """Who is (or was) responsible for a case. A new allocation ends the previous one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rationale = models.CharField(max_length=2000, blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="allocation_one_current_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.crn} → {self.practitioner or 'awaiting allocation'}"


# --- Limited access ------------------------------------------------------------------------


class AccessRuleKind(models.TextChoices):
    RESTRICTION = "RESTRICTION", "Restricted to"
    EXCLUSION = "EXCLUSION", "Excluded"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CaseAccessRule(models.Model):
    """A limited-access rule: if a case has any restriction, only the named staff may see it;
    excluded staff never see it, whatever their role."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_rules")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_access_rules")
    kind = models.CharField(max_length=12, choices=AccessRuleKind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "user", "kind"], name="access_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user} on {self.person.crn}"


class CaseView(models.Model):
    """An audit row for each view of a restricted case (who looked, when, at what)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=500)

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["person", "-viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.person.crn} at {self.viewed_at:%Y-%m-%d %H:%M}"
