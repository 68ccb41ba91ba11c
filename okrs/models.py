"""Key results (OKRs), their targets, trajectories and results, reporting periods,
and the programmes and projects that deliver a focus area.

One module although over 500 lines: these are the OKRs app's tables, each small
and pointing at the others (a result at its OKR, period and unit; a target or a
trajectory at its OKR and unit), and Django finds an app's models in one place;
the rules about them live in the pure modules beside it (`periods`, `targets`,
`targets_in_force`, `trust_values`, `validation`)."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from objectives.models import (
    ExecutiveRole,
    KeyFocusArea,
    OrganisationalUnit,
    RuleProvenance,
    StrategicObjective,
    rule_provenance_field,
    rule_provenance_known,
)
from okrs import periods
from okrs.measures import Direction, Measure
from okrs.ratings import STORED_RAG_CHOICES
from okrs.targets_in_force import TrajectoryPath
from okrs.trust_values import how_obtained
from okrs.validation import COLUMN_LIMIT


class Frequency(models.TextChoices):
    MONTHLY = periods.MONTHLY, "Monthly"
    QUARTERLY = periods.QUARTERLY, "Quarterly"


class ReportingPeriod(models.Model):
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # The entry window (see periods.default_entry_window for the usual one).
    opens_on = models.DateField(help_text="Results can be entered from this day.")
    due_on = models.DateField(help_text="Results are expected by this day.")
    closes_on = models.DateField(
        help_text="After this day only a board secretary or administrator can change results."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "starts_on"], name="unique_period_per_frequency"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="period_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on")) & Q(due_on__lte=F("closes_on")),
                name="entry_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on

    def is_closed_on(self, day) -> bool:
        return day > self.closes_on

    @cached_property
    def label(self) -> str:
        # Cached: a report of many months reads each period's label thousands of times.
        return periods.period_label(self.frequency, self.starts_on)


class TrustValue(models.TextChoices):
    """How an OKR's Trust value is obtained."""

    ENTERED = "entered", "Entered (a measure the Trust holds as a whole)"
    SUM = "sum", "Sum of the directorates (counts, money)"
    MEAN = "mean", "Mean of the directorates"
    MEDIAN = "median", "Median of the directorates"
    RATIO = "ratio", "Σ numerators ÷ Σ denominators of the directorates (rates, percentages)"


class KeyResult(models.Model):
    """An OKR: a measurable statement with a target, owned by an executive role."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        RETIRED = "retired", "Retired"

    class FocusAreaProvenance(models.TextChoices):
        """How the link to its focus area was made (after KeyFocusArea.Provenance)."""

        VERBATIM = "verbatim", "Verbatim from the paper"
        DERIVED = "derived", "Derived: to confirm"
        SET_BY_PERSON = "set_by_person", "Set by an administrator"

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, related_name="key_results"
    )
    focus_area = models.ForeignKey(
        KeyFocusArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_results",
        help_text="Empty when the source does not say which focus area it measures.",
    )
    # Empty while nobody has linked it. A person's decision (a link, or clearing one)
    # is "set by an administrator", which loading the seeds again leaves alone.
    focus_area_provenance = models.CharField(
        max_length=20,
        choices=FocusAreaProvenance.choices,
        blank=True,
        default="",
        help_text="How its focus-area link was made.",
    )
    code = models.SlugField(unique=True)
    statement = models.CharField(max_length=400, help_text="As the Trust wrote it.")
    measure = models.CharField(max_length=30, choices=Measure.choices, blank=True)
    direction = models.CharField(max_length=20, choices=Direction.choices, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    owner_role = models.ForeignKey(
        ExecutiveRole,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_key_results",
        help_text="Executive owner. Empty shows as a gap.",
    )
    # How values are checked on entry (okrs/validation.py) and rated (reporting/rag.py).
    decimal_places = models.PositiveSmallIntegerField(
        default=1, help_text="How many decimal places a value may have."
    )
    # Where an OKR's values can plausibly lie, when not its measure's usual range
    # (okrs.validation.PLAUSIBLE_RANGE): e.g. a ratio that may pass 100%.
    lowest_value = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The lowest plausible value, if not the measure's usual lowest.",
    )
    highest_value = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The highest plausible value, if not the measure's usual highest.",
    )
    tolerance = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=0,
        help_text="How far a value may miss its target before it needs a comment.",
    )
    tolerance_kind = models.CharField(
        max_length=10,
        choices=[("absolute", "Absolute (in the measure's units)"), ("relative", "% of target")],
        default="absolute",
    )
    tolerance_provenance = rule_provenance_field("the tolerance")
    # Whether its definition (measure, direction of good, frequency, decimal places,
    # how it is calculated, how the Trust's value is obtained) is the Trust's, or
    # the product's reading of a paper that states it only in words.
    definition_provenance = rule_provenance_field("its definition")
    # How the Trust row's value is obtained (okrs/trust_values.py): typed like a
    # directorate's, or worked out from the directorates' values, never typed.
    trust_value = models.CharField(
        max_length=10,
        choices=TrustValue.choices,
        default=TrustValue.ENTERED,
        help_text="How the Trust's value is obtained.",
    )
    # For a value worked out from a numerator and a denominator (TrustValue.RATIO):
    # every unit submits both, and its value is numerator ÷ denominator × scale.
    ratio_scale = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=100,
        help_text="The value is numerator ÷ denominator × this: 100 for a percentage, "
        "1,000 for a rate per 1,000.",
    )
    numerator_label = models.CharField(
        max_length=100, blank=True, help_text="What the numerator counts, e.g. 'Staff trained'."
    )
    denominator_label = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the denominator counts, e.g. 'Staff required to train'.",
    )
    long_term_plan_metric = models.CharField(
        max_length=300, blank=True, help_text="The NHS Long Term Plan metric it supports, if any."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    # The definition a board member needs to trust the number (after OpenPrescribing).
    calculation = models.TextField(blank=True, help_text="How the value is calculated.")
    data_source = models.CharField(max_length=300, blank=True)
    target_rationale = models.TextField(blank=True, help_text="Where the target comes from.")
    order = models.PositiveSmallIntegerField(default=0)
    is_demo = models.BooleanField(default=False, help_text="Invented by the demo set-up.")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "order", "code"]
        verbose_name = "OKR"
        verbose_name_plural = "OKRs"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "retired"])
                | (~Q(measure="") & ~Q(direction="") & ~Q(frequency="")),
                name="okr_in_use_has_measure_direction_frequency",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")), name="okr_not_replaced_by_itself"
            ),
            # A link from the paper (word for word or derived) has a focus area; no
            # link made yet has none. A person may have linked it or cleared it.
            models.CheckConstraint(
                condition=Q(focus_area__isnull=False)
                | Q(focus_area_provenance__in=["", "set_by_person"]),
                name="okr_link_from_the_paper_has_a_focus_area",
            ),
            models.CheckConstraint(
                condition=~Q(focus_area_provenance="") | Q(focus_area__isnull=True),
                name="okr_focus_area_says_how_it_was_linked",
            ),
            models.CheckConstraint(
                condition=Q(lowest_value__isnull=True)
                | Q(highest_value__isnull=True)
                | Q(lowest_value__lt=F("highest_value")),
                name="okr_plausible_range_in_order",
            ),
            rule_provenance_known("tolerance_provenance"),
            rule_provenance_known("definition_provenance"),
        ]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("okrs:key_result", args=[self.code])

    @cached_property
    def trajectory_paths(self) -> list[TrajectoryPath]:
        """Its trajectories as plain data, worked out once per instance (an upload
        plans thousands of rows of one OKR): best prefetched with
        `okrs.selectors.TRAJECTORIES`."""
        return [
            TrajectoryPath(
                unit_id=trajectory.unit_id,
                revision=trajectory.revision,
                starts_on=trajectory.starts_on,
                points={point.period_start: point.value for point in trajectory.points.all()},
            )
            for trajectory in self.trajectories.all()
        ]

    @property
    def trust_value_text(self) -> str:
        """How the Trust's value is obtained, in words for a reader."""
        return how_obtained(self.trust_value)


def within_column_capacity(name: str) -> models.CheckConstraint:
    """A value must fit its column (14 digits, 4 after the point). PostgreSQL refuses
    a bigger one anyway; SQLite would store it and then fail to read it back."""
    return models.CheckConstraint(
        condition=Q(value__gte=-COLUMN_LIMIT) & Q(value__lte=COLUMN_LIMIT),
        name=f"{name}_value_fits_its_column",
    )


class Target(models.Model):
    """A target in force from a date until the next target of the same OKR for the
    same unit, or until its last day where one is set.

    A target with no unit is the Trust's: the Trust row and every unit without a
    target of its own are rated against it. A unit's own target overrides the
    Trust's for that unit while it is in force (`okrs.selectors.target_in_force`).
    """

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        OrganisationalUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text="Empty for the Trust's target, which every unit without its own follows.",
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    effective_from = models.DateField()
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day it applies; empty while it applies until the next target.",
    )
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "unit", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "effective_from"],
                condition=Q(unit__isnull=True),
                name="one_trust_target_per_okr_per_start",
            ),
            models.UniqueConstraint(
                fields=["key_result", "unit", "effective_from"],
                condition=Q(unit__isnull=False),
                name="one_unit_target_per_okr_per_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("effective_from")),
                name="target_ends_after_it_starts",
            ),
            within_column_capacity("target"),
        ]

    def __str__(self) -> str:
        return f"{self.value} from {self.effective_from}"

    @property
    def is_trust_wide(self) -> bool:
        return self.unit_id is None


class Trajectory(models.Model):
    """A planned path of targets, period by period, for one OKR in one unit on the
    way to its goal (the unit's target in force). Revision 1 is the planned
    trajectory; a later revision is a revised (recovery) trajectory, agreed for a
    reason, that replaces the earlier ones from its first period on: earlier
    periods keep the trajectory they were rated against."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="trajectories")
    unit = models.ForeignKey(
        OrganisationalUnit, on_delete=models.PROTECT, related_name="trajectories"
    )
    revision = models.PositiveSmallIntegerField(help_text="1 for the planned trajectory.")
    starts_on = models.DateField(help_text="The first day of its first period.")
    reason = models.TextField(blank=True)
    approved_by = models.CharField(
        max_length=200, blank=True, help_text="Who agreed it, e.g. 'Quality Committee'."
    )
    approved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "unit", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "unit", "revision"], name="one_trajectory_per_revision"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="trajectory_revision_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.key_result.code} {self.unit} revision {self.revision}"

    @property
    def is_revised(self) -> bool:
        return self.revision > 1


class TrajectoryPoint(models.Model):
    """A trajectory's target for one period (named by the day it starts)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="points")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        ordering = ["trajectory", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "period_start"], name="one_point_per_trajectory_period"
            ),
            within_column_capacity("trajectory_point"),
        ]

    def __str__(self) -> str:
        return f"{self.value} from {self.period_start}"


class Result(models.Model):
    """One value per OKR × reporting period × organisational unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    key_result = models.ForeignKey(KeyResult, on_delete=models.PROTECT, related_name="results")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(OrganisationalUnit, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    # For an OKR whose value is numerator ÷ denominator × scale (TrustValue.RATIO):
    # what the unit submitted, from which the value was worked out and the Trust's
    # Σ numerators ÷ Σ denominators is.
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    comment = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: a save must name the version it started from, so a later
    # save never silently overwrites a change it has not seen.
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False, help_text="Generated by the demo set-up.")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "period__starts_on", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "period", "unit"], name="one_result_per_okr_period_unit"
            ),
            within_column_capacity("result"),
            models.CheckConstraint(
                condition=(Q(numerator__isnull=True) & Q(denominator__isnull=True))
                | (
                    Q(numerator__gte=0)
                    & Q(denominator__gt=0)
                    & Q(denominator__lte=COLUMN_LIMIT)
                    & Q(numerator__lte=COLUMN_LIMIT)
                ),
                name="result_numerator_and_denominator_together",
            ),
        ]
        indexes = [models.Index(fields=["key_result", "unit", "period"])]

    def __str__(self) -> str:
        return f"{self.key_result.code} {self.period} {self.unit}: {self.value}"


class Programme(models.Model):
    """A programme or project delivering a focus area; a project may sit in a programme.
    Its lead records its RAG and progress each month; a programme read from the
    Trust's papers (placed under a focus area by the portal) is marked to confirm
    until an administrator confirms it."""

    focus_area = models.ForeignKey(
        KeyFocusArea, on_delete=models.CASCADE, related_name="programmes"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=300)
    unit = models.ForeignKey(
        OrganisationalUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    lead = models.ForeignKey(
        "objectives.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes_led",
        help_text="Who records the programme's RAG and progress each month.",
    )
    provenance = rule_provenance_field("the programme as set out")
    source = models.CharField(max_length=300, blank=True, help_text="Where it was read from.")
    # Optimistic locking, as for results: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["focus_area", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["focus_area", "title"],
                condition=Q(parent__isnull=True),
                name="unique_programme_title_in_focus_area",
            ),
            models.UniqueConstraint(
                fields=["parent", "title"], name="unique_project_title_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(provenance__in=RuleProvenance.values),
                name="programme_provenance_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgrammeUpdate(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField(max_length=10, choices=STORED_RAG_CHOICES)
    rag_as_written = models.CharField(
        max_length=30, blank=True, help_text="The word the source used, e.g. 'Yellow'."
    )
    progress = models.TextField(blank=True)
    # Optimistic locking, as for results: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period"], name="one_update_per_programme_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.period}: {self.get_rag_display()}"


class CostImprovementPosition(models.Model):
    """Cost Improvement Programme figures reported with an update, in pounds: what
    was delivered and planned in the update's period (a quarter in the FY18 plan's
    reports, a month in a lead's report), and the year's forecast and target where
    the report gives them."""

    update = models.OneToOneField(
        ProgrammeUpdate, on_delete=models.CASCADE, related_name="cost_improvement"
    )
    delivered_in_period = models.DecimalField(max_digits=14, decimal_places=2)
    planned_in_period = models.DecimalField(max_digits=14, decimal_places=2)
    forecast_for_year = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    forecast_non_recurrent = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_for_year = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"CIP {self.update}"


class ResultUpload(models.Model):
    """A file of results kept between its preview and its confirmation.

    The file is read once, when it is uploaded, and its rows kept in `rows`: each
    preview and the confirmation plan those rows again against the results as they
    are then (okrs/imports/), so what is saved is checked against the results as
    they are when it is saved, not as they were. `content` is the file as sent, kept
    as the record of where saved values came from.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(help_text="Data rows in the file.")
    rows = models.JSONField(
        null=True,
        editable=False,
        help_text="The file's data rows as read when it was uploaded (none for uploads "
        "stored before rows were kept, which are read again from the file).",
    )
    reason = models.TextField(
        blank=True, help_text="Why, for a correction (recorded in each value's history)."
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"
