from django.urls import path

from okrs import views

app_name = "okrs"
urlpatterns = [
    path("<slug:code>/", views.key_result, name="key_result"),
]
