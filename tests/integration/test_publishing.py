"""Publishing freezes the IPR; corrections need a new, visibly revised edition."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs.models import Result
from reporting.actions import NothingToPublish, publish_ipr
from reporting.ipr import describe_changes, ipr_from_dict, ipr_to_dict
from reporting.models import IprEdition

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
URL = reverse("reporting:ipr", kwargs={"month": "2020-09"})
CLOSE = reverse("reporting:month_close", kwargs={"month": "2020-09"})


def correct_bucks_cccs(value):
    result = Result.objects.get(key_result__code="quality-cccs-training", unit__slug="bucks-mh")
    result.value = Decimal(value)
    result.save()


def test_a_published_edition_never_changes(users_by_role):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    first = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    assert first.revision == 1 and first.changes == []
    frozen = dict(first.report)
    correct_bucks_cccs(93)
    first.refresh_from_db()
    assert first.report == frozen
    bucks = next(
        cell
        for cell in ipr_from_dict(first.report).objectives[0].okrs[1].cells
        if cell.unit == "Bucks MH"
    )
    assert bucks.value_text == "92.0%" and bucks.rag_label == "Red"


def test_republishing_after_a_correction_makes_revision_two_with_what_changed(users_by_role):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    correct_bucks_cccs(93)
    second = publish_ipr(
        by=secretary,
        data_month=SEPTEMBER,
        note="CCCS figure corrected",
        reason="Published with items open for this example",
    )
    assert second.revision == 2
    assert (
        "Quality · We will achieve 95% compliance in CCCS training · Bucks MH: value 92.0% → 93.0%"
        in second.changes
    )
    assert (
        "Quality · We will achieve 95% compliance in CCCS training · Bucks MH: rating Red → Amber"
        in second.changes
    )
    # Bucks: harm A, CCCS now A, sickness A, satisfaction R: 7 points / 4 = 1.75, still Amber.
    assert not any("overall rating" in change for change in second.changes)


def test_nothing_changed_means_no_new_revision(users_by_role):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    with pytest.raises(NothingToPublish):
        publish_ipr(
            by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
        )
    assert IprEdition.objects.count() == 1


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.VIEWER])
def test_only_secretaries_and_administrators_publish(users_by_role, role, client):
    with pytest.raises(PermissionDenied):
        publish_ipr(
            by=users_by_role[role],
            data_month=SEPTEMBER,
            reason="Published with items open for this example",
        )
    client.force_login(users_by_role[role])
    response = client.post(CLOSE, {"confirmed": "on", "reason": "Board today"})
    assert response.status_code == 403
    assert not IprEdition.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD_SECRETARY, Role.TRUST_ADMINISTRATOR])
def test_publishing_from_the_page(client, users_by_role, role):
    client.force_login(users_by_role[role])
    draft = client.get(URL).content.decode()
    assert 'data-testid="draft"' in draft and "Close the month and publish" in draft
    assert "Publish this month" in client.get(CLOSE).content.decode()
    response = client.post(CLOSE, {"confirmed": "on", "reason": "Board today"})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert 'data-testid="edition"' in page and "Revision 1" in page


def test_the_note_for_the_record_is_one_plain_line(client, users_by_role):
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    confirmed = {"confirmed": "on", "reason": "Board today"}
    refused = client.post(CLOSE, {"note": "n" * 301} | confirmed)
    assert refused.status_code == 200
    assert "Enter 300 characters or fewer" in refused.content.decode()
    assert not IprEdition.objects.filter(data_month=SEPTEMBER).exists()
    client.post(CLOSE, {"note": "For the\x00 November Board"} | confirmed)
    assert IprEdition.objects.get(data_month=SEPTEMBER).note == "For the November Board"


def test_the_page_shows_revision_two_as_revised_with_its_changes(client, users_by_role):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    correct_bucks_cccs(93)
    publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    client.force_login(users_by_role[Role.EXECUTIVE])
    page = client.get(URL).content.decode()
    assert ">Revised</strong>" in page and "Revision 2" in page
    assert "What changed from revision 1" in page and "value 92.0% → 93.0%" in page
    first = client.get(URL + "?revision=1").content.decode()
    assert "Revision 1" in first and ">Revised</strong>" not in first


def test_the_stored_form_round_trips():
    from reporting.ipr import assemble_ipr

    report = assemble_ipr(SEPTEMBER)
    assert ipr_from_dict(ipr_to_dict(report)) == report
    assert describe_changes(ipr_to_dict(report), ipr_to_dict(report)) == []


def test_a_unit_with_no_value_is_never_rated(users_by_role):
    Result.objects.filter(unit__slug="specialised").delete()
    edition = publish_ipr(
        by=users_by_role[Role.BOARD_SECRETARY],
        data_month=SEPTEMBER,
        reason="Published with items open for this example",
    )
    report = edition.report
    specialised = [
        cell
        for okr in report["objectives"][0]["okrs"]
        for cell in okr["cells"]
        if cell["unit"] == OrganisationalUnit.objects.get(slug="specialised").short_name
    ]
    assert {cell["rag_label"] for cell in specialised} == {"No data"}


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_publishes_make_one_revision(make_user):
    """Two secretaries press Publish for a month with no edition at the same moment,
    each on its own connection. The second waits for the first (the month's period
    row is locked; on SQLite the write lock is taken at BEGIN) and is then told
    nothing has changed, instead of hitting the unique revision (a server error)."""
    from datasets.seeding import load_seeds

    load_seeds()
    secretaries = [make_user(f"sec-{n}", Role.BOARD_SECRETARY) for n in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def publish(user):
        try:
            barrier.wait()
            edition = publish_ipr(
                by=user, data_month=SEPTEMBER, reason="Published with items open for this example"
            )
            outcomes.append(f"revision {edition.revision}")
        except NothingToPublish as refusal:
            outcomes.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(user,)) for user in secretaries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "Nothing has changed since revision 1: it stays the edition.",
        "revision 1",
    ]
    assert IprEdition.objects.filter(data_month=SEPTEMBER).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_value_saved_while_the_month_is_published_is_saved_and_so_is_the_edition(
    make_user, monkeypatch
):
    """A value of the month saved while a secretary publishes it (the load test did
    this): both succeed, in some order. Publishing holds the month's period so that
    a second publisher waits; it must not also stop a result that refers to the
    period being written, or each waits for the other (a deadlock, a server error)."""
    from datasets.seeding import load_seeds
    from objectives.models import StrategicObjective
    from okrs import actions as okr_actions
    from okrs.periods import MONTHLY, span_containing
    from okrs.result_planner import ResultChange
    from reporting.actions import editions
    from tests.conftest import add_active_okr

    load_seeds()
    secretary = make_user("sec", Role.BOARD_SECRETARY)
    key_result = add_active_okr(
        StrategicObjective.objects.filter(strategy__is_current=True).first(),
        "monthly-for-publishing",
        frequency=MONTHLY,
        target=90,
        target_from=datetime.date(2020, 4, 1),
    )
    september = okr_actions.ensure_period(span_containing(MONTHLY, SEPTEMBER))
    trust = OrganisationalUnit.objects.get(slug="trust")
    publishing, release = threading.Event(), threading.Event()
    real_assemble = editions.assemble_ipr

    def assemble_slowly(month):
        publishing.set()  # the period is held now
        release.wait(timeout=30)
        return real_assemble(month)

    monkeypatch.setattr(editions, "assemble_ipr", assemble_slowly)
    outcomes = {}

    def publish():
        try:
            edition = publish_ipr(
                by=secretary, data_month=SEPTEMBER, reason="Published with items open"
            )
            outcomes["publish"] = f"revision {edition.revision}"
        except Exception as failure:  # the test reports what happened
            outcomes["publish"] = repr(failure)
        finally:
            connection.close()

    def save():
        try:
            plan = okr_actions.apply_result_changes(
                by=secretary,
                changes=[ResultChange(key_result, trust, september, "91", "")],
                submit=True,
                reason="A correction",
                today=datetime.date(2020, 10, 10),
            )
            outcomes["save"] = plan.general_errors or [e for i in plan.items for e in i.errors]
        except Exception as failure:
            outcomes["save"] = repr(failure)
        finally:
            connection.close()

    publisher = threading.Thread(target=publish)
    publisher.start()
    assert publishing.wait(timeout=30)
    saver = threading.Thread(target=save)
    saver.start()
    saver.join(timeout=3)  # on SQLite it waits for the publisher's write lock
    release.set()
    publisher.join()
    saver.join()
    assert outcomes == {"publish": "revision 1", "save": []}
    assert Result.objects.get(key_result=key_result, unit=trust, period=september).value == 91


def test_a_month_is_published_only_once_it_has_ended(client, users_by_role):
    secretary = users_by_role[Role.BOARD_SECRETARY]
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError, match="can be published once the month has ended"):
        publish_ipr(
            by=secretary, data_month=this_month, reason="Published with items open for this example"
        )
    client.force_login(secretary)
    url = reverse("reporting:ipr", kwargs={"month": f"{this_month:%Y-%m}"})
    page = client.get(url + "?draft=1").content.decode()
    assert "can be published once the month has ended" in page and "Publish this month" not in page
    close = reverse("reporting:month_close", kwargs={"month": f"{this_month:%Y-%m}"})
    assert "can be published once the month has ended" in client.get(close).content.decode()
    refused = client.post(close, {"confirmed": "on", "reason": "Board today"})
    assert "can be published once the month has ended" in refused.content.decode()
    assert not IprEdition.objects.filter(data_month=this_month).exists()
