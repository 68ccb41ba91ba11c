"""A published edition's data as files for business-intelligence tools: CSV and
Parquet with the same columns, each Parquet column typed as docs/exports.md says.

Worked example (from test_pack_flat_data's OKR, rated by hand from the RAG rules):
higher is better, tolerance 2 points; target 90% from April 2020, 95% from July
2020; the Trust reports 92% in June and in July. Published for July 2020:
- June: 92 against 90 → met → Green (history, not the report's period);
- July: 92 against 95 → 3 points short, beyond 2 → Red (the report's period).
"""

import datetime
import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from objectives.roles import Role
from reporting.actions import publish_ipr
from reporting.exports.csv_file import render_csv
from reporting.exports.data_file import DATE, FLAT_TYPES, NUMBER, WHOLE, YES_NO, column_type
from reporting.pack import FLAT_COLUMNS, pack_for_edition
from tests.integration.test_pack_flat_data import _retargeted_okr

pytestmark = pytest.mark.usefixtures("seeded")
JULY = datetime.date(2020, 7, 1)
URL = "/ipr/2020-07/revisions/1/data.{}"
COLUMNS = [column for column, _ in FLAT_COLUMNS]


@pytest.fixture
def edition(make_user):
    _retargeted_okr(status="active")
    secretary = make_user("secretary", Role.BOARD_SECRETARY)
    return publish_ipr(by=secretary, data_month=JULY, reason="Test: items still open")


@pytest.fixture
def viewer_client(client, make_user):
    client.force_login(make_user("governor", Role.VIEWER))
    return client


def test_the_parquet_file_holds_the_worked_example_typed(viewer_client, edition):
    response = viewer_client.get(URL.format("parquet"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert 'filename="ipr-2020-07-revision-1.data.parquet"' in response["Content-Disposition"]
    content = response.content
    schema = pq.read_schema(io.BytesIO(content))
    assert schema.names == COLUMNS
    types = {name: str(schema.field(name).type) for name in COLUMNS}
    assert types["value"] == types["target"] == "double"
    assert types["objective_number"] == "int64"
    assert types["period_start"] == "date32[day]"
    assert types["is_report_period"] == types["is_demo"] == "bool"
    assert types["okr"] == types["rag"] == "string"

    frame = pd.read_parquet(io.BytesIO(content))
    trust = frame[(frame["okr_code"] == "test-retargeted") & (frame["unit"] == "Trust")]
    rows = [
        (row.period, row.value, row.target, row.rag, row.is_report_period, row.edition)
        for row in trust.itertuples()
    ]
    assert rows == [
        ("June 2020", 92.0, 90.0, "Green", False, "Revision 1"),
        ("July 2020", 92.0, 95.0, "Red", True, "Revision 1"),
    ]
    assert [str(day) for day in trust["period_start"]] == ["2020-06-01", "2020-07-01"]
    # A unit with no value for July has its row, the value missing (null, not 0).
    bucks = frame[(frame["okr_code"] == "test-retargeted") & (frame["unit"] == "Bucks MH")]
    assert len(bucks) == 1 and pd.isna(bucks["value"].iloc[0])
    assert bucks["rag"].iloc[0] == "No data"


def test_the_csv_is_the_editions_flat_data_as_the_board_pack_has_it(viewer_client, edition):
    response = viewer_client.get(URL.format("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == render_csv(pack_for_edition(edition))
    header = response.content.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header.split(",") == COLUMNS


def test_the_same_rows_come_in_both_files(viewer_client, edition):
    parquet = pd.read_parquet(io.BytesIO(viewer_client.get(URL.format("parquet")).content))
    csv = pd.read_csv(
        io.BytesIO(viewer_client.get(URL.format("csv")).content), encoding="utf-8-sig"
    )
    assert len(parquet) == len(csv) > 0
    assert list(parquet["okr_code"]) == list(csv["okr_code"])
    assert parquet["value"].fillna(-1).tolist() == csv["value"].fillna(-1).tolist()


def test_the_file_never_changes_once_published(viewer_client, edition):
    first = viewer_client.get(URL.format("parquet")).content
    assert viewer_client.get(URL.format("parquet")).content == first


@pytest.mark.parametrize(
    "url",
    [
        "/ipr/2020-07/revisions/2/data.csv",  # no such revision
        "/ipr/2020-08/revisions/1/data.csv",  # a month not published
        "/ipr/2020-07/revisions/1/data.xlsx",  # not a data format
        "/ipr/2020-07/revisions/1/data.",
        "/ipr/9999-99/revisions/1/data.csv",
    ],
)
def test_what_is_not_there_is_not_found(viewer_client, edition, url):
    assert viewer_client.get(url).status_code == 404


def test_only_people_with_a_role_take_the_data(client, make_user, edition):
    assert client.get(URL.format("csv")).status_code == 302  # to log in
    client.force_login(make_user("no-role"))
    assert client.get(URL.format("csv")).status_code == 403
    assert client.post(URL.format("csv")).status_code in (403, 405)


def test_the_documentation_gives_each_columns_type_as_the_code_does():
    from pathlib import Path

    documented = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    section = documented.split("## A published edition's data", 1)[1].split("\n## ", 1)[0]
    for column in COLUMNS:
        assert f"| `{column}` | {column_type(column)} |" in section, column
    assert set(FLAT_TYPES) <= set(COLUMNS)
    assert {DATE, NUMBER, WHOLE, YES_NO} == set(FLAT_TYPES.values())
