"""The month close: the checklist read from the data, reminders to units that owe
values, publishing with a confirmation (and a reason when items are open), revisions
offered only when something changed, and sending the pack.

The month is September 2026. The seeded current strategy's four active OKRs are all
quarterly, so its report shows Q2 2026/27 (July–September 2026), due 20 October
2026: every day these tests run on is after it, so what is owed is late."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import OrganisationalUnit, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange
from reporting.actions import publish_ipr, write_narrative
from reporting.actions.month_close import distribute_pack, parse_recipients, remind_unit
from reporting.actions.pack_exports import request_pack_export
from reporting.ipr import assemble_ipr
from reporting.models import IprEdition, PackExport, PackFile, SentMessage
from reporting.selectors import month_close
from tests.month_close_world import clear_the_checklist, superuser_with_person

pytestmark = pytest.mark.usefixtures("seeded")

MONTH = datetime.date(2026, 9, 1)
CLOSE = reverse("reporting:month_close", kwargs={"month": "2026-09"})
REMIND = reverse("reporting:remind_unit", kwargs={"month": "2026-09"})
CODES = [
    "quality-reduce-harm",
    "quality-cccs-training",
    "quality-staff-sickness",
    "quality-patient-satisfaction",
]
VALUES = {
    "quality-reduce-harm": "800",
    "quality-cccs-training": "96",
    "quality-staff-sickness": "3.1",
    "quality-patient-satisfaction": "92",
}


@pytest.fixture
def quarter():
    return okr_actions.ensure_period(parse_period_label("Q2 2026/27"))


def unit(slug: str) -> OrganisationalUnit:
    return OrganisationalUnit.objects.get(slug=slug)


@pytest.fixture
def bea(make_user):
    """Leads Bucks MH, with her own address recorded."""
    user = make_user("bea", Role.DIRECTORATE_LEAD)
    person = strategy_actions.create_person(
        by=None, slug="bea", full_name="Bea Lead", user=user, email="bea@example.com", reason="t"
    )
    strategy_actions.set_units_led(by=None, person=person, units=[unit("bucks-mh")], reason="t")
    return user


@pytest.fixture
def secretary(users_by_role):
    user = users_by_role[Role.BOARD_SECRETARY]
    user.first_name, user.last_name = "Sam", "Secretary"
    user.save()
    return user


def enter(by, slug, period, values: dict[str, str], *, submit: bool) -> None:
    changes = [
        ResultChange(
            KeyResult.objects.prefetch_related("targets").get(code=code),
            unit(slug),
            period,
            raw,
            comment="Checked",
        )
        for code, raw in values.items()
    ]
    plan = okr_actions.apply_result_changes(
        by=by, changes=changes, submit=submit, today=datetime.date(2026, 10, 5), reason="Late"
    )
    assert not plan.has_errors, plan


def checklist_now():
    return month_close(MONTH, datetime.date.today(), assemble_ipr(MONTH))


def test_a_unit_that_has_submitted_everything_is_off_the_list_and_a_draft_is_on_it(quarter, bea):
    first_three = {code: VALUES[code] for code in CODES[:3]}
    enter(bea, "bucks-mh", quarter, first_three, submit=True)
    enter(bea, "bucks-mh", quarter, {CODES[3]: VALUES[CODES[3]]}, submit=False)
    before = checklist_now()
    bucks = next(row for row in before.outstanding if row.unit.slug == "bucks-mh")
    assert (bucks.not_entered, bucks.drafts, bucks.is_late) == (0, 1, True)
    assert [(row.unit.slug, row.key_result.code) for row in before.drafts] == [
        ("bucks-mh", "quality-patient-satisfaction")
    ]
    assert [lead.full_name for lead in bucks.leads] == ["Bea Lead"]
    enter(bea, "bucks-mh", quarter, {CODES[3]: VALUES[CODES[3]]}, submit=True)
    after = checklist_now()
    assert "bucks-mh" not in [row.unit.slug for row in after.outstanding]
    assert after.drafts == ()


def test_the_page_lists_each_item_with_where_it_is_put_right(client, secretary, quarter, bea):
    enter(bea, "bucks-mh", quarter, {"quality-cccs-training": "97"}, submit=False)
    client.force_login(secretary)
    page = client.get(CLOSE).content.decode()
    assert "Close the month" in page and "September 2026 data" in page
    assert 'data-testid="item-submissions"' in page and "Bea Lead" in page
    assert 'Send reminder<span class="nhsuk-u-visually-hidden"> to Buckinghamshire' in page
    assert reverse("okrs:tracking", args=[quarter.pk]) in page
    drafts = page[
        page.index('data-testid="item-drafts"') : page.index('data-testid="item-summaries"')
    ]
    assert reverse("okrs:tracking", args=[quarter.pk]) in drafts
    assert "not written" in page
    # A secretary cannot confirm rules: the page says who does.
    assert "A Trust administrator confirms them on the Rating rules page" in page
    assert 'data-testid="open-items"' in page and 'name="reason"' in page


def test_a_reminder_goes_to_the_leads_and_is_kept(client, secretary, quarter, bea, mailoutbox):
    client.force_login(secretary)
    bucks = unit("bucks-mh")
    response = client.post(REMIND, {"unit": bucks.pk, "period": quarter.pk}, follow=True)
    page = response.content.decode()
    assert "Reminded the leads of Buckinghamshire" in page and "bea@example.com" in page
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["bea@example.com"]
    assert message.subject == "Strategy Portal: results overdue"
    assert "Sam Secretary sent you this reminder while closing the month's report." in message.body
    assert "We will achieve 95% compliance in CCCS training: no value yet" in message.body
    # Q2's entry closed on 30 November 2026: the lead is asked to send the values.
    assert "Entry has closed: send the values to Sam Secretary, who will enter them." in (
        message.body
    )
    sent = SentMessage.objects.get()
    assert (sent.kind, sent.unit, sent.period, sent.sent_by) == (
        "reminder",
        bucks,
        quarter,
        secretary,
    )
    assert sent.recipients == ["bea@example.com"] and sent.sent and sent.body == message.body
    assert 'data-testid="sent-messages"' in page and "Reminder: Buckinghamshire" in page
    assert "Reminded " in page  # when, beside the unit

    # A second click within the hour sends nothing more.
    again = client.post(REMIND, {"unit": bucks.pk, "period": quarter.pk}, follow=True)
    assert "Remind them again after an hour" in again.content.decode()
    assert len(mailoutbox) == 1 and SentMessage.objects.count() == 1


def test_who_cannot_be_reminded_is_said(secretary, quarter, bea, mailoutbox):
    with pytest.raises(ValidationError, match="No one can be reminded for .*: no lead recorded"):
        remind_unit(by=secretary, data_month=MONTH, unit=unit("specialised"), period=quarter)
    enter(bea, "bucks-mh", quarter, VALUES, submit=True)
    with pytest.raises(ValidationError, match="has submitted everything for Q2 2026/27"):
        remind_unit(by=secretary, data_month=MONTH, unit=unit("bucks-mh"), period=quarter)
    other = okr_actions.ensure_period(parse_period_label("Q1 2026/27"))
    with pytest.raises(ValidationError, match="is not a period the September 2026 report shows"):
        remind_unit(by=secretary, data_month=MONTH, unit=unit("bucks-mh"), period=other)
    assert mailoutbox == [] and not SentMessage.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"unit": "x", "period": "1"}, {"unit": "1", "period": "9" * 40}, {"unit": "-1"}],
)
def test_a_reminder_for_no_unit_is_a_plain_message(client, secretary, quarter, data):
    client.force_login(secretary)
    response = client.post(REMIND, data, follow=True)
    assert response.status_code == 200
    assert "Choose a unit to remind from the list." in response.content.decode()


def test_a_reminder_for_a_unit_that_is_not_there_is_not_found(client, secretary, quarter):
    client.force_login(secretary)
    assert client.post(REMIND, {"unit": 99999, "period": quarter.pk}).status_code == 404


def test_publishing_with_items_open_needs_a_reason_and_records_it(client, secretary, quarter):
    client.force_login(secretary)
    refused = client.post(CLOSE, {"confirmed": "on"})
    assert refused.status_code == 200
    assert "Say why the report is published with items open" in refused.content.decode()
    unconfirmed = client.post(CLOSE, {"reason": "Board on Wednesday"})
    assert "Confirm that the report can go to the Board" in unconfirmed.content.decode()
    assert not IprEdition.objects.exists()

    open_items = checklist_now().open_items
    response = client.post(CLOSE, {"confirmed": "on", "reason": "Board on Wednesday"})
    assert response.status_code == 302
    edition = IprEdition.objects.get()
    assert edition.open_items == open_items and len(open_items) >= 3
    assert edition.open_items_reason == "Board on Wednesday"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="published-with-open-items"' in page and "Why: Board on Wednesday" in page


def test_the_action_refuses_open_items_without_a_reason(secretary, quarter):
    with pytest.raises(ValidationError, match="Say why the report is published with items open"):
        publish_ipr(by=secretary, data_month=MONTH)
    assert not IprEdition.objects.exists()


def test_a_clear_checklist_publishes_without_a_reason(client, secretary, quarter, make_user):
    """Everything put right through the actions: every value submitted, every
    summary signed, every exception's commentary written, every rule confirmed."""
    assert len(checklist_now().open_items) >= 3
    clear_the_checklist(MONTH, by=superuser_with_person(make_user))
    assert checklist_now().open_items == [] and checklist_now().is_clear
    client.force_login(secretary)
    page = client.get(CLOSE).content.decode()
    assert 'data-testid="checklist-clear"' in page and 'name="reason"' not in page
    assert page.count('nhsuk-tag--green">Done</strong>') == 7
    client.post(CLOSE, {"confirmed": "on"})
    edition = IprEdition.objects.get()
    assert edition.open_items == [] and edition.open_items_reason == ""


def test_a_revision_is_offered_only_when_something_changed(client, secretary, quarter, bea):
    enter(bea, "bucks-mh", quarter, VALUES, submit=True)
    publish_ipr(by=secretary, data_month=MONTH, reason="Board on Wednesday")
    client.force_login(secretary)
    page = client.get(CLOSE).content.decode()
    assert 'data-testid="nothing-changed"' in page and "Publish revision 2" not in page
    # A correction: the page lists it and offers revision 2.
    enter(secretary, "bucks-mh", quarter, {"quality-cccs-training": "94"}, submit=True)
    page = client.get(CLOSE).content.decode()
    assert 'data-testid="changes"' in page and "Publish revision 2" in page
    assert "Bucks MH: value 96.0% → 94.0%" in page


def test_a_signed_summary_leaves_the_list(secretary, quarter, users_by_role):
    executive = users_by_role[Role.EXECUTIVE]
    quality = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    strategy_actions.assign_role(
        by=None,
        role=quality.lead_roles.first(),
        person=strategy_actions.create_person(
            by=None, slug="erin", full_name="Erin", user=executive, reason="t"
        ),
        source="test",
        reason="t",
    )
    names = [summary.name for summary in checklist_now().summaries]
    assert "Quality" in names
    write_narrative(
        by=executive,
        objective=quality,
        period=okr_actions.ensure_period(parse_period_label("September 2026")),
        content={"text": "Harm is down; CCCS training recovers in October."},
    )
    written = next(s for s in checklist_now().summaries if s.name == "Quality")
    assert written.written
    write_narrative(
        by=executive,
        objective=quality,
        period=okr_actions.ensure_period(parse_period_label("September 2026")),
        content={"text": "Harm is down; CCCS training recovers in October."},
        sign_off=True,
    )
    assert "Quality" not in [summary.name for summary in checklist_now().summaries]


def _published_with_pdf(secretary, *, size=2048):
    edition = publish_ipr(by=secretary, data_month=MONTH, reason="Board on Wednesday")
    export = request_pack_export(by=secretary, data_month=MONTH, edition=edition)
    PackExport.objects.filter(pk=export.pk).update(
        status=PackExport.Status.DONE, finished_at=edition.published_at
    )
    pdf = PackFile(
        export=export,
        format="pdf",
        filename="ipr-2026-09-revision-1.pdf",
        size=size,
        sha256="ab" * 32,
        page_count=20,
    )
    pdf.file.save(pdf.filename, ContentFile(b"%PDF-1.7\n" + b"x" * 100), save=True)
    return edition, pdf


def test_the_pack_goes_to_the_distribution_list_attached(client, secretary, quarter, mailoutbox):
    edition, pdf = _published_with_pdf(secretary)
    client.force_login(secretary)
    url = reverse("reporting:distribute_pack", kwargs={"month": "2026-09", "revision": 1})
    response = client.post(
        url,
        {
            "recipients": "chair@example.com\nceo@example.com, chair@example.com",
            "message": "Papers for the Board on 9 December.",
            "delivery": "attach",
        },
        follow=True,
    )
    assert "Sent revision 1’s pack to 2 addresses." in response.content.decode()
    message = mailoutbox[0]
    assert message.to == ["chair@example.com", "ceo@example.com"]
    assert message.subject == (
        "Oxford Health NHS Foundation Trust: Integrated Performance Report, "
        "September 2026 data (revision 1)"
    )
    assert message.body.startswith("Papers for the Board on 9 December.\n")
    assert f"SHA-256 checksum of the file: {'ab' * 32}" in message.body
    assert message.attachments[0].filename == "ipr-2026-09-revision-1.pdf"
    assert message.attachments[0].mimetype == "application/pdf"
    sent = SentMessage.objects.get(kind="pack")
    assert sent.edition == edition and sent.attachment == pdf.filename and sent.sent
    assert sent.recipients == ["chair@example.com", "ceo@example.com"]
    # The next month's form starts with the same list.
    page = client.get(CLOSE).content.decode()
    assert "chair@example.com\nceo@example.com</textarea>" in page


def test_the_pack_can_go_as_a_link(secretary, quarter, mailoutbox, settings):
    settings.SITE_URL = "https://portal.example.nhs.uk"
    edition, pdf = _published_with_pdf(secretary)
    distribute_pack(
        by=secretary, edition=edition, recipients="chair@example.com", message="", attach=False
    )
    body = mailoutbox[0].body
    assert f"Download the pack: https://portal.example.nhs.uk/ipr/files/{pdf.pk}/" in body
    assert mailoutbox[0].attachments == []


def test_the_pack_is_sent_only_once_exported(secretary, quarter, mailoutbox):
    edition = publish_ipr(by=secretary, data_month=MONTH, reason="Board on Wednesday")
    with pytest.raises(ValidationError, match="Export the pack of revision 1 first"):
        distribute_pack(
            by=secretary, edition=edition, recipients="a@example.com", message="", attach=True
        )
    assert mailoutbox == []


def test_a_large_pdf_goes_as_a_link(secretary, quarter, mailoutbox):
    edition, _pdf = _published_with_pdf(secretary, size=11 * 1024 * 1024)
    with pytest.raises(ValidationError, match="too large to attach .* send a link instead"):
        distribute_pack(
            by=secretary, edition=edition, recipients="a@example.com", message="", attach=True
        )
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter at least one e-mail address."),
        (" ,; \n", "Enter at least one e-mail address."),
        ("chair@example.com\nnot an address", "These are not e-mail addresses: not, an, address."),
        ("x" * 300, "These are not e-mail addresses: " + "x" * 80 + "."),
        (
            "\n".join(f"m{n}@example.com" for n in range(101)),
            "Enter at most 100 addresses (there are 101).",
        ),
    ],
)
def test_the_distribution_list_is_checked(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_recipients(typed)
    assert refused.value.messages == [message]


def test_a_refusing_mail_server_is_said_and_kept(secretary, quarter, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.integration.test_month_close.Refusing"}}
    edition, _pdf = _published_with_pdf(secretary)
    sent = distribute_pack(
        by=secretary, edition=edition, recipients="a@example.com", message="", attach=True
    )
    assert not sent.sent and "The mail server did not take it: connection refused" in sent.error


class Refusing:
    def __init__(self, **options):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.VIEWER])
def test_only_secretaries_and_administrators_close_the_month(client, users_by_role, role, quarter):
    client.force_login(users_by_role[role])
    assert client.get(CLOSE).status_code == 403
    assert client.post(REMIND, {"unit": 1, "period": quarter.pk}).status_code == 403


def test_the_menu_opens_the_latest_month_that_has_ended(client, secretary):
    """The menu's Month close opens the month the IPR opens on (the latest with
    results, September 2020 in the seeds), as it has ended."""
    client.force_login(secretary)
    page = client.get(reverse("reporting:ipr_latest"), follow=True).content.decode()
    assert 'href="/ipr/close/"' in page and ">Month close<" in page
    response = client.get(reverse("reporting:month_close_latest"))
    assert response["Location"] == "/ipr/2020-09/close/"
