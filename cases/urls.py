from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team-caseload/", views.team_caseload, name="team_caseload"),
    path("search/", views.search, name="search"),
    path("people/<str:crn>/", views.person_detail, name="person"),
    path("people/<str:crn>/personal-details/", views.edit_personal_details, name="edit_personal_details"),
    path("people/<str:crn>/address/", views.change_address, name="change_address"),
    path("people/<str:crn>/allocate/", views.allocate, name="allocate"),
    path("people/<str:crn>/registrations/add/", views.add_registration, name="add_registration"),
    path(
        "people/<str:crn>/registrations/<uuid:registration_id>/close/",
        views.close_registration,
        name="close_registration",
    ),
    path(
        "people/<str:crn>/registrations/<uuid:registration_id>/review/",
        views.review_registration,
        name="review_registration",
    ),
]
