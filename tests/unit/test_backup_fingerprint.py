"""The backup's fingerprint, worked by hand and without a database: how a row is
written, what a part's digest is made of, and that changing one result value, one
history row or one byte of a pack file changes the fingerprint and is named,
part and item, when a restore is compared with its backup."""

import datetime
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from backups.fingerprint import (
    Difference,
    StoredPack,
    build_fingerprint,
    compare,
    digest_keyed,
    row_line,
    summary,
)
from backups.manifest import FORMAT, manifest_problem

CCCS = "quality-cccs-training"
PACK = "packs/2020/10/ipr-2020-09-revision-2.csv"
PACK_BYTES = b"Objective,OKR,Unit,Value\nQuality,CCCS training,Bucks MH,93.5\n"


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def test_a_row_is_one_line_of_canonical_json():
    london = ZoneInfo("Europe/London")
    row = [
        7,
        Decimal("92.0"),
        None,
        True,
        datetime.date(2020, 9, 1),
        datetime.datetime(2020, 10, 5, 9, 30, tzinfo=london),  # 08:30 UTC in summer time
        {"b": 1, "a": [Decimal("1.50")]},
        "Bucks MH – Oxford",
        b"%PDF-",
    ]
    assert (
        row_line(row)
        == (
            '[7,"92",null,true,"2020-09-01","2020-10-05T08:30:00+00:00",'
            '{"a":["1.5"],"b":1},"Bucks MH – Oxford",'
            f'{{"bytes_sha256":"{sha(b"%PDF-")}"}}]\n'
        ).encode()
    )


def test_a_decimal_counts_by_its_value_as_the_databases_store_it():
    assert row_line([Decimal("92.0000")]) == row_line([Decimal("92")]) == b'["92"]\n'
    assert row_line([Decimal("93.5000")]) != row_line([Decimal("92")])
    assert row_line([Decimal("1E+2")]) == b'["100"]\n'


def test_a_part_is_a_count_and_a_sha256_over_its_items_each_over_its_rows():
    part = digest_keyed(
        [
            (CCCS, [10, Decimal("92.0")]),
            (CCCS, [11, Decimal("88")]),
            ("quality-staff-sickness", [12, Decimal("4.1")]),
        ]
    )
    cccs = sha('[10,"92"]\n[11,"88"]\n')
    sickness = sha('[12,"4.1"]\n')
    assert part == {
        "count": 3,
        "sha256": sha(f"{CCCS}\t2\t{cccs}\nquality-staff-sickness\t1\t{sickness}\n"),
        "items": {
            CCCS: {"count": 2, "sha256": cccs},
            "quality-staff-sickness": {"count": 1, "sha256": sickness},
        },
    }


def board(
    *,
    bucks_cccs: str = "93.5",
    correction_reason: str = "Late correction from the ward",
    history_rows: int = 2,
    pack_bytes: bytes | None = PACK_BYTES,
    cover_history: bool = True,
):
    """The fingerprint of a small board's data: two editions of September 2020, three
    results, the history of the corrected one, one pack file (its recorded SHA-256
    is that of PACK_BYTES; `pack_bytes` is the file found, None for none)."""
    history = [
        [1, 10, Decimal("92"), "+", "Loaded from the Trust's papers"],
        [2, 10, Decimal("93.5"), "~", correction_reason],
    ][:history_rows]
    tables = {"okrs_historicalresult": history}
    if cover_history:
        tables["reporting_historicalboardcover"] = []
    return build_fingerprint(
        editions=[
            ("2020-09 revision 1", [1, {"okrs": [{"code": CCCS, "value": "92.0%"}]}, []]),
            (
                "2020-09 revision 2",
                [2, {"okrs": [{"code": CCCS, "value": "93.5%"}]}, ["value 92.0% → 93.5%"]],
            ),
        ],
        results=[
            (CCCS, [10, Decimal(bucks_cccs), 2]),
            (CCCS, [11, Decimal("96"), 1]),
            ("quality-staff-sickness", [12, Decimal("4.1"), 1]),
        ],
        history=tables,
        packs=[
            StoredPack(
                PACK,
                [1, 1, "csv", PACK, sha(PACK_BYTES)],
                sha(PACK_BYTES),
                None if pack_bytes is None else sha(pack_bytes),
            )
        ],
        tables={"okrs_result": [[10], [11], [12]], "reporting_packfile": [[1]]},
    )


def test_the_same_data_gives_the_same_fingerprint():
    assert board() == board()
    assert compare(board(), board()) == []


def test_one_result_value_changed_is_named_by_its_okr():
    differences = compare(board(), board(bucks_cccs="93.4"))
    assert differences == [Difference("results", CCCS, "different content, same number of rows")]
    assert str(differences[0]) == f"Results, {CCCS}: different content, same number of rows"


def test_one_history_row_changed_or_lost_is_named_by_its_table():
    changed = compare(board(), board(correction_reason="Typed in error"))
    assert changed == [
        Difference("history", "okrs_historicalresult", "different content, same number of rows")
    ]
    lost = compare(board(), board(history_rows=1))
    assert [str(difference) for difference in lost] == [
        "Audit history, okrs_historicalresult: 1 row restored, 2 backed up"
    ]
    table_gone = compare(board(), board(cover_history=False))
    assert [str(difference) for difference in table_gone] == [
        "Audit history, reporting_historicalboardcover: missing after the restore (0 rows)"
    ]


def test_one_byte_of_a_pack_file_changed_or_the_file_lost_is_named_by_its_path():
    one_byte = PACK_BYTES.replace(b"93.5", b"93.6")
    restored = board(pack_bytes=one_byte)
    assert compare(board(), restored) == [
        Difference("packs", PACK, "different content, same number of rows")
    ]
    assert board()["packs"]["not_matching"] == []
    assert restored["packs"]["not_matching"] == [PACK]
    assert board(pack_bytes=None)["packs"]["not_matching"] == [PACK]
    assert summary(restored)["packs"] == (
        "Pack files: 1, 1 not matching the SHA-256 recorded when made"
    )


def test_the_summary_says_what_the_fingerprint_covers():
    assert list(summary(board()).values()) == [
        "Published editions: 2",
        "Results: 3 (of 2 OKRs)",
        "Audit history: 2 rows in 2 history tables",
        "Pack files: 1, each matching the SHA-256 recorded when it was made",
        "Every table: 2 tables, 4 rows",
    ]


def manifest(**changes):
    data = {
        "format": FORMAT,
        "version": 1,
        "made_at": "2026-11-30T02:00:00+00:00",
        "engine": "postgresql",
        "files": {
            "database.pgdump": {"size": 10, "sha256": "a" * 64},
            "media.tar.gz": {"size": 5, "sha256": "b" * 64},
        },
        "migrations": ["okrs.0001_initial"],
        "media": {"files": 1, "bytes": 60},
        "fingerprint": board(),
    }
    return data | changes


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"version": 2}, "it is version 2 of the format"),
        ({"engine": "mysql"}, "its database engine 'mysql' is neither PostgreSQL nor SQLite"),
        (
            {"files": {"../../etc/passwd": {"size": 1, "sha256": "a" * 64}}},
            "it must list exactly the files database.pgdump, media.tar.gz",
        ),
        (
            {
                "files": {
                    "database.pgdump": {"size": -1, "sha256": "a" * 64},
                    "media.tar.gz": {"size": 5, "sha256": "b" * 64},
                }
            },
            "the size or SHA-256 of database.pgdump is missing or malformed",
        ),
        ({"fingerprint": {"results": {}}}, "its fingerprint must have exactly the parts"),
        ({"media": {"files": "1"}}, "its count of media files is malformed"),
    ],
)
def test_a_manifest_is_checked_field_by_field(changes, problem):
    found = manifest_problem(manifest(**changes))
    assert (found is None) if problem is None else found.startswith(problem)
