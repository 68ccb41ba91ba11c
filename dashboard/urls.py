from django.urls import path

from dashboard import coverage_view, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<slug:slug>/", views.unit, name="unit"),
    path("coverage/", coverage_view.coverage, name="coverage"),
    path("okrs/<slug:code>/units/<slug:slug>/", views.okr_unit, name="okr_unit"),
]
