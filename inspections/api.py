"""API v1 for flags: one case's flags, and the open flags across the caller's cases. Read-only; the
same access chokepoint (`get_person_for_user`, `visible_people`) as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.access import get_person_for_user, visible_people
from cases.models import PersonQuerySet, Role, User
from cases.web import signed_in_user
from inspections.models import Flag, FlagKind, FlagQuerySet
from kit.api import ERROR, ERRORS, PageNumbers

# --- Output --------------------------------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer[Flag]):
    crn = serializers.CharField(source="person.crn")
    kind_description = serializers.CharField(source="get_kind_display")
    policy_version = serializers.IntegerField(source="policy.version", allow_null=True, default=None)
    evidence = serializers.JSONField(help_text="What raised the flag, as the check recorded it.")
    is_open = serializers.BooleanField()
    is_acknowledged = serializers.BooleanField(help_text="An acknowledgement is in force today.")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True, default=None)

    class Meta:
        model = Flag
        fields = [
            "id",
            "crn",
            "kind",
            "kind_description",
            "severity",
            "standard",
            "key_question",
            "opened_at",
            "due_by",
            "last_checked_at",
            "policy_version",
            "evidence",
            "is_open",
            "resolved_at",
            "resolution",
            "is_acknowledged",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_reason",
            "acknowledgement_expires",
        ]


# --- Input ---------------------------------------------------------------------------------------


# Query parameters are validated as a plain dict, not as form input: DRF would otherwise take an
# empty `kind=` or `open=` for "not given", where the documented enum says it is invalid.
class CaseFlagFilterSerializer(serializers.Serializer[dict[str, Any]]):
    open = serializers.ChoiceField(choices=["true", "false"], required=False)


class FlagFilterSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=FlagKind.choices, required=False)
    practitioner = serializers.CharField(required=False, allow_blank=True, max_length=150)

    def validate_practitioner(self, value: str) -> str:
        if "\x00" in value:  # PostgreSQL refuses NUL in a query parameter
            raise serializers.ValidationError("Enter a username.")
        return value


VALIDATION_ERROR = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Invalid filter: messages by parameter",
)
CRN = OpenApiParameter(
    "crn", OpenApiTypes.STR, OpenApiParameter.PATH, description="Case reference number, like X123456"
)


def _flags() -> FlagQuerySet:
    return Flag.objects.select_related("person", "policy", "acknowledged_by")


class CaseFlagListView(GenericAPIView[Flag]):
    """A case's flags, open and resolved, newest first; `open=true` for only the open ones."""

    serializer_class = FlagSerializer
    pagination_class = PageNumbers
    queryset = Flag.objects.none()  # for the schema only: every request goes through the chokepoint

    @extend_schema(
        operation_id="people_flags_list",
        parameters=[
            CRN,
            OpenApiParameter("open", OpenApiTypes.STR, enum=["true", "false"], description="Only open (or resolved)"),
        ],
        responses={
            200: FlagSerializer(many=True),
            400: VALIDATION_ERROR,
            404: OpenApiResponse(ERROR, description="No such case or page, or not visible to you"),
            **ERRORS,
        },
    )
    def get(self, request: Request, crn: str) -> Response:
        person = get_person_for_user(signed_in_user(request), crn, path=request.path)
        filters = CaseFlagFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        flags = _flags().filter(person=person).order_by("-opened_at", "pk")
        if (wanted := filters.validated_data.get("open")) is not None:
            flags = flags.filter(resolved_at__isnull=wanted == "true")
        page = self.paginate_queryset(flags)
        return self.get_paginated_response(FlagSerializer(page, many=True).data)


def flag_scope(user: User) -> PersonQuerySet:
    """The caller's visible cases; an SPO's are their team's."""
    people = visible_people(user)
    if user.role == Role.SPO:
        return people.in_team(user.team) if user.team is not None else people.none()
    return people


class FlagListView(GenericAPIView[Flag]):
    """Open flags on the cases the caller may see (an SPO: their team's), oldest first."""

    serializer_class = FlagSerializer
    pagination_class = PageNumbers
    queryset = Flag.objects.none()

    @extend_schema(
        operation_id="flags_list",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=FlagKind.values, description="Kind of flag"),
            OpenApiParameter(
                "practitioner",
                # As the filter takes it: up to 150 characters, none of them NUL (PostgreSQL refuses it).
                {"type": "string", "maxLength": 150, "pattern": "^[^\\u0000]*$"},
                description="Username of the case's practitioner",
            ),
        ],
        responses={
            200: FlagSerializer(many=True),
            400: VALIDATION_ERROR,
            404: OpenApiResponse(ERROR, description="No such page of results"),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        filters = FlagFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        flags = _flags().open().filter(person__in=flag_scope(signed_in_user(request)).values("pk"))
        if kind := filters.validated_data.get("kind"):
            flags = flags.filter(kind=kind)
        if practitioner := filters.validated_data.get("practitioner"):
            flags = flags.filter(person__practitioner__username=practitioner)
        page = self.paginate_queryset(flags.order_by("opened_at", "pk"))
        return self.get_paginated_response(FlagSerializer(page, many=True).data)


# Included at /api/v1/ by probation/api_urls.py.
urlpatterns = [
    path("people/<str:crn>/flags/", CaseFlagListView.as_view(), name="api-person-flags"),
    path("flags/", FlagListView.as_view(), name="api-flags"),
]
