"""`manage.py pull_results SOURCE`: a warehouse's rows, read by a configured query over
a read-only connection, saved through the upload's checks, all or nothing.

Each warehouse is a real second database: an SQLite file made with the sqlite3 module,
and a PostgreSQL database made for the module (skipped only when no server answers on
127.0.0.1:5432). Expected values and messages are worked out by hand from the seeds:
Q3 2020/21's window is moved to include today (so Bucks MH's lead may enter it);
Q2 2020/21's closed on 30 November 2020. The targets: CCCS training 95% (higher is
better), staff sickness 3.5% (lower is better, one decimal place), patient
satisfaction 90 (higher is better).
"""

import datetime
import io
import os
import secrets
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import periods
from okrs.models import Result
from okrs.warehouse import FeedProblem, Source, find_source, read_only_connection
from okrs.warehouse.querying import cell_text
from tests.conftest import make_unit_lead, period_open_today

pytestmark = pytest.mark.usefixtures("seeded")

URL_VARIABLE = "WAREHOUSE_TEST_URL"
REASON = "Loaded from the data warehouse (IPR measures)"
TABLE = """
CREATE TABLE ipr_measures (
    load_order INTEGER NOT NULL,
    measure_code VARCHAR(100) NOT NULL,
    team VARCHAR(100) NOT NULL,
    reporting_period VARCHAR(20) NOT NULL,
    measure_value {value_type},
    note TEXT
)
"""
QUERY = """
-- The IPR's measures in the portal's upload columns.
SELECT measure_code AS okr_code,
       team AS unit,
       reporting_period AS period,
       measure_value AS value,
       COALESCE(note, '') AS comment
FROM ipr_measures
ORDER BY load_order;
"""
# Bucks MH's quarter, open today: all three meet their targets.
BUCKS_Q3 = [
    (1, "quality-cccs-training", "bucks-mh", "Q3 2020/21", Decimal("96"), None),
    (2, "quality-staff-sickness", "Bucks MH", "Q3 2020/21", Decimal("3.4"), ""),
    (3, "quality-patient-satisfaction", "bucks-mh", "q3 2020/21", Decimal("91"), "Survey"),
]


# --- The two warehouses ---------------------------------------------------------


class Warehouse:
    """A warehouse database the test fills and reads back with the driver itself,
    never through the portal's code."""

    kind: str
    url: str

    def execute(self, sql: str, rows: list[tuple] = ()) -> list[tuple]:
        raise NotImplementedError

    def load(self, rows: list[tuple], *, value_type: str = "NUMERIC(12, 4)") -> None:
        self.execute("DROP TABLE IF EXISTS ipr_measures")
        self.execute("DROP TABLE IF EXISTS sneaky")
        self.execute(TABLE.format(value_type=value_type))
        if rows:
            marks = ", ".join([self.mark] * 6)
            self.execute(f"INSERT INTO ipr_measures VALUES ({marks})", rows)

    def contents(self) -> list[tuple]:
        return self.execute(
            "SELECT load_order, measure_code, team, reporting_period, measure_value, note "
            "FROM ipr_measures ORDER BY load_order"
        )

    def tables(self) -> set[str]:
        raise NotImplementedError


class SqliteWarehouse(Warehouse):
    kind, mark = "sqlite", "?"

    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"

    def execute(self, sql, rows=()):
        # SQLite stores a number given as text in a NUMERIC column as a number: 96 as
        # an integer, 3.4 as a real (it has no decimal type).
        rows = [
            tuple(str(cell) if isinstance(cell, Decimal) else cell for cell in row) for row in rows
        ]
        with sqlite3.connect(self.path) as database:
            cursor = database.executemany(sql, rows) if rows else database.execute(sql)
            found = cursor.fetchall()
        database.close()
        return found

    def tables(self):
        return {name for (name,) in self.execute("SELECT name FROM sqlite_master")}


class PostgresWarehouse(Warehouse):
    kind, mark = "postgresql", "%s"

    def __init__(self, name: str):
        self.name = name
        self.url = f"postgres://postgres@127.0.0.1:5432/{name}"

    def execute(self, sql, rows=()):
        import psycopg2

        database = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=self.name)
        database.autocommit = True
        try:
            with database.cursor() as cursor:
                if rows:
                    cursor.executemany(sql, rows)
                else:
                    cursor.execute(sql)
                return cursor.fetchall() if cursor.description else []
        finally:
            database.close()

    def tables(self):
        return {
            name
            for (name,) in self.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }


def _postgres_server():
    import psycopg2

    try:
        server = psycopg2.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3
        )
    except psycopg2.OperationalError as error:
        pytest.skip(f"No PostgreSQL server on 127.0.0.1:5432: {error}".strip())
    server.autocommit = True
    return server


@pytest.fixture(scope="module")
def postgres_database():
    """A PostgreSQL database of its own for this module, dropped afterwards."""
    server = _postgres_server()
    name = f"warehouse_feed_{secrets.token_hex(6)}"
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse(request, tmp_path) -> Warehouse:
    if request.param == "sqlite":
        made = SqliteWarehouse(tmp_path / "warehouse.sqlite3")
    else:
        made = PostgresWarehouse(request.getfixturevalue("postgres_database"))
    made.load(BUCKS_Q3)
    return made


@pytest.fixture
def sqlite_warehouse(tmp_path) -> Warehouse:
    made = SqliteWarehouse(tmp_path / "warehouse.sqlite3")
    made.load(BUCKS_Q3)
    return made


@pytest.fixture
def postgres_warehouse(postgres_database) -> Warehouse:
    made = PostgresWarehouse(postgres_database)
    made.load(BUCKS_Q3)
    return made


# --- The portal's side ------------------------------------------------------------


@pytest.fixture
def bucks():
    return OrganisationalUnit.objects.get(slug="bucks-mh")


@pytest.fixture
def quarter():
    """Q3 2020/21, its window moved (as an administrator may) to include today."""
    return period_open_today(periods.quarter_span(2020, 3))


@pytest.fixture
def lead(make_user, bucks, quarter):
    """Bea Lead, Bucks MH's directorate lead, with an address to be e-mailed at."""
    user = make_unit_lead(make_user, bucks)
    get_user_model().objects.filter(pk=user.pk).update(email="bea.lead@example.nhs.uk")
    user.refresh_from_db()
    return user


@pytest.fixture
def feed_account(make_user):
    """The account set up for the feed: a board secretary's rights (any unit and period,
    with a reason), named as the BI team's feed in the history."""
    return make_user(
        "warehouse-feed",
        Role.BOARD_SECRETARY,
        first_name="Warehouse",
        last_name="Feed",
        email="bi-team@example.nhs.uk",
    )


@pytest.fixture
def sources(request, tmp_path, settings, monkeypatch):
    """Write the sources file (YAML) and point the setting and the URL's variable at it:
    at the test's `warehouse` (each of the two) if it asks for one, else at SQLite."""
    if "warehouse" in request.fixturenames:
        warehouse = request.getfixturevalue("warehouse")
    else:
        warehouse = request.getfixturevalue("sqlite_warehouse")
    path = tmp_path / "config" / "warehouse-sources.yaml"
    path.parent.mkdir()
    settings.WAREHOUSE_SOURCES_FILE = str(path)
    monkeypatch.setenv(URL_VARIABLE, warehouse.url)

    def write(text: str | None = None, **source) -> Path:
        if text is None:
            text = source_yaml(**source)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def source_yaml(
    *,
    name: str = "ipr-measures",
    acts_as: str = "bucks-lead",
    status: str = "draft",
    reason: str = REASON,
    query: str = QUERY,
    extra: str = "",
) -> str:
    indented = "\n".join(f"      {line}" for line in query.strip().splitlines())
    return (
        "sources:\n"
        f"  - name: {name}\n"
        f"    database_url_env: {URL_VARIABLE}\n"
        f"    acts_as: {acts_as}\n"
        f"    status: {status}\n"
        f'    reason: "{reason}"\n'
        f"{extra}"
        "    query: |\n"
        f"{indented}\n"
    )


def pull(*args) -> str:
    out = io.StringIO()
    call_command("pull_results", *args, stdout=out, stderr=out)
    return out.getvalue()


def refused(*args) -> tuple[CommandError, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("pull_results", *args, stdout=out, stderr=out)
    return raised.value, out.getvalue()


def bucks_results(quarter) -> dict[str, tuple[Decimal, str]]:
    return {
        result.key_result.code: (result.value, result.status)
        for result in Result.objects.filter(unit__slug="bucks-mh", period=quarter).select_related(
            "key_result"
        )
    }


# --- Drafts, submitted, dry run ----------------------------------------------------


def test_a_draft_batch_is_saved_as_drafts_and_the_lead_is_emailed(
    sources, lead, quarter, mailoutbox, warehouse
):
    sources()
    output = pull("ipr-measures")
    assert (
        "Source ipr-measures: 3 rows from the warehouse (as drafts, acting as bucks-lead)."
        in output
    )
    assert "row 1: new       quality-cccs-training | bucks-mh | Q3 2020/21 | 96" in output
    # 3.4 came back as Decimal('3.4000') (PostgreSQL) or 3.4 (SQLite): typed as 3.4.
    assert "row 2: new       quality-staff-sickness | Bucks MH | Q3 2020/21 | 3.4" in output
    assert "3 new, 0 changed, 0 unchanged, 0 error, 0 skipped." in output
    assert "Saved 3 values as drafts." in output
    assert bucks_results(quarter) == {
        "quality-cccs-training": (Decimal(96), Result.Status.DRAFT),
        "quality-staff-sickness": (Decimal("3.4"), Result.Status.DRAFT),
        "quality-patient-satisfaction": (Decimal(91), Result.Status.DRAFT),
    }
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["bea.lead@example.nhs.uk"]
    assert message.subject == (
        "Strategy Portal: 3 values from the data warehouse to check for Bucks MH"
    )
    assert "Dear Bea Lead," in message.body
    assert "The data warehouse feed ‘ipr-measures’ filled in 3 values for" in message.body
    assert "Q3 2020/21\n  - quality-cccs-training (" in message.body
    assert "): 96.0% (new draft)" in message.body  # CCCS training: one decimal place
    site = django_settings.SITE_URL
    assert f"Check and submit them at {site}/submissions/bucks-mh/{quarter.pk}/" in message.body
    assert f"My submissions: {django_settings.SITE_URL}/submissions/" in message.body
    assert "E-mailed Bea Lead <bea.lead@example.nhs.uk> about Bucks MH (3 values to check)." in (
        output
    )
    # The warehouse was only read.
    assert len(warehouse.contents()) == 3


def test_a_submitted_batch_is_submitted_and_sends_no_email(
    sources, lead, quarter, mailoutbox, warehouse
):
    sources(status="submitted")
    output = pull("ipr-measures")
    assert "Saved 3 values as submitted." in output
    assert {status for _, status in bucks_results(quarter).values()} == {Result.Status.SUBMITTED}
    assert mailoutbox == []


def test_the_command_line_overrides_the_source_s_status(sources, lead, quarter, mailoutbox):
    sources(status="draft")
    assert "Saved 3 values as submitted." in pull("ipr-measures", "--submit")
    assert mailoutbox == []
    assert {status for _, status in bucks_results(quarter).values()} == {Result.Status.SUBMITTED}


def test_a_dry_run_writes_nothing_and_sends_nothing(sources, lead, quarter, mailoutbox, warehouse):
    sources()
    history = Result.history.count()
    output = pull("ipr-measures", "--dry-run")
    assert "3 new, 0 changed, 0 unchanged, 0 error, 0 skipped." in output
    assert "Dry run: nothing saved and no e-mail sent. Saving would write 3 values as drafts." in (
        output
    )
    assert "Would e-mail Bea Lead <bea.lead@example.nhs.uk> about Bucks MH" in output
    assert bucks_results(quarter) == {}
    assert Result.history.count() == history
    assert mailoutbox == []


def test_the_history_names_the_acting_account_and_the_reason(
    sources, feed_account, quarter, warehouse
):
    """The feed's own account, a board secretary's rights: a correction of the Trust's
    closed Q2 2020/21 (CCCS training was 94) with the source's reason."""
    warehouse.load([(1, "quality-cccs-training", "trust", "Q2 2020/21", Decimal("95.5"), None)])
    sources(acts_as="warehouse-feed", status="submitted")
    output = pull("ipr-measures")
    assert "row 1: changed   quality-cccs-training | trust | Q2 2020/21 | 95.5" in output
    result = Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug="trust", period__starts_on="2020-07-01"
    )
    assert result.value == Decimal("95.5") and result.status == Result.Status.SUBMITTED
    record = result.history.latest()
    assert record.history_user == feed_account
    assert record.history_change_reason == REASON


def test_a_correction_without_a_reason_saves_nothing(sources, feed_account, warehouse):
    warehouse.load([(1, "quality-cccs-training", "trust", "Q2 2020/21", Decimal("95.5"), None)])
    sources(acts_as="warehouse-feed", reason="")
    error, output = refused("ipr-measures")
    assert error.returncode == 1
    assert str(error) == "Nothing was saved: Give a reason for this correction."
    assert Result.objects.get(
        key_result__code="quality-cccs-training", unit__slug="trust", period__starts_on="2020-07-01"
    ).value == Decimal(94)


def test_running_twice_changes_nothing_the_second_time(
    sources, lead, quarter, mailoutbox, warehouse
):
    sources()
    pull("ipr-measures")
    history = Result.history.count()
    output = pull("ipr-measures")
    assert "0 new, 0 changed, 3 unchanged, 0 error, 0 skipped." in output
    assert "Saved 0 values as drafts." in output
    assert "E-mailed" not in output
    assert len(mailoutbox) == 1  # the first run's only
    assert Result.history.count() == history


def test_a_changed_warehouse_value_changes_the_draft_and_emails_again(
    sources, lead, quarter, mailoutbox, warehouse
):
    sources()
    pull("ipr-measures")
    warehouse.execute("UPDATE ipr_measures SET measure_value = 97 WHERE load_order = 1")
    output = pull("ipr-measures")
    assert "row 1: changed   quality-cccs-training | bucks-mh | Q3 2020/21 | 97" in output
    assert "0 new, 1 changed, 2 unchanged, 0 error, 0 skipped." in output
    assert len(mailoutbox) == 2
    assert "): 97.0% (draft changed)" in mailoutbox[1].body
    assert mailoutbox[1].subject.startswith("Strategy Portal: 1 value from the data warehouse")


def test_units_without_a_lead_to_email_are_reported(
    sources, feed_account, lead, quarter, warehouse
):
    """The feed's account saves drafts for Bucks MH (a lead with an address) and
    Specialised (no lead recorded): one e-mail, and Specialised named."""
    warehouse.load(
        [
            (1, "quality-cccs-training", "bucks-mh", "Q3 2020/21", Decimal(96), None),
            (2, "quality-cccs-training", "specialised", "Q3 2020/21", Decimal(97), None),
        ]
    )
    sources(acts_as="warehouse-feed")
    output = pull("ipr-measures")
    assert "Saved 2 values as drafts." in output
    assert "E-mailed Bea Lead <bea.lead@example.nhs.uk> about Bucks MH (1 value to check)." in (
        output
    )
    assert "Not e-mailed for Specialised: no lead recorded." in output


def test_an_email_the_server_refuses_keeps_the_values_and_says_so(sources, lead, quarter, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.integration.test_pull_results.Refusing"}}
    sources()
    error, output = refused("ipr-measures")
    assert error.returncode == 2
    assert str(error) == (
        "Saved 3 values, but 1 e-mail could not be sent (Bucks MH): tell those leads "
        "the drafts are waiting for them."
    )
    assert "Could not e-mail Bea Lead <bea.lead@example.nhs.uk> about Bucks MH" in output
    assert "connection refused" in output
    assert len(bucks_results(quarter)) == 3


class Refusing:
    def __init__(self, **options):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


# --- Rows in error ----------------------------------------------------------------


def test_a_bad_row_saves_nothing_and_names_its_row(sources, lead, quarter, mailoutbox, warehouse):
    warehouse.load(
        [
            (1, "quality-cccs-training", "bucks-mh", "Q3 2020/21", "96", None),
            (2, "quality-nothing", "bucks-mh", "Q3 2020/21", "5", None),
            (3, "quality-staff-sickness", "bucks-mh", "Q2 2020/21", "3.1", None),
            (4, "quality-patient-satisfaction", "bucks-mh", "Q3 2020/21", "n/a", None),
        ],
        value_type="VARCHAR(40)",
    )
    sources()
    error, output = refused("ipr-measures")
    assert error.returncode == 1
    assert str(error) == (
        "Nothing was saved: 3 rows in error; Entry for Q2 2020/21 closed on 30 November 2020. "
        "Ask a board secretary to correct it."
    )
    assert "row 2: error     quality-nothing" in output
    assert "  Row 2: There is no OKR with the code quality-nothing" in output
    assert (
        "  Row 3: Entry for Q2 2020/21 closed on 30 November 2020. Ask a board secretary "
        "to correct it." in output
    )
    assert "  Row 4: Enter a number, like 94 or 94.5" in output
    assert "1 new, 0 changed, 0 unchanged, 3 error, 0 skipped." in output
    assert bucks_results(quarter) == {}
    assert mailoutbox == []


def test_a_query_returning_no_rows_saves_nothing_and_succeeds(
    sources, lead, quarter, mailoutbox, warehouse
):
    """At the start of a month the warehouse may have nothing new: not an error."""
    sources(query=QUERY.replace("ORDER BY", "WHERE load_order > 99 ORDER BY"))
    output = pull("ipr-measures")
    assert output.splitlines() == [
        "Source ipr-measures: 0 rows from the warehouse (as drafts, acting as bucks-lead).",
        "The query returned no rows: nothing to save.",
    ]
    assert bucks_results(quarter) == {} and mailoutbox == []


def test_empty_values_are_left_as_they_are(sources, lead, quarter, warehouse):
    """None from the warehouse reads as an empty cell: the row is skipped, as in a file."""
    warehouse.load(
        [
            (1, "quality-cccs-training", "bucks-mh", "Q3 2020/21", Decimal(96), None),
            (2, "quality-staff-sickness", "bucks-mh", "Q3 2020/21", None, None),
        ]
    )
    sources()
    output = pull("ipr-measures")
    assert "1 new, 0 changed, 0 unchanged, 0 error, 1 skipped." in output
    assert list(bucks_results(quarter)) == ["quality-cccs-training"]


def test_more_rows_than_an_upload_takes_are_refused(sources, lead, quarter, monkeypatch, warehouse):
    monkeypatch.setattr("okrs.imports.reading.MAX_DATA_ROWS", 2)
    sources()
    error, _ = refused("ipr-measures")
    assert str(error) == (
        "The query of source ipr-measures returned more than 2 rows: the feed saves at most "
        "2 rows at a time. Narrow the query (a month or a quarter at a time), or split it "
        "into several sources."
    )
    assert bucks_results(quarter) == {}


# --- The query's shape -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT measure_code AS okr_code, team AS unit, reporting_period AS period, "
            "measure_value AS value FROM ipr_measures",
            "The query of source ipr-measures has no comment column.",
        ),
        (
            "SELECT measure_code AS okr_code, team AS unit, reporting_period AS period, "
            "measure_value AS value, note AS comment, load_order, team AS region "
            "FROM ipr_measures",
            "The query of source ipr-measures returns load_order and region, which the "
            "feed does not read.",
        ),
        (
            "SELECT measure_code AS okr_code, reporting_period AS period, measure_value "
            "AS value, load_order FROM ipr_measures",
            "The query of source ipr-measures has no unit and comment columns and returns "
            "load_order, which the feed does not read.",
        ),
    ],
    ids=["missing", "extra", "both"],
)
def test_the_wrong_columns_are_refused(sources, lead, quarter, query, message, warehouse):
    sources(query=query)
    error, _ = refused("ipr-measures")
    assert str(error).startswith(message.removesuffix("."))
    assert "Return exactly the columns okr_code, unit, period, value, comment" in str(error)
    assert bucks_results(quarter) == {}


def test_columns_may_be_named_in_capitals_with_numerator_and_denominator(sources, lead, quarter):
    """Oracle and some warehouses answer in capitals: the names read as the upload's
    header row does. Numerator and denominator are optional columns."""
    sources(
        query="SELECT measure_code AS OKR_CODE, team AS UNIT, reporting_period AS PERIOD, "
        "measure_value AS VALUE, note AS COMMENT, NULL AS NUMERATOR, NULL AS DENOMINATOR "
        "FROM ipr_measures ORDER BY load_order"
    )
    assert "Saved 3 values as drafts." in pull("ipr-measures")


# --- Read-only ---------------------------------------------------------------------

# Writes that return the upload's columns, so only the connection can stop them.
RETURNING = (
    " RETURNING measure_code AS okr_code, team AS unit, reporting_period AS period, "
    "measure_value AS value, note AS comment"
)
WRITES = {
    "delete": "DELETE FROM ipr_measures",
    "delete-returning": "DELETE FROM ipr_measures" + RETURNING,
    "update-returning": "UPDATE ipr_measures SET measure_value = 0" + RETURNING,
    "create": "CREATE TABLE sneaky (okr_code TEXT)",
    "insert": "INSERT INTO ipr_measures VALUES (9, 'x', 'bucks-mh', 'Q3 2020/21', 1, '')",
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_a_query_that_writes_is_refused_and_the_warehouse_is_unchanged(
    sources, lead, quarter, warehouse, write, mailoutbox
):
    before = warehouse.contents()
    sources(query=WRITES[write])
    error, _ = refused("ipr-measures")
    assert str(error).startswith("The query of source ipr-measures failed: ")
    if warehouse.kind == "sqlite":
        # SQLite reaches the write and the read-only file refuses it. (PostgreSQL
        # refuses these before running them: the server-side cursor takes only a
        # query; see the function below for its read-only transaction.)
        assert "attempt to write a readonly database" in str(error)
        assert str(error).endswith(
            "The feed’s connection is read-only: the query may only read (one SELECT)."
        )
    else:
        assert str(error).endswith("The feed runs one SELECT: a statement that writes is refused.")
    assert warehouse.contents() == before
    assert "sneaky" not in warehouse.tables()
    assert bucks_results(quarter) == {} and mailoutbox == []


def test_a_select_calling_a_function_that_writes_is_refused_by_postgresql(
    sources, lead, quarter, postgres_warehouse, monkeypatch
):
    """A SELECT the server-side cursor accepts, whose function deletes the rows it
    returns: only the read-only transaction stops it."""
    monkeypatch.setenv(URL_VARIABLE, postgres_warehouse.url)
    postgres_warehouse.execute(
        """
        CREATE FUNCTION take_measures()
        RETURNS TABLE (okr_code TEXT, unit TEXT, period TEXT, value NUMERIC, comment TEXT)
        LANGUAGE sql AS $$
            DELETE FROM ipr_measures
            RETURNING measure_code::text, team::text, reporting_period::text,
                      measure_value, COALESCE(note, '')
        $$
        """
    )
    before = postgres_warehouse.contents()
    sources(query="SELECT * FROM take_measures()")
    error, _ = refused("ipr-measures")
    assert str(error) == (
        "The query of source ipr-measures failed: cannot execute DELETE in a read-only "
        "transaction. The feed’s connection is read-only: the query may only read (one SELECT)."
    )
    assert postgres_warehouse.contents() == before
    assert bucks_results(quarter) == {}


def test_the_feed_s_connection_itself_refuses_a_write(sources, warehouse):
    """Whatever statement reaches it, the connection the feed reads through cannot write."""
    sources()
    source = find_source("ipr-measures")
    before = warehouse.contents()
    with (
        read_only_connection(source) as reading,
        pytest.raises(DatabaseError, match="read-?only"),
    ):
        reading.cursor().execute("UPDATE ipr_measures SET measure_value = 0")
    assert warehouse.contents() == before


@pytest.mark.parametrize(
    "query",
    [
        QUERY + " DELETE FROM ipr_measures",
        # Ending the read-only transaction and starting a writable one.
        "SELECT 1 AS okr_code; COMMIT; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; "
        "DELETE FROM ipr_measures",
    ],
    ids=["select-then-delete", "escape-read-only"],
)
def test_a_query_of_several_statements_is_refused(sources, lead, quarter, warehouse, query):
    before = warehouse.contents()
    sources(query=query)
    error, _ = refused("ipr-measures")
    assert str(error).startswith("The query of source ipr-measures holds ")
    assert "statements: the feed runs one SELECT." in str(error)
    assert warehouse.contents() == before


def test_a_query_running_past_its_timeout_is_stopped(sources, lead, quarter, warehouse):
    slow = {
        # Counting to ten billion: far more than a second.
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 10000000000) SELECT 'a' AS okr_code, 'b' AS unit, 'c' AS period, "
        "MAX(i) AS value, '' AS comment FROM n",
        "postgresql": "SELECT 'a' AS okr_code, 'b' AS unit, 'c' AS period, 1 AS value, "
        "'' AS comment FROM pg_sleep(5)",
    }[warehouse.kind]
    sources(query=slow, extra="    timeout_seconds: 1\n")
    error, _ = refused("ipr-measures")
    assert str(error) == (
        "The query of source ipr-measures ran for longer than 1 seconds and was stopped. "
        "Make it faster, or give the source a longer timeout_seconds."
    )


def test_the_portal_s_own_database_is_refused(sources, lead, monkeypatch):
    own = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{own['NAME']}"
    else:
        # localhost for 127.0.0.1, the port left out: still the same database.
        url = f"postgres://postgres@localhost/{own['NAME']}"
    monkeypatch.setenv(URL_VARIABLE, url)
    sources()
    error, _ = refused("ipr-measures")
    assert str(error) == (
        "The source ipr-measures points at the portal’s own database: the feed reads the "
        f"warehouse, never the portal. Set {URL_VARIABLE} to the warehouse’s database URL."
    )


# --- Configuration -----------------------------------------------------------------


def test_an_unknown_source_is_refused_naming_the_others(sources):
    sources()
    error, _ = refused("nowhere")
    assert str(error) == "There is no source called nowhere. The sources are: ipr-measures."


def test_with_no_sources_file_there_are_no_sources(settings):
    settings.WAREHOUSE_SOURCES_FILE = ""
    error, _ = refused("ipr-measures")
    assert str(error) == (
        "There is no source called ipr-measures: no warehouse sources are configured "
        "(set WAREHOUSE_SOURCES_FILE; see docs/warehouse-feed.md)."
    )
    assert "No warehouse sources are configured" in pull("--list")


def test_the_sources_are_listed(sources, tmp_path):
    path = sources()
    (path.parent / "queries").mkdir()
    (path.parent / "queries" / "community.sql").write_text(QUERY, encoding="utf-8")
    path.write_text(
        path.read_text() + "  - name: community-waits\n"
        f"    database_url_env: {URL_VARIABLE}\n"
        "    acts_as: warehouse-feed\n"
        "    status: submitted\n"
        "    query_file: queries/community.sql\n"
        "    timeout_seconds: 300\n",
        encoding="utf-8",
    )
    assert pull("--list").splitlines() == [
        f"ipr-measures: saved as draft, acting as bucks-lead; database URL in {URL_VARIABLE}; "
        "query in the file; timeout 60 s",
        f"community-waits: saved as submitted, acting as warehouse-feed; database URL in "
        f"{URL_VARIABLE}; query from queries/community.sql; timeout 300 s",
    ]


def test_a_query_file_is_read_from_beside_the_sources_file(sources, lead, quarter):
    path = sources()
    (path.parent / "ipr.sql").write_text(QUERY, encoding="utf-8")
    path.write_text(
        path.read_text().split("    query: |")[0] + "    query_file: ipr.sql\n", encoding="utf-8"
    )
    assert "Saved 3 values as drafts." in pull("ipr-measures")


def test_a_missing_environment_variable_is_named(sources, lead, monkeypatch):
    sources()
    monkeypatch.delenv(URL_VARIABLE)
    error, _ = refused("ipr-measures")
    assert str(error).startswith(
        f"The source ipr-measures reads its database URL from the environment variable "
        f"{URL_VARIABLE}, which is not set."
    )


def test_an_unknown_database_kind_is_refused_without_the_url(sources, lead, monkeypatch):
    sources()
    monkeypatch.setenv(URL_VARIABLE, "warehouse://feed:s3cret@dwh.example.nhs.uk/ipr")
    error, _ = refused("ipr-measures")
    assert str(error) == (
        f"The database URL in {URL_VARIABLE} (source ipr-measures) could not be read: "
        "warehouse is not a kind of database Django knows (e.g. postgres, sqlite)."
    )
    assert "s3cret" not in str(error)


def test_an_missing_sqlite_file_is_said(sources, lead, monkeypatch, tmp_path):
    sources()
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    error, _ = refused("ipr-measures")
    assert str(error) == (
        f"The SQLite database of source ipr-measures, {tmp_path / 'missing.sqlite3'}, "
        "does not exist."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - name: ipr-measures\n    query: [unclosed\n",
            "is not valid YAML at line 4, column 1: ",
        ),
        ("sources:\n\tname: x\n", "is not valid YAML at line 2, column 1: "),
        ("- name: ipr\n", ": the file must hold one key, sources, with a list of sources"),
        (
            "sources:\n  - name: ipr-measures\n    databse_url_env: X\n",
            ", source ipr-measures: unknown key databse_url_env. A source has the keys name, ",
        ),
        (
            source_yaml(extra="    timeout_seconds: soon\n"),
            ", source ipr-measures, timeout_seconds: must be a whole number of seconds",
        ),
        (
            source_yaml(status="final"),
            ", source ipr-measures, status: write draft or submitted, not final.",
        ),
        (
            source_yaml().replace(URL_VARIABLE, "postgres://feed:pw@dwh/ipr"),
            ", source ipr-measures, database_url_env: give the name of the environment "
            "variable that holds the database URL, not the URL itself",
        ),
        (
            source_yaml().replace("    acts_as: bucks-lead\n", ""),
            ", source ipr-measures, acts_as: missing.",
        ),
        (
            source_yaml(extra="    query_file: ipr.sql\n"),
            ", source ipr-measures, query: give the SQL in query, or the name of a file "
            "holding it in query_file (one of the two).",
        ),
        (
            source_yaml() + source_yaml().removeprefix("sources:\n"),
            ": two sources are called ipr-measures: rename one.",
        ),
        (
            "sources:\n  - name: ipr measures\n",
            ": source 1 needs a name of letters, digits, - and _",
        ),
    ],
    ids=[
        "unclosed",
        "tab",
        "not-a-mapping",
        "typo",
        "timeout",
        "status",
        "url-not-variable",
        "no-acts-as",
        "query-and-file",
        "twice",
        "bad-name",
    ],
)
def test_a_malformed_sources_file_is_refused_plainly(sources, text, message):
    path = sources(text)
    error, output = refused("ipr-measures")
    assert str(error).startswith(str(path))
    assert message in str(error)
    assert "Traceback" not in output


def test_an_unknown_or_inactive_account_is_refused(sources, make_user):
    sources(acts_as="nobody")
    error, _ = refused("ipr-measures")
    assert str(error).startswith(
        "The source ipr-measures acts as nobody, and there is no account with that username."
    )
    make_user("gone", Role.BOARD_SECRETARY, is_active=False)
    sources(acts_as="gone")
    error, _ = refused("ipr-measures")
    assert str(error).startswith("The account gone that source ipr-measures acts as is inactive")


def test_the_portal_s_own_account_cannot_be_acted_as(sources):
    sources(acts_as="strategy-portal-system")
    error, _ = refused("ipr-measures")
    assert "acts as the portal’s own account" in str(error)


def test_a_source_or_list_is_needed(sources):
    error, _ = refused()
    assert str(error) == (
        "Name the source to pull (python manage.py pull_results --list shows them)."
    )
    error, _ = refused("ipr-measures", "--list")
    assert str(error) == "Give a source’s name or --list, not both."


def test_the_exit_code_from_a_shell(tmp_path):
    """The process exits with 1, and a message rather than a traceback, on errors."""
    path = tmp_path / "sources.yaml"
    path.write_text("sources: [", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "manage.py", "pull_results", "ipr-measures"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "WAREHOUSE_SOURCES_FILE": str(path)},
    )
    assert completed.returncode == 1
    assert "is not valid YAML" in completed.stderr
    assert "Traceback" not in completed.stderr


# --- Cells as a person would type them ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (Decimal("96.0000"), "96"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.00001"), "0.00001"),
        (3.4, "3.4"),
        (1e-05, "0.00001"),
        (1200, "1200"),
        (datetime.date(2026, 9, 30), "2026-09"),
        (datetime.datetime(2026, 9, 1, 0, 0), "2026-09"),
        ("  94.5% ", "94.5%"),
        ("Line one\nline two", "Line one\nline two"),
    ],
)
def test_a_database_value_reads_as_typed(value, text):
    source = Source(name="x", database_url_env="X", query="SELECT 1", acts_as="a", submit=False)
    assert cell_text(value, where="Row 1, column value", source=source) == text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"\x00\x01", "Row 1, column value of source x’s query holds binary data"),
        ("96\x00", "contains a control character (U+0000) that cannot be saved"),
        ("x" * 20_001, "holds 20,001 characters: a cell holds at most 20,000."),
    ],
    ids=["binary", "control", "long"],
)
def test_a_database_value_no_one_could_type_is_refused(value, message):
    source = Source(name="x", database_url_env="X", query="SELECT 1", acts_as="a", submit=False)
    with pytest.raises(FeedProblem) as raised:
        cell_text(value, where="Row 1, column value", source=source)
    assert message in str(raised.value)
