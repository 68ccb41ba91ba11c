"""The monthly report's own records: the narratives the named executives write,
the ratings the Trust recorded on its papers, the published editions, the Board
cover sheet of each edition, the pack files exported from it and the e-mails the
month close sent (reminders and packs)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from objectives.models import OrganisationalUnit, Person, StrategicObjective
from objectives.text import PARAGRAPH
from okrs.models import ReportingPeriod
from okrs.ratings import STORED_RAG_CHOICES


class Narrative(models.Model):
    """What the named executive says about a month: the Chief Executive's overall
    summary that opens the report, an executive summary per objective, or a
    commentary on one OKR under the headings boards use. Written by the objective's
    executive director (the Chief Executive, for the overall one) or a delegate;
    signed off by the executive director (editing a signed narrative withdraws the
    sign-off)."""

    class Kind(models.TextChoices):
        OVERALL_SUMMARY = "overall_summary", "Overall executive summary"
        EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"
        OKR_COMMENTARY = "okr_commentary", "OKR commentary"

    objective = models.ForeignKey(
        StrategicObjective,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="narratives",
        help_text="None for the overall summary.",
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
    # Optimistic locking, as for results: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
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
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(kind="overall_summary"),
                name="one_overall_summary_per_month",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind="okr_commentary", key_result__isnull=False, objective__isnull=False
                )
                | models.Q(
                    kind="executive_summary", key_result__isnull=True, objective__isnull=False
                )
                | models.Q(kind="overall_summary", key_result__isnull=True, objective__isnull=True),
                name="narrative_names_what_it_is_about",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True) | models.Q(signed_on__isnull=False),
                name="signed_narrative_has_date",
            ),
        ]

    def __str__(self) -> str:
        about = self.objective or "the Trust"
        return f"{self.get_kind_display()}: {about} {self.period}"


class RecordedOverallRating(models.Model):
    """An objective's overall RAG for a unit and period as the Trust itself
    recorded it on a paper (e.g. the year-one Quality slide). The product's own
    ratings are computed from stored rules; these are kept to compare against."""

    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, related_name="recorded_ratings"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrganisationalUnit, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField(max_length=10, choices=STORED_RAG_CHOICES)
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
    # The month-close checklist as it stood when it was published (reporting.month_close):
    # the items still open, in words, and why it was published all the same.
    open_items = models.JSONField(
        default=list, blank=True, help_text="The checklist's items still open when published."
    )
    open_items_reason = models.TextField(
        blank=True, help_text="Why it was published with items open."
    )

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


class BoardCover(models.Model):
    """The Board cover sheet printed at the front of an edition's pack, in the
    format of the Trust's Board papers. Kept per edition and edited by the board
    secretary; every change is in its history."""

    class Purpose(models.TextChoices):
        INFORMATION = "Information"
        ASSURANCE = "Assurance"
        APPROVAL = "Approval"

    edition = models.OneToOneField(IprEdition, on_delete=models.CASCADE, related_name="cover")
    meeting = models.CharField(
        max_length=300, help_text="Whose meeting, e.g. the Trust's Board of Directors."
    )
    meeting_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="e.g. BOD 68/2020.")
    agenda_item = models.CharField(max_length=20, blank=True, help_text="e.g. 9.")
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.ASSURANCE)
    summary = models.TextField()
    recommendation = models.TextField()
    authors = models.TextField(blank=True, help_text="One per line: name – title.")
    lead_executive = models.CharField(
        "lead executive director", max_length=300, blank=True, help_text="Name – title."
    )
    governance_route = models.TextField(blank=True)
    statutory = models.TextField(
        "statutory or regulatory responsibilities",
        blank=True,
        help_text="What the report does for the Trust's statutory or regulatory duties.",
    )
    # Optimistic locking, as for results: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Board cover sheet for {self.edition}"


class SentMessage(models.Model):
    """An e-mail the portal sent for a month's close, kept as sent: a reminder to a
    unit's leads of the values it still owes, or the Board pack to its distribution
    list. Written once, never changed."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        PACK = "pack", "Board pack"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    data_month = models.DateField(help_text="First day of the data month it is about.")
    edition = models.ForeignKey(
        IprEdition, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    unit = models.ForeignKey(
        OrganisationalUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    recipients = models.JSONField(help_text="The addresses it went to.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    attachment = models.CharField(max_length=200, blank=True, help_text="The file attached.")
    sent = models.BooleanField(help_text="Whether the mail server accepted it.")
    error = models.TextField(blank=True, help_text="Why it was not sent, in words for people.")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="pack", edition__isnull=False)
                | models.Q(kind="reminder", unit__isnull=False, period__isnull=False),
                name="sent_message_names_what_it_is_about",
            ),
            models.CheckConstraint(
                condition=models.Q(sent=True, error="") | models.Q(sent=False),
                name="sent_message_sent_has_no_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sent {self.sent_at:%Y-%m-%d %H:%M}: {self.subject}"


# Said of an export whose worker stopped before finishing it (see has_stopped).
STOPPED_MESSAGE = (
    "The export stopped before finishing (the background worker was interrupted). Try again."
)


def stale_after() -> datetime.timedelta:
    """How long an export in progress may go unheard of before it counts as stopped."""
    return datetime.timedelta(seconds=settings.PACK_EXPORT_STALE_AFTER_SECONDS)


class PackExport(models.Model):
    """One request for the Board pack of a month (a published edition, or the
    draft): it runs as a background task and ends with one file per format."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    data_month = models.DateField(help_text="First day of the data month.")
    edition = models.ForeignKey(
        IprEdition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exports",
        help_text="Empty for a draft pack.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why it failed, in words for people.")
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When its worker last said it was still at work."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        which = f"revision {self.edition.revision}" if self.edition_id else "draft"
        return f"IPR pack {self.data_month:%B %Y} data, {which}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_stopped(self) -> bool:
        """In progress, but its worker has not been heard of for longer than it
        would be while alive: killed, or its machine lost. Worked out when read, so
        showing it writes nothing; the next worker (or `recover_exports`) marks it
        failed."""
        if self.status != self.Status.RUNNING:
            return False
        heard = self.heartbeat_at or self.requested_at
        return timezone.now() - heard > stale_after()

    @property
    def is_over(self) -> bool:
        """Nothing more will happen to it: finished, or stopped."""
        return self.is_finished or self.has_stopped

    @property
    def shown_status(self) -> str:
        return "stopped" if self.has_stopped else self.status

    @property
    def shown_status_label(self) -> str:
        return "Stopped" if self.has_stopped else self.get_status_display()

    @property
    def shown_error(self) -> str:
        return STOPPED_MESSAGE if self.has_stopped else self.error

    @property
    def shown_stage(self) -> str:
        """What it is doing, as the progress page says it. A queued export that no
        worker has taken for longer than a running one may go unheard of says that
        the worker may not be running (it still runs when one starts)."""
        if self.has_stopped:
            return self.shown_error
        waited = timezone.now() - self.requested_at
        if self.status == self.Status.QUEUED and waited > stale_after():
            minutes = int(waited.total_seconds() // 60)
            return (
                f"{self.stage}. No worker has taken it after {minutes} minutes: "
                "the background worker may not be running, so tell the portal's administrator"
            )
        return self.stage

    @property
    def files_in_order(self) -> list["PackFile"]:
        """The files as a reader wants them: the PDF, then the workbook, then the CSV
        (sorted here so a prefetched set needs no second query)."""
        order = list(PackFile.Format.values)
        return sorted(self.files.all(), key=lambda stored: order.index(stored.format))


class PackFile(models.Model):
    """A file of an exported pack, kept so the exact file the Board received can
    be downloaded again."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel workbook"
        CSV = "csv", "CSV"

    export = models.ForeignKey(PackExport, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10, choices=Format.choices)
    file = models.FileField(upload_to="packs/%Y/%m/")
    filename = models.CharField(max_length=200, help_text="The name it downloads as.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["export", "format"]
        constraints = [
            models.UniqueConstraint(fields=["export", "format"], name="one_file_per_format")
        ]

    def __str__(self) -> str:
        return self.filename


# The fewest and most values a fixed baseline may rest on: limits need at least two
# values (one moving range); five years of months is more than any baseline needs.
BASELINE_VALUES_MIN = 2
BASELINE_VALUES_MAX = 60


class ProcessChange(models.Model):
    """A known, deliberate change in how an OKR's values arise for a unit (a new
    pathway, a change in how the measure is counted), recorded by a Trust
    administrator with its date and reason. The SPC chart of that OKR × unit starts
    a new partition (its limits are recalculated) from the period it starts in, and
    may fix its limits on the first values after it (reporting/spc/process_changes.py)."""

    key_result = models.ForeignKey(
        "okrs.KeyResult", on_delete=models.PROTECT, related_name="process_changes"
    )
    unit = models.ForeignKey(OrganisationalUnit, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(
        help_text="The first day of the first period of the changed process."
    )
    reason = models.TextField(
        max_length=PARAGRAPH, help_text="What changed in the process, and why."
    )
    baseline_values = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fix the limits on this many values from the change (empty: on all of them).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # Optimistic locking, as for results: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key_result", "unit__order", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "unit", "starts_on"],
                name="one_process_change_per_okr_unit_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="process_change_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_values__isnull=True)
                | models.Q(
                    baseline_values__gte=BASELINE_VALUES_MIN,
                    baseline_values__lte=BASELINE_VALUES_MAX,
                ),
                name="process_change_baseline_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Process change to {self.key_result.code} for {self.unit} from {self.starts_on}"
