"""A published edition's stored form, and what changed between two editions.

An edition keeps its report as JSON (`IprEdition.report`) forever, so the form is
versioned: `ipr_to_dict` writes `schema_version`, and `ipr_from_dict` reads only
the versions it knows, upgrading older ones step by step (`_UPGRADES`). Reading is
strict: a field the report type needs that the JSON lacks, or a key the type does
not know, is an `EditionFormatError` naming it, never a silent None. So renaming a
field of `types` without raising `SCHEMA_VERSION` (and writing its upgrade step)
fails the test that opens an edition stored in today's form.

Editions stored before the version was written are version 1. Version 2 gave
each cell the reasons it is one of the Board's exceptions (`IprCell.exceptions`).
Version 3 says whom each cell's target was set for and what kind of target it is
(`IprCell.target_set_for`, `target_kind`): before it, every target was the
Trust's goal.
"""

import dataclasses
import datetime
import functools
import types
import typing
from collections.abc import Callable

from okrs import periods
from okrs.targets_in_force import GOAL, SET_FOR_TRUST
from reporting.exceptions import (
    DEFAULT_AMBER_PERIODS,
    FIRST_RULE_IN_WORDS,
    amber_run,
    exception_reasons,
)
from reporting.ipr.types import Ipr

SCHEMA_VERSION = 3
_VERSION_KEY = "schema_version"


def _exceptions_by_today_s_rule(report: dict) -> dict:
    """Version 1 → 2: each cell's exception reasons, worked out by today's rule
    (reporting/exceptions.py, with the default run of Amber periods: the edition
    does not say another) from what the cell stored: its rating, its SPC reading
    and its series. The report's own list of exceptions, what the Board read, is
    kept as it was published, with the rule it was made by in words."""
    for objective in report["objectives"]:
        for okr in objective["okrs"]:
            for cell in okr["cells"]:
                cell["exceptions"] = _cell_exceptions(cell, okr["frequency"])
    report["summary"]["exceptions_rule"] = FIRST_RULE_IN_WORDS
    return report


def _cell_exceptions(cell: dict, frequency: str) -> list[str]:
    if cell["value"] is None:
        return []

    def newest_first():
        history = cell.get("history") or []
        if not history:
            # Without its series the cell's own period is all there is to count.
            yield datetime.date.min, datetime.date.min, cell["rag"]
        for point in reversed(history):
            starts_on = datetime.date.fromisoformat(point["period_start"])
            span = periods.span_containing(frequency, starts_on)
            yield span.starts_on, span.ends_on, point["rag"]

    return exception_reasons(
        rag=cell["rag"],
        amber_run=amber_run(newest_first()),
        amber_periods=DEFAULT_AMBER_PERIODS,
        variation=cell["variation"],
        assurance=cell["assurance"],
    )


def _targets_were_the_trust_s(report: dict) -> dict:
    """Version 2 → 3: before units could have targets or trajectories of their
    own, every cell with a target had the Trust's goal."""
    for objective in report["objectives"]:
        for okr in objective["okrs"]:
            for cell in okr["cells"]:
                for point in [cell, *cell.get("history", [])]:
                    targeted = point["target"] is not None
                    point["target_set_for"] = SET_FOR_TRUST if targeted else None
                    point["target_kind"] = GOAL if targeted else None
    return report


# Version n → a function turning a report of version n into version n + 1.
_UPGRADES: dict[int, Callable[[dict], dict]] = {
    1: _exceptions_by_today_s_rule,
    2: _targets_were_the_trust_s,
}


class EditionFormatError(ValueError):
    """A stored report this code cannot read as it was written."""


def ipr_to_dict(ipr: Ipr) -> dict:
    return {_VERSION_KEY: SCHEMA_VERSION, **dataclasses.asdict(ipr)}


def ipr_from_dict(data: dict) -> Ipr:
    data = dict(data)
    version = data.pop(_VERSION_KEY, 1)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise EditionFormatError(
            f"This edition was stored in form {version!r}; this version of the portal "
            f"reads forms 1 to {SCHEMA_VERSION}."
        )
    while version < SCHEMA_VERSION:
        data = _UPGRADES[version](data)
        version += 1
    return _build(Ipr, data, "report")


@functools.cache
def _fields_of(cls) -> tuple[dict[str, Callable | None], frozenset[str]]:
    """Per field of a report dataclass: how to rebuild its value from JSON (None:
    as it is), and which fields have defaults. Worked out once per class: looking
    up type hints for each of thousands of instances made an edition slower to
    open than assembling the report afresh."""
    hints = typing.get_type_hints(cls)
    builders: dict[str, Callable | None] = {}
    for name, hint in hints.items():
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is types.UnionType:
            hint = next((arg for arg in args if arg is not type(None)), hint)
            origin, args = typing.get_origin(hint), typing.get_args(hint)
        if dataclasses.is_dataclass(hint):
            builders[name] = functools.partial(_build, hint)
        elif origin is list and args and dataclasses.is_dataclass(args[0]):
            builders[name] = functools.partial(_build_list, args[0])
        else:
            builders[name] = None
    with_defaults = frozenset(
        item.name
        for item in dataclasses.fields(cls)
        if item.default is not dataclasses.MISSING
        or item.default_factory is not dataclasses.MISSING
    )
    return builders, with_defaults


def _build(cls, data, where: str):
    if not isinstance(data, dict):
        raise EditionFormatError(f"{where}: expected an object, found {type(data).__name__}.")
    builders, with_defaults = _fields_of(cls)
    unknown = data.keys() - builders.keys()
    if unknown:
        raise EditionFormatError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    values = {}
    for name, builder in builders.items():
        if name not in data:
            if name in with_defaults:
                continue
            raise EditionFormatError(f"{where}: missing field {name}.")
        value = data[name]
        if builder is not None and value is not None:
            value = builder(value, f"{where}.{name}")
        values[name] = value
    return cls(**values)


def _build_list(cls, items, where: str) -> list:
    if not isinstance(items, list):
        raise EditionFormatError(f"{where}: expected a list, found {type(items).__name__}.")
    return [_build(cls, item, f"{where}[{index}]") for index, item in enumerate(items)]


def describe_changes(previous: dict, current: dict) -> list[str]:
    """What a Board member would notice between two editions, in words: values,
    targets, ratings, SPC icons, overall ratings and narratives."""
    changes = []
    old_cells = _cells_by_key(previous)
    for key, cell in _cells_by_key(current).items():
        old = old_cells.get(key)
        where = " · ".join(key)
        if old is None:
            changes.append(f"{where}: added")
            continue
        for field_name, label in [
            ("value_text", "value"),
            ("target_text", "target"),
            ("rag_label", "rating"),
            ("variation", "variation"),
            ("assurance", "assurance"),
        ]:
            if old[field_name] != cell[field_name]:
                changes.append(f"{where}: {label} {old[field_name]} → {cell[field_name]}")
    old_overall = _overall_by_key(previous)
    for key, overall in _overall_by_key(current).items():
        if key in old_overall and old_overall[key] != overall:
            changes.append(f"{' · '.join(key)}: overall rating {old_overall[key]} → {overall}")
    old_narratives = _narratives_by_key(previous)
    for key, narrative in _narratives_by_key(current).items():
        if old_narratives.get(key) != narrative:
            verb = "changed" if key in old_narratives else "added"
            changes.append(f"{' · '.join(key)}: {verb}")
    return changes


def _cells_by_key(report: dict) -> dict[tuple[str, ...], dict]:
    return {
        (objective["short_name"], okr["statement"], cell["unit"]): cell
        for objective in report["objectives"]
        for okr in objective["okrs"]
        for cell in okr["cells"]
    }


def _overall_by_key(report: dict) -> dict[tuple[str, ...], str]:
    return {
        (objective["short_name"], overall["unit"]): overall["rag_label"]
        for objective in report["objectives"]
        for overall in objective["overall"]
    }


def _narratives_by_key(report: dict) -> dict[tuple[str, ...], tuple]:
    words = {
        (objective["short_name"], narrative["kind"]): (
            narrative["text"],
            narrative["signed_by"],
            narrative["signed_on"],
        )
        for objective in report["objectives"]
        for narrative in objective["narratives"]
    }
    if overall := report.get("overall_summary"):
        words[("Overall executive summary",)] = (
            overall["text"],
            overall["signed_by"],
            overall["signed_on"],
        )
    words |= {
        (objective["short_name"], okr["statement"], "commentary"): tuple(
            sorted(okr["commentary"].items())
        )
        for objective in report["objectives"]
        for okr in objective["okrs"]
        if okr.get("commentary")
    }
    return words
