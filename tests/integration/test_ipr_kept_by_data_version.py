"""The assembled IPR is kept under the data version: a second reader after no
change costs one query and no assembly; any recorded change is seen at once."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives import data_version
from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, ReportingPeriod, Result
from okrs.result_planner import ResultChange
from reporting import ipr
from reporting.actions import publish_ipr, write_narrative

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)


def bucks_cccs(report):
    okr = report.objectives[0].okrs[1]
    return next(cell for cell in okr.cells if cell.unit == "Bucks MH")


def correct_bucks_cccs(secretary, value: str):
    plan = okr_actions.apply_result_changes(
        by=secretary,
        changes=[
            ResultChange(
                KeyResult.objects.prefetch_related("targets").get(code="quality-cccs-training"),
                OrganisationalUnit.objects.get(slug="bucks-mh"),
                # CCCS training is reported quarterly: September's report shows Q2.
                ReportingPeriod.objects.get(
                    frequency="quarterly", starts_on=datetime.date(2020, 7, 1)
                ),
                value,
            )
        ],
        submit=True,
        reason="Figure corrected by the data team",
    )
    assert not plan.has_errors


def test_a_second_reader_after_no_change_reads_one_row_and_assembles_nothing():
    first = ipr.assemble_ipr(SEPTEMBER)
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(ipr, "assemble", wraps=ipr.assemble) as assembling,
    ):
        again = ipr.assemble_ipr(SEPTEMBER)
    assert len(queries) == 1 and "dataversion" in queries[0]["sql"].lower()
    assert assembling.call_count == 0
    assert again == first


def test_a_report_this_process_used_last_is_served_as_it_is_without_a_copy():
    from django.core.cache import cache

    first = ipr.assemble_ipr(SEPTEMBER)
    with mock.patch.object(cache, "get", wraps=cache.get) as reading_the_cache:
        again = ipr.assemble_ipr(SEPTEMBER)
    assert again is first and reading_the_cache.call_count == 0
    # After a restart (nothing kept in the process) the cache's copy is read.
    ipr.forget_recent_reports()
    copy = ipr.assemble_ipr(SEPTEMBER)
    assert copy == first and copy is not first


def test_a_corrected_value_shows_at_once(users_by_role):
    assert bucks_cccs(ipr.assemble_ipr(SEPTEMBER)).value_text == "92.0%"
    correct_bucks_cccs(users_by_role[Role.BOARD_SECRETARY], "93")
    cell = bucks_cccs(ipr.assemble_ipr(SEPTEMBER))
    # 93% against 95% with 2 points' tolerance: Amber (was Red at 92%).
    assert (cell.value_text, cell.rag_label) == ("93.0%", "Amber")


def test_after_one_value_changes_only_its_series_spc_is_worked_out_again(users_by_role):
    from reporting.spc import remembered as remembering

    before = ipr.assemble_ipr(SEPTEMBER)
    series = sum(
        cell.value is not None for o in before.objectives for okr in o.okrs for cell in okr.cells
    )
    with mock.patch.object(remembering, "compute_spc", wraps=remembering.compute_spc) as computing:
        correct_bucks_cccs(users_by_role[Role.BOARD_SECRETARY], "93")
        after = ipr.assemble_ipr(SEPTEMBER)
    assert series > 10 and computing.call_count == 1
    assert computing.call_args.args[0][-1] == Decimal("93")
    # Every other cell's reading is the one remembered, the same as before.
    unchanged = [
        (cell.variation, cell.assurance, cell.spc_mean)
        for o in after.objectives
        for okr in o.okrs
        for cell in okr.cells
        if (okr.code, cell.unit) != ("quality-cccs-training", "Bucks MH")
    ]
    assert unchanged == [
        (cell.variation, cell.assurance, cell.spc_mean)
        for o in before.objectives
        for okr in o.okrs
        for cell in okr.cells
        if (okr.code, cell.unit) != ("quality-cccs-training", "Bucks MH")
    ]


def test_a_narrative_rewritten_shows_at_once(make_user):
    quality = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    user = make_user("cn", Role.EXECUTIVE)
    person = strategy_actions.create_person(
        by=None, slug="cn", full_name="Chris Nurse", user=user, reason="test"
    )
    strategy_actions.assign_role(
        by=None, role=quality.lead_roles.first(), person=person, reason="test"
    )
    before = ipr.assemble_ipr(SEPTEMBER).objectives[0].narratives
    assert [narrative.text for narrative in before] != ["Training recovered in Bucks."]
    write_narrative(
        by=user,
        objective=quality,
        period=ReportingPeriod.objects.get(frequency="monthly", starts_on=SEPTEMBER),
        content={"text": "Training recovered in Bucks."},
    )
    after = ipr.assemble_ipr(SEPTEMBER).objectives[0].narratives
    assert [(narrative.text, narrative.author) for narrative in after] == [
        ("Training recovered in Bucks.", "Chris Nurse")
    ]


def test_each_kind_of_report_is_kept_apart():
    with_history = ipr.assemble_ipr(SEPTEMBER)
    cells_only = ipr.assemble_ipr(SEPTEMBER, with_history=False)
    assert bucks_cccs(with_history).history and not bucks_cccs(cells_only).history
    assert ipr.assemble_ipr(datetime.date(2020, 8, 1)).data_month == "August 2020"


def test_every_recorded_change_moves_the_version_on_and_a_rolled_back_one_does_not():
    from objectives.models import DataVersion

    def number():
        return DataVersion.objects.get(pk=1).number

    data_version.bump()
    before, before_version = number(), data_version.current()
    result = Result.objects.filter(status="submitted").first()
    result.value = result.value + Decimal(1)
    result.save()  # with its history row, as every action writes
    assert number() == before + 1 and data_version.current() != before_version
    after_version = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        result.value = result.value + Decimal(1)
        result.save()
        raise RuntimeError("the write fails after the change")
    assert number() == before + 1 and data_version.current() == after_version


def test_a_restored_backup_counting_up_again_never_meets_a_version_it_had():
    """After a restore the number comes round again; the version read does not."""
    from objectives.models import DataVersion

    data_version.bump()
    backup = DataVersion.objects.get(pk=1)
    data_version.bump()
    abandoned = data_version.current()
    DataVersion.objects.filter(pk=1).update(number=backup.number, token=backup.token)
    data_version.bump()  # the first change after the restore
    assert DataVersion.objects.get(pk=1).number == backup.number + 1
    assert data_version.current() != abandoned


def test_publishing_reads_today_s_report_with_its_history(users_by_role):
    edition = publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    stored = ipr.ipr_from_dict(edition.report)
    assert bucks_cccs(stored).history[-1].value_text == "92.0%"


def test_a_published_edition_is_read_from_the_database_once(users_by_role, client):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    client.force_login(secretary)
    url = f"{reverse('reporting:ipr', args=['2020-09'])}?revision=1"

    def report_reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
            return sum('"report"' in query["sql"] for query in queries)

    assert report_reads() == 1
    assert report_reads() == 0


def test_a_reader_who_has_the_edition_already_is_told_it_has_not_changed(
    users_by_role, client, make_user
):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    viewer = users_by_role[Role.VIEWER]
    client.force_login(viewer)
    url = reverse("reporting:ipr", args=["2020-09"])
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and "private" in first["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    # A second revision is listed on the page: the page has changed.
    correct_bucks_cccs(secretary, "93")
    publish_ipr(
        by=secretary,
        data_month=SEPTEMBER,
        note="CCCS corrected",
        reason="Published with items open for this example",
    )
    revision_one = client.get(f"{url}?revision=1", headers={"If-None-Match": etag})
    assert revision_one.status_code == 200 and revision_one["ETag"] != etag

    # Someone else (another session) never gets a 304 for the viewer's copy, and a
    # user without a role is refused whatever tag they send.
    client.force_login(secretary)
    assert client.get(f"{url}?revision=1", headers={"If-None-Match": etag}).status_code == 200
    client.force_login(make_user("nobody"))
    refused = client.get(f"{url}?revision=1", headers={"If-None-Match": etag})
    assert refused.status_code in (302, 403)


def test_the_draft_is_never_answered_from_the_reader_s_copy(users_by_role, client):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(f"{reverse('reporting:ipr', args=['2020-09'])}?draft=1")
    assert response.status_code == 200 and "ETag" not in response


def test_the_report_body_is_rendered_once_per_edition(users_by_role, client):
    """The second reader's page is built from the kept body: no section is laid out."""
    from reporting import presentation

    publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    url = reverse("reporting:ipr", args=["2020-09"])
    client.force_login(users_by_role[Role.VIEWER])
    with mock.patch.object(presentation, "sections", wraps=presentation.sections) as laying_out:
        first = client.get(url)
        client.force_login(users_by_role[Role.EXECUTIVE])
        second = client.get(url)
    assert laying_out.call_count == 1
    assert "Bucks MH" in second.content.decode() and first.status_code == second.status_code


def test_a_repeat_reader_is_served_the_kept_page_as_it_is_gzipped_once(users_by_role, client):
    import gzip

    from django.utils import text

    from reporting.views import ipr as ipr_views

    publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    client.force_login(users_by_role[Role.VIEWER])
    url = reverse("reporting:ipr", args=["2020-09"])
    gzip_accepted = {"Accept-Encoding": "gzip, deflate"}
    first = client.get(url, headers=gzip_accepted)
    with (
        mock.patch.object(
            ipr_views, "render_to_string", wraps=ipr_views.render_to_string
        ) as rendering,
        mock.patch.object(text, "compress_string", wraps=text.compress_string) as compressing,
    ):
        second = client.get(url, headers=gzip_accepted)
        plain = client.get(url)
    assert rendering.call_count == 0 and compressing.call_count == 0
    assert second.status_code == plain.status_code == 200
    assert second.content == first.content and second["Content-Encoding"] == "gzip"
    assert gzip.decompress(second.content) == plain.content and "Content-Encoding" not in plain
    assert int(second["Content-Length"]) == len(second.content)
    # One tag for both forms, weak as the GZip middleware makes it; either answers a 304.
    assert second["ETag"] == f"W/{plain['ETag']}"
    assert "Accept-Encoding" in second["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert client.get(url, headers={"If-None-Match": second["ETag"]}).status_code == 304
