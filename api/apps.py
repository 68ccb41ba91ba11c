from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and its clients"

    def ready(self) -> None:
        from api import schema  # noqa: F401 (registers the key's security scheme)
        from api.audit import add_audit_kinds

        add_audit_kinds()
