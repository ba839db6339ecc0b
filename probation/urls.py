from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from probation import views
from supervision.views import home as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("probation.api_urls")),
    path("", include("supervision.urls")),
    path("", include("inspections.urls")),
    path("", include("cases.urls")),
]

handler400 = "probation.views.bad_request"
handler403 = "probation.views.permission_denied"
handler404 = "probation.views.page_not_found"
handler500 = "probation.views.server_error"
