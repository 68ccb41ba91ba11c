from django.urls import path

from objectives import views

app_name = "objectives"
urlpatterns = [
    # The current strategy's document (the home page is the dashboard).
    path("strategy/", views.home, name="home"),
    path("strategies/", views.strategy_history, name="strategy_history"),
    path("strategies/<slug:slug>/", views.strategy, name="strategy"),
    path("units/", views.units, name="units"),
    path("people/", views.people, name="people"),
]
