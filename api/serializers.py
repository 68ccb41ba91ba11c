"""What the API says and accepts, field by field. Every field a caller sends has a
type and bounds here, so a wrong one is a 400 with the field named, before any
rule of the portal's is asked."""

from django.utils import timezone
from rest_framework import serializers

from objectives.audit import REASON_MAX_LENGTH
from objectives.models import KeyFocusArea, OrganisationalUnit, StrategicObjective, Strategy
from okrs.imports import MAX_DATA_ROWS
from okrs.imports.reading import COMMENT_MAX_LENGTH, CONTROL_CHARACTER
from okrs.models import Frequency, KeyResult, ReportingPeriod, Result, Target
from okrs.targets_in_force import target_in_force
from reporting.models import IprEdition

# The longest text a row's names and figures can sensibly have (an OKR code, a unit's
# name, a period's label, a number as typed).
NAME_MAX_LENGTH = 200
NUMBER_MAX_LENGTH = 40


def no_control_characters(text: str) -> None:
    """As in an uploaded file: a character nobody types, which the database may
    refuse, is named rather than saved or silently dropped."""
    if found := CONTROL_CHARACTER.search(text):
        raise serializers.ValidationError(
            f"Contains a control character (U+{ord(found.group()):04X}) that cannot be saved."
        )


class StrategySerializer(serializers.ModelSerializer):
    class Meta:
        model = Strategy
        fields = [
            "slug",
            "title",
            "status",
            "is_current",
            "starts_on",
            "ends_on",
            "vision",
            "summary",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    strategy = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    committee = serializers.CharField(
        source="committee.name", default=None, allow_null=True, read_only=True
    )
    lead_roles = serializers.SlugRelatedField(slug_field="title", many=True, read_only=True)
    focus_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = StrategicObjective
        fields = [
            "id",
            "strategy",
            "number",
            "category",
            "short_name",
            "title",
            "description",
            "committee",
            "lead_roles",
            "focus_areas",
        ]


class FocusAreaSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(
        source="theme.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = KeyFocusArea
        fields = ["id", "objective", "theme", "order", "title", "description", "provenance"]


class TargetSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="None: the Trust’s target."
    )

    in_force = serializers.SerializerMethodField(
        help_text="Whether it is the target in force today for its unit (or the Trust)."
    )

    class Meta:
        model = Target
        fields = ["unit", "value", "effective_from", "ends_on", "in_force"]

    def get_in_force(self, target: Target) -> bool:
        siblings = target.key_result.targets.all()  # prefetched with the OKR
        return target_in_force(siblings, timezone.localdate(), target.unit_id) is target


class KeyResultSerializer(serializers.ModelSerializer):
    owner_role = serializers.CharField(
        source="owner_role.title", default=None, allow_null=True, read_only=True
    )
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = KeyResult
        fields = [
            "code",
            "statement",
            "objective",
            "focus_area",
            "status",
            "measure",
            "direction",
            "frequency",
            "decimal_places",
            "lowest_value",
            "highest_value",
            "tolerance",
            "tolerance_kind",
            "trust_value",
            "ratio_scale",
            "numerator_label",
            "denominator_label",
            "owner_role",
            "calculation",
            "data_source",
            "target_rationale",
            "targets",
        ]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = OrganisationalUnit
        fields = ["slug", "name", "short_name", "kind", "parent", "active_from", "active_to"]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["label", "frequency", "starts_on", "ends_on", "opens_on", "due_on", "closes_on"]


class ResultSerializer(serializers.ModelSerializer):
    okr_code = serializers.CharField(source="key_result.code", read_only=True)
    unit = serializers.CharField(source="unit.slug", read_only=True)
    period = serializers.CharField(source="period.label", read_only=True)
    period_starts_on = serializers.DateField(source="period.starts_on", read_only=True)
    frequency = serializers.CharField(source="period.frequency", read_only=True)
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = Result
        fields = [
            "id",
            "okr_code",
            "unit",
            "period",
            "period_starts_on",
            "frequency",
            "value",
            "numerator",
            "denominator",
            "comment",
            "status",
            "version",
            "entered_by",
            "entered_at",
            "submitted_at",
        ]

    def get_entered_by(self, result: Result) -> str | None:
        user = result.entered_by
        return (user.get_full_name() or user.get_username()) if user else None


class ResultQuerySerializer(serializers.Serializer):
    """The results list's query string."""

    okr = serializers.CharField(required=False, max_length=NAME_MAX_LENGTH)
    unit = serializers.CharField(required=False, max_length=NAME_MAX_LENGTH)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    period_from = serializers.DateField(
        required=False, help_text="Periods starting on or after this day (YYYY-MM-DD)."
    )
    period_to = serializers.DateField(
        required=False, help_text="Periods starting on or before this day (YYYY-MM-DD)."
    )
    status = serializers.ChoiceField(choices=Result.Status.choices, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=1000)


class StrategyQuerySerializer(serializers.Serializer):
    strategy = serializers.SlugField(
        required=False, max_length=50, help_text="A strategy’s slug; the current one if not given."
    )


class RowSerializer(serializers.Serializer):
    """One result to save, in the upload's columns (docs/api.md)."""

    okr_code = serializers.CharField(max_length=NAME_MAX_LENGTH, validators=[no_control_characters])
    unit = serializers.CharField(
        max_length=NAME_MAX_LENGTH,
        validators=[no_control_characters],
        help_text="A unit’s slug or short name.",
    )
    period = serializers.CharField(
        max_length=NAME_MAX_LENGTH,
        validators=[no_control_characters],
        help_text="Its label: September 2026, or Q2 2026/27.",
    )
    value = serializers.CharField(
        max_length=NUMBER_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        help_text="As a person would type it; empty for an OKR worked out from its "
        "numerator and denominator.",
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        validators=[no_control_characters],
    )
    numerator = serializers.CharField(
        max_length=NUMBER_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    denominator = serializers.CharField(
        max_length=NUMBER_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        help_text="The version of the stored result this row corrects, as read: a row "
        "based on an older one is refused.",
    )


class BatchSerializer(serializers.Serializer):
    rows = RowSerializer(many=True, allow_empty=False, max_length=MAX_DATA_ROWS)
    submit = serializers.BooleanField(
        default=True, help_text="Submit the values (true) or keep them as drafts (false)."
    )
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        validators=[no_control_characters],
        help_text="Why: needed for a correction, kept in the history.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Check every row and say what would happen; save nothing."
    )


class ResultUpdateSerializer(serializers.Serializer):
    value = RowSerializer().fields["value"]
    comment = RowSerializer().fields["comment"]
    numerator = RowSerializer().fields["numerator"]
    denominator = RowSerializer().fields["denominator"]
    submit = BatchSerializer().fields["submit"]
    reason = BatchSerializer().fields["reason"]


class RowOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["new", "changed", "unchanged", "error", "skipped"])
    messages = serializers.ListField(child=serializers.CharField())


class BatchOutcomeSerializer(serializers.Serializer):
    saved = serializers.IntegerField(help_text="Values written (0 on a dry run).")
    dry_run = serializers.BooleanField()
    submitted = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = RowOutcomeSerializer(many=True)


class EditionSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField(help_text="The data month, YYYY-MM.")
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = IprEdition
        fields = ["month", "revision", "published_at", "published_by", "note"]

    def get_month(self, edition: IprEdition) -> str:
        return f"{edition.data_month:%Y-%m}"

    def get_published_by(self, edition: IprEdition) -> str:
        user = edition.published_by
        return user.get_full_name() or user.get_username()


class ReportSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="The data month, YYYY-MM.")
    revision = serializers.IntegerField(allow_null=True, help_text="None for a draft.")
    published_at = serializers.DateTimeField(allow_null=True)
    report = serializers.DictField(
        help_text="The report as the Board read it: the portal’s edition format (its "
        "schema_version says which), as stored when it was published."
    )


class ProblemErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(
        required=False, help_text="Where in the body (a JSON Pointer, RFC 6901)."
    )
    parameter = serializers.CharField(required=False, help_text="Which query-string parameter.")
    row = serializers.IntegerField(required=False, help_text="Which row of a batch, from 1.")
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """A refusal, as RFC 9457 problem details."""

    type = serializers.CharField(
        help_text="about:blank, or one of the portal’s URNs (docs/api.md)."
    )
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
