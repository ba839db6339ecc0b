"""API v1 for contacts and appointments: the same access chokepoint and services as the pages.

Reads show the current version of each contact (corrections replace); writes go through
`supervision.services` exactly as the web forms do, and their field-keyed validation messages come
back as a 400 body keyed by the same field names as the input.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Subquery
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.access import get_person_for_user
from cases.models import Person
from cases.web import signed_in_user
from kit.api import ERROR, ERRORS, PageNumbers
from kit.clock import end_of_day, local_midnight
from supervision.models import Contact, ContactQuerySet, ContactType, Frequency, OutcomeType
from supervision.rules.booking import BookingWarnings
from supervision.services.appointments import MAX_OCCURRENCES, book_appointment
from supervision.services.contacts import record_contact

# --- Output --------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer[Contact]):
    contact_type = serializers.CharField(source="contact_type.code")
    contact_type_description = serializers.CharField(source="contact_type.description")
    is_face_to_face = serializers.BooleanField(source="contact_type.is_face_to_face")
    outcome = serializers.CharField(source="outcome.code", allow_null=True, default=None)
    outcome_description = serializers.CharField(source="outcome.description", allow_null=True, default=None)
    staff = serializers.CharField(source="staff.username", allow_null=True, default=None)

    class Meta:
        model = Contact
        fields = [
            "thread_id",
            "version",
            "contact_type",
            "contact_type_description",
            "is_face_to_face",
            "starts_at",
            "ends_at",
            "location",
            "staff",
            "outcome",
            "outcome_description",
            "outcome_recorded_at",
            "notes",
            "is_sensitive",
            "em_discussed",
            "safeguarding_discussed",
            "external_id",
            "created_at",
        ]


class ContactDetailSerializer(ContactSerializer):
    version_count = serializers.IntegerField(help_text="How many versions the contact has (1: never corrected).")

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "correction_reason", "version_count"]


# --- Input ---------------------------------------------------------------------------------------

# Dates outside this range are typing mistakes, and near the ends of the calendar a UK time cannot
# even be converted to UTC: refused as bad input rather than failing in the database.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _in_range(value: date | datetime | None) -> date | datetime | None:
    if value is not None:
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(f"Enter a date between {EARLIEST:%Y} and {LATEST:%Y}.")
    return value


class _Moments:
    """Range checks for the date and time fields of an input serializer."""

    def validate_starts_at(self, value: datetime) -> datetime | date | None:
        return _in_range(value)

    def validate_ends_at(self, value: datetime | None) -> datetime | date | None:
        return _in_range(value)


def _codes(model: type[ContactType] | type[OutcomeType]) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", queryset=model.objects.filter(is_active=True))


class ContactInputSerializer(_Moments, serializers.Serializer[dict[str, Any]]):
    contact_type = _codes(ContactType)
    starts_at = serializers.DateTimeField(help_text="When it happened (ISO 8601; no offset means UK time).")
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    outcome = serializers.SlugRelatedField(
        slug_field="code", queryset=OutcomeType.objects.filter(is_active=True), required=False, allow_null=True
    )
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    is_sensitive = serializers.BooleanField(required=False, allow_null=True, default=None)
    em_discussed = serializers.BooleanField(required=False, allow_null=True, default=None)
    safeguarding_discussed = serializers.BooleanField(required=False, allow_null=True, default=None)


class AppointmentInputSerializer(_Moments, serializers.Serializer[dict[str, Any]]):
    contact_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ContactType.objects.filter(is_active=True, is_bookable=True)
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False, allow_null=True, default=None)
    occurrences = serializers.IntegerField(required=False, default=1, min_value=1, max_value=MAX_OCCURRENCES)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Why the booking goes ahead despite its warnings; without it, warnings answer 409.",
    )


class ContactFilterSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField(required=False, max_length=10)
    # `from` is a Python keyword: declared under another name and mapped in __init__.
    from_ = serializers.DateField(required=False, source="start")
    to = serializers.DateField(required=False, source="end")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name, key in (("from", "start"), ("to", "end")):
            try:
                _in_range(attrs.get(key))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({name: error.detail}) from None
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"to": "Must be on or after from."})
        return attrs


# DRF reports bad input as {"field": ["message", ...]} (or {"detail": "..."} for a body it cannot parse).
VALIDATION_ERROR = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
    },
    description="Invalid input: messages by field",
)
NOT_FOUND = OpenApiResponse(ERROR, description="No such case or contact, or not visible to you")
FORBIDDEN = OpenApiResponse(ERROR, description="No valid session or token, or your role cannot change cases")
BOOKING_WARNINGS = inline_serializer(
    "BookingWarnings",
    fields={"detail": serializers.CharField(), "warnings": serializers.ListField(child=serializers.CharField())},
)
CRN = OpenApiParameter(
    "crn", OpenApiTypes.STR, OpenApiParameter.PATH, description="Case reference number, like X123456"
)
THREAD = OpenApiParameter(
    "thread_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The contact, across its versions"
)


def _person(request: Request, crn: str, *, write: bool = False) -> Person:
    return get_person_for_user(signed_in_user(request), crn, write=write, path=request.path)


def _service_errors(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError({field: messages for field, messages in error.message_dict.items()})
    return serializers.ValidationError({"non_field_errors": error.messages})


def _contacts(person: Person) -> ContactQuerySet:
    return (
        Contact.objects.current()
        .for_person(person)
        .select_related("contact_type", "outcome", "staff")
        .order_by("-starts_at", "thread_id")
    )


class ContactListView(GenericAPIView[Contact]):
    """A case's contacts (current versions), newest first; and recording a new contact."""

    serializer_class = ContactSerializer
    pagination_class = PageNumbers
    queryset = Contact.objects.none()  # for the schema only: every request goes through the chokepoint

    @extend_schema(
        operation_id="people_contacts_list",
        parameters=[
            CRN,
            OpenApiParameter("type", OpenApiTypes.STR, description="Contact type code, e.g. COAP"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="On or after this date (UK time)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="On or before this date (UK time)"),
        ],
        responses={200: ContactSerializer(many=True), 400: VALIDATION_ERROR, 404: NOT_FOUND, **ERRORS},
    )
    def get(self, request: Request, crn: str) -> Response:
        person = _person(request, crn)
        filters = ContactFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        contacts = _contacts(person)
        if code := filters.validated_data.get("type"):
            contacts = contacts.filter(contact_type__code__iexact=code)
        if start := filters.validated_data.get("start"):
            contacts = contacts.filter(starts_at__gte=local_midnight(start))
        if end := filters.validated_data.get("end"):
            contacts = contacts.filter(starts_at__lt=end_of_day(end))
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(
        operation_id="people_contacts_create",
        parameters=[CRN],
        request=ContactInputSerializer,
        responses={201: ContactSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND, 401: ERRORS[401]},
    )
    def post(self, request: Request, crn: str) -> Response:
        person = _person(request, crn, write=True)
        given = ContactInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            contact = record_contact(person, by=signed_in_user(request), **given.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[CRN, THREAD],
    responses={200: ContactDetailSerializer, 404: NOT_FOUND, **ERRORS},
)
class ContactDetailView(GenericAPIView[Contact]):
    """One contact as it stands now (its current version), with how many versions it has."""

    serializer_class = ContactDetailSerializer
    queryset = Contact.objects.none()

    def get(self, request: Request, crn: str, thread_id: str) -> Response:
        person = _person(request, crn)
        try:
            thread = uuid.UUID(thread_id)
        except ValueError:
            raise NotFound("No such contact") from None
        versions = (
            Contact.objects.filter(thread_id=OuterRef("thread_id"))
            .order_by()
            .values("thread_id")
            .annotate(n=Count("id"))
        )
        contact = _contacts(person).annotate(version_count=Subquery(versions.values("n"))).filter(thread_id=thread)
        found = contact.first()
        if found is None:
            raise NotFound("No such contact")
        return Response(ContactDetailSerializer(found).data)


@extend_schema(
    parameters=[CRN],
    request=AppointmentInputSerializer,
    responses={
        201: ContactSerializer(many=True),
        400: VALIDATION_ERROR,
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: OpenApiResponse(BOOKING_WARNINGS, description="The booking needs confirming: give override_reason"),
        401: ERRORS[401],
    },
)
class AppointmentBookingView(GenericAPIView[Contact]):
    """Book an appointment, or a recurring series of them. Checks (clashes, bank holidays, outside
    working hours, in the past) answer 409 with the warnings unless `override_reason` says why to
    go ahead; the reason is then stored with the warnings on each appointment."""

    serializer_class = ContactSerializer
    pagination_class = None  # answers with the appointments booked, not a page of them
    queryset = Contact.objects.none()

    def post(self, request: Request, crn: str) -> Response:
        person = _person(request, crn, write=True)
        given = AppointmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            contacts = book_appointment(person, by=signed_in_user(request), **given.validated_data)
        except BookingWarnings as warnings:
            body = {"detail": "The booking needs confirming: give an override_reason", "warnings": warnings.warnings}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(ContactSerializer(contacts, many=True).data, status=status.HTTP_201_CREATED)


# Included under /api/v1/people/<crn>/ by probation/api_urls.py.
urlpatterns = [
    path("contacts/", ContactListView.as_view(), name="api-contacts"),
    path("contacts/<str:thread_id>/", ContactDetailView.as_view(), name="api-contact"),
    path("appointments/", AppointmentBookingView.as_view(), name="api-appointments"),
]
