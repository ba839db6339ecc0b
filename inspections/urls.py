"""Flag pages, included at the site root by probation/urls.py."""

from __future__ import annotations

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("flags/", views.flags, name="flags"),
    path("people/<str:crn>/flags/", views.person_flags, name="person_flags"),
    path("people/<str:crn>/flags/<uuid:flag_id>/", views.flag_detail, name="flag"),
    path("people/<str:crn>/flags/<uuid:flag_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path(
        "people/<str:crn>/flags/<uuid:flag_id>/ask-to-acknowledge/",
        views.request_acknowledgement,
        name="request_acknowledgement",
    ),
]
