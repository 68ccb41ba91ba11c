"""Malformed uploads: garbage bytes, truncated workbooks, wrong extensions, huge
cells, and values no measure can hold. Never a server error, on upload, preview
or confirmation; a file whose rows are refused saves nothing."""

import decimal
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from okrs.models import Result
from tests.badinput.conftest import (
    ADMINISTRATOR,
    SECRETARY,
    data_difference,
    generated,
    stored_data,
)
from tests.badinput.test_forms import REFUSED_NUMBERS, nul_stored

HEADER = "okr_code,unit,period,value,comment"


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode()


def row(value: str, comment: str = "", code: str = "quality-cccs-training") -> str:
    """A row for a value the Trust already has (so saving it would change it)."""
    return f"{code},trust,Q2 2020/21,{value},{comment}"


def workbook(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = workbook(["quality-cccs-training", "trust", "Q2 2020/21", 95, ""])
GOOD_CSV = csv_file(row("95"))

KNOWN_FILES = [
    ("empty.csv", b""),
    ("results.csv", bytes(range(256)) * 4),
    ("results.xlsx", b"PK\x03\x04" + b"\x00" * 200),
    *[("results.xlsx", GOOD_XLSX[:cut]) for cut in (10, 100, 1000, len(GOOD_XLSX) - 10)],
    ("results.xlsx", GOOD_CSV),
    ("results.csv", GOOD_XLSX),
    ("results.txt", GOOD_CSV),
    ("results", GOOD_CSV),
    ("results.CSV", GOOD_CSV),
    ("results.xlsx.exe", GOOD_CSV),
    ("../../results.csv", GOOD_CSV),
    ("a" * 300 + ".csv", GOOD_CSV),
    ("ré sults\x00.csv", GOOD_CSV),
    ("results.csv", HEADER.encode()),
    ("results.csv", b"\xef\xbb\xbf" + GOOD_CSV),
    ("results.csv", GOOD_CSV.decode().encode("utf-16")),
    ("results.csv", GOOD_CSV.replace(b"\r\n", b"\r")),
    ("results.csv", b"\x00" * 1000),
    ("results.csv", csv_file(row("95", "x" * 1_000_000))),
    ("results.csv", csv_file(row("9" * 100_000))),
    ("results.csv", csv_file(row("95", "a\x00b"))),
    ("results.csv", csv_file(row('"95', '"'))),
    ("results.csv", csv_file(",".join(["x"] * 10_000))),
    ("results.csv", b"a,b,c\r\n1,2,3\r\n"),
    ("results.xlsx", workbook(["quality-cccs-training", "trust", "Q2 2020/21", "x" * 40_000, ""])),
    ("results.xlsx", workbook(["quality-cccs-training", "trust", "Q2 2020/21", 1e15, ""])),
    ("results.xlsx", workbook(["quality-cccs-training", "trust", "Q2 2020/21", float("inf"), ""])),
    ("results.xlsx", workbook(["quality-cccs-training", "trust", 45000, "=1+1", ""])),
]


def upload_and_confirm(sender, name: str, content: bytes, problems: list[str]) -> str:
    """Upload, look at the preview and confirm it if it offers to: 'refused' when the
    file or its rows were refused, 'saved' when confirmed."""
    response = sender.send(
        SECRETARY,
        "POST",
        "/upload/",
        {"file": SimpleUploadedFile(name, content), "reason": "Checked by the team"},
    )
    if response.status_code >= 500:
        problems.append(response.failure)
        return "error"
    if response.status_code != 302:
        return "refused"
    preview = sender.send(SECRETARY, "GET", response["Location"])
    if preview.status_code >= 500:
        problems.append(preview.failure)
        return "error"
    context = preview.context or {}
    if "preview" not in context:
        return "refused"
    confirmed = sender.send(
        SECRETARY,
        "POST",
        response["Location"],
        {"confirm": "1", "seen": context["preview"].fingerprint},
    )
    if confirmed.status_code >= 500:
        problems.append(confirmed.failure)
        return "error"
    return "refused" if context["preview"].has_errors else "saved"


def test_malformed_files_are_refused_plainly(sender):
    problems: list[str] = []
    for name, content in KNOWN_FILES:
        upload_and_confirm(sender, name, content, problems)
    if where := nul_stored():
        problems.append(f"a NUL character from a file was stored: {where}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("code", ["quality-cccs-training", "quality-admissions"])
def test_values_no_measure_can_hold_are_never_saved(sender, count_okr, code):
    problems: list[str] = []
    for value in [*REFUSED_NUMBERS, "1e15", "1E15", "-1e15", "1e-15"]:
        text = f'"{value}"' if "," in value or "\n" in value else value
        try:
            before = stored_data()
        except decimal.InvalidOperation:
            problems.append(f"a value saved before {value!r} cannot be read back")
            break
        content = csv_file(row(text, code=code))
        outcome = upload_and_confirm(sender, "results.csv", content, problems)
        if outcome == "saved" and value in REFUSED_NUMBERS + ["1e15", "1E15", "-1e15"]:
            problems.append(f"an upload holding {value!r} for {code} was saved")
        elif outcome == "refused" and stored_data() != before:
            changed = data_difference(before, stored_data())
            problems.append(f"an upload holding {value!r} was refused but changed {changed}")
    assert Result.objects.filter(value__gte=10**9).count() == 0
    assert not problems, "\n".join(problems)


def test_generated_files_are_refused_plainly(sender):
    problems: list[str] = []

    @generated(40)
    @given(
        name=st.sampled_from(["results.csv", "results.xlsx", "results.txt", "results"]),
        content=st.one_of(
            st.binary(max_size=2000),
            st.lists(
                st.lists(st.text(max_size=30), min_size=1, max_size=6), min_size=1, max_size=5
            ).map(
                lambda rows: "\r\n".join([HEADER, *(",".join(cells) for cells in rows)]).encode(
                    "utf-8", "surrogatepass"
                )
            ),
            st.integers(min_value=1, max_value=len(GOOD_XLSX) - 1).map(lambda n: GOOD_XLSX[:n]),
            st.text(max_size=20).map(lambda value: csv_file(row(f'"{value}"'))),
        ),
    )
    def one_upload(name, content):
        upload_and_confirm(sender, name, content, problems)

    one_upload()
    assert not problems, "\n".join(problems)


def test_malformed_trajectory_files_are_refused_plainly(sender):
    """Every malformed file above, and every crafted workbook, sent as a file of
    trajectory targets: never a server error, and nothing recorded."""
    from okrs.models import Trajectory
    from tests.crafted_files import CRAFTED

    problems: list[str] = []
    files = [*KNOWN_FILES, *((name, content) for name, content, _ in CRAFTED.values())]
    files.append(("targets.csv", b"unit,period,target\r\n" + b"Bucks MH,Q2 2020/21,1e15\r\n"))
    for name, content in files:
        response = sender.send(
            ADMINISTRATOR,
            "POST",
            "/manage/okrs/quality-cccs-training/trajectories/",
            {"file": SimpleUploadedFile(name, content), "reason": "Agreed plan"},
        )
        if response.status_code >= 500:
            problems.append(response.failure)
    if Trajectory.objects.exists():
        problems.append("a malformed file of targets recorded a trajectory")
    assert not problems, "\n".join(problems)
