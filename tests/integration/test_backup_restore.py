"""Backups proven to restore: the Trust's data with a corrected result (and its audit
history), two published editions and an exported pack file is backed up with
`manage.py backup`, restored by `manage.py restore` in a process of its own into a
brand-new empty database (a new SQLite file, or a new PostgreSQL database made for
the test and dropped after it) and an empty media folder, and found identical:
the editions, the results, the audit history and the pack files' checksums.

The tests commit their data (pytest-django's transactional database): pg_dump, in
a process of its own, sees only committed rows."""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from backups.manifest import MANIFEST, MEDIA_ARCHIVE
from backups.selectors import current_fingerprint
from datasets.seeding import load_seeds
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, Result
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange
from reporting.actions import pack_exports, publish_ipr, request_pack_export
from reporting.models import BoardCover, IprEdition, PackExport, PackFile

pytestmark = pytest.mark.django_db(transaction=True)

SEPTEMBER = datetime.date(2020, 9, 1)
CCCS = "quality-cccs-training"
OPEN_ITEMS = "Published with items open for this example"


@pytest.fixture
def board_world(make_user, monkeypatch):
    """The seeded strategy (the transactional database may have been emptied by an
    earlier test), a result corrected with a reason, September 2020 published before
    and after the correction, and revision 2's pack exported by the worker's own code.
    Only the pack's CSV is made: printing the PDF needs Chromium, and one file is
    enough to check a file's bytes come back."""
    load_seeds()
    secretary = make_user("secretary", Role.BOARD_SECRETARY)
    publish_ipr(by=secretary, data_month=SEPTEMBER, reason=OPEN_ITEMS)
    corrected = okr_actions.apply_result_changes(
        by=secretary,
        changes=[
            ResultChange(
                KeyResult.objects.get(code=CCCS),
                OrganisationalUnit.objects.get(slug="bucks-mh"),
                okr_actions.ensure_period(parse_period_label("Q2 2020/21")),
                "93.5",
                "Ward data received late",
            )
        ],
        submit=True,
        reason="Late correction from the ward",
    )
    assert not corrected.has_errors
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, note="CCCS figure corrected", reason=OPEN_ITEMS
    )
    assert edition.revision == 2
    monkeypatch.setattr(pack_exports, "PACK_FORMATS", [(PackFile.Format.CSV, "Writing the CSV")])
    export = request_pack_export(by=secretary, data_month=SEPTEMBER, edition=edition)
    pack_exports.produce_pack(export.pk)
    export.refresh_from_db()
    assert export.status == PackExport.Status.DONE, export.error
    return export.files.get()


def board_facts() -> dict:
    """What the Board depends on, read plainly through the models (not through the
    backup's fingerprint): run here and, on the restored database, in a process of
    its own."""
    from django.core.files.storage import default_storage

    return {
        "editions": [
            [
                edition.data_month.isoformat(),
                edition.revision,
                hashlib.sha256(json.dumps(edition.report, sort_keys=True).encode()).hexdigest(),
                edition.changes,
                edition.note,
                edition.published_by.username,
            ]
            for edition in IprEdition.objects.order_by("data_month", "revision")
        ],
        "results": [
            [result.pk, str(result.value), result.version, result.status, result.comment]
            for result in Result.objects.order_by("pk")
        ],
        "history": {
            "results": Result.history.count(),
            "covers": BoardCover.history.count(),
            "corrected": [
                [str(row.value), row.history_type, row.history_change_reason]
                for row in Result.history.filter(
                    key_result__code=CCCS, unit__slug="bucks-mh", period__starts_on="2020-07-01"
                ).order_by("history_id")
            ],
        },
        "packs": [
            [
                stored.filename,
                stored.sha256,
                hashlib.sha256(default_storage.open(stored.file.name).read()).hexdigest(),
            ]
            for stored in PackFile.objects.order_by("pk")
        ],
    }


def database_url(name: str) -> str:
    """DATABASE_URL for another database on the test database's server."""
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or 'localhost'}:"
        f"{database['PORT'] or 5432}/{name}"
    )


@contextmanager
def an_empty_database(folder: Path) -> Iterator[str]:
    """A brand-new, empty database of the tests' engine, as a DATABASE_URL: a new
    SQLite file, or a PostgreSQL database with a name of its own, dropped after."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    name = f"restore_check_{uuid.uuid4().hex[:12]}"
    server = connection.Database.connect(
        **(connection.get_connection_params() | {"dbname": "postgres"})
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield database_url(name)
        finally:
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.close()


def manage(*arguments: str, database: str, media: Path) -> subprocess.CompletedProcess:
    """`manage.py` in a process of its own, on another database and media folder."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": database, "DJANGO_MEDIA_ROOT": str(media)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def facts_of(database: str, media: Path) -> dict:
    finished = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from tests.integration.test_backup_restore import board_facts; "
        "print(json.dumps(board_facts()))",
        database=database,
        media=media,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_a_backup_restores_into_an_empty_database_identical(board_world, tmp_path):
    backup = tmp_path / "backup"
    said = StringIO()
    call_command("backup", str(backup), stdout=said)
    manifest = json.loads((backup / MANIFEST).read_text())
    here = current_fingerprint()
    # The manifest's fingerprint is the data's, as it is (nothing changed since).
    assert manifest["fingerprint"] == here
    assert here["editions"]["count"] == 2
    assert list(here["editions"]["items"]) == ["2020-09 revision 1", "2020-09 revision 2"]
    assert here["results"]["count"] == Result.objects.count()
    assert here["history"]["items"]["okrs_historicalresult"]["count"] == Result.history.count()
    assert here["packs"]["count"] == 1 and here["packs"]["not_matching"] == []
    assert "Pack files: 1, each matching the SHA-256 recorded when it was made" in said.getvalue()
    facts = board_facts()
    assert [row[:2] for row in facts["history"]["corrected"]] == [
        ["92.0000", "+"],
        ["93.5000", "~"],
    ]

    # Never over data: the test's own database is refused, as it is.
    with pytest.raises(CommandError, match="is not empty .* restored only into an empty database"):
        call_command("restore", str(backup))
    assert current_fingerprint() == here

    with an_empty_database(tmp_path) as empty:
        # Never over files: a media folder that holds anything is refused, before the
        # database is touched (the restore below finds it still empty).
        cluttered = tmp_path / "cluttered-media"
        cluttered.mkdir()
        (cluttered / "left-over.pdf").write_bytes(b"%PDF-")
        refused = manage("restore", str(backup), database=empty, media=cluttered)
        assert refused.returncode == 1
        assert "The media folder" in refused.stderr and "is not empty" in refused.stderr

        media = tmp_path / "restored-media"
        report = tmp_path / "restore-report.json"
        restored = manage(
            "restore", str(backup), "--report", str(report), database=empty, media=media
        )
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Restore check passed: the restored data is identical to the backup." in (
            restored.stdout
        )
        assert "DIFFERENT" not in restored.stdout
        outcome = json.loads(report.read_text())
        # Worked out by another process from another database: identical, part by part.
        assert outcome["identical"] and outcome["differences"] == []
        assert outcome["fingerprint"] == here
        # And read plainly through the models: the same editions, results, history
        # and pack files, byte for byte.
        assert facts_of(empty, media) == facts
        restored_pack = media / board_world.file.name
        assert hashlib.sha256(restored_pack.read_bytes()).hexdigest() == board_world.sha256

        again = manage("restore", str(backup), database=empty, media=tmp_path / "other-media")
        assert again.returncode == 1
        assert "is not empty" in again.stderr and "Traceback" not in again.stderr


def test_a_damaged_backup_is_refused_and_what_differs_is_named(board_world, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    call_command("verify_backup", str(backup), stdout=StringIO())

    # One byte of the media archive changed: refused, naming the file, before the
    # database is looked at.
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    archive = bytearray((damaged / MEDIA_ARCHIVE).read_bytes())
    archive[len(archive) // 2] ^= 0xFF
    (damaged / MEDIA_ARCHIVE).write_bytes(archive)
    for command in ("verify_backup", "restore"):
        with pytest.raises(CommandError, match="media.tar.gz does not match its SHA-256"):
            call_command(command, str(damaged))

    # A manifest that is not JSON, or is of the other engine.
    broken = tmp_path / "broken"
    shutil.copytree(backup, broken)
    (broken / MANIFEST).write_text('{"format": ')
    with pytest.raises(CommandError, match="is not valid JSON .* the backup is damaged"):
        call_command("verify_backup", str(broken))
    with pytest.raises(CommandError, match="There is no backup at .* the folder does not exist"):
        call_command("restore", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="is not empty: back up into a new folder"):
        call_command("backup", str(backup))

    # A pack file changed on disk since it was made: the backup is written, and says
    # which file no longer matches the SHA-256 recorded when it was made.
    stored = Path(settings.MEDIA_ROOT) / board_world.file.name
    stored.write_bytes(stored.read_bytes() + b"\n")
    with pytest.raises(CommandError, match=f"do not match the SHA-256 .*: {board_world.file.name}"):
        call_command("backup", str(tmp_path / "after-change"), stdout=StringIO())
    changed = json.loads((tmp_path / "after-change" / MANIFEST).read_text())["fingerprint"]
    assert changed["packs"]["not_matching"] == [board_world.file.name]

    # Restored data that is not what was backed up is named down to the item: here
    # the backup's fingerprint is told one result and one history table differ.
    expected = json.loads((backup / MANIFEST).read_text())
    fingerprint = expected["fingerprint"]
    fingerprint["results"]["items"][CCCS]["sha256"] = "0" * 64
    fingerprint["results"]["sha256"] = "0" * 64
    fingerprint["history"]["items"]["okrs_historicalresult"]["count"] += 1
    fingerprint["history"]["count"] += 1
    (backup / MANIFEST).write_text(json.dumps(expected))
    with an_empty_database(tmp_path) as empty:
        failed = manage("restore", str(backup), database=empty, media=tmp_path / "media-2")
    assert failed.returncode == 1
    assert f"Results, {CCCS}: different content, same number of rows" in failed.stdout
    assert "Audit history, okrs_historicalresult:" in failed.stdout
    assert "identical  Published editions: 2" in failed.stdout
    assert "identical  Pack files: 1" in failed.stdout
    assert (
        "Restore check FAILED: the restored data differs from the backup in Audit history, Results."
    ) in failed.stderr


@pytest.mark.django_db(transaction=False)
def test_a_backup_is_never_taken_inside_a_transaction(tmp_path):
    # Inside one, the database file and the fingerprint could not be the same moment's.
    with pytest.raises(CommandError, match="must run on its own, not inside a transaction"):
        call_command("backup", str(tmp_path / "backup"))
    assert not any((tmp_path / "backup").iterdir())
