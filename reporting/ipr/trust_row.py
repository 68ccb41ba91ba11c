"""The Trust row of an OKR as the report reads it: its values entered, or worked
out from the directorates' by the OKR's rule (`okrs.trust_values`), with a note
per period saying how each value was obtained or why there is none. Pure."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from objectives.models import OrganisationalUnit
from okrs.models import KeyResult
from okrs.trust_values import derived_value, is_derived, range_note
from reporting.ipr.selectors import SeriesValue


@dataclass(frozen=True)
class TrustRow:
    unit: OrganisationalUnit
    # The Trust's values at the OKR's frequency, oldest first.
    series: list[SeriesValue]
    # A note for each period start that has one (how the value was obtained).
    notes: dict[datetime.date, str]


def trust_row(
    key_result: KeyResult,
    frequency: str,
    units: list[OrganisationalUnit],
    series: dict[tuple[int, int], list[SeriesValue]],
) -> TrustRow | None:
    """The Trust row among `units` (None when the report has no Trust unit)."""
    trust = next((unit for unit in units if unit.kind == OrganisationalUnit.Kind.TRUST), None)
    if trust is None:
        return None
    directorates = [unit for unit in units if unit.kind == OrganisationalUnit.Kind.DIRECTORATE]
    by_period: dict[datetime.date, list[SeriesValue]] = defaultdict(list)
    for directorate in directorates:
        for value in series.get((key_result.pk, directorate.pk), []):
            if value.period.frequency == frequency:
                by_period[value.period.starts_on].append(value)
    entered = [
        value
        for value in series.get((key_result.pk, trust.pk), [])
        if value.period.frequency == frequency
    ]
    notes: dict[datetime.date, str] = {}
    if not is_derived(key_result.trust_value):
        for value in entered:
            found = [item.value for item in by_period.get(value.period.starts_on, [])]
            if note := range_note(
                value.value, found, key_result.measure, key_result.decimal_places
            ):
                notes[value.period.starts_on] = note
        return TrustRow(trust, entered, notes)
    worked_out = []
    for starts_on in sorted(by_period):
        values = by_period[starts_on]
        period = values[0].period
        owing = [
            unit
            for unit in directorates
            if unit.is_active_on(period.starts_on) or unit.is_active_on(period.ends_on)
        ]
        given = [value for value in values if value.unit in owing]
        figure = derived_value(
            key_result.trust_value,
            [value.value for value in given],
            len(owing),
            key_result.decimal_places,
            fractions=[(value.numerator, value.denominator) for value in given],
            scale=key_result.ratio_scale,
        )
        notes[starts_on] = figure.note
        if figure.value is not None:
            demo = any(value.is_demo for value in values)
            worked_out.append(
                SeriesValue(period, trust, figure.value, demo, figure.numerator, figure.denominator)
            )
    return TrustRow(trust, worked_out, notes)
