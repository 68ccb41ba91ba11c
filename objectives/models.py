"""The strategy itself: strategies, vision, values, objectives, focus areas,
organisational units, committees, people and the executive roles they hold.

Business rules live in `actions.py`; invariants that the data must never break
are database constraints here.

One module although over 450 lines: these are the strategy app's tables, each
small, tied to each other by foreign keys and constraints; splitting them would
only scatter one schema.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.strategy_state import StrategyState, strategy_state


class RuleProvenance(models.TextChoices):
    """Whose a rating rule is. Where the Trust's papers state none (a tolerance, the
    way OKR ratings combine, the run of Ambers that makes an exception), the product
    chose one: it is "assumed" and reads so in the IPR, the Board pack and the JSON
    until an administrator confirms it or sets the Trust's own (an audited action)."""

    ASSUMED = "assumed", "Assumed: to confirm"
    CONFIRMED = "confirmed", "Confirmed by the Trust"


def rule_provenance_known(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": RuleProvenance.values}), name=f"{field}_known"
    )


def rule_provenance_field(rule: str) -> models.CharField:
    return models.CharField(
        max_length=10,
        choices=RuleProvenance.choices,
        default=RuleProvenance.ASSUMED,
        help_text=f"Whether {rule} is the Trust's, or the product's choice to confirm.",
    )


class Strategy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(
        default=False, help_text="The strategy the Trust works to now. Only one can be current."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    vision = models.TextField(blank=True)
    qualifying_statement = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    authors = models.TextField(blank=True, help_text="As named on the source paper.")
    lead_executive = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where this came from.")
    # The Board's exceptions include a value rated Amber this many periods running
    # (reporting/exceptions.py): the product's choice until the Trust confirms one.
    exception_amber_periods = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text="Periods rated Amber one after another that make a value an exception.",
    )
    exception_rule_provenance = rule_provenance_field("the run of Ambers")
    summary_delegates = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="summaries_delegated",
        help_text="People who may draft the month's overall summary for the Chief Executive.",
    )
    history = HistoricalRecords(m2m_fields=[summary_delegates])

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="only_one_current_strategy",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="approved"),
                name="current_strategy_is_approved",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="strategy_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(exception_amber_periods__gte=2, exception_amber_periods__lte=12),
                name="exception_amber_periods_2_to_12",
            ),
            rule_provenance_known("exception_rule_provenance"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("objectives:strategy", args=[self.slug])

    @property
    def state(self) -> StrategyState:
        """How its state reads today ("Current (ended 31 March 2026: results
        continue)" for a current strategy past its end date): strategy_state's rule."""
        return strategy_state(
            is_current=self.is_current,
            status_label=self.get_status_display(),
            ends_on=self.ends_on,
            today=timezone.localdate(),
        )


class Value(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="unique_value_per_strategy")
        ]

    def __str__(self) -> str:
        return self.name


class Behaviour(models.Model):
    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="behaviours")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["value", "order"]
        constraints = [
            models.UniqueConstraint(fields=["value", "text"], name="unique_behaviour_per_value")
        ]

    def __str__(self) -> str:
        return self.text


class Committee(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_committees"
    )
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    slug = models.SlugField(unique=True)
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    lead_for_units = models.ManyToManyField(
        "OrganisationalUnit",
        blank=True,
        related_name="leads",
        help_text="Units whose results this person enters as directorate lead.",
    )
    is_demo = models.BooleanField(default=False, help_text="Created by the demo set-up.")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords(m2m_fields=[lead_for_units])

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name


class ExecutiveRole(models.Model):
    """A post such as 'Chief Nurse'. Objectives and OKRs are owned by roles, so a
    change of holder does not orphan them, and a vacant role shows as a gap."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RoleAssignment(models.Model):
    role = models.ForeignKey(ExecutiveRole, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_assignments")
    starts_on = models.DateField(
        null=True, blank=True, help_text="Empty when the start is not known."
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the person holds it.")
    source = models.CharField(max_length=300, blank=True, help_text="Evidence for the assignment.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="role_assignment_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["role", "person", "starts_on"], name="unique_role_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.role}"

    def is_active_on(self, day: datetime.date) -> bool:
        started = self.starts_on is None or self.starts_on <= day
        not_ended = self.ends_on is None or self.ends_on >= day
        return started and not_ended


class OrganisationalUnit(models.Model):
    class Kind(models.TextChoices):
        TRUST = "trust", "Trust"
        DIRECTORATE = "directorate", "Directorate"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active_from = models.DateField(null=True, blank=True, help_text="Empty when not known.")
    active_to = models.DateField(null=True, blank=True, help_text="Empty while active.")
    dates_note = models.TextField(blank=True, help_text="How the active dates were established.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="unit_active_to_after_active_from",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("objectives:units") + f"#unit-{self.slug}"

    def is_active_on(self, day: datetime.date) -> bool:
        started = self.active_from is None or self.active_from <= day
        not_ended = self.active_to is None or self.active_to >= day
        return started and not_ended


class StrategicObjective(models.Model):
    class Category(models.TextChoices):
        OBJECTIVE = "objective", "Strategic objective"
        PRIORITY = "priority", "Priority"
        STRATEGIC_DRIVER = "strategic_driver", "Strategic driver"
        STRATEGIC_ENABLER = "strategic_enabler", "Strategic enabler"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.OBJECTIVE)
    short_name = models.CharField(max_length=100, blank=True, help_text="e.g. 'Quality'.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_roles = models.ManyToManyField(
        ExecutiveRole, blank=True, related_name="led_objectives", help_text="Executive director(s)."
    )
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
        help_text="The Board committee responsible for assurance.",
    )
    narrative_delegates = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="narratives_delegated",
        help_text="People who may draft the objective's narratives for its executive director.",
    )
    # How the OKRs' ratings combine into the objective's overall rating per unit
    # (reporting/rag.py applies it). Stored as data so administrators can change it.
    rating_method = models.CharField(
        max_length=20,
        choices=[
            ("points_average", "Average of points (Green 3, Amber 2, Red 1) with thresholds"),
            ("worst_of", "Worst of the OKR ratings"),
        ],
        default="points_average",
    )
    rating_green_from = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.5"),
        help_text="Points average from which the overall rating is Green.",
    )
    rating_amber_from = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        help_text="Points average from which it is Amber (below: Red).",
    )
    rating_rule_provenance = rule_provenance_field("the overall-rating rule")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords(m2m_fields=[lead_roles, narrative_delegates])

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="unique_objective_number_per_strategy"
            ),
            models.CheckConstraint(
                condition=Q(rating_amber_from__lte=F("rating_green_from")),
                name="amber_threshold_not_above_green",
            ),
            rule_provenance_known("rating_rule_provenance"),
        ]

    def __str__(self) -> str:
        if self.short_name:
            return f"{self.short_name} – {self.title}"
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:objective", args=[self.pk])

    @property
    def category_plural(self) -> str:
        return _CATEGORY_PLURALS[self.category]

    @property
    def focus_area_label(self) -> str:
        """What the strategy called the level below: FY18 priorities had workstreams."""
        return "Workstreams" if self.category == self.Category.PRIORITY else "Key focus areas"


_CATEGORY_PLURALS = {
    StrategicObjective.Category.OBJECTIVE: "Strategic objectives",
    StrategicObjective.Category.PRIORITY: "Priorities",
    StrategicObjective.Category.STRATEGIC_DRIVER: "Strategic drivers",
    StrategicObjective.Category.STRATEGIC_ENABLER: "Strategic enablers",
}


class Theme(models.Model):
    """An optional grouping of key focus areas within an objective."""

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "order"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "name"], name="unique_theme_per_objective")
        ]

    def __str__(self) -> str:
        return self.name


class KeyFocusArea(models.Model):
    class Provenance(models.TextChoices):
        VERBATIM = "verbatim", "Verbatim from the strategy"
        DERIVED = "derived", "Derived from the strategy's text: to confirm"

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, related_name="focus_areas"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="focus_areas"
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    provenance = models.CharField(max_length=20, choices=Provenance.choices)
    source = models.CharField(max_length=300, blank=True)
    source_text = models.TextField(
        blank=True, help_text="For a derived focus area: the strategy's own words it came from."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "order"], name="unique_focus_area_order_per_objective"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:focus_area", args=[self.pk])


class RagKeyEntry(models.Model):
    """What each RAG word meant in a strategy's own reports (e.g. the FY18 key)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="rag_key")
    word = models.CharField(max_length=30)
    meaning = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "word"], name="unique_rag_word_per_strategy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.word}: {self.meaning}"


class DataVersion(models.Model):
    """One row counting the changes to the data reports are made of.

    Every recorded change (a history row of any domain model, and the bulk writes
    that make their history rows in bulk) adds one in the same transaction, so a
    number read from here names one state of the data: anything computed from that
    state (the assembled IPR) can be kept under it and reused until the next change.
    See `objectives.data_version`.
    """

    number = models.PositiveBigIntegerField(default=0)
    # Drawn afresh with each change: after a backup is restored, the number can come
    # round again with other data, the token cannot.
    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"Data version {self.number}"
