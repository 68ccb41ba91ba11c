from django.db import migrations, models


class Migration(migrations.Migration):
    """A Cost Improvement Programme position is for its report's period (a quarter in
    the FY18 plan's reports, a month in a lead's report); the year's forecast and
    target are given only where the report gives them."""

    dependencies = [
        ("okrs", "0014_programme_leads"),
    ]

    operations = [
        *[
            operation
            for model in ("costimprovementposition", "historicalcostimprovementposition")
            for operation in (
                migrations.RenameField(model, "delivered_in_quarter", "delivered_in_period"),
                migrations.RenameField(model, "planned_in_quarter", "planned_in_period"),
                migrations.AlterField(
                    model,
                    "forecast_for_year",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
                ),
                migrations.AlterField(
                    model,
                    "target_for_year",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
                ),
            )
        ],
    ]
