"""Supervision pages. Each area's views module owns its own `urlpatterns`; they are joined here."""

from __future__ import annotations

from supervision.views import (
    appointments,
    approvals,
    assessments,
    compliance,
    contacts,
    home,
    oversight,
    plans,
    policies,
    safeguarding,
)

app_name = "supervision"

urlpatterns = [
    *home.urlpatterns,
    *contacts.urlpatterns,
    *appointments.urlpatterns,
    *compliance.urlpatterns,
    *policies.urlpatterns,
    *assessments.urlpatterns,
    *plans.urlpatterns,
    *safeguarding.urlpatterns,
    *oversight.urlpatterns,
    *approvals.urlpatterns,
]
