from django.urls import path

from objectives import views

app_name = "objectives"
urlpatterns = [
    path("", views.home, name="home"),
    path("strategies/", views.strategy_history, name="strategy_history"),
    path("strategies/<slug:slug>/", views.strategy, name="strategy"),
    path("objectives/<int:pk>/", views.objective, name="objective"),
    path("focus-areas/<int:pk>/", views.focus_area, name="focus_area"),
    path("units/", views.units, name="units"),
    path("people/", views.people, name="people"),
]
