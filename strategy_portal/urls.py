from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The REST API under /api/v1/ and the pages for its clients.
    path("", include("api.urls")),
    path("", include("dashboard.urls")),
    path("", include("objectives.urls")),
    path("", include("reporting.urls")),
    path("", include("okrs.urls")),
    path("", include("users.urls")),
    # Logging in and out, single sign-on, administrators' second factor.
    path("", include("accounts.sign_in_urls")),
    path("admin/", admin.site.urls),
]
