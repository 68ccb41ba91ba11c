"""A backup's manifest (`manifest.json`): what the backup holds, the SHA-256 and
size of each of its files, the migrations its database had, and the fingerprint
of its data (`backups.fingerprint`). Written last, so a folder without one is a
backup that did not finish. Read back with every field checked: a damaged or
foreign manifest is refused in words, never half-used."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from backups.fingerprint import PART_NAMES, Fingerprint

MANIFEST = "manifest.json"
FORMAT = "strategy-portal-backup"
VERSION = 1
# The database's file, by engine, and the media folder's archive: the only files a
# backup holds (a manifest naming any other is refused).
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA_ARCHIVE = "media.tar.gz"
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# A manifest is a few hundred kilobytes at most (one line per OKR and per table).
MANIFEST_LIMIT = 20 * 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup or restore that cannot go on, said in words for the person running it."""


@dataclass(frozen=True)
class Manifest:
    made_at: str  # ISO 8601, UTC
    engine: str  # "postgresql" or "sqlite"
    files: dict[str, dict[str, Any]]  # name: {"size": bytes, "sha256": hex}
    migrations: list[str]  # "app.name", as applied to the database backed up
    media: dict[str, int]  # {"files": count, "bytes": total}
    fingerprint: Fingerprint
    format: str = FORMAT
    version: int = VERSION

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.engine]

    @property
    def engine_name(self) -> str:
        return ENGINE_NAMES[self.engine]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    path = folder / MANIFEST
    text = json.dumps(asdict(manifest), indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`, checked field by field."""
    if not folder.exists():
        raise BackupError(f"There is no backup at {folder}: the folder does not exist.")
    if not folder.is_dir():
        raise BackupError(f"{folder} is a file, not a backup folder.")
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a backup made by `manage.py backup`, "
            "or that backup did not finish."
        )
    if path.stat().st_size > MANIFEST_LIMIT:
        raise BackupError(f"{path} is too large to be a backup’s manifest: it is damaged.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise BackupError(f"{path} is not text: the backup is damaged.") from error
    except json.JSONDecodeError as error:
        raise BackupError(
            f"{path} is not valid JSON (line {error.lineno}): the backup is damaged."
        ) from error
    problem = manifest_problem(data)
    if problem:
        raise BackupError(f"{path} is not a usable manifest: {problem}.")
    return Manifest(
        made_at=data["made_at"],
        engine=data["engine"],
        files=data["files"],
        migrations=data["migrations"],
        media=data["media"],
        fingerprint=data["fingerprint"],
    )


def manifest_problem(data: Any) -> str | None:
    """Why `data` (a manifest as read) cannot be used, if it cannot."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    if data.get("format") != FORMAT:
        return f"it does not say it is a {FORMAT}"
    if data.get("version") != VERSION:
        return (
            f"it is version {data.get('version')!r} of the format; this release reads "
            f"version {VERSION} (restore it with the release that made it)"
        )
    if not isinstance(data.get("made_at"), str):
        return "it does not say when the backup was made"
    engine = data.get("engine")
    if engine not in DATABASE_FILES:
        return f"its database engine {engine!r} is neither PostgreSQL nor SQLite"
    files = data.get("files")
    expected = {DATABASE_FILES[engine], MEDIA_ARCHIVE}
    if not isinstance(files, dict) or set(files) != expected:
        return f"it must list exactly the files {', '.join(sorted(expected))}"
    for name, described in files.items():
        if not (
            isinstance(described, dict)
            and _is_count(described.get("size"))
            and isinstance(described.get("sha256"), str)
            and SHA256.fullmatch(described["sha256"])
        ):
            return f"the size or SHA-256 of {name} is missing or malformed"
    migrations = data.get("migrations")
    if not isinstance(migrations, list) or not all(
        isinstance(name, str) and name.count(".") >= 1 for name in migrations
    ):
        return "its list of migrations is malformed"
    media = data.get("media")
    if not isinstance(media, dict) or not all(
        _is_count(media.get(key)) for key in ("files", "bytes")
    ):
        return "its count of media files is malformed"
    return _fingerprint_problem(data.get("fingerprint"))


def _fingerprint_problem(fingerprint: Any) -> str | None:
    if not isinstance(fingerprint, dict) or set(fingerprint) != set(PART_NAMES):
        return f"its fingerprint must have exactly the parts {', '.join(PART_NAMES)}"
    for name, part in fingerprint.items():
        if not (
            isinstance(part, dict)
            and _is_count(part.get("count"))
            and isinstance(part.get("sha256"), str)
            and SHA256.fullmatch(part["sha256"])
            and isinstance(part.get("items"), dict)
            and all(
                isinstance(item, dict)
                and _is_count(item.get("count"))
                and isinstance(item.get("sha256"), str)
                for item in part["items"].values()
            )
        ):
            return f"the fingerprint’s part {name!r} is malformed"
    not_matching = fingerprint["packs"].get("not_matching")
    if not isinstance(not_matching, list) or not all(isinstance(n, str) for n in not_matching):
        return "the fingerprint’s list of pack files not matching is malformed"
    return None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def file_problems(folder: Path, manifest: Manifest) -> list[str]:
    """How the backup's files differ from its manifest (none: they are as made)."""
    problems = []
    for name, described in sorted(manifest.files.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != described["size"]:
            problems.append(
                f"{name} is {path.stat().st_size:,} bytes; the manifest says {described['size']:,}"
            )
        elif sha256_of(path) != described["sha256"]:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    return problems
