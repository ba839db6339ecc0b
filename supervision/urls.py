"""Supervision pages. Each area's views module owns its own `urlpatterns`; they are joined here."""

from __future__ import annotations

from supervision.views import (
    appointments,
    approvals,
    compliance,
    contacts,
    home,
    oversight,
    policies,
    risk,
    safeguarding,
)

app_name = "supervision"

urlpatterns = [
    *home.urlpatterns,
    *contacts.urlpatterns,
    *appointments.urlpatterns,
    *compliance.urlpatterns,
    *policies.urlpatterns,
    *risk.urlpatterns,
    *safeguarding.urlpatterns,
    *oversight.urlpatterns,
    *approvals.urlpatterns,
]
