"""Where a backup's bytes come from and go to: the database in use (PostgreSQL through
pg_dump and pg_restore, SQLite through its online backup API) and the media folder
(a tar.gz archive). The database connection is DATABASES["default"]'s; a
PostgreSQL password goes to pg_dump and pg_restore in their environment
(PGPASSWORD), never on their command line."""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from backups.manifest import ENGINE_NAMES, BackupError

# What pg_dump or pg_restore said, kept to this many characters in a message.
TOOL_OUTPUT_LIMIT = 2000


def engine() -> str:
    """The engine of the database in use, as a manifest names it."""
    vendor = connection.vendor
    if vendor not in ENGINE_NAMES:
        raise BackupError(
            f"The database in use is {vendor}: backups are made of PostgreSQL or SQLite only."
        )
    return vendor


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


@contextmanager
def one_snapshot() -> Iterator[Callable[[Path], None]]:
    """A transaction that sees the database as it is at one moment, and a function
    that dumps exactly that moment to a file: reads made inside (the fingerprint)
    and the dump agree, whatever the portal writes meanwhile.

    PostgreSQL: a repeatable-read transaction whose snapshot pg_dump shares
    (`--snapshot`). SQLite: the settings begin transactions IMMEDIATE, which holds
    the write lock, so nothing changes until the backup API has copied the file."""
    if connection.in_atomic_block:
        raise BackupError("A backup must run on its own, not inside a transaction.")
    postgresql = engine() == "postgresql"
    with transaction.atomic():
        if not postgresql:
            yield _sqlite_copy_out
            return
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        yield lambda target: _pg_dump(target, snapshot)


def restore_database(source: Path) -> None:
    """Load a dump into the database in use, which the caller has found empty."""
    if engine() == "postgresql":
        _pg_restore(source)
    else:
        _sqlite_copy_in(source)


def check_database_dump(source: Path) -> None:
    """Make sure a dump can be read (pg_restore lists it; SQLite checks its integrity),
    without loading it anywhere."""
    if source.suffix == ".pgdump":
        _run_pg_tool("pg_restore", ["--list", str(source)], what="read the database dump")
        return
    try:
        with _read_only(source) as dump:
            verdict = dump.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The database file cannot be read as SQLite: {error}.") from error
    if verdict != "ok":
        raise BackupError(f"The database file fails SQLite’s integrity check: {verdict}.")


# PostgreSQL


def _pg_environment() -> dict[str, str]:
    """The connection settings as libpq's environment variables: the password and
    TLS options (as Django's own `dbshell` passes them), host, port and user."""
    settings = connection.settings_dict
    _args, extra = connection.client.settings_to_cmd_args_env(settings, [])
    environment = dict(os.environ) | (extra or {})
    for variable, value in (
        ("PGHOST", settings.get("HOST")),
        ("PGPORT", settings.get("PORT")),
        ("PGUSER", settings.get("USER")),
    ):
        if value:
            environment[variable] = str(value)
    return environment


def _pg_database() -> str:
    """The database, as pg_dump's and pg_restore's --dbname."""
    name = connection.settings_dict.get("NAME")
    if name:
        return str(name)
    service = connection.settings_dict.get("OPTIONS", {}).get("service")
    if service:
        return f"service={service}"
    raise BackupError("DATABASE_URL names no database.")


def _run_pg_tool(tool: str, arguments: list[str], *, what: str) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed: install PostgreSQL’s client programs (Debian: "
            "postgresql-client), of the server’s major version or newer."
        )
    finished = subprocess.run(
        [executable, "--no-password", *arguments],
        env=_pg_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        said = (finished.stderr or finished.stdout).strip()[-TOOL_OUTPUT_LIMIT:]
        raise BackupError(f"{tool} could not {what} (exit status {finished.returncode}):\n{said}")


def _pg_dump(target: Path, snapshot: str) -> None:
    _run_pg_tool(
        "pg_dump",
        [
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={_pg_database()}",
        ],
        what="dump the database",
    )
    target.chmod(0o600)


def _pg_restore(source: Path) -> None:
    # One transaction, stopping at the first error: a failed restore leaves the
    # database as empty as it was. Objects belong to the role restoring them.
    _run_pg_tool(
        "pg_restore",
        [
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_pg_database()}",
            str(source),
        ],
        what="restore the database",
    )


# SQLite


def _sqlite_file() -> Path:
    name = database_name()
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("The SQLite database must be a file named in DATABASE_URL.")
    return Path(name)


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield database
    finally:
        database.close()


def _copy(source: sqlite3.Connection, target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _sqlite_copy_out(target: Path) -> None:
    with _read_only(_sqlite_file()) as source:
        _copy(source, target)
    target.chmod(0o600)


def _sqlite_copy_in(source: Path) -> None:
    target = _sqlite_file()
    connection.close()
    try:
        with _read_only(source) as dump:
            _copy(dump, target)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"SQLite could not restore the database: {error}.") from error


# The media folder


@dataclass
class MediaArchived:
    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)  # neither a file nor a folder


def folder_is_empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def archive_media(media_root: Path, target: Path) -> MediaArchived:
    """Every file and folder under the media folder, in a tar.gz (an empty one if the
    folder does not exist yet). Links and other special files are left out, named."""
    archived = MediaArchived()
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                name = path.relative_to(media_root).as_posix()
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    archived.skipped.append(name)
                    continue
                archive.add(path, arcname=name, recursive=False)
                if path.is_file():
                    archived.files += 1
                    archived.bytes += path.stat().st_size
    target.chmod(0o600)
    return archived


def unpack_media(source: Path, media_root: Path) -> int:
    """Unpack the archive into the media folder (empty, or not yet made); returns
    the number of files. Only plain files and folders inside it are accepted."""
    media_root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(source, "r:gz") as archive:
            members = archive.getmembers()
            strange = [m.name for m in members if not (m.isfile() or m.isdir())]
            if strange:
                raise BackupError(
                    f"The media archive holds something other than files and folders: "
                    f"{', '.join(strange[:5])}."
                )
            archive.extractall(media_root, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"The media archive could not be unpacked: {error}.") from error
    return sum(1 for member in members if member.isfile())


def check_media_archive(source: Path) -> int:
    """Read the whole archive without unpacking it; returns the number of files."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            return sum(1 for member in archive if member.isfile())
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"The media archive cannot be read: {error}.") from error
