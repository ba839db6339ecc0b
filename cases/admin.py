"""Django admin for reference data and staff, for administrators only.

Case records are read-only here: they change through the service's own pages, which audit and
validate every change. Nothing can be deleted from the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from cases.models import PDU, CaseAccessRule, CaseView, Person, Region, RegistrationType, Role, Team, User


class AdminOnly(admin.ModelAdmin):  # type: ignore[type-arg]  # mixed into every model's admin
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "role", None) == Role.ADMIN or request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(AdminOnly):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(PDU)
class PDUAdmin(AdminOnly):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Team)
class TeamAdmin(AdminOnly):
    list_display = ["code", "name", "pdu"]
    list_filter = ["pdu__region"]
    search_fields = ["code", "name"]


@admin.register(RegistrationType)
class RegistrationTypeAdmin(AdminOnly):
    list_display = ["code", "description", "review_period_months", "is_complexity_factor", "is_mappa", "is_active"]
    list_filter = ["is_active", "is_complexity_factor"]
    search_fields = ["code", "description"]


@admin.register(User)
class UserAdmin(AdminOnly, BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "first_name", "last_name", "role", "grade", "team", "is_active"]
    list_filter = ["role", "grade", "is_active", "team__pdu__region"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Probation", {"fields": ("role", "grade", "team", "staff_code")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Probation", {"fields": ("first_name", "last_name", "email", "role", "grade", "team", "staff_code")}),
    )


@admin.register(CaseAccessRule)
class CaseAccessRuleAdmin(AdminOnly):
    """Restriction and exclusion lists are set by administrators and audited."""

    list_display = ["person", "user", "kind", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["person__crn", "user__username"]
    raw_id_fields = ["person", "user"]


@admin.register(CaseView)
class CaseViewAdmin(AdminOnly):
    list_display = ["viewed_at", "user", "person", "path"]
    search_fields = ["person__crn", "user__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(AdminOnly):
    list_display = ["crn", "first_name", "last_name", "team", "practitioner"]
    search_fields = ["crn", "last_name"]
    list_select_related = ["team", "practitioner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
