from django.apps import AppConfig
from django.db.models.signals import post_migrate
from simple_history.signals import post_create_historical_record


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = "Strategy"

    def ready(self) -> None:
        # Registers the permission predicates: the one permission entry point.
        from objectives import permissions  # noqa: F401
        from objectives.data_version import count_history_row

        # Every recorded change moves the data version on (see objectives.data_version).
        post_create_historical_record.connect(
            count_history_row, dispatch_uid="objectives.data_version"
        )

        # Every app's permissions exist only once its own post_migrate has run, so
        # this runs after each (it is idempotent and cheap).
        post_migrate.connect(_sync_role_groups)


def _sync_role_groups(**kwargs) -> None:
    from objectives.actions import sync_role_groups

    sync_role_groups()
