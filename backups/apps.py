from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backing up the database and the media folder, and restoring a backup into an
    empty database with proof that it came back identical (docs/operations.md,
    "Backups"). It reads every app's tables and writes none: it has no models."""

    name = "backups"
    verbose_name = "Backups"
