"""Back up the database and the media folder (uploads and exported Board packs):

    python manage.py backup /var/backups/strategy-portal/2026-11-30T0200

DEST_DIR must be new or empty. It receives the database (PostgreSQL: a pg_dump
custom-format file; SQLite: a copy made with SQLite's online backup API), the media
folder as media.tar.gz, and manifest.json, written last: each file's size and
SHA-256, and a fingerprint of the data the Board depends on (published editions,
results, audit history, pack files, every table), taken at the same moment as the
database file. Exits non-zero if anything fails, or if a stored pack file no longer
matches the SHA-256 recorded when it was made (the backup is still written).
See docs/operations.md, "Backups".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.actions import make_backup
from backups.fingerprint import counted, summary
from backups.manifest import BackupError


def size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1024
    return ""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("dest_dir", help="A new or empty folder to write the backup into.")

    def handle(self, *args, dest_dir: str, **options) -> None:
        try:
            made = make_backup(folder=Path(dest_dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = made.manifest
        self.stdout.write(
            f"Backed up the {manifest.engine_name} database and the media folder to "
            f"{made.folder} in {made.seconds:.1f} s:"
        )
        for name, described in sorted(manifest.files.items()):
            self.stdout.write(f"  {name}: {size(described['size'])}, SHA-256 {described['sha256']}")
        self.stdout.write(
            f"  media: {counted(manifest.media['files'], 'file')}, {size(manifest.media['bytes'])}"
        )
        self.stdout.write("Fingerprint of the data backed up:")
        for line in summary(manifest.fingerprint).values():
            self.stdout.write(f"  {line}")
        if made.skipped_media:
            self.stderr.write(
                "Left out of the media archive (links or special files, not the portal’s): "
                + ", ".join(made.skipped_media)
            )
        not_matching = manifest.fingerprint["packs"]["not_matching"]
        if not_matching:
            raise CommandError(
                "The backup is written, but these pack files do not match the SHA-256 recorded "
                "when they were made (changed or missing): " + ", ".join(not_matching)
            )
