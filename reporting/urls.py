from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("objectives/<int:pk>/", views.objective, name="objective"),
    path("focus-areas/<int:pk>/", views.focus_area, name="focus_area"),
    path("ipr/", views.ipr_latest, name="ipr_latest"),
    path("ipr/<str:month>/", views.ipr, name="ipr"),
    path("ipr/<str:month>/publish/", views.publish, name="publish"),
    path(
        "ipr/<str:month>/objectives/<int:objective>/summary/",
        views.edit_narrative,
        name="edit_summary",
    ),
    path(
        "ipr/<str:month>/objectives/<int:objective>/okrs/<slug:code>/commentary/",
        views.edit_narrative,
        name="edit_commentary",
    ),
]
