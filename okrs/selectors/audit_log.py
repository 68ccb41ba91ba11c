"""The audit log: every create, change and delete of an OKR, a target or a result,
and of the kinds of record the apps above add (`add_kind`: reporting adds process
changes, and the objectives and strategies whose rating rules it keeps), as plain
rows (who, when, what, old → new, why), read from django-simple-history's tables.

A page of the log costs a fixed number of queries however long the history is:
one to count, one for the page (a UNION of the history tables, newest first), and
per kind of record on the page one for its rows, each carrying the id of the
version before it (a subquery), and one for those previous versions. Asking
simple-history for each row's `prev_record` instead would cost a query per row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Model, OuterRef, Q, Subquery, Value
from django.utils import timezone

from objectives.models import OrganisationalUnit
from okrs.formatting import format_value, plain_number
from okrs.models import KeyResult, Programme, ProgrammeUpdate, Result, Target

PAGE_SIZE = 50

_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class AuditFilters:
    unit: OrganisationalUnit | None = None
    key_result: KeyResult | None = None
    person: Any = None  # a user
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class FieldChange:
    """One field's values either side of a change, as they read on the page. `old` is
    None for a record just created; `new` is None for a record deleted."""

    label: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AuditEntry:
    when: datetime.datetime
    who: str
    what: str  # "Result", "Target" or "OKR"
    action: str  # "Created", "Changed" or "Deleted"
    okr_code: str
    okr_statement: str
    unit: str
    period: str
    changes: list[FieldChange]
    reason: str


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: Page


@dataclass(frozen=True)
class _Kind:
    name: str
    label: str
    model: type[Model]
    okr_lookup: str | None  # how its history rows name their OKR; None: not about one
    fields: list[tuple[str, str]]  # the fields people care about, with their labels
    related: tuple[str, ...]  # what a row needs to describe itself and its values
    of_a_unit: bool = False  # its records belong to a unit (a `unit` foreign key)
    # What a record not about an OKR is about, in words (from its history row).
    subject: Callable[[Any], str] | None = None
    # Its many-to-many fields kept in the history (simple-history's `m2m_fields`), with
    # their labels: shown as the list of what the record named before and after.
    m2m: tuple[tuple[str, str], ...] = ()


_KINDS = [
    _Kind(
        name="result",
        label="Result",
        model=Result,
        okr_lookup="key_result_id",
        fields=[("value", "Value"), ("comment", "Comment"), ("status", "Status")],
        related=("key_result", "unit", "period"),
        of_a_unit=True,
    ),
    _Kind(
        name="target",
        label="Target",
        model=Target,
        okr_lookup="key_result_id",
        fields=[("value", "Target"), ("effective_from", "Applies from")],
        related=("key_result",),
    ),
    _Kind(
        name="okr",
        label="OKR",
        model=KeyResult,
        okr_lookup="id",
        fields=[
            ("statement", "Statement"),
            ("status", "Status"),
            ("replaced_by", "Replaced by"),
            ("focus_area", "Key focus area"),
            ("focus_area_provenance", "Focus area linked"),
            ("measure", "Unit of measure"),
            ("direction", "Direction of good"),
            ("frequency", "Reported"),
            ("owner_role", "Executive owner"),
            ("tolerance", "Tolerance"),
            ("tolerance_kind", "Tolerance is"),
            ("tolerance_provenance", "Whose tolerance"),
            ("definition_provenance", "Whose definition"),
            ("decimal_places", "Decimal places"),
            ("calculation", "How it is calculated"),
            ("data_source", "Data source"),
            ("target_rationale", "Where the target comes from"),
        ],
        related=("replaced_by", "focus_area", "owner_role"),
    ),
    # The strategy's programmes and their leads' monthly reports.
    _Kind(
        name="programme",
        label="Programme",
        model=Programme,
        okr_lookup=None,
        fields=[
            ("title", "Programme"),
            ("focus_area", "Key focus area"),
            ("lead", "Lead"),
            ("provenance", "Whose programme"),
        ],
        related=("focus_area", "lead"),
        subject=lambda record: record.title,
    ),
    _Kind(
        name="programme_report",
        label="Programme report",
        model=ProgrammeUpdate,
        okr_lookup=None,
        fields=[("rag", "Rating"), ("progress", "Progress")],
        related=("programme", "period"),
        subject=lambda record: f"{record.programme.title}, {record.period.label}",
    ),
]
_KINDS_BY_NAME = {kind.name: kind for kind in _KINDS}


def add_kind(
    *,
    name: str,
    label: str,
    model: type[Model],
    fields: list[tuple[str, str]],
    related: tuple[str, ...] = ("key_result",),
    okr_lookup: str | None = "key_result_id",
    of_a_unit: bool = False,
    subject: Callable[[Any], str] | None = None,
    m2m: tuple[tuple[str, str], ...] = (),
) -> None:
    """Add a kind of record to the log: about an OKR (`okr_lookup` names it), or
    not (None, with its `subject` in words). Called by an app above okrs (from its
    AppConfig.ready), which okrs may not import. Adding it again is a no-op."""
    if name in _KINDS_BY_NAME:
        return
    kind = _Kind(name, label, model, okr_lookup, fields, related, of_a_unit, subject, m2m)
    _KINDS.append(kind)
    _KINDS_BY_NAME[name] = kind


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _history(kind: _Kind, filters: AuditFilters):
    """The kind's history rows that pass the filters, or None when none can (a unit
    filter leaves only the kinds of a unit: targets and OKRs belong to no unit)."""
    rows = kind.model.history.all()
    if filters.unit is not None:
        if not kind.of_a_unit:
            return None
        rows = rows.filter(unit_id=filters.unit.pk)
    if filters.key_result is not None:
        if kind.okr_lookup is None:
            return None
        rows = rows.filter(**{kind.okr_lookup: filters.key_result.pk})
    if filters.person is not None:
        rows = rows.filter(history_user_id=filters.person.pk)
    # Whole days in the Trust's time zone, as bounds an index can use.
    if filters.date_from is not None:
        rows = rows.filter(history_date__gte=_start_of(filters.date_from))
    if filters.date_to is not None and filters.date_to < datetime.date.max:
        rows = rows.filter(history_date__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    return rows


def audit_page(filters: AuditFilters, page_number: Any = 1) -> AuditPage:
    """One page of the log, newest first: two queries, and two per kind of record on it."""
    parts = []
    for kind in _KINDS:
        rows = _history(kind, filters)
        if rows is not None:
            parts.append(
                rows.annotate(kind=Value(kind.name, output_field=CharField()))
                .values_list("history_id", "history_date", "kind")
                .order_by()  # history tables are ordered by default; a UNION's parts cannot be
            )
    combined = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
    page = Paginator(combined, PAGE_SIZE).get_page(page_number)
    keys = list(page.object_list)
    records = {}
    for kind in _KINDS:
        ids = [history_id for history_id, _, name in keys if name == kind.name]
        if ids:
            for record, previous in _records_with_previous(kind, ids):
                records[(kind.name, record.history_id)] = (record, previous)
    entries = [
        _entry(_KINDS_BY_NAME[name], *records[(name, history_id)]) for history_id, _, name in keys
    ]
    return AuditPage(entries=entries, page=page)


def _m2m_rows(kind: _Kind, name: str) -> str:
    """The name, on a history row, of the rows simple-history keeps of a many-to-many
    field at that version (its model is `Historical<Model>_<field>`)."""
    history_model = kind.model.history.model
    for relation in history_model._meta.related_objects:
        if relation.related_model.__name__ == f"{history_model.__name__}_{name}":
            return relation.get_accessor_name()
    raise LookupError(f"{kind.model.__name__}.{name} keeps no history")


def _m2m_lookups(kind: _Kind) -> list[str]:
    """What to prefetch for the kind's many-to-many fields: each version's rows and
    what they name (two queries a field)."""
    lookups = []
    for name, _ in kind.m2m:
        target = kind.model._meta.get_field(name).m2m_reverse_field_name()
        lookups.append(f"{_m2m_rows(kind, name)}__{target}")
    return lookups


def _records_with_previous(kind: _Kind, history_ids: list[int]):
    """The history rows with these ids, each with the version of the same record just
    before it (or None): two queries, however many rows (and two more for each
    many-to-many field the kind shows, for the two sets of rows)."""
    history = kind.model.history
    before = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        history.filter(history_id__in=history_ids)
        .select_related("history_user__api_client__responsible", *kind.related)
        .prefetch_related(*_m2m_lookups(kind))
        .annotate(previous_id=Subquery(before))
    )
    previous_ids = [record.previous_id for record in records if record.previous_id]
    earlier = history.filter(history_id__in=previous_ids).prefetch_related(*_m2m_lookups(kind))
    if kind.related:  # select_related() with no fields would follow every relation
        earlier = earlier.select_related(*kind.related)
    previous = {row.history_id: row for row in earlier}
    return [(record, previous.get(record.previous_id)) for record in records]


def _entry(kind: _Kind, record, previous) -> AuditEntry:
    # A result's or target's OKR is None if the OKR itself has been deleted since.
    if kind.okr_lookup is None:
        okr, about = None, kind.subject(record)
    else:
        okr = record if kind.name == "okr" else record.key_result
        about = okr.statement if okr else "An OKR since deleted"
    return AuditEntry(
        when=record.history_date,
        who=_who(record.history_user),
        what=kind.label,
        action=_ACTIONS[record.history_type],
        okr_code=okr.code if okr else "",
        okr_statement=about,
        unit=record.unit.short_name if kind.of_a_unit and record.unit else "",
        period=record.period.label if kind.name == "result" and record.period else "",
        changes=_changes(kind, record, previous, measure=okr.measure if okr else ""),
        reason=record.history_change_reason or "",
    )


def _who(user) -> str:
    if user is None:
        return "No user (loaded by the system)"
    try:
        client = user.api_client
    except ObjectDoesNotExist:
        return user.get_full_name() or user.username
    responsible = client.responsible
    return (
        f"API client {client.name} "
        f"(responsible: {responsible.get_full_name() or responsible.username})"
    )


def _changes(kind: _Kind, record, previous, *, measure: str) -> list[FieldChange]:
    changes = []
    for name, label in kind.fields:
        new = _shown(record, name, measure)
        if record.history_type == "-":
            if new != "—":
                changes.append(FieldChange(label, new, None))
        elif record.history_type == "+" or previous is None:
            if new != "—":
                changes.append(FieldChange(label, None, new))
        elif _raw(previous, name) != _raw(record, name):
            changes.append(FieldChange(label, _shown(previous, name, measure), new))
    for name, label in kind.m2m:
        new = _named(kind, record, name)
        if record.history_type == "-":
            continue
        if record.history_type == "+" or previous is None:
            if new != "—":
                changes.append(FieldChange(label, None, new))
        elif (old := _named(kind, previous, name)) != new:
            changes.append(FieldChange(label, old, new))
    return changes


def _named(kind: _Kind, row, name: str) -> str:
    """What a version's many-to-many field named, in words ("—" for nothing)."""
    target = kind.model._meta.get_field(name).m2m_reverse_field_name()
    links = getattr(row, _m2m_rows(kind, name)).all()
    names = sorted(str(getattr(link, target)) for link in links)
    return ", ".join(names) or "—"


def _raw(row, name: str):
    field = row._meta.get_field(name)
    return getattr(row, field.attname)


def _shown(row, name: str, measure: str) -> str:
    field = row._meta.get_field(name)
    raw = getattr(row, field.attname)
    if raw is None or raw == "":
        return "—"
    if field.is_relation:
        related = getattr(row, name)  # select_related, so no query
        if related is None:
            return "(since deleted)"
        return str(related.code if isinstance(related, KeyResult) else related)
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if name == "value":
        return format_value(raw, measure)
    if isinstance(raw, datetime.date):
        return f"{raw:%-d %b %Y}"
    if isinstance(raw, Decimal):
        return plain_number(raw)
    return str(raw)
