from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
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
