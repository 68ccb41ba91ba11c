"""The backup app's operations: make a backup, check one, and restore one into an
empty database with proof that it came back identical. The commands in
`backups/management/commands/` call them. They write files and (a restore) a whole
database, never domain rows one by one, so they record no audit entry of their
own: a restored database brings its audit history with it."""

import datetime
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.migrations.loader import MigrationLoader

from backups import selectors, storage
from backups.fingerprint import Difference, Fingerprint, compare
from backups.manifest import (
    DATABASE_FILES,
    ENGINE_NAMES,
    MEDIA_ARCHIVE,
    BackupError,
    Manifest,
    describe_file,
    file_problems,
    read_manifest,
    write_manifest,
)

# How many names a message lists before saying how many more there are.
NAMES_SHOWN = 5


@dataclass(frozen=True)
class BackupMade:
    folder: Path
    manifest: Manifest
    skipped_media: list[str]  # links and special files left out of the archive
    seconds: float


@dataclass(frozen=True)
class BackupChecked:
    manifest: Manifest
    media_files: int


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    database: str
    media_root: Path
    media_files: int
    fingerprint: Fingerprint
    differences: list[Difference]
    seconds: float

    @property
    def identical(self) -> bool:
        return not self.differences


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def media_root() -> Path:
    """The media folder, when the media files are kept in it (the settings' default)."""
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            "The media files are not kept in a folder on this machine: back them up with "
            "their storage’s own means."
        )
    return Path(settings.MEDIA_ROOT)


def make_backup(*, folder: Path) -> BackupMade:
    """Back up the database and the media folder into `folder` (new, or empty), with
    a manifest of the files' SHA-256 and of the data's fingerprint, written last.
    The database file and the fingerprint come from the same moment, however busy
    the portal is; the media folder is archived after it, so it holds every pack
    file that moment's database names (a pack's file is written before its row)."""
    started = time.monotonic()
    engine = storage.engine()
    media = media_root()
    _prepare_destination(folder, media)
    database_file = folder / DATABASE_FILES[engine]
    archive = folder / MEDIA_ARCHIVE
    try:
        with storage.one_snapshot() as dump:
            dump(database_file)
            fingerprint = selectors.current_fingerprint()
            migrations = selectors.applied_migrations()
        archived = storage.archive_media(media, archive)
        manifest = Manifest(
            made_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            engine=engine,
            files={path.name: describe_file(path) for path in (database_file, archive)},
            migrations=migrations,
            media={"files": archived.files, "bytes": archived.bytes},
            fingerprint=fingerprint,
        )
        write_manifest(folder, manifest)
    except BaseException:
        # Nothing half-made is left to be taken for a backup.
        for path in (database_file, archive):
            path.unlink(missing_ok=True)
        raise
    return BackupMade(folder, manifest, archived.skipped, time.monotonic() - started)


def _prepare_destination(folder: Path, media: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file: name a folder to back up into.")
    if not storage.folder_is_empty(folder):
        raise BackupError(
            f"{folder} is not empty: back up into a new folder (e.g. one named by the date "
            "and time), so that no backup is ever overwritten."
        )
    if folder.resolve().is_relative_to(media.resolve()):
        raise BackupError(f"{folder} is inside the media folder it would back up: choose another.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    except OSError as error:
        raise BackupError(f"{folder} cannot be made: {error.strerror}.") from error


def check_backup(*, folder: Path) -> BackupChecked:
    """Check a backup without restoring it: its manifest, each file against its
    size and SHA-256, and that the database dump and the media archive can be read."""
    manifest = read_manifest(folder)
    problems = file_problems(folder, manifest)
    if problems:
        raise BackupError(
            f"The backup in {folder} does not match its manifest (it is damaged or was "
            "changed):\n" + "\n".join(f"  - {problem}" for problem in problems)
        )
    storage.check_database_dump(folder / manifest.database_file)
    media_files = storage.check_media_archive(folder / MEDIA_ARCHIVE)
    if media_files != manifest.media["files"]:
        raise BackupError(
            f"The media archive holds {media_files:,} files; the manifest says "
            f"{manifest.media['files']:,}."
        )
    return BackupChecked(manifest, media_files)


def restore_backup(*, folder: Path) -> Restored:
    """Restore a backup into the database in use, which must be empty, and the media
    folder, which must be empty too; then work out the restored data's fingerprint
    and compare it with the backup's. Refuses, before changing anything, a backup
    whose files are not as made, of another engine or release, or a database or
    media folder that holds anything."""
    started = time.monotonic()
    manifest = check_backup(folder=folder).manifest
    engine = storage.engine()
    if manifest.engine != engine:
        raise BackupError(
            f"This backup is of a {manifest.engine_name} database, and DATABASE_URL points at "
            f"{ENGINE_NAMES[engine]}: restore it into an empty {manifest.engine_name} database."
        )
    if problem := _release_problem(manifest.migrations):
        raise BackupError(problem)
    database = storage.database_name()
    tables = selectors.table_names()
    if tables:
        raise BackupError(
            f"The database {database} is not empty (it has {len(tables)} tables: "
            f"{_listed(tables)}). A backup is restored only into an empty database, never "
            "over one: create a new database and point DATABASE_URL at it."
        )
    media = media_root()
    if not storage.folder_is_empty(media):
        raise BackupError(
            f"The media folder {media} is not empty. A backup is restored only into an empty "
            "one, never over files: point DJANGO_MEDIA_ROOT at a new folder."
        )
    storage.restore_database(folder / manifest.database_file)
    media_files = storage.unpack_media(folder / MEDIA_ARCHIVE, media)
    restored = selectors.current_fingerprint()
    return Restored(
        manifest=manifest,
        database=database,
        media_root=media,
        media_files=media_files,
        fingerprint=restored,
        differences=compare(manifest.fingerprint, restored),
        seconds=time.monotonic() - started,
    )


def _release_problem(recorded: list[str]) -> str | None:
    """Why this release cannot check a database with these migrations, if it cannot:
    the fingerprint is read through this release's models."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    needed = {f"{app}.{name}" for app, name in loader.graph.nodes}
    unknown = sorted(set(recorded) - known)
    if unknown:
        return (
            "This backup was made by a newer release: its database has migrations this "
            f"release does not know ({_listed(unknown)}). Restore it with that release."
        )
    missing = sorted(needed - set(recorded))
    if missing:
        return (
            "This backup was made by an earlier release: its database lacks this release’s "
            f"migrations ({_listed(missing)}). Restore and check it with the release that "
            "made it, then upgrade that copy with `manage.py migrate`."
        )
    return None
