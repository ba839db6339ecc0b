from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cases import api as cases_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("people/", cases_api.PersonListView.as_view(), name="api-people"),
    path("people/<str:crn>/", cases_api.PersonDetailView.as_view(), name="api-person"),
    path("people/<str:crn>/", include("supervision.api")),
    path("", include("inspections.api")),
]
