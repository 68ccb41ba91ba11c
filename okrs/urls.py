from django.urls import path

from okrs.views import okr

app_name = "okrs"
urlpatterns = [
    path("okrs/<slug:code>/", okr.key_result, name="key_result"),
]
