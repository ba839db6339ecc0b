"""Django admin for supervision reference data (contact types and outcome codes), for
administrators only. Contact policies are edited on the service's own pages (draft, impact,
publish), so they are not editable here; contacts change only through the services."""

from __future__ import annotations

from django.contrib import admin

from cases.admin import AdminOnly
from supervision.models import ContactType, OutcomeType


@admin.register(ContactType)
class ContactTypeAdmin(AdminOnly):
    list_display = [
        "code",
        "description",
        "is_face_to_face",
        "is_attendance",
        "is_national_standard",
        "location_required",
        "sensitive_by_default",
        "is_active",
    ]
    list_filter = ["is_face_to_face", "is_attendance", "is_national_standard", "is_active"]
    search_fields = ["code", "description"]


@admin.register(OutcomeType)
class OutcomeTypeAdmin(AdminOnly):
    list_display = [
        "code",
        "description",
        "is_attended",
        "is_failure",
        "is_acceptable_absence",
        "is_rescheduled",
        "allowed_in_future",
        "is_active",
    ]
    list_filter = ["is_failure", "is_acceptable_absence", "is_active"]
    search_fields = ["code", "description"]
    ordering = ["sort_order"]
