from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from objectives.data_version import data_changed

        # After every committed change, the worker prepares the reports readers
        # will ask for first (see reporting.ipr.prepare_reports).
        data_changed.connect(_prepare_reports_in_the_background, dispatch_uid="reporting")

        # Process changes are changes to how an OKR's charts are read: the audit log
        # (kept in okrs, which may not import reporting) lists them with the rest.
        from okrs.selectors.audit_log import add_kind
        from reporting.models import ProcessChange

        add_kind(
            name="process_change",
            label="Process change",
            model=ProcessChange,
            fields=[
                ("starts_on", "Limits recalculated from"),
                ("reason", "What changed"),
                ("baseline_values", "Limits fixed on (values)"),
            ],
            related=("key_result", "unit"),
            of_a_unit=True,
        )


def _prepare_reports_in_the_background(**kwargs) -> None:
    """Queue the worker to prepare the reports, unless it is queued already and
    not yet started: when it starts it reads the data as it is then, this change
    included (a busy hour of entry queues one at a time, not one per save)."""
    from django_tasks_db.models import DBTaskResult

    from reporting.tasks import prepare_reports

    waiting = DBTaskResult.objects.ready().filter(task_path=prepare_reports.module_path)
    if not waiting.exists():
        prepare_reports.enqueue()
