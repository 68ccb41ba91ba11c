"""Loads the Trust's seeded strategy from the YAML files under `fixtures/`.

Everything is written through the same actions the product uses (results through
the one result planner), so the seeds obey the same rules and leave the same audit
trail as any other change, made by the portal's own account
(accounts/system_actor.py). Loading is idempotent: each record is found by its
natural key; a missing one is created, a differing one is updated (with history),
an identical one is left alone, so a second load writes nothing.

One module on purpose: it is the one reader of the seed format, in the order the
files nest (organisation, strategy, objectives, programmes, OKRs, results), all
sharing one loader that counts what was written; split, each part would need the
others to make sense.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models, transaction

from accounts.system_actor import system_actor
from objectives import actions as strategy_actions
from objectives.audit import update_fields
from objectives.models import (
    Committee,
    ExecutiveRole,
    KeyFocusArea,
    OrganisationalUnit,
    Person,
    RagKeyEntry,
    RoleAssignment,
    RuleProvenance,
    StrategicObjective,
    Strategy,
    Value,
)
from okrs import actions as okr_actions
from okrs.models import KeyResult, Programme
from okrs.periods import parse_period_label
from okrs.result_planner import Outcome
from reporting import actions as reporting_actions

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
REASON = "Loaded from the Trust's seeded papers ({file})"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.files)} files: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


class _Loader:
    def __init__(self, *, by, report: LoadReport, file_name: str) -> None:
        self.by = by
        self.report = report
        self.reason = REASON.format(file=file_name)

    def ensure(
        self,
        existing: models.Model | None,
        create: Callable[[], models.Model],
        changes: dict[str, Any] | None = None,
    ) -> models.Model:
        """Create the record if missing, else bring its fields up to date."""
        if existing is None:
            self.report.created += 1
            return create()
        if changes and update_fields(existing, changes, by=self.by, reason=self.reason):
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return existing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(value)
    return str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_organisation(data: dict, loader: _Loader) -> None:
    by, reason = loader.by, loader.reason
    units = {unit["slug"]: unit for unit in data.get("units", [])}
    # Parents first, so a directorate can point at the Trust.
    for slug in sorted(units, key=lambda slug: units[slug].get("parent") is not None):
        spec = units[slug]
        fields = {
            "name": spec["name"],
            "short_name": spec["short_name"],
            "kind": spec["kind"],
            "parent": OrganisationalUnit.objects.get(slug=spec["parent"])
            if spec.get("parent")
            else None,
            "active_from": spec.get("active_from"),
            "active_to": spec.get("active_to"),
            "dates_note": _text(spec.get("dates_note")),
            "order": spec.get("order", 0),
        }
        loader.ensure(
            OrganisationalUnit.objects.filter(slug=slug).first(),
            lambda slug=slug, fields=fields: strategy_actions.create_unit(
                by=by, slug=slug, reason=reason, **fields
            ),
            fields,
        )

    for spec in sorted(data.get("committees", []), key=lambda c: c.get("reports_to") is not None):
        fields = {
            "name": spec["name"],
            "description": _text(spec.get("description")),
            "reports_to": Committee.objects.get(slug=spec["reports_to"])
            if spec.get("reports_to")
            else None,
            "source": _text(spec.get("source")),
        }
        loader.ensure(
            Committee.objects.filter(slug=spec["slug"]).first(),
            lambda spec=spec, fields=fields: strategy_actions.create_committee(
                by=by, slug=spec["slug"], reason=reason, **fields
            ),
            fields,
        )

    for spec in data.get("executive_roles", []):
        loader.ensure(
            ExecutiveRole.objects.filter(slug=spec["slug"]).first(),
            lambda spec=spec: strategy_actions.create_executive_role(
                by=by, slug=spec["slug"], title=spec["title"], reason=reason
            ),
            {"title": spec["title"]},
        )

    for spec in data.get("people", []):
        fields = {"full_name": spec["full_name"], "source": _text(spec.get("source"))}
        person = loader.ensure(
            Person.objects.filter(slug=spec["slug"]).first(),
            lambda spec=spec, fields=fields: strategy_actions.create_person(
                by=by, slug=spec["slug"], reason=reason, **fields
            ),
            fields,
        )
        for held in spec.get("roles", []):
            role = ExecutiveRole.objects.get(slug=held["role"])
            starts_on = held.get("starts_on")
            loader.ensure(
                RoleAssignment.objects.filter(
                    role=role, person=person, starts_on=starts_on
                ).first(),
                lambda role=role, person=person, held=held: strategy_actions.assign_role(
                    by=by,
                    role=role,
                    person=person,
                    starts_on=held.get("starts_on"),
                    ends_on=held.get("ends_on"),
                    source=_text(held.get("source")),
                    reason=reason,
                ),
                {"ends_on": held.get("ends_on"), "source": _text(held.get("source"))},
            )


def load_strategy(data: dict, loader: _Loader) -> Strategy:
    by, reason = loader.by, loader.reason
    spec = data["strategy"]
    fields = {
        "title": spec["title"],
        "starts_on": spec.get("starts_on"),
        "ends_on": spec.get("ends_on"),
        "vision": _text(spec.get("vision")),
        "qualifying_statement": _text(spec.get("qualifying_statement")),
        "summary": _text(spec.get("summary")),
        "authors": "\n".join(spec.get("authors", [])),
        "lead_executive": _text(spec.get("lead_executive")),
        "source": _text(spec.get("source")),
    }
    # Which strategy is current is decided once all are loaded (make_strategy_current).
    existing = Strategy.objects.filter(slug=spec["slug"]).first()
    strategy = loader.ensure(
        existing,
        lambda: strategy_actions.create_strategy(
            by=by, slug=spec["slug"], status=spec["status"], reason=reason, **fields
        ),
        fields if existing is None or existing.is_current else {**fields, "status": spec["status"]},
    )

    for order, value_spec in enumerate(data.get("values", []), start=1):
        behaviours = value_spec.get("behaviours", [])
        value = loader.ensure(
            Value.objects.filter(strategy=strategy, name=value_spec["name"]).first(),
            lambda value_spec=value_spec, order=order, behaviours=behaviours: (
                strategy_actions.add_value(
                    by=by,
                    strategy=strategy,
                    name=value_spec["name"],
                    order=order,
                    behaviours=behaviours,
                    reason=reason,
                )
            ),
            {"order": order},
        )
        missing = [text for text in behaviours if not value.behaviours.filter(text=text).exists()]
        for text in missing:
            strategy_actions.add_behaviour(
                by=by, value=value, text=text, order=behaviours.index(text) + 1, reason=reason
            )
            loader.report.created += 1

    for order, entry in enumerate(data.get("rag_key", []), start=1):
        loader.ensure(
            RagKeyEntry.objects.filter(strategy=strategy, word=entry["rag"]).first(),
            lambda entry=entry, order=order: strategy_actions.define_rag_word(
                by=by,
                strategy=strategy,
                word=entry["rag"],
                meaning=entry["meaning"],
                order=order,
                reason=reason,
            ),
            {"meaning": entry["meaning"], "order": order},
        )

    for objective_spec in data.get("objectives", []):
        load_objective(strategy, objective_spec, loader)
    return strategy


def load_objective(strategy: Strategy, spec: dict, loader: _Loader) -> None:
    by, reason = loader.by, loader.reason
    lead_roles = [ExecutiveRole.objects.get(slug=slug) for slug in spec.get("lead_roles", [])]
    fields = {
        "category": spec.get("category", StrategicObjective.Category.OBJECTIVE),
        "short_name": _text(spec.get("short_name")),
        "title": spec["title"],
        "description": _text(spec.get("description")),
        "committee": Committee.objects.get(slug=spec["committee"])
        if spec.get("committee")
        else None,
        "source": _text(spec.get("source")),
    }
    existing = StrategicObjective.objects.filter(strategy=strategy, number=spec["number"]).first()
    # The papers state no rule for the overall rating: the one given is the
    # product's, assumed until an administrator confirms it or sets the Trust's
    # own, which later loads leave alone.
    confirmed = RuleProvenance.CONFIRMED
    if "rating_rule" in spec and getattr(existing, "rating_rule_provenance", None) != confirmed:
        rule = spec["rating_rule"]
        fields |= {
            "rating_method": rule["method"],
            "rating_green_from": _decimal(rule["green_from"]),
            "rating_amber_from": _decimal(rule["amber_from"]),
            "rating_rule_provenance": RuleProvenance.ASSUMED,
        }
    objective = loader.ensure(
        existing,
        lambda: strategy_actions.add_objective(
            by=by,
            strategy=strategy,
            number=spec["number"],
            lead_roles=lead_roles,
            reason=reason,
            **fields,
        ),
        fields,
    )
    if set(objective.lead_roles.all()) != set(lead_roles):
        strategy_actions.set_objective_leads(
            by=by, objective=objective, lead_roles=lead_roles, reason=reason
        )

    for order, focus_spec in enumerate(spec.get("focus_areas", []), start=1):
        focus_fields = {
            "title": focus_spec["title"],
            "provenance": focus_spec["provenance"],
            "description": _text(focus_spec.get("description")),
            "source": _text(focus_spec.get("source")),
            "source_text": _text(focus_spec.get("source_text")),
        }
        focus_area = loader.ensure(
            KeyFocusArea.objects.filter(objective=objective, order=order).first(),
            lambda order=order, focus_fields=focus_fields: strategy_actions.add_focus_area(
                by=by, objective=objective, order=order, reason=reason, **focus_fields
            ),
            focus_fields,
        )
        for programme_order, programme_spec in enumerate(focus_spec.get("programmes", []), start=1):
            load_programme(focus_area, None, programme_order, programme_spec, loader)

    for order, okr_spec in enumerate(spec.get("key_results", []), start=1):
        load_key_result(objective, order, okr_spec, loader)

    for block in spec.get("results", []):
        load_results(block, loader)
        period = okr_actions.ensure_period(parse_period_label(block["period"]))
        for unit_slug, word in block.get("overall_rag_as_published", {}).items():
            reporting_actions.record_overall_rating_as_published(
                by=by,
                objective=objective,
                period=period,
                unit=OrganisationalUnit.objects.get(slug=unit_slug),
                rag_as_written=word,
                source=_text(block.get("source")),
                reason=reason,
            )

    for narrative_spec in spec.get("narratives", []):
        reporting_actions.record_narrative(
            by=by,
            objective=objective,
            period=okr_actions.ensure_period(parse_period_label(narrative_spec["period"])),
            kind=narrative_spec["kind"],
            text=_text(narrative_spec["text"]),
            author=Person.objects.get(slug=narrative_spec["author"]),
            author_title=_text(narrative_spec.get("author_title")),
            signed_by=Person.objects.get(slug=narrative_spec["signed_by"])
            if narrative_spec.get("signed_by")
            else None,
            signed_on=narrative_spec.get("signed_on"),
            source=_text(narrative_spec.get("source")),
            reason=reason,
        )


def load_programme(
    focus_area: KeyFocusArea,
    parent: Programme | None,
    order: int,
    spec: dict,
    loader: _Loader,
) -> None:
    by, reason = loader.by, loader.reason
    unit = OrganisationalUnit.objects.get(slug=spec["unit"]) if spec.get("unit") else None
    # A programme a paper sets out as the Trust's (the FY18 report's) is the Trust's;
    # one the portal placed from a mention in the text is to confirm. Loading again
    # leaves what an administrator confirmed or changed alone.
    to_confirm = spec.get("provenance") == "to_confirm"
    programme = loader.ensure(
        Programme.objects.filter(focus_area=focus_area, parent=parent, title=spec["title"]).first(),
        lambda: okr_actions.create_programme(
            by=by,
            focus_area=focus_area,
            parent=parent,
            title=spec["title"],
            unit=unit,
            order=order,
            provenance=RuleProvenance.ASSUMED if to_confirm else RuleProvenance.CONFIRMED,
            source=_text(spec.get("source")),
            reason=reason,
        ),
        {"unit": unit, "order": order},
    )
    for update in spec.get("updates", []):
        figures = update.get("cost_improvement")
        okr_actions.record_programme_update(
            by=by,
            programme=programme,
            period=okr_actions.ensure_period(parse_period_label(update["period"])),
            rag_as_written=update["rag_as_written"],
            progress=_text(update.get("progress")),
            cost_improvement=okr_actions.CostImprovementFigures(
                **{name: _decimal(value) for name, value in figures.items()}
            )
            if figures
            else None,
            reason=reason,
        )
    for project_order, project in enumerate(spec.get("projects", []), start=1):
        load_programme(focus_area, programme, project_order, project, loader)


def load_key_result(objective: StrategicObjective, order: int, spec: dict, loader: _Loader) -> None:
    by, reason = loader.by, loader.reason
    fields = {
        "statement": spec["statement"],
        "status": spec.get("status", KeyResult.Status.DRAFT),
        "long_term_plan_metric": _text(spec.get("long_term_plan_metric")),
        "order": order,
        "source": _text(spec.get("source")),
    }
    existing = KeyResult.objects.filter(code=spec["code"]).first()
    # The papers state an OKR in words; its definition is the product's reading of
    # them, assumed until an administrator confirms it, which later loads leave.
    if getattr(existing, "definition_provenance", None) != RuleProvenance.CONFIRMED:
        fields |= {
            "measure": spec.get("measure", ""),
            "direction": spec.get("direction", ""),
            "frequency": spec.get("frequency", ""),
            "calculation": _text(spec.get("calculation")),
            "decimal_places": spec.get("decimal_places", 1),
            "trust_value": spec.get("trust_value", "entered"),
            "ratio_scale": Decimal(str(spec.get("ratio_scale", 100))),
            "numerator_label": spec.get("numerator_label", ""),
            "denominator_label": spec.get("denominator_label", ""),
            "definition_provenance": RuleProvenance.ASSUMED,
        }
    # The papers state no tolerances: those given are the product's, assumed until
    # an administrator confirms them or sets the Trust's, which later loads leave.
    if getattr(existing, "tolerance_provenance", None) != RuleProvenance.CONFIRMED:
        fields |= {
            "tolerance": _decimal(spec.get("tolerance", 0)),
            "tolerance_kind": spec.get("tolerance_kind", "absolute"),
            "tolerance_provenance": RuleProvenance.ASSUMED,
        }
    # The focus area it measures, as the paper says (verbatim) or as derived from it;
    # a link an administrator set or cleared is theirs, and stays.
    by_person = KeyResult.FocusAreaProvenance.SET_BY_PERSON
    if existing is None or existing.focus_area_provenance != by_person:
        fields |= _focus_area_link(objective, spec)
    key_result = loader.ensure(
        existing,
        lambda: okr_actions.create_key_result(
            by=by, objective=objective, code=spec["code"], reason=reason, **fields
        ),
        fields,
    )
    for target in spec.get("targets", []):
        okr_actions.set_target(
            by=by,
            key_result=key_result,
            value=_decimal(target["value"]),
            effective_from=target["effective_from"],
            source=_text(target.get("source")),
            reason=reason,
        )


def _focus_area_link(objective: StrategicObjective, spec: dict) -> dict[str, Any]:
    """An OKR's `focus_area` (the title of one of its objective's focus areas) and
    `focus_area_provenance` (verbatim or derived); none when the paper gives none."""
    if not spec.get("focus_area"):
        return {"focus_area": None, "focus_area_provenance": ""}
    return {
        "focus_area": KeyFocusArea.objects.get(objective=objective, title=spec["focus_area"]),
        "focus_area_provenance": spec["focus_area_provenance"],
    }


def load_results(block: dict, loader: _Loader) -> None:
    """A block's figures, through the one planner as the portal's own account (so a
    changed figure bumps the result's version, and an unchanged one writes nothing)."""
    period = okr_actions.ensure_period(parse_period_label(block["period"]))
    entries = [
        okr_actions.ResultEntry(
            key_result=KeyResult.objects.get(code=code),
            period=period,
            unit=OrganisationalUnit.objects.get(slug=unit_slug),
            value=_decimal(value),
        )
        for code, by_unit in block["values"].items()
        for unit_slug, value in by_unit.items()
    ]
    plan = okr_actions.record_results_as_system(
        entries=entries, source=_text(block.get("source")), reason=loader.reason
    )
    loader.report.created += plan.count(Outcome.NEW)
    loader.report.updated += plan.count(Outcome.CHANGED)
    loader.report.unchanged += plan.count(Outcome.UNCHANGED)


def seed_files(directory: Path = FIXTURES_DIR) -> list[Path]:
    """The organisation first, then each strategy, oldest first."""
    return [directory / "organisation.yaml", *sorted((directory / "strategies").glob("*.yaml"))]


@transaction.atomic
def load_seeds(*, directory: Path = FIXTURES_DIR) -> LoadReport:
    """Load every seed file, all or nothing, as the portal's own account (its
    history names it)."""
    by = system_actor()
    report = LoadReport()
    current: Strategy | None = None
    for path in seed_files(directory):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        loader = _Loader(by=by, report=report, file_name=path.relative_to(directory.parent))
        report.files.append(path.name)
        if "strategy" in data:
            strategy = load_strategy(data, loader)
            if data["strategy"].get("is_current"):
                current = strategy
        else:
            load_organisation(data, loader)
    if current is not None and not current.is_current:
        strategy_actions.make_strategy_current(
            by=by, strategy=current, reason=REASON.format(file="fixtures/")
        )
    return report
