"""Narratives the named executives write for the monthly report.

The IPR's own models (editions, sign-off workflow) arrive with the IPR issue;
this holds what the seeds already contain: an executive summary per objective
per month, with its author and who signed it.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from objectives.models import OrganisationalUnit, Person, StrategicObjective
from okrs.models import ReportingPeriod
from okrs.ratings import Rag


class Narrative(models.Model):
    """What the named executive says about a month: an executive summary per
    objective, or a commentary on one OKR under the headings boards use. Written
    by the objective's executive director or a delegate; signed off by the
    executive director (editing a signed narrative withdraws the sign-off)."""

    class Kind(models.TextChoices):
        EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"
        OKR_COMMENTARY = "okr_commentary", "OKR commentary"

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, related_name="narratives"
    )
    key_result = models.ForeignKey(
        "okrs.KeyResult",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="narratives",
        help_text="For an OKR commentary: the OKR it is about.",
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField(blank=True, help_text="The executive summary.")
    # An OKR commentary's headings.
    chart_shows = models.TextField("What the chart shows", blank=True)
    issues = models.TextField("Issues", blank=True)
    actions = models.TextField("Actions (with owner and date)", blank=True)
    risks = models.TextField("Risks", blank=True)
    expected_recovery = models.TextField("Expected recovery", blank=True)
    author = models.ForeignKey(Person, null=True, on_delete=models.PROTECT, related_name="+")
    author_title = models.CharField(max_length=200, blank=True, help_text="As signed.")
    signed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "period"],
                condition=models.Q(kind="executive_summary"),
                name="one_executive_summary_per_objective_month",
            ),
            models.UniqueConstraint(
                fields=["key_result", "period"],
                condition=models.Q(kind="okr_commentary"),
                name="one_commentary_per_okr_month",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="okr_commentary", key_result__isnull=False)
                | models.Q(kind="executive_summary", key_result__isnull=True),
                name="commentary_names_its_okr",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True) | models.Q(signed_on__isnull=False),
                name="signed_narrative_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.objective} {self.period}"


class RecordedOverallRating(models.Model):
    """An objective's overall RAG for a unit and period as the Trust itself
    recorded it on a paper (e.g. the year-one Quality slide). The product's own
    ratings are computed from stored rules; these are kept to compare against."""

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, related_name="recorded_ratings"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrganisationalUnit, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField(max_length=10, choices=Rag.choices)
    rag_as_written = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "period", "unit"], name="one_recorded_rating_per_unit_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.objective} {self.period} {self.unit}: {self.get_rag_display()}"


class IprEdition(models.Model):
    """A published IPR: the fully assembled report, stored, so it renders the same
    forever whatever is corrected later. Re-publishing makes a new revision."""

    data_month = models.DateField(help_text="First day of the data month.")
    revision = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    report = models.JSONField(help_text="The assembled report, as exported to JSON.")
    changes = models.JSONField(
        default=list, help_text="What changed from the previous revision, in words."
    )
    note = models.TextField(blank=True, help_text="Why it was (re)published.")

    class Meta:
        ordering = ["-data_month", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_month", "revision"], name="one_edition_per_month_revision"
            ),
            models.CheckConstraint(condition=models.Q(revision__gte=1), name="revision_from_one"),
        ]

    def __str__(self) -> str:
        return f"IPR {self.data_month:%B %Y} data, revision {self.revision}"
