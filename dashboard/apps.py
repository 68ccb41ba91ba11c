from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The performance dashboard: the Trust at a glance for a month, read from the
    same assembled report as the IPR (see `dashboard.board`)."""

    name = "dashboard"
