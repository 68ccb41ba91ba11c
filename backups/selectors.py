"""Reads for backups: the rows a fingerprint is made of (`backups.fingerprint`), from
the database in use and the media folder. Every read is in a stable order, so the
same data always gives the same fingerprint."""

import hashlib
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from simple_history.models import HistoricalChanges

from backups.fingerprint import Fingerprint, Row, StoredPack, build_fingerprint, row_line
from okrs.models import Result
from reporting.models import IprEdition, PackFile

# Rows read from the database at a time.
CHUNK = 2000
# Primary keys a table can be read in order of, the same on every server. Other
# tables (a text or UUID key, or none) are ordered by their rows' canonical form,
# since the order of text depends on the server's collation.
INTEGER_KEYS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def current_fingerprint() -> Fingerprint:
    """The fingerprint of the database in use and the media folder, as they are now
    (inside the caller's transaction, if any)."""
    return build_fingerprint(
        editions=edition_rows(),
        results=result_rows(),
        history=history_rows(),
        packs=stored_packs(),
        tables=table_rows(),
    )


def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def edition_rows() -> Iterator[tuple[str, Row]]:
    """Each published edition, with everything frozen in it, named by month and revision."""
    editions = IprEdition.objects.order_by("data_month", "revision")
    for data_month, revision, *row in editions.values_list(
        "data_month", "revision", *_attnames(IprEdition)
    ).iterator(chunk_size=CHUNK):
        yield f"{data_month:%Y-%m} revision {revision}", row


def result_rows() -> Iterator[tuple[str, Row]]:
    """Every result (value, numerator, denominator, comment, status, version, …),
    named by its OKR's code, with its period and unit by their natural keys."""
    results = Result.objects.order_by("key_result__code", "pk").values_list(
        "key_result__code",
        *_attnames(Result),
        "period__frequency",
        "period__starts_on",
        "unit__slug",
    )
    for code, *row in results.iterator(chunk_size=CHUNK):
        yield code, row


def history_models() -> list[type[Model]]:
    """Every audit-history table's model (django-simple-history's), by table name."""
    return sorted(
        (model for model in apps.get_models() if issubclass(model, HistoricalChanges)),
        key=lambda model: model._meta.db_table,
    )


def history_rows() -> dict[str, Iterator[Row]]:
    """Each history table's rows, oldest first (read as the caller goes through them)."""
    return {
        model._meta.db_table: model._default_manager.order_by("pk")
        .values_list(*_attnames(model))
        .iterator(chunk_size=CHUNK)
        for model in history_models()
    }


def file_sha256(name: str) -> str | None:
    """The SHA-256 of a file in the media folder, or None when there is none."""
    if not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_packs() -> Iterator[StoredPack]:
    """Each exported pack file: its row, and the SHA-256 of the file as found."""
    fields = _attnames(PackFile)
    name_at, sha_at = fields.index("file"), fields.index("sha256")
    for row in PackFile.objects.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK):
        name = row[name_at]
        yield StoredPack(
            name=name, row=row, recorded_sha256=row[sha_at], found_sha256=file_sha256(name)
        )


def table_rows() -> dict[str, Iterator[Row]]:
    """Every table of the database (Django's own, the queue's, the migrations
    record…), each in a stable order."""
    keys = {
        model._meta.db_table: model._meta.pk
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    keys[MigrationRecorder.Migration._meta.db_table] = MigrationRecorder.Migration._meta.pk
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return {name: _rows_of(name, keys.get(name)) for name in names}


def _rows_of(table: str, key) -> Iterator[Row]:
    quoted = connection.ops.quote_name(table)
    in_key_order = key is not None and key.get_internal_type() in INTEGER_KEYS
    order = f" ORDER BY {connection.ops.quote_name(key.column)}" if in_key_order else ""
    # A server-side cursor on PostgreSQL (unless the settings turn them off, as
    # behind a pooler): a large table is read a chunk at a time, as the ORM's are.
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}{order}")  # names from introspection
        if in_key_order:
            while rows := cursor.fetchmany(CHUNK):
                yield from rows
        else:
            yield from sorted(cursor.fetchall(), key=row_line)


def applied_migrations() -> list[str]:
    """The migrations recorded as applied to the database in use, as "app.name"."""
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def table_names() -> list[str]:
    """The tables in the database in use (none, in an empty database)."""
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)
