from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logging in (throttled), and the record of security events and account changes."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the receivers that write the security log.
        from accounts import security_log  # noqa: F401
