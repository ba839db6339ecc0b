"""Django admin for the checks, for administrators only.

Check definitions (standard, key question, severity, threshold, on or off) are edited here and
audited by pghistory. Flags are shown read-only: the engine opens and resolves them, and SPOs
acknowledge them on the service's own pages. Nothing can be deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.admin import AdminOnly
from inspections.models import CheckDefinition, Flag


@admin.register(CheckDefinition)
class CheckDefinitionAdmin(AdminOnly):
    list_display = ["kind", "standard", "severity", "threshold", "threshold_unit", "is_enabled"]
    list_filter = ["severity", "is_enabled", "standard"]
    search_fields = ["kind", "key_question"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one definition per kind, seeded; a new kind needs a new check in code


@admin.register(Flag)
class FlagAdmin(AdminOnly):
    list_display = ["kind", "person", "severity", "opened_at", "due_by", "resolved_at", "acknowledged_at"]
    list_filter = ["kind", "severity", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__crn", "person__last_name"]
    list_select_related = ["person"]
    date_hierarchy = "opened_at"
    show_full_result_count = False  # a national count of flags on every page load is not worth it

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
