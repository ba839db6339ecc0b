"""Supervision pages. Each area's views module owns its own `urlpatterns`; they are joined here."""

from __future__ import annotations

from supervision.views import appointments, compliance, contacts, home, policies

app_name = "supervision"

urlpatterns = [
    *home.urlpatterns,
    *contacts.urlpatterns,
    *appointments.urlpatterns,
    *compliance.urlpatterns,
    *policies.urlpatterns,
]
