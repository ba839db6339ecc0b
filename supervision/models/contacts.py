"""Contact types and outcome codes (admin-editable reference data seeded with nDelius codes),
contacts (the core log) and recurring appointment series."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pghistory
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import NO_DELETES, Person, Sentence, User

NOTES_MAX_LENGTH = 12_000


@pghistory.track()
class ContactType(models.Model):
    """A kind of contact. The flags are policy: admins set them, and the checks read them."""

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100)
    is_face_to_face = models.BooleanField(
        "Face to face", help_text="Counts as face-to-face contact. Anything else is remote contact."
    )
    is_attendance = models.BooleanField(
        "Attendance contact", help_text="The person is expected to attend, so an outcome must be recorded."
    )
    is_national_standard = models.BooleanField(
        "Counts toward national standards",
        help_text="Enforceable: an unacceptable outcome on this type is a failure to comply.",
    )
    location_required = models.BooleanField(default=False)
    sensitive_by_default = models.BooleanField(default=False)
    is_initial = models.BooleanField("Initial appointment", default=False)
    is_home_visit = models.BooleanField("Home visit", default=False)
    is_bookable = models.BooleanField("Can be booked as an appointment", default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.code})"

    @property
    def is_remote(self) -> bool:
        return not self.is_face_to_face


@pghistory.track()
class OutcomeType(models.Model):
    """An outcome code. Which outcomes suit which contacts is worked out in supervision.rules."""

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100)
    is_attended = models.BooleanField(help_text="The person attended (a made contact).")
    is_failure = models.BooleanField(
        "Failure to comply", help_text="Unacceptable: counts as a failure to comply on an enforceable contact."
    )
    is_acceptable_absence = models.BooleanField(default=False)
    is_rescheduled = models.BooleanField(default=False)
    is_sent_home = models.BooleanField(default=False, help_text="Remote contacts cannot be 'sent home'.")
    allowed_in_future = models.BooleanField(
        default=False, help_text="May be recorded before the appointment time (rescheduled, acceptable absence)."
    )
    evidence_required = models.BooleanField(default=False, help_text="Evidence for the absence must be requested.")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.code})"


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", "Weekly"
    FORTNIGHTLY = "FORTNIGHTLY", "Fortnightly"
    FOUR_WEEKLY = "FOUR_WEEKLY", "Every four weeks"

    @property
    def interval(self) -> timedelta:
        return timedelta(days={"WEEKLY": 7, "FORTNIGHTLY": 14, "FOUR_WEEKLY": 28}[self.value])


@pghistory.track()
class AppointmentSeries(models.Model):
    """A recurring booking. Its appointments are ordinary contacts pointing back at it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointment_series")
    contact_type = models.ForeignKey(ContactType, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    first_starts_at = models.DateTimeField()
    occurrences = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        triggers = [NO_DELETES]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurrences__gte=2, occurrences__lte=52), name="series_between_2_and_52_occurrences"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.contact_type.description} for {self.person.crn}"


class ContactQuerySet(models.QuerySet["Contact"]):
    def current(self) -> ContactQuerySet:
        """The latest version of each contact (what the practitioner sees; corrections replace)."""
        return self.filter(superseded_at__isnull=True)

    def for_person(self, person: Person) -> ContactQuerySet:
        return self.filter(person=person)

    def happened(self, now: datetime | None = None) -> ContactQuerySet:
        return self.filter(starts_at__lte=now or timezone.now())

    def upcoming(self, now: datetime | None = None) -> ContactQuerySet:
        return self.filter(starts_at__gt=now or timezone.now())

    def made(self) -> ContactQuerySet:
        """Contacts that actually took place: attended, or a type that needs no attendance."""
        return self.filter(Q(outcome__is_attended=True) | Q(contact_type__is_attendance=False, outcome__isnull=True))

    def face_to_face(self) -> ContactQuerySet:
        return self.filter(contact_type__is_face_to_face=True)

    def remote(self) -> ContactQuerySet:
        return self.filter(contact_type__is_face_to_face=False)

    def awaiting_outcome(self, now: datetime | None = None) -> ContactQuerySet:
        """Past attendance contacts with no outcome yet: the practitioner's 'outcomes to record'."""
        return self.happened(now).filter(contact_type__is_attendance=True, outcome__isnull=True)

    def failures(self) -> ContactQuerySet:
        """Failures to comply: an unacceptable outcome on a contact that counts toward national standards."""
        return self.filter(outcome__is_failure=True, contact_type__is_national_standard=True)

    def awaiting_enforcement_decision(self) -> ContactQuerySet:
        """Failures to comply that no enforcement decision answers yet (none dated on or after them)."""
        from supervision.models.enforcement import EnforcementAction

        answered = EnforcementAction.objects.filter(
            person=OuterRef("person_id"),
            # TruncDate cannot take a bare OuterRef (it needs the output field to resolve).
            failure_date__gte=TruncDate(ExpressionWrapper(OuterRef("starts_at"), output_field=models.DateTimeField())),
        )
        return self.failures().exclude(Exists(answered))


@pghistory.track()
class Contact(models.Model):
    """Something that happened, or is planned, with the person: the core log.

    Versioning: `thread_id` names the contact across its versions. A correction inserts a new row
    (version + 1, with a reason, `supersedes` pointing back) and stamps the old one `superseded_at`; the old
    row's content never changes. `Contact.objects.current()` is what everyone works from. Booking
    an appointment and later recording its outcome is one version being completed, not a correction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts")
    contact_type = models.ForeignKey(ContactType, on_delete=models.PROTECT, related_name="contacts")
    starts_at = models.DateTimeField("Date and time")
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    staff = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts", help_text="Who holds it."
    )
    outcome = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    is_sensitive = models.BooleanField("Sensitive", default=False)
    em_discussed = models.BooleanField("Electronic monitoring discussed", null=True, blank=True)
    safeguarding_discussed = models.BooleanField("Safeguarding discussed", null=True, blank=True)
    series = models.ForeignKey(
        AppointmentSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    # Booking checks (clash, bank holiday, outside hours) the user chose to override, and why.
    booking_warnings = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="Identifier in a legacy system.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=1000, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        triggers = [NO_DELETES]
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["thread_id", "version"], name="contact_thread_version_unique"),
            models.UniqueConstraint(
                fields=["thread_id"], condition=Q(superseded_at__isnull=True), name="contact_one_current_version"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(superseded_at__isnull=True) & ~Q(external_id=""),
                name="contact_external_id_unique",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="contact_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""), name="contact_correction_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome_recorded_at__isnull=False),
                name="contact_outcome_has_time",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="contact_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True) | Q(version__gt=1, supersedes__isnull=False),
                name="contact_versions_chain",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "-starts_at"], condition=Q(superseded_at__isnull=True), name="contact_current_person"
            ),
            models.Index(
                fields=["staff", "starts_at"], condition=Q(superseded_at__isnull=True), name="contact_current_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_type.description} on {self.starts_at:%d %b %Y %H:%M}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_future(self) -> bool:
        return self.starts_at > timezone.now()

    @property
    def needs_outcome(self) -> bool:
        return self.contact_type.is_attendance and self.outcome_id is None and not self.is_future
