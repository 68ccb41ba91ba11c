"""Rules the product chose, and the Trust's: the seeded tolerances, the Quality
overall-rating rule and the run of Ambers that makes an exception are the
product's choices (the papers state none), so the IPR, the pack and the JSON mark
them "Assumed: to confirm" until a Trust administrator confirms them or sets the
Trust's own, through audited actions that refuse conflicting, empty or
out-of-bounds changes; loading the seeds again leaves a confirmed rule alone.

Worked by hand for Bucks MH, Q2 2020/21 (the 2020 slide's column):
- harm −9% against ≤ −10%: 1 point short, within 2: Amber (2 points);
- CCCS 92% against ≥ 95%: 3 points short, beyond 2: Red (1 point);
- sickness 4% against ≤ 3.5%: 0.5 short, within 1: Amber (2 points);
- satisfaction 80 against ≥ 90: 10 short, beyond 5: Red (1 point).
Points 6 over 4 OKRs = 1.5: Amber by the seeded rule (Amber from 1.5); Red by
the worst of the ratings. With a CCCS tolerance of 3 points, 92% is 3 short and
within it: Amber."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from datasets.seeding import load_seeds
from objectives.models import RuleProvenance, StrategicObjective, Strategy
from objectives.roles import Role
from okrs.models import KeyResult
from reporting.actions import (
    EditConflict,
    confirm_exception_rule,
    confirm_rating_rule,
    confirm_tolerance,
    exception_rule_seen,
    publish_ipr,
    rating_rule_seen,
    tolerance_seen,
)
from reporting.ipr import assemble_ipr, ipr_from_dict, ipr_to_dict

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
ASSUMED, CONFIRMED = RuleProvenance.ASSUMED, RuleProvenance.CONFIRMED


@pytest.fixture
def admin(users_by_role):
    return users_by_role[Role.TRUST_ADMINISTRATOR]


def quality() -> StrategicObjective:
    return StrategicObjective.objects.get(strategy__is_current=True, number=1)


def okr(code: str) -> KeyResult:
    return KeyResult.objects.get(code=code)


def quality_in(report):
    return next(objective for objective in report.objectives if objective.number == 1)


def bucks(report, code: str):
    found = next(item for item in quality_in(report).okrs if item.code == code)
    return next(cell for cell in found.cells if cell.unit == "Bucks MH")


def overall_of(report, unit: str):
    return next(rating for rating in quality_in(report).overall if rating.unit == unit)


def test_the_seeded_rules_are_assumed_and_the_report_says_so():
    report = assemble_ipr(SEPTEMBER)
    section = quality_in(report)
    assert section.rating_rule_assumed
    assert all(item.tolerance_assumed for item in section.okrs)
    assert report.summary.exceptions_rule_assumed
    assert report.assumes_rules
    as_json = ipr_to_dict(report)
    quality_json = next(o for o in as_json["objectives"] if o["number"] == 1)
    assert quality_json["rating_rule_assumed"] is True
    assert {item["tolerance_assumed"] for item in quality_json["okrs"]} == {True}
    assert as_json["summary"]["exceptions_rule_assumed"] is True


def test_confirming_a_tolerance_as_it_is_records_who_when_before_after_and_why(admin):
    cccs = okr("quality-cccs-training")
    confirm_tolerance(
        by=admin,
        key_result=cccs,
        tolerance=Decimal(2),
        tolerance_kind="absolute",
        reason="Agreed by the Quality & Safety Committee",
        seen=tolerance_seen(cccs),
    )
    cccs.refresh_from_db()
    assert (cccs.tolerance, cccs.tolerance_provenance) == (Decimal(2), CONFIRMED)
    latest, before = cccs.history.all()[:2]
    assert latest.history_user == admin
    assert latest.history_change_reason == "Agreed by the Quality & Safety Committee"
    assert (before.tolerance_provenance, latest.tolerance_provenance) == (ASSUMED, CONFIRMED)
    report = assemble_ipr(SEPTEMBER)
    marked = {item.code: item.tolerance_assumed for item in quality_in(report).okrs}
    assert marked["quality-cccs-training"] is False
    assert marked["quality-staff-sickness"] is True
    # The rating is as it was: Red, 3 points short beyond the 2.
    assert bucks(report, "quality-cccs-training").rag == "red"


def test_a_changed_tolerance_changes_the_rating_and_its_sentence(admin):
    cccs = okr("quality-cccs-training")
    confirm_tolerance(
        by=admin,
        key_result=cccs,
        tolerance=Decimal(3),
        tolerance_kind="absolute",
        reason="The Trust's tolerance is 3 points",
        seen=tolerance_seen(cccs),
    )
    cell = bucks(assemble_ipr(SEPTEMBER), "quality-cccs-training")
    assert cell.rag == "amber"
    assert (
        cell.rag_explanation
        == "92.0% against ≥95%, 3 points short, within the 3 points tolerance: Amber"
    )


def test_the_overall_rating_rule_confirmed_as_worst_of_makes_bucks_mh_red(admin):
    assert overall_of(assemble_ipr(SEPTEMBER), "Bucks MH").rag == "amber"
    objective = quality()
    confirm_rating_rule(
        by=admin,
        objective=objective,
        method="worst_of",
        green_from=None,
        amber_from=None,
        reason="The Board rates an objective by its worst OKR",
        seen=rating_rule_seen(objective),
    )
    report = assemble_ipr(SEPTEMBER)
    assert overall_of(report, "Bucks MH").rag == "red"
    assert quality_in(report).rating_rule == "Overall rating: the worst of the OKR ratings."
    assert quality_in(report).rating_rule_assumed is False
    objective.refresh_from_db()
    # The worst-of rule keeps the thresholds it had, unused.
    assert (objective.rating_green_from, objective.rating_amber_from) == (
        Decimal("2.5"),
        Decimal("1.5"),
    )


def test_raising_the_amber_threshold_above_bucks_mh_s_average_makes_it_red(admin):
    """6 points over 4 OKRs = 1.5: Red once Amber starts at 1.6."""
    objective = quality()
    confirm_rating_rule(
        by=admin,
        objective=objective,
        method="points_average",
        green_from=Decimal("2.5"),
        amber_from=Decimal("1.6"),
        reason="The Trust's thresholds",
        seen=rating_rule_seen(objective),
    )
    assert overall_of(assemble_ipr(SEPTEMBER), "Bucks MH").rag == "red"


@pytest.mark.parametrize(
    "green_from, amber_from, field",
    [
        (Decimal("3.5"), Decimal("1.5"), "green_from"),
        (Decimal("2.5"), Decimal("0.5"), "amber_from"),
        (Decimal("2.0"), Decimal("2.5"), "amber_from"),
        (None, Decimal("1.5"), "green_from"),
        (Decimal("2.555"), Decimal("1.5"), "green_from"),
    ],
)
def test_thresholds_out_of_bounds_or_out_of_order_are_refused(admin, green_from, amber_from, field):
    objective = quality()
    with pytest.raises(ValidationError) as refused:
        confirm_rating_rule(
            by=admin,
            objective=objective,
            method="points_average",
            green_from=green_from,
            amber_from=amber_from,
            reason="test",
            seen=rating_rule_seen(objective),
        )
    assert field in refused.value.message_dict
    objective.refresh_from_db()
    assert objective.rating_rule_provenance == ASSUMED


def test_the_run_of_ambers_is_confirmed_through_its_action_and_recorded(admin):
    strategy = Strategy.objects.get(is_current=True)
    assert strategy.exception_amber_periods == 3
    confirm_exception_rule(
        by=admin,
        strategy=strategy,
        amber_periods=4,
        reason="Agreed by the Board in October",
        seen=exception_rule_seen(strategy),
    )
    strategy.refresh_from_db()
    assert (strategy.exception_amber_periods, strategy.exception_rule_provenance) == (
        4,
        CONFIRMED,
    )
    latest = strategy.history.latest("history_date")
    assert (latest.exception_amber_periods, latest.history_change_reason) == (
        4,
        "Agreed by the Board in October",
    )
    summary = assemble_ipr(SEPTEMBER).summary
    assert "Amber for 4 periods running or more" in summary.exceptions_rule
    assert summary.exceptions_rule_assumed is False


@pytest.mark.parametrize("periods", [1, 13, 0, None])
def test_a_run_outside_2_to_12_periods_is_refused_and_nothing_changes(admin, periods):
    strategy = Strategy.objects.get(is_current=True)
    with pytest.raises(ValidationError):
        confirm_exception_rule(by=admin, strategy=strategy, amber_periods=periods, reason="test")
    strategy.refresh_from_db()
    assert (strategy.exception_amber_periods, strategy.exception_rule_provenance) == (3, ASSUMED)


@pytest.mark.parametrize(
    "tolerance, kind",
    [
        (Decimal(-1), "absolute"),
        (Decimal(101), "relative"),
        (Decimal(1_000_000), "absolute"),
        (Decimal("0.00001"), "absolute"),
        (None, "absolute"),
        (Decimal(2), "sideways"),
    ],
)
def test_a_tolerance_out_of_bounds_is_refused(admin, tolerance, kind):
    cccs = okr("quality-cccs-training")
    with pytest.raises(ValidationError):
        confirm_tolerance(
            by=admin, key_result=cccs, tolerance=tolerance, tolerance_kind=kind, reason="test"
        )
    cccs.refresh_from_db()
    assert (cccs.tolerance, cccs.tolerance_provenance) == (Decimal(2), ASSUMED)


def test_a_rule_changed_since_the_page_showed_it_is_a_conflict(admin, make_user):
    other = make_user("other-admin", Role.TRUST_ADMINISTRATOR, first_name="Ada", last_name="Lee")
    cccs = okr("quality-cccs-training")
    seen = tolerance_seen(cccs)
    confirm_tolerance(
        by=other,
        key_result=cccs,
        tolerance=Decimal(3),
        tolerance_kind="absolute",
        reason="First",
        seen=seen,
    )
    with pytest.raises(EditConflict, match="Ada Lee changed this tolerance"):
        confirm_tolerance(
            by=admin,
            key_result=cccs,
            tolerance=Decimal(1),
            tolerance_kind="absolute",
            reason="Second",
            seen=seen,
        )
    cccs.refresh_from_db()
    assert cccs.tolerance == Decimal(3)


def test_confirming_a_confirmed_rule_unchanged_is_refused(admin):
    cccs = okr("quality-cccs-training")
    confirm_tolerance(
        by=admin, key_result=cccs, tolerance=Decimal(2), tolerance_kind="absolute", reason="Yes"
    )
    history = cccs.history.count()
    with pytest.raises(ValidationError, match="already the Trust’s"):
        confirm_tolerance(
            by=admin, key_result=cccs, tolerance=Decimal(2), tolerance_kind="absolute", reason="Yes"
        )
    assert cccs.history.count() == history


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.BOARD_SECRETARY, Role.DIRECTORATE_LEAD])
def test_only_an_administrator_confirms_a_rule(users_by_role, role):
    strategy = Strategy.objects.get(is_current=True)
    with pytest.raises(PermissionDenied):
        confirm_exception_rule(
            by=users_by_role[role], strategy=strategy, amber_periods=3, reason="test"
        )


def test_an_okr_an_administrator_defines_has_the_trust_s_tolerance(admin):
    from okrs import actions as okr_actions

    focus_area = quality().focus_areas.first()
    added = okr_actions.add_key_result_to_focus_area(
        by=admin,
        focus_area=focus_area,
        definition=okr_actions.KeyResultDefinition(
            code="quality-new-measure",
            statement="We will reach 90% of something",
            measure="percentage",
            direction="increase",
            frequency="quarterly",
            target=Decimal(90),
            target_from=datetime.date(2020, 4, 1),
            tolerance=Decimal(1),
        ),
        reason="Agreed at the Board",
    )
    assert added.tolerance_provenance == CONFIRMED


def test_loading_the_seeds_again_leaves_confirmed_rules_alone(admin):
    cccs, objective = okr("quality-cccs-training"), quality()
    confirm_tolerance(
        by=admin,
        key_result=cccs,
        tolerance=Decimal(3),
        tolerance_kind="absolute",
        reason="The Trust's",
    )
    confirm_rating_rule(
        by=admin,
        objective=objective,
        method="worst_of",
        green_from=None,
        amber_from=None,
        reason="The Trust's",
    )
    load_seeds()
    cccs.refresh_from_db()
    objective.refresh_from_db()
    assert (cccs.tolerance, cccs.tolerance_provenance) == (Decimal(3), CONFIRMED)
    assert (objective.rating_method, objective.rating_rule_provenance) == ("worst_of", CONFIRMED)
    # An assumed one is still the seeds' to keep.
    assert okr("quality-staff-sickness").tolerance_provenance == ASSUMED


def test_a_published_edition_keeps_the_marks_it_was_published_with(admin, users_by_role):
    edition = publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    cccs = okr("quality-cccs-training")
    confirm_tolerance(
        by=admin, key_result=cccs, tolerance=Decimal(2), tolerance_kind="absolute", reason="Yes"
    )
    edition.refresh_from_db()
    kept = quality_in(ipr_from_dict(edition.report))
    assert next(item for item in kept.okrs if item.code == cccs.code).tolerance_assumed is True
    assert kept.rating_rule_assumed is True


def test_the_rating_rules_page_lists_what_is_assumed_and_confirms_one(client, admin):
    client.force_login(admin)
    page = client.get(reverse("reporting:rating_rules"))
    html = page.content.decode()
    seeded_assumed = page.context["rules"].assumed
    assert f"{seeded_assumed} rules to confirm" in html
    address = reverse("reporting:confirm_tolerance", args=["quality-cccs-training"])
    form = client.get(address).context["form"]
    response = client.post(
        address,
        {
            "seen": form.initial["seen"],
            "tolerance": "2",
            "tolerance_kind": "absolute",
            "reason": "Agreed by the Quality & Safety Committee",
        },
    )
    assert response.status_code == 302
    again = client.get(reverse("reporting:rating_rules"))
    assert again.context["rules"].assumed == seeded_assumed - 1
    row = again.content.decode().split('data-testid="rule-okr-quality-cccs-training"')[1]
    assert "Confirmed by the Trust" in row.split("</tr>")[0]


def test_a_stale_page_is_told_of_the_conflict_and_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    address = reverse("reporting:confirm_tolerance", args=["quality-cccs-training"])
    stale = client.get(address).context["form"].initial["seen"]
    cccs = okr("quality-cccs-training")
    confirm_tolerance(
        by=admin, key_result=cccs, tolerance=Decimal(4), tolerance_kind="absolute", reason="First"
    )
    response = client.post(
        address,
        {"seen": stale, "tolerance": "1", "tolerance_kind": "absolute", "reason": "Kept-4417"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "changed this tolerance while you were looking at it" in html
    assert "Kept-4417" in html
    cccs.refresh_from_db()
    assert cccs.tolerance == Decimal(4)


def test_the_ipr_page_marks_each_assumed_rule(client, users_by_role, admin):
    client.force_login(users_by_role[Role.EXECUTIVE])
    html = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    assert 'data-testid="assumed-rules"' in html
    rule = html.split('data-testid="rating-rule"')[1].split("</p>")[0]
    assert "Assumed: to confirm" in rule
    exceptions = html.split('data-testid="exceptions-rule"')[1].split("</p>")[0]
    assert "Assumed: to confirm" in exceptions

    strategy = Strategy.objects.get(is_current=True)
    confirm_exception_rule(by=admin, strategy=strategy, amber_periods=3, reason="The Trust's")
    objective = quality()
    confirm_rating_rule(
        by=admin,
        objective=objective,
        method="points_average",
        green_from=Decimal("2.5"),
        amber_from=Decimal("1.5"),
        reason="The Trust's",
    )
    html = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    assert "Assumed: to confirm" not in html.split('data-testid="rating-rule"')[1].split("</p>")[0]
    assert (
        "Assumed: to confirm" not in html.split('data-testid="exceptions-rule"')[1].split("</p>")[0]
    )


def test_the_rating_rules_page_reads_in_the_same_queries_however_many_okrs(client, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from okrs import actions as okr_actions

    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reporting:rating_rules")).status_code == 200
        return len(captured)

    before = queries()
    for number in range(12):
        okr_actions.create_key_result(
            by=admin,
            objective=quality(),
            code=f"quality-extra-{number}",
            statement=f"Extra measure {number}",
            reason="test",
        )
    assert queries() == before


def test_the_audit_log_shows_each_confirmation_with_before_after_and_why(client, admin):
    objective, strategy = quality(), Strategy.objects.get(is_current=True)
    confirm_rating_rule(
        by=admin,
        objective=objective,
        method="worst_of",
        green_from=None,
        amber_from=None,
        reason="The Board rates by the worst OKR",
    )
    confirm_exception_rule(by=admin, strategy=strategy, amber_periods=4, reason="Four, agreed")
    client.force_login(admin)
    log = client.get(reverse("okrs:audit_log")).context["entries"]
    exceptions_rule, rating_rule = log[0], log[1]
    assert (exceptions_rule.what, exceptions_rule.okr_statement) == ("Strategy", strategy.title)
    assert exceptions_rule.reason == "Four, agreed"
    assert [(c.label, c.old, c.new) for c in exceptions_rule.changes] == [
        ("Periods rated Amber running", "3", "4"),
        ("Whose exceptions rule", "Assumed: to confirm", "Confirmed by the Trust"),
    ]
    assert (rating_rule.what, rating_rule.okr_statement) == ("Objective", "Quality")
    assert [(c.label, c.old, c.new) for c in rating_rule.changes] == [
        (
            "How the OKR ratings combine",
            "Average of points (Green 3, Amber 2, Red 1) with thresholds",
            "Worst of the OKR ratings",
        ),
        ("Whose overall-rating rule", "Assumed: to confirm", "Confirmed by the Trust"),
    ]
    # Filtered to an OKR, the log leaves out what is not about one.
    cccs = okr("quality-cccs-training")
    filtered = client.get(reverse("okrs:audit_log"), {"key_result": cccs.code}).context["entries"]
    assert filtered
    assert {entry.what for entry in filtered} <= {"OKR", "Target", "Result", "Process change"}


def test_a_seeded_definition_is_assumed_until_confirmed_and_then_left_by_the_seeds(admin):
    from reporting.actions import confirm_definition, definition_seen

    cccs = okr("quality-cccs-training")
    report = assemble_ipr(SEPTEMBER)
    marked = {item.code: item.definition_assumed for item in quality_in(report).okrs}
    assert marked["quality-cccs-training"] is True
    confirm_definition(
        by=admin,
        key_result=cccs,
        reason="Checked against the training system",
        seen=definition_seen(cccs),
    )
    cccs.refresh_from_db()
    assert cccs.definition_provenance == CONFIRMED
    latest = cccs.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        admin,
        "Checked against the training system",
    )
    marked = {
        item.code: item.definition_assumed for item in quality_in(assemble_ipr(SEPTEMBER)).okrs
    }
    assert marked == {**marked, "quality-cccs-training": False, "quality-staff-sickness": True}
    # Confirmed once, confirming again changes nothing and is refused.
    with pytest.raises(ValidationError, match="already the Trust’s"):
        confirm_definition(by=admin, key_result=cccs, reason="Again")
    # The seeds leave a confirmed definition alone, even where they would read it otherwise.
    KeyResult.objects.filter(pk=cccs.pk).update(decimal_places=2)
    load_seeds()
    cccs.refresh_from_db()
    assert (cccs.decimal_places, cccs.definition_provenance) == (2, CONFIRMED)


def test_a_draft_with_no_measure_has_no_definition_to_confirm(admin):
    from reporting.actions import confirm_definition

    draft = KeyResult.objects.filter(status="draft", measure="").first()
    with pytest.raises(ValidationError, match="no definition to confirm"):
        confirm_definition(by=admin, key_result=draft, reason="test")


def test_the_pages_say_where_a_definition_is_assumed(client, admin):
    from reporting.actions import confirm_definition

    client.force_login(admin)
    cccs = okr("quality-cccs-training")
    page = client.get(cccs.get_absolute_url()).content.decode()
    assert 'data-testid="definition-assumed"' in page
    confirm_definition(by=admin, key_result=cccs, reason="Checked")
    page = client.get(cccs.get_absolute_url()).content.decode()
    assert 'data-testid="definition-assumed"' not in page
    rules = client.get(reverse("reporting:rating_rules")).content.decode()
    row = rules.split('data-testid="definition-okr-quality-cccs-training"')[1].split("</tr>")[0]
    assert "Percentage; higher is better; reported quarterly; 1 decimal place" in row
    assert "Confirmed by the Trust" in row
