from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from users.audit import add_audit_kinds

        add_audit_kinds()
