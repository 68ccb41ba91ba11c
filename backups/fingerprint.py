"""The fingerprint of what the Board depends on, as plain data: pure functions over
rows (read by `backups.selectors`), so a backup and its restore are compared part
by part, and the comparison is tested, without a database.

A fingerprint has five parts. Each part is a count and a SHA-256 over its items;
each item is a count and a SHA-256 over its rows in a stable order:

- `editions`: each published edition as frozen (its report, changes, note, …);
- `results`: every result, by OKR, values and versions included;
- `history`: every audit-history table, row by row;
- `packs`: each stored pack file: its row (with the SHA-256 recorded when it was
  made) and the SHA-256 of the file found in the media folder, so one changed byte
  of a pack changes the fingerprint; `not_matching` lists the files whose content
  is not what was recorded (or that are missing);
- `tables`: every table of the database, row by row: nothing is left out.

Values are written canonically (a decimal by its value, a time in UTC, JSON with
its keys sorted), so the same data gives the same fingerprint however it was read.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Row = Sequence[Any]
Part = dict[str, Any]
Fingerprint = dict[str, Part]

# The parts in the order they are reported, with their names for people.
PART_NAMES = {
    "editions": "Published editions",
    "results": "Results",
    "history": "Audit history",
    "packs": "Pack files",
    "tables": "Every table",
}
# Said of a pack file that is not in the media folder.
MISSING = "missing"


def canonical(value: Any) -> Any:
    """A value as JSON that is the same for the same data, however it was read."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        # By value: 92.0 and 92.0000 are the same number.
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes_sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return str(value)


def row_line(row: Row) -> bytes:
    """One row as one line of canonical JSON."""
    text = json.dumps(
        [canonical(value) for value in row],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return text.encode("utf-8") + b"\n"


def _part(items: dict[str, dict[str, Any]]) -> Part:
    whole = hashlib.sha256()
    for key in sorted(items):
        whole.update(f"{key}\t{items[key]['count']}\t{items[key]['sha256']}\n".encode())
    return {
        "count": sum(item["count"] for item in items.values()),
        "sha256": whole.hexdigest(),
        "items": {key: items[key] for key in sorted(items)},
    }


def digest_keyed(keyed_rows: Iterable[tuple[str, Row]], *, keys: Iterable[str] = ()) -> Part:
    """A part from (item, row) pairs, each item's rows in a stable order; `keys`
    names items that count even with no rows (an empty table is still a table)."""
    hashers = {key: hashlib.sha256() for key in keys}
    counts = dict.fromkeys(hashers, 0)
    for key, row in keyed_rows:
        if key not in hashers:
            hashers[key] = hashlib.sha256()
            counts[key] = 0
        hashers[key].update(row_line(row))
        counts[key] += 1
    return _part(
        {key: {"count": counts[key], "sha256": hashers[key].hexdigest()} for key in hashers}
    )


def digest_groups(groups: Mapping[str, Iterable[Row]]) -> Part:
    """A part from each item's rows (e.g. each table's), empty items included."""
    return digest_keyed(
        ((key, row) for key, rows in groups.items() for row in rows), keys=groups.keys()
    )


@dataclass(frozen=True)
class StoredPack:
    """A pack file as the database records it and as the media folder holds it."""

    name: str  # its path in the media folder
    row: Row  # its database row, the recorded SHA-256 included
    recorded_sha256: str
    found_sha256: str | None  # None: no such file

    @property
    def matches(self) -> bool:
        return self.found_sha256 == self.recorded_sha256


def digest_packs(packs: Iterable[StoredPack]) -> Part:
    not_matching = []

    def keyed():
        for pack in packs:
            if not pack.matches:
                not_matching.append(pack.name)
            yield pack.name, [*pack.row, pack.found_sha256 or MISSING]

    part = digest_keyed(keyed())
    part["not_matching"] = sorted(not_matching)
    return part


def build_fingerprint(
    *,
    editions: Iterable[tuple[str, Row]],
    results: Iterable[tuple[str, Row]],
    history: Mapping[str, Iterable[Row]],
    packs: Iterable[StoredPack],
    tables: Mapping[str, Iterable[Row]],
) -> Fingerprint:
    return {
        "editions": digest_keyed(editions),
        "results": digest_keyed(results),
        "history": digest_groups(history),
        "packs": digest_packs(packs),
        "tables": digest_groups(tables),
    }


@dataclass(frozen=True)
class Difference:
    """What differs between a backup's fingerprint and its restore's."""

    part: str
    item: str
    detail: str

    def __str__(self) -> str:
        where = f"{PART_NAMES.get(self.part, self.part)}"
        return f"{where}, {self.item}: {self.detail}" if self.item else f"{where}: {self.detail}"


def compare(expected: Fingerprint, actual: Fingerprint) -> list[Difference]:
    """Every difference between the backup's fingerprint (`expected`) and the
    restored data's (`actual`), named down to the item (an edition, an OKR's
    results, a table, a pack file)."""
    differences = []
    for name in PART_NAMES:
        backed_up, restored = expected.get(name), actual.get(name)
        if backed_up is None or restored is None:
            differences.append(Difference(name, "", "not in both fingerprints"))
            continue
        if backed_up["sha256"] == restored["sha256"] and backed_up["count"] == restored["count"]:
            continue
        found = _item_differences(name, backed_up["items"], restored["items"])
        differences.extend(found or [Difference(name, "", "different content")])
    return differences


def _item_differences(name: str, backed_up: dict, restored: dict) -> list[Difference]:
    differences = []
    for key in sorted(backed_up.keys() | restored.keys()):
        if key not in restored:
            rows = counted(backed_up[key]["count"], "row")
            differences.append(Difference(name, key, f"missing after the restore ({rows})"))
        elif key not in backed_up:
            rows = counted(restored[key]["count"], "row")
            differences.append(Difference(name, key, f"not in the backup ({rows})"))
        elif backed_up[key]["count"] != restored[key]["count"]:
            rows = counted(restored[key]["count"], "row")
            differences.append(
                Difference(name, key, f"{rows} restored, {backed_up[key]['count']:,} backed up")
            )
        elif backed_up[key]["sha256"] != restored[key]["sha256"]:
            differences.append(Difference(name, key, "different content, same number of rows"))
    return differences


def counted(number: int, singular: str, plural: str = "") -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def summary(fingerprint: Fingerprint) -> dict[str, str]:
    """What a fingerprint covers, in words: a line per part."""
    editions, results, history = (fingerprint[name] for name in ("editions", "results", "history"))
    packs, tables = fingerprint["packs"], fingerprint["tables"]
    not_matching = len(packs["not_matching"])
    if not packs["count"]:
        checked = "none stored yet"
    elif not_matching:
        checked = f"{not_matching:,} not matching the SHA-256 recorded when made"
    else:
        checked = "each matching the SHA-256 recorded when it was made"
    return {
        "editions": f"{PART_NAMES['editions']}: {editions['count']:,}",
        "results": f"{PART_NAMES['results']}: {results['count']:,} "
        f"(of {counted(len(results['items']), 'OKR')})",
        "history": f"{PART_NAMES['history']}: {counted(history['count'], 'row')} in "
        f"{counted(len(history['items']), 'history table')}",
        "packs": f"{PART_NAMES['packs']}: {packs['count']:,}, {checked}",
        "tables": f"{PART_NAMES['tables']}: {counted(len(tables['items']), 'table')}, "
        f"{counted(tables['count'], 'row')}",
    }
