from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Strategy"

    def ready(self) -> None:
        # Registers the permission predicates: the one permission entry point.
        from objectives import permissions  # noqa: F401

        # Every app's permissions exist only once its own post_migrate has run, so
        # this runs after each (it is idempotent and cheap).
        post_migrate.connect(_sync_role_groups)


def _sync_role_groups(**kwargs) -> None:
    from objectives.actions import sync_role_groups

    sync_role_groups()
