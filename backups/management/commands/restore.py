"""Restore a backup into an empty database and an empty media folder, and prove it
came back identical:

    DATABASE_URL=postgres://portal@db.example/strategy_portal_restored \\
    DJANGO_MEDIA_ROOT=/srv/strategy-portal/media-restored \\
      python manage.py restore /var/backups/strategy-portal/2026-11-30T0200

Checks the backup's files against its manifest first, and refuses a database that
has any table, or a media folder that holds anything: it never restores over data.
Then loads the database (pg_restore, or SQLite's backup API) and unpacks the media,
works out the fingerprint of the restored data (published editions, results, audit
history, pack files against their recorded SHA-256, every table) and compares it
with the one taken when the backup was made. Prints the comparison part by part;
exits non-zero on any difference, or if a pack file does not match its recorded
SHA-256. --report FILE also writes the outcome as JSON (keep it with the drill's
record). See docs/operations.md, "Backups".
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.actions import restore_backup
from backups.fingerprint import PART_NAMES, counted, summary
from backups.manifest import BackupError


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("src_dir", help="The folder of a backup made by `backup`.")
        parser.add_argument("--report", help="Also write the outcome, as JSON, to this file.")

    def handle(self, *args, src_dir: str, report: str | None, **options) -> None:
        if report and not Path(report).parent.is_dir():
            raise CommandError(f"--report: the folder {Path(report).parent} does not exist.")
        try:
            restored = restore_backup(folder=Path(src_dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the backup made at {manifest.made_at} (its files match their SHA-256) "
            f"into the {manifest.engine_name} database {restored.database}, and "
            f"{counted(restored.media_files, 'media file')} into {restored.media_root}, in "
            f"{restored.seconds:.1f} s."
        )
        self.stdout.write("The restored data, compared with the backup:")
        lines = summary(restored.fingerprint)
        for part in PART_NAMES:
            found = [str(d) for d in restored.differences if d.part == part]
            self.stdout.write(f"  {'DIFFERENT' if found else 'identical':9}  {lines[part]}")
            for difference in found:
                self.stdout.write(f"             - {difference}")
        not_matching = restored.fingerprint["packs"]["not_matching"]
        if report:
            self._write_report(Path(report), src_dir, restored)
        if restored.differences:
            parts = sorted({PART_NAMES[d.part] for d in restored.differences})
            raise CommandError(
                "Restore check FAILED: the restored data differs from the backup in "
                + ", ".join(parts)
                + "."
            )
        if not_matching:
            raise CommandError(
                "Restore check FAILED: the restored data is as backed up, but these pack files "
                "do not match the SHA-256 recorded when they were made: " + ", ".join(not_matching)
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Restore check passed: the restored data is identical to the backup."
            )
        )

    def _write_report(self, path: Path, src_dir: str, restored) -> None:
        outcome = {
            "backup": src_dir,
            "backup_made_at": restored.manifest.made_at,
            "restored_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": restored.manifest.engine,
            "database": restored.database,
            "media_root": str(restored.media_root),
            "media_files": restored.media_files,
            "seconds": round(restored.seconds, 2),
            "identical": restored.identical,
            "differences": [str(difference) for difference in restored.differences],
            "fingerprint": restored.fingerprint,
        }
        path.write_text(json.dumps(outcome, indent=1, sort_keys=True) + "\n", encoding="utf-8")
