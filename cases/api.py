"""API v1 for cases: the same access chokepoint and read models as the pages."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from cases.access import get_person_for_user, visible_people
from cases.models import Person, PersonQuerySet, Registration, Requirement, Sentence, User
from kit.api import ERROR, ERRORS, PageNumbers


class StaffSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["username", "name", "staff_code", "grade"]


class PersonSummarySerializer(serializers.ModelSerializer[Person]):
    practitioner = StaffSerializer(allow_null=True)
    team = serializers.CharField(source="team.code")

    class Meta:
        model = Person
        fields = ["crn", "first_name", "last_name", "date_of_birth", "rosh", "tier", "team", "practitioner"]


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    class Meta:
        model = Requirement
        fields = [
            "id",
            "category",
            "description",
            "length",
            "unit",
            "delivered",
            "start_date",
            "terminated_on",
        ]


class SentenceSerializer(serializers.ModelSerializer[Sentence]):
    requirements = RequirementSerializer(many=True)
    two_thirds_date = serializers.DateField()

    class Meta:
        model = Sentence
        fields = [
            "id",
            "order_type",
            "is_hdc",
            "offence",
            "start_date",
            "expected_end_date",
            "two_thirds_date",
            "terminated_on",
            "requirements",
        ]


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    code = serializers.CharField(source="type.code")
    description = serializers.CharField(source="type.description")
    review_overdue = serializers.BooleanField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "code",
            "description",
            "registered_on",
            "review_due",
            "review_overdue",
            "mappa_category",
            "mappa_level",
            "deregistered_on",
        ]


class PersonDetailSerializer(PersonSummarySerializer):
    sentences = SentenceSerializer(many=True)
    registrations = RegistrationSerializer(many=True)

    class Meta(PersonSummarySerializer.Meta):
        fields = [
            *PersonSummarySerializer.Meta.fields,
            "pnc_number",
            "gender",
            "language",
            "interpreter_required",
            "sentences",
            "registrations",
        ]


@extend_schema(
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="Search by CRN or name (partial, case-insensitive)")
    ],
    responses={
        200: PersonSummarySerializer(many=True),
        404: OpenApiResponse(ERROR, description="No such page of results"),
        **ERRORS,
    },
)
class PersonListView(ListAPIView[Person]):
    """People the caller may see; `q` searches by CRN or name, best matches first."""

    serializer_class = PersonSummarySerializer
    pagination_class = PageNumbers
    queryset = Person.objects.none()  # for the schema only: get_queryset applies the access rules

    def get_queryset(self) -> PersonQuerySet:
        user = self.request.user
        assert isinstance(user, User)
        # PostgreSQL refuses NUL in a query parameter: drop it rather than answer 500.
        q = self.request.query_params.get("q", "").replace("\x00", "")[:100]
        people = visible_people(user)
        rows = people.search(q) if q.strip() else people.order_by("last_name", "first_name", "crn")
        return rows.select_related("team", "practitioner")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "crn", OpenApiTypes.STR, OpenApiParameter.PATH, description="Case reference number, like X123456"
        )
    ],
    responses={
        200: PersonDetailSerializer,
        404: OpenApiResponse(ERROR, description="No such case, or not visible to you"),
        **ERRORS,
    },
)
class PersonDetailView(RetrieveAPIView[Person]):
    """One case with its sentences, requirements and registrations. Views of restricted cases are logged."""

    serializer_class = PersonDetailSerializer
    queryset = Person.objects.none()  # for the schema only: get_object goes through the chokepoint

    def get_object(self) -> Person:
        user = self.request.user
        assert isinstance(user, User)
        person = get_person_for_user(user, self.kwargs["crn"], path=self.request.path)
        prefetch_related_objects(
            [person],
            Prefetch("sentences", queryset=Sentence.objects.prefetch_related("requirements")),
            Prefetch("registrations", queryset=Registration.objects.select_related("type")),
        )
        return person
