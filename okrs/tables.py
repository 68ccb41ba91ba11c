import django_tables2 as tables

from accounts.system_actor import is_system_actor
from okrs.models import Result
from okrs.selectors import target_in_force


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

    def __init__(self, *args, targets=(), value_format=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._targets = list(targets)
        self._format = value_format or str

    def render_value(self, record) -> str:
        text = self._format(record.value)
        return f"{text} (demo)" if record.is_demo else text

    def render_target(self, record) -> str:
        target = target_in_force(self._targets, record.period.ends_on)
        return self._format(target.value) if target else "No target"

    def render_entered(self, record) -> str:
        if record.is_demo:
            who = "Demo data"
        elif record.entered_by is None or (is_system_actor(record.entered_by) and record.source):
            # The portal loaded it from one of the Trust's papers (the seeds).
            who = "Loaded from the papers"
        else:
            who = record.entered_by.get_full_name()
        return f"{who}, {record.entered_at:%d %b %Y}"
