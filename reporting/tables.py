"""The OKR × unit table of an IPR section, built with django-tables2 from the
assembled report: one column per unit, each cell value, RAG word and SPC icons."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from reporting.ipr import IprObjective


class OkrByUnitTable(tables.Table):
    okr = tables.TemplateColumn(
        template_name="reporting/cells/okr.html", verbose_name="OKR", orderable=False
    )
    target = tables.Column(verbose_name="Target", orderable=False)

    class Meta:
        template_name = "components/table.html"
        attrs = {"class": "nhsuk-table portal-ipr-table"}
        orderable = False


def okr_by_unit_table(objective: IprObjective, month: str = "") -> OkrByUnitTable:
    """`month` (YYYY-MM): the report's, for the cells' links."""
    slugs = {cell.unit: cell.unit_slug for okr in objective.okrs for cell in okr.cells}
    unit_columns = [
        (
            f"unit_{index}",
            tables.TemplateColumn(
                template_name="reporting/cells/unit.html",
                # Each unit's heading opens its page.
                verbose_name=(
                    format_html(
                        '<a href="{}">{}</a>', reverse("dashboard:unit", args=[slugs[unit]]), unit
                    )
                    if unit in slugs
                    else unit
                ),
                accessor=f"cells__{index}",
                orderable=False,
            ),
        )
        for index, unit in enumerate(objective.units)
    ]
    rows = []
    for okr in objective.okrs:
        by_unit = {cell.unit: cell for cell in okr.cells}
        rows.append(
            {
                "okr": okr,
                # The Trust's target; a unit with its own says so in its cell.
                "target": next(
                    (cell.target_text for cell in okr.cells if cell.target_set_for != "unit"),
                    "No target",
                ),
                "cells": [by_unit.get(unit) for unit in objective.units],
                "month": month,
            }
        )
    table = OkrByUnitTable(rows, extra_columns=unit_columns)
    table.caption = f"{objective.short_name}: OKRs by unit"
    return table
