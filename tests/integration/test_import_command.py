"""`manage.py import_results`: the upload's checks and all-or-nothing save, from a shell."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from objectives.roles import Role
from okrs.models import Result

pytestmark = pytest.mark.usefixtures("seeded")

HEADER = "okr_code,unit,period,value,comment"
REASON = "Figures confirmed by the performance team"


@pytest.fixture
def secretary(users_by_role):
    return users_by_role[Role.BOARD_SECRETARY]


def write(tmp_path: Path, *lines: str, name: str = "results.csv") -> str:
    path = tmp_path / name
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_results", *args, stdout=out)
    return out.getvalue()


def trust_cccs() -> Decimal:
    return Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug="trust", period__starts_on="2020-07-01"
    ).value


def test_a_clean_file_is_imported(tmp_path, secretary):
    path = write(
        tmp_path,
        "quality-cccs-training,trust,Q2 2020/21,95,",
        "quality-staff-sickness,specialised,Q2 2020/21,4,",
        "quality-reduce-harm,trust,Q2 2020/21,,",
    )
    output = run(path, "--user", secretary.username, "--reason", REASON)
    assert "row 2: changed   quality-cccs-training | trust | Q2 2020/21 | 95" in output
    assert "row 3" not in output  # unchanged rows are not listed
    assert "0 new, 1 changed, 1 unchanged, 0 error, 1 skipped." in output
    assert "Saved 1 value." in output
    assert trust_cccs() == Decimal(95)
    record = Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug="trust", period__starts_on="2020-07-01"
    ).history.latest()
    assert record.history_user == secretary and record.history_change_reason == REASON


def test_a_dry_run_writes_nothing(tmp_path, secretary):
    path = write(tmp_path, "quality-cccs-training,trust,Q2 2020/21,95,")
    history = Result.history.count()
    output = run(path, "--user", secretary.username, "--reason", REASON, "--dry-run")
    assert "Dry run: nothing saved. Saving would write 1 value." in output
    assert trust_cccs() == Decimal(94) and Result.history.count() == history


def test_any_error_saves_nothing_and_fails(tmp_path, secretary):
    path = write(
        tmp_path,
        "quality-cccs-training,trust,Q2 2020/21,95,",
        "quality-cccs-training,nowhere,Q2 2020/21,95,",
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_results", path, "--user", secretary.username, "--reason", REASON, stdout=out
        )
    assert raised.value.returncode == 1
    assert str(raised.value) == "Nothing was saved: 1 row in error."
    assert "row 3: error" in out.getvalue() and "There is no unit called nowhere" in out.getvalue()
    assert trust_cccs() == Decimal(94)


def test_a_secretary_without_a_reason_is_refused(tmp_path, secretary):
    path = write(tmp_path, "quality-cccs-training,trust,Q2 2020/21,95,")
    with pytest.raises(CommandError, match="Give a reason for this correction"):
        run(path, "--user", secretary.username)
    assert trust_cccs() == Decimal(94)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.csv", b"", "The file is empty."),
        ("results.csv", b"okr_code,value\r\nx,1\r\n", "no unit, period or comment"),
        ("results.csv", "okr_code,unit,period,value,comment\r\n£".encode("cp1252"), "CSV UTF-8"),
        ("results.txt", b"okr_code", "Upload a CSV (.csv) or Excel (.xlsx) file"),
    ],
)
def test_malformed_files_fail_with_a_message(tmp_path, secretary, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(path), "--user", secretary.username, "--reason", REASON)


def test_an_unknown_user_or_file_fails(tmp_path, secretary):
    path = write(tmp_path, "quality-cccs-training,trust,Q2 2020/21,95,")
    with pytest.raises(CommandError, match="There is no user called nobody"):
        run(path, "--user", "nobody")
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "missing.csv"), "--user", secretary.username)


def test_the_exit_code_from_a_shell(tmp_path):
    """The process exits with 1, and a message rather than a traceback, on errors."""
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_results",
            str(tmp_path / "missing.csv"),
            "--user",
            "anyone",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "There is no file" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_long_reason_is_refused(tmp_path, secretary):
    path = write(tmp_path, "quality-cccs-training,trust,Q2 2020/21,95,")
    with pytest.raises(CommandError, match="2000 characters or fewer"):
        run(path, "--user", secretary.username, "--reason", "x" * 2001)


def test_control_characters_are_removed_from_the_reason(tmp_path, secretary):
    path = write(tmp_path, "quality-cccs-training,trust,Q2 2020/21,95,")
    run(path, "--user", secretary.username, "--reason", "Late\x1b figures")
    saved = Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug="trust", period__starts_on="2020-07-01"
    )
    assert saved.value == Decimal(95)
    assert saved.history.latest().history_change_reason == "Late figures"
