import django_tables2 as tables

from accounts.system_actor import is_system_actor
from okrs.models import Result
from okrs.targets_in_force import REVISED_TRAJECTORY, TRAJECTORY


class ResultTable(tables.Table):
    period = tables.Column(accessor="period__label", order_by=("period__starts_on",))
    unit = tables.Column(accessor="unit__short_name", order_by=("unit__order",))
    value = tables.Column(attrs={"td": {"class": "nhsuk-table__cell--numeric"}})
    target = tables.Column(empty_values=(), orderable=False, verbose_name="Target in force")
    comment = tables.Column(orderable=False)
    entered = tables.Column(
        empty_values=(), order_by=("entered_at",), verbose_name="Entered by", orderable=True
    )

    class Meta:
        model = Result
        fields = ("period", "unit", "value", "target", "comment", "entered")
        template_name = "components/table.html"
        attrs = {"class": "nhsuk-table"}
        orderable = True

    def __init__(self, *args, target_of, value_format=None, target_format=None, **kwargs):
        """`target_of(record)`: what the record's value is rated against (its unit's
        trajectory point or goal for its period, `okrs.selectors.unit_target`)."""
        super().__init__(*args, **kwargs)
        self._target_of = target_of
        self._format = value_format or str
        self._target_format = target_format or self._format

    def render_value(self, record) -> str:
        text = self._format(record.value)
        return f"{text} (demo)" if record.is_demo else text

    def render_target(self, record) -> str:
        target = self._target_of(record)
        if target is None:
            return "No target"
        text = self._target_format(target.value)
        kinds = {TRAJECTORY: " (trajectory)", REVISED_TRAJECTORY: " (revised trajectory)"}
        return text + kinds.get(target.kind, "")

    def render_entered(self, record) -> str:
        if record.is_demo:
            who = "Demo data"
        elif record.entered_by is None or (is_system_actor(record.entered_by) and record.source):
            # The portal loaded it from one of the Trust's papers (the seeds).
            who = "Loaded from the papers"
        else:
            who = record.entered_by.get_full_name()
        return f"{who}, {record.entered_at:%d %b %Y}"
