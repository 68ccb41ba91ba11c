"""Reading a source's rows from its database, read-only.

The connection is built from the URL in the source's environment variable
(dj_database_url), as a Django connection of its own that no other code sees, and
closed afterwards. It is never the portal's own database, and it does not write:

- PostgreSQL: every transaction is read-only (`default_transaction_read_only`),
  each statement is stopped after the source's timeout (`statement_timeout`), and
  the rows come through a server-side cursor, so a query returning millions of rows
  is never held in memory (reading stops after the upload's row limit);
- SQLite: the file is opened read-only (`mode=ro`), and a query running past the
  timeout is interrupted;
- any other database: the query runs in a transaction that is rolled back (which
  cannot undo a CREATE or DROP where the database commits those by itself, as MySQL
  does: there, the account's rights are the only guard).

Whatever the database, the transaction is rolled back at the end, and the query
must be one statement (a second, after a semicolon, could end the read-only
transaction). The database account in the URL should still be one that may only
read: these guards are the second lock, not the first (docs/warehouse-feed.md).

The rows are the upload's `FileRow`s, numbered from 1 in the query's order, each
cell as the text a person would have typed.
"""

import datetime
import os
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import sqlparse
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.db.utils import ConnectionHandler

from okrs.formatting import plain_number
from okrs.imports import FileRow, normalise_header
from okrs.imports import reading as upload_reading
from okrs.imports.reading import COMMENT_MAX_LENGTH, CONTROL_CHARACTER, REQUIRED_COLUMNS
from okrs.warehouse.sources import FeedProblem, Source

OPTIONAL_COLUMNS = ("numerator", "denominator")
# Rows fetched from the database at a time.
BATCH_ROWS = 500
# The longest text a cell may hold: a comment's limit (the planner refuses a longer
# comment, row by row, saying how long it is) with room to say so, never megabytes.
MAX_CELL_CHARACTERS = 10 * COMMENT_MAX_LENGTH
# Names a database host on this machine has.
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "localhost.localdomain"}
_DEFAULT_PORTS = {"postgresql": "5432", "mysql": "3306", "oracle": "1521"}
_FAMILIES = {"postgis": "postgresql", "spatialite": "sqlite3"}
# PostgreSQL's code for a statement cancelled by statement_timeout.
_QUERY_CANCELED = "57014"


def database_settings(source: Source) -> dict:
    """The Django settings of the source's database, read-only; a `FeedProblem` if
    the URL is missing or unreadable, or names the portal's own database."""
    variable = source.database_url_env
    url = os.environ.get(variable, "").strip()
    if not url:
        raise FeedProblem(
            f"The source {source.name} reads its database URL from the environment "
            f"variable {variable}, which is not set. Set it (in the portal’s .env) to "
            "the warehouse’s database URL, e.g. postgres://USER:PASSWORD@HOST:5432/NAME."
        )
    # Never the URL in a message: it holds a password.
    cannot = f"The database URL in {variable} (source {source.name}) could not be read"
    try:
        database = dj_database_url.parse(url)
    except dj_database_url.UnknownSchemeError as error:
        raise FeedProblem(
            f"{cannot}: {error.scheme or 'it names no'} is not a kind of database Django "
            "knows (e.g. postgres, sqlite)."
        ) from None
    except ValueError:
        raise FeedProblem(
            f"{cannot}: it is not a valid URL (quote special characters in the password, "
            "e.g. %40 for @)."
        ) from None
    for alias in connections:
        if _place(database) == _place(connections[alias].settings_dict):
            raise FeedProblem(
                f"The source {source.name} points at the portal’s own database: the feed "
                f"reads the warehouse, never the portal. Set {variable} to the warehouse’s "
                "database URL."
            )
    return _read_only(database, source)


def _family(engine: str) -> str:
    last = engine.rsplit(".", 1)[-1]
    return _FAMILIES.get(last, last)


def _sqlite_path(name: str) -> Path:
    text = str(name)
    if text.startswith("file:"):
        text = text.removeprefix("file:").split("?", 1)[0]
    return Path(text).expanduser().resolve()


def _place(database: dict) -> tuple:
    """Where a database is, so two settings naming the same one compare equal
    (localhost and 127.0.0.1 alike, a port left out as the default)."""
    family = _family(database.get("ENGINE", ""))
    if family == "sqlite3":
        return family, str(_sqlite_path(database.get("NAME") or ""))
    host = str(database.get("HOST") or "").lower()
    if host in _LOCAL_HOSTS or host.startswith("/") or host == socket.gethostname().lower():
        host = "this machine"
    port = str(database.get("PORT") or _DEFAULT_PORTS.get(family, ""))
    return family, host, port, str(database.get("NAME") or "")


def _read_only(database: dict, source: Source) -> dict:
    family = _family(database["ENGINE"])
    options = dict(database.get("OPTIONS") or {})
    if family == "postgresql":
        # Given last, so they win over any the URL sets.
        flags = (
            "-c default_transaction_read_only=on "
            f"-c statement_timeout={source.timeout_seconds * 1000}"
        )
        options["options"] = f"{options.get('options', '')} {flags}".strip()
        options.setdefault("connect_timeout", min(source.timeout_seconds, 30))
        options.setdefault("application_name", f"strategy-portal pull_results {source.name}")
    elif family == "sqlite3":
        path = _sqlite_path(database["NAME"])
        if not path.is_file():
            raise FeedProblem(
                f"The SQLite database of source {source.name}, {path}, does not exist."
            )
        database["NAME"] = f"file:{quote(str(path))}?mode=ro"
        options["uri"] = True
        options.pop("init_command", None)
        options.pop("transaction_mode", None)
    database["OPTIONS"] = options
    # A connection of its own for one run: never kept open, never pooled.
    database["CONN_MAX_AGE"] = 0
    return database


@contextmanager
def read_only_connection(source: Source) -> Iterator:
    """A Django connection to the source's database that cannot write, in a
    transaction that is rolled back and closed however the block ends."""
    alias = f"warehouse_{source.name}"
    # A handler of its own, not django.db.connections: nothing else (a test's
    # transaction, a request's) sees, uses or closes this connection. Django fills
    # in the settings the URL leaves out, as for the portal's own.
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.dummy"}, alias: database_settings(source)}
    )
    try:
        connection = handler.create_connection(alias)
    except ImproperlyConfigured as error:  # e.g. the database's driver is not installed
        raise FeedProblem(
            f"Could not connect to the database of source {source.name}: {_first_line(error)}."
        ) from None
    try:
        try:
            connection.ensure_connection()
            connection.set_autocommit(False)
        except (DatabaseError, ImproperlyConfigured) as error:
            raise FeedProblem(
                f"Could not connect to the database of source {source.name}: {_first_line(error)}."
            ) from None
        with _interrupted_after(connection, source.timeout_seconds):
            yield connection
    finally:
        with suppress(Exception):
            connection.rollback()
        connection.close()


@contextmanager
def _interrupted_after(connection, seconds: int) -> Iterator[None]:
    """On SQLite, stop a statement still running after `seconds` (PostgreSQL's
    statement_timeout does this there)."""
    if connection.vendor != "sqlite":
        yield
        return
    deadline = time.monotonic() + seconds
    connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        connection.connection.set_progress_handler(None, 0)


def one_statement(source: Source) -> str:
    """The source's query as one statement without comments or a final semicolon;
    a `FeedProblem` if it holds several."""
    statements = [
        text
        for piece in sqlparse.split(source.query)
        if (text := sqlparse.format(piece, strip_comments=True).strip().rstrip(";").strip())
    ]
    if not statements:
        raise FeedProblem(f"The query of source {source.name} holds only comments.")
    if len(statements) > 1:
        raise FeedProblem(
            f"The query of source {source.name} holds {len(statements)} statements: the "
            "feed runs one SELECT. Remove the others (and the semicolons between them)."
        )
    return statements[0]


def fetch_rows(source: Source, connection) -> list[FileRow]:
    """The rows the source's query returns, as the upload's rows; a `FeedProblem`
    if the query fails, returns the wrong columns or too many rows."""
    statement = one_statement(source)
    limit = upload_reading.MAX_DATA_ROWS
    # PostgreSQL: a server-side cursor, so only a batch at a time is in memory.
    cursor = (
        connection.chunked_cursor() if connection.vendor == "postgresql" else connection.cursor()
    )
    rows: list[FileRow] = []
    try:
        cursor.execute(statement)
        batch = cursor.fetchmany(BATCH_ROWS)
        positions = _column_positions(source, cursor.description)
        while batch:
            for values in batch:
                if len(rows) >= limit:
                    raise FeedProblem(
                        f"The query of source {source.name} returned more than {limit:,} rows: "
                        f"the feed saves at most {limit:,} rows at a time. Narrow the query "
                        "(a month or a quarter at a time), or split it into several sources."
                    )
                rows.append(_row(source, len(rows) + 1, values, positions))
            batch = cursor.fetchmany(BATCH_ROWS)
    except DatabaseError as error:
        raise FeedProblem(_query_failed(source, statement, error)) from None
    finally:
        with suppress(Exception):
            cursor.close()
    return rows


def _query_failed(source: Source, statement: str, error: DatabaseError) -> str:
    cause = error.__cause__
    if getattr(cause, "pgcode", None) == _QUERY_CANCELED or str(error) == "interrupted":
        return (
            f"The query of source {source.name} ran for longer than {source.timeout_seconds} "
            "seconds and was stopped. Make it faster, or give the source a longer "
            "timeout_seconds."
        )
    message = f"The query of source {source.name} failed: {_first_line(error)}."
    if re.search(r"read-?only", str(error), re.IGNORECASE):
        message += " The feed’s connection is read-only: the query may only read (one SELECT)."
    elif sqlparse.parse(statement)[0].get_type() not in ("SELECT", "UNKNOWN"):
        # PostgreSQL's server-side cursor takes only a query: a DELETE, UPDATE or
        # CREATE is a syntax error there, which says nothing of why.
        message += " The feed runs one SELECT: a statement that writes is refused."
    return message


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return (lines[0] if lines else error.__class__.__name__).rstrip(".")


def _column_positions(source: Source, description) -> dict[str, int]:
    expected = ", ".join(REQUIRED_COLUMNS)
    if not description:
        raise FeedProblem(
            f"The query of source {source.name} returned no columns: it must be a SELECT "
            f"returning {expected}."
        )
    positions: dict[str, int] = {}
    extra: list[str] = []
    for index, column in enumerate(description):
        name = normalise_header(str(column[0]))
        if name in positions:
            raise FeedProblem(
                f"The query of source {source.name} returns the column {name} twice: keep one."
            )
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            extra.append(name)
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing or extra:
        said = []
        if missing:
            said.append(f"has no {_and(missing)} column{'s' if len(missing) > 1 else ''}")
        if extra:
            said.append(f"returns {_and(extra)}, which the feed does not read")
        raise FeedProblem(
            f"The query of source {source.name} {' and '.join(said)}. Return exactly the "
            f"columns {expected} (and numerator and denominator for an OKR worked out from "
            "them), naming them with AS."
        )
    return positions


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _row(source: Source, number: int, values, positions: dict[str, int]) -> FileRow:
    cells = {
        name: cell_text(values[index], where=f"Row {number}, column {name}", source=source)
        for name, index in positions.items()
    }
    return FileRow(number=number, **cells)


def cell_text(value, *, where: str, source: Source) -> str:
    """A value from the database as the text a person would type: None as empty, a
    number without an exponent (1E+3 → 1000, Decimal('96.0000') → 96), a date as its
    month (as a workbook's date is read), text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return plain_number(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y-%m}"
    if isinstance(value, bytes | bytearray | memoryview):
        raise FeedProblem(
            f"{where} of source {source.name}’s query holds binary data: return text or numbers."
        )
    text = str(value).strip()
    if len(text) > MAX_CELL_CHARACTERS:
        raise FeedProblem(
            f"{where} of source {source.name}’s query holds {len(text):,} characters: "
            f"a cell holds at most {MAX_CELL_CHARACTERS:,}."
        )
    # As the upload refuses them: characters a database may refuse or a person cannot see.
    if found := CONTROL_CHARACTER.search(text):
        raise FeedProblem(
            f"{where} of source {source.name}’s query contains a control character "
            f"(U+{ord(found.group()):04X}) that cannot be saved: remove it in the query "
            "(e.g. with REPLACE)."
        )
    return text
