"""After a change, the background worker prepares the reports readers ask for
first, so that the first reader after a change is served like the readers after:
a committed change is announced once, queues the worker once, and what the worker
assembles is what the pages read."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from objectives import data_version
from objectives.roles import Role
from reporting import ipr
from reporting.tasks import prepare_reports
from tests.integration.test_ipr_kept_by_data_version import bucks_cccs, correct_bucks_cccs

pytestmark = pytest.mark.usefixtures("seeded", "worker_keeps_the_test_connection")
# The seeds' latest month with results: the month the dashboard and the IPR open on.
SEPTEMBER = datetime.date(2020, 9, 1)


@pytest.fixture
def announcements():
    heard = []

    def listen(**kwargs):
        heard.append(kwargs["sender"])

    data_version.data_changed.connect(listen)
    yield heard
    data_version.data_changed.disconnect(listen)


def commit_callbacks_from_here_on():
    """A test's own transaction never commits: what the writes before (the
    fixtures') left to run at that commit is dropped, so that the test sees its
    own changes' callbacks only."""
    connection.run_on_commit = []


def queued():
    return DBTaskResult.objects.ready().filter(task_path=prepare_reports.module_path).count()


def test_a_transaction_is_announced_once_when_it_commits_however_many_changes_it_counted(
    announcements, django_capture_on_commit_callbacks
):
    commit_callbacks_from_here_on()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        data_version.bump()
        data_version.bump()
        data_version.bump()
        assert announcements == []  # not before the commit
    assert len(announcements) == 1


def test_a_transaction_rolled_back_is_not_announced(
    announcements, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        data_version.bump()
        raise RuntimeError("the write fails")
    assert announcements == []


def test_a_change_in_a_savepoint_rolled_back_leaves_the_rest_announced(
    announcements, django_capture_on_commit_callbacks
):
    commit_callbacks_from_here_on()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            data_version.bump()
            raise RuntimeError("the inner write fails")
        data_version.bump()
    assert len(announcements) == 1


def test_committed_changes_queue_the_worker_once_while_it_has_not_started(
    users_by_role, django_capture_on_commit_callbacks
):
    DBTaskResult.objects.all().delete()
    secretary = users_by_role[Role.BOARD_SECRETARY]
    commit_callbacks_from_here_on()
    with django_capture_on_commit_callbacks(execute=True):
        correct_bucks_cccs(secretary, "93")
    assert queued() == 1
    with django_capture_on_commit_callbacks(execute=True):
        correct_bucks_cccs(secretary, "94")
    assert queued() == 1  # the waiting one will read this change too


def test_the_worker_prepares_the_latest_month_and_the_first_reader_assembles_nothing(
    users_by_role, client, django_capture_on_commit_callbacks
):
    executive = users_by_role[Role.EXECUTIVE]
    client.force_login(executive)
    assert client.get(reverse("dashboard:home")).status_code == 200
    with CaptureQueriesContext(connection) as repeat:
        client.get(reverse("dashboard:home"))

    commit_callbacks_from_here_on()
    with django_capture_on_commit_callbacks(execute=True):
        correct_bucks_cccs(users_by_role[Role.BOARD_SECRETARY], "93")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert queued() == 0
    # The web process is not the worker: it has nothing of its own, only the cache.
    ipr.forget_recent_reports()

    with (
        mock.patch.object(ipr, "assemble", wraps=ipr.assemble) as assembling,
        CaptureQueriesContext(connection) as first,
    ):
        assert client.get(reverse("dashboard:home")).status_code == 200
    assert len(first) == len(repeat)
    with mock.patch.object(ipr, "assemble", wraps=ipr.assemble) as assembling_too:
        page = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    assert assembling.call_count == assembling_too.call_count == 0
    # What they read is the report after the change: 93% against 95%, Amber.
    assert "93.0%" in page
    cell = bucks_cccs(ipr.assemble_ipr(SEPTEMBER))
    assert (cell.value_text, cell.rag_label) == ("93.0%", "Amber")


def test_preparing_again_for_the_same_data_assembles_nothing():
    assert ipr.prepare_reports().starts_on == SEPTEMBER
    with mock.patch.object(ipr, "assemble", wraps=ipr.assemble) as assembling:
        assert ipr.prepare_reports().starts_on == SEPTEMBER
    assert assembling.call_count == 0


def test_with_no_current_strategy_there_is_nothing_to_prepare():
    from objectives.models import Strategy

    Strategy.objects.update(is_current=False)
    assert ipr.prepare_reports() is None
