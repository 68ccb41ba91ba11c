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
        # Objectives and strategies, for the rules ratings follow that are not an
        # OKR's (reporting/actions/rating_rules.py): an objective's overall-rating
        # rule and a strategy's exceptions rule.
        from objectives.models import StrategicObjective, Strategy

        add_kind(
            name="objective",
            label="Objective",
            model=StrategicObjective,
            fields=[
                ("title", "Title"),
                ("rating_method", "How the OKR ratings combine"),
                ("rating_green_from", "Green from"),
                ("rating_amber_from", "Amber from"),
                ("rating_rule_provenance", "Whose overall-rating rule"),
            ],
            related=(),
            okr_lookup=None,
            subject=lambda record: record.short_name or record.title,
            m2m=(("narrative_delegates", "Narratives drafted by"),),
        )
        add_kind(
            name="strategy",
            label="Strategy",
            model=Strategy,
            fields=[
                ("title", "Title"),
                ("status", "Status"),
                ("exception_amber_periods", "Periods rated Amber running"),
                ("exception_rule_provenance", "Whose exceptions rule"),
            ],
            related=(),
            okr_lookup=None,
            subject=lambda record: record.title,
            m2m=(("summary_delegates", "Overall summary drafted by"),),
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
