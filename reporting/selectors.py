"""Reads for reporting pages."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404

from objectives.models import (
    OrganisationalUnit,
    Person,
    RuleProvenance,
    StrategicObjective,
    Strategy,
)
from okrs import periods
from okrs import selectors as okr_selectors
from okrs.models import KeyResult, ReportingPeriod
from okrs.selectors.submissions import UnitSubmission, submissions_for_period
from reporting.ipr import (
    CACHE_SECONDS,
    SCHEMA_VERSION,
    Ipr,
    ReportHeading,
    ReportMonth,
    assemble_ipr,
    heading_of,
    ipr_from_dict,
    kept_report,
    months_with_results,
)
from reporting.ipr.over_time import quarter_reported
from reporting.models import (
    IprEdition,
    Narrative,
    PackExport,
    PackFile,
    RecordedOverallRating,
    SentMessage,
)
from reporting.month_close import Checklist, checklist


def recorded_ratings_by_period(
    objective: StrategicObjective,
) -> list[tuple[str, list[RecordedOverallRating]]]:
    """The overall ratings the Trust's papers recorded for an objective, newest
    period first, each period's units in the usual column order."""
    ratings = RecordedOverallRating.objects.filter(objective=objective).select_related(
        "period", "unit"
    )
    by_period = defaultdict(list)
    for rating in ratings:
        by_period[rating.period].append(rating)
    return [
        (period.label, sorted(rows, key=lambda rating: (rating.unit.order, rating.unit.name)))
        for period, rows in sorted(
            by_period.items(), key=lambda item: item[0].starts_on, reverse=True
        )
    ]


def months_offered(user, reportable, version: str | None = None) -> list[ReportMonth]:
    """The months a reader can choose a report for, newest first: every month with
    data (within `reportable`) for those who read drafts, the published months for
    everyone else (decision 8). `version` is the data version, if already read."""
    if user.has_perm("portal.read_draft_ipr"):
        months = months_with_results(version=version)
        return [month for month in months if month.starts_on in reportable]
    return published_months()


def month_report(
    month: datetime.date, *, version: str | None = None
) -> tuple[Ipr, IprEdition | None]:
    """The report a reader sees for a month they were offered (`months_offered`):
    its latest published edition where there is one, else the draft (only readers
    of drafts are offered a month with no edition)."""
    editions = editions_for_month(month)
    if editions:
        return edition_report(editions[0]), editions[0]
    return assemble_ipr(month, version=version), None


def published_months() -> list[ReportMonth]:
    """The months with a published edition, newest first: what a reader who does
    not see drafts can choose from."""
    months = IprEdition.objects.order_by("-data_month").values_list("data_month", flat=True)
    return [ReportMonth(month) for month in dict.fromkeys(months)]


def editions_for_month(data_month) -> list[IprEdition]:
    """A month's published editions, newest revision first (their stored reports
    are read only when asked for: see `edition_report`)."""
    month = data_month.replace(day=1)
    return list(
        IprEdition.objects.filter(data_month=month)
        .select_related("published_by")
        .defer("report")
        .order_by("-revision")
    )


def edition_heading(edition: IprEdition) -> ReportHeading:
    """A published edition's heading, kept by its id: a reader whose page body is
    already rendered and kept needs no more of the stored report than this."""
    key = f"ipr-edition-heading:v{SCHEMA_VERSION}:{edition.pk}"
    heading = cache.get(key)
    if heading is None:
        heading = heading_of(edition_report(edition))
        cache.set(key, heading, CACHE_SECONDS)
    return heading


def edition_report(edition: IprEdition) -> Ipr:
    """A published edition's report. An edition never changes, so it is read and
    rebuilt once and then kept (by its id) for every reader after."""
    return kept_report(
        f"ipr-edition:v{SCHEMA_VERSION}:{edition.pk}", lambda: ipr_from_dict(edition.report)
    )


def narrative_for(objective, period, key_result=None) -> Narrative | None:
    """An OKR's commentary, an objective's executive summary or (no objective) the
    month's overall summary."""
    if objective is None:
        return Narrative.objects.filter(kind=Narrative.Kind.OVERALL_SUMMARY, period=period).first()
    if key_result is not None:
        return Narrative.objects.filter(
            kind=Narrative.Kind.OKR_COMMENTARY, key_result=key_result, period=period
        ).first()
    return Narrative.objects.filter(
        kind=Narrative.Kind.EXECUTIVE_SUMMARY, objective=objective, period=period
    ).first()


def pack_exports(data_month, edition: IprEdition | None) -> list[PackExport]:
    """A month's pack exports, newest first: those of one edition, or (with none)
    the draft packs, each with its files and who asked for it."""
    return list(
        PackExport.objects.filter(data_month=data_month.replace(day=1), edition=edition)
        .select_related("requested_by", "edition")
        .defer("edition__report")
        .prefetch_related("files")
        .order_by("-requested_at", "-pk")
    )


def pack_export(pk: int) -> PackExport:
    return (
        PackExport.objects.select_related("requested_by", "edition")
        .defer("edition__report")
        .prefetch_related("files")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class RatingRules:
    """The rules a strategy's reports rate by, for the page that confirms them:
    its objectives in order, each with its OKRs (prefetched), and how many of all
    the rules are still assumed."""

    strategy: Strategy
    objectives: list[StrategicObjective]
    assumed: int


def rating_rules(strategy: Strategy) -> RatingRules:
    """In two queries whatever the number of objectives and OKRs."""
    key_results = KeyResult.objects.order_by("order", "code")
    objectives = list(
        strategy.objectives.prefetch_related(Prefetch("key_results", queryset=key_results))
    )
    provenances = [strategy.exception_rule_provenance]
    for objective in objectives:
        provenances.append(objective.rating_rule_provenance)
        for okr in objective.key_results.all():
            provenances.append(okr.tolerance_provenance)
            if okr.measure and okr.direction and okr.frequency:  # a definition to confirm
                provenances.append(okr.definition_provenance)
    count = provenances.count(RuleProvenance.ASSUMED)
    return RatingRules(strategy, objectives, count)


def objective_of(strategy: Strategy, pk: int) -> StrategicObjective:
    return get_object_or_404(StrategicObjective, strategy=strategy, pk=pk)


def key_result_of(strategy: Strategy, code: str) -> KeyResult:
    return get_object_or_404(
        KeyResult.objects.select_related("objective"), objective__strategy=strategy, code=code
    )


# --- The month close ---------------------------------------------------------------------


def month_close_periods(data_month: datetime.date) -> list[ReportingPeriod]:
    """The periods a month's report shows values of, where they have been made:
    the month, and the quarter its quarterly OKRs report (see `quarter_reported`)."""
    month = periods.month_span(data_month.year, data_month.month)
    spans = [month, quarter_reported(month)]
    return [period for span in spans if (period := okr_selectors.reporting_period(span))]


def month_submissions(
    data_month: datetime.date, today: datetime.date, *, unit: OrganisationalUnit | None = None
) -> list[UnitSubmission]:
    """What each unit (or one) owes for the periods the month's report shows, with
    each unit's leads and their accounts loaded."""
    units = OrganisationalUnit.objects.prefetch_related(
        Prefetch("leads", queryset=Person.objects.select_related("user").order_by("full_name"))
    )
    if unit is not None:
        units = units.filter(pk=unit.pk)
    return [
        submission
        for period in month_close_periods(data_month)
        for submission in submissions_for_period(period, units, today)
    ]


def last_reminded(data_month: datetime.date) -> dict[tuple[int, int], datetime.datetime]:
    """When each unit was last reminded by hand of each period of the month's close."""
    rows = (
        SentMessage.objects.filter(
            kind=SentMessage.Kind.REMINDER, data_month=data_month.replace(day=1), sent=True
        )
        .values("unit_id", "period_id")
        .annotate(last=Max("sent_at"))
    )
    return {(row["unit_id"], row["period_id"]): row["last"] for row in rows}


def month_close(data_month: datetime.date, today: datetime.date, report: Ipr) -> Checklist:
    """The month-close checklist for a month's report (the draft, assembled) on `today`."""
    month = periods.month_span(data_month.year, data_month.month)
    submissions = month_submissions(data_month, today)
    return checklist(
        data_month=month.starts_on,
        month_ends_on=month.ends_on,
        today=today,
        submissions=submissions,
        leads={submission.unit.pk: list(submission.unit.leads.all()) for submission in submissions},
        report=report,
        last_reminded=last_reminded(month.starts_on),
    )


def sent_messages(data_month: datetime.date) -> list[SentMessage]:
    """The reminders and packs sent for a month's close, newest first."""
    return list(
        SentMessage.objects.filter(data_month=data_month.replace(day=1))
        .select_related("sent_by", "unit", "period", "edition")
        .defer("edition__report")
        .order_by("-sent_at", "-pk")
    )


def edition_pdf(edition: IprEdition) -> PackFile | None:
    """The PDF of the edition's latest finished pack export, if there is one."""
    return (
        PackFile.objects.filter(
            format=PackFile.Format.PDF,
            export__edition=edition,
            export__status=PackExport.Status.DONE,
        )
        .select_related("export")
        .order_by("-export__finished_at", "-pk")
        .first()
    )
