"""Check a backup without restoring it:

    python manage.py verify_backup /var/backups/strategy-portal/2026-11-30T0200

Reads its manifest, checks each file's size and SHA-256 against it, and that the
database file and the media archive can be read (a PostgreSQL dump needs
pg_restore). Exits non-zero, saying what is wrong, on any difference. It does not
prove the backup restores: `restore` into an empty database does (docs/operations.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.actions import check_backup
from backups.fingerprint import counted, summary
from backups.manifest import BackupError


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("src_dir", help="The folder of a backup made by `backup`.")

    def handle(self, *args, src_dir: str, **options) -> None:
        try:
            checked = check_backup(folder=Path(src_dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = checked.manifest
        self.stdout.write(
            f"The backup in {src_dir}, of a {manifest.engine_name} database made at "
            f"{manifest.made_at}, is as it was made: "
            f"{', '.join(sorted(manifest.files))} match their SHA-256, and both can be read "
            f"({counted(checked.media_files, 'media file')})."
        )
        for line in summary(manifest.fingerprint).values():
            self.stdout.write(f"  {line}")
