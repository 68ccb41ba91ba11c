"""Edge dates and odd parameters in addresses and query strings: a month outside
the strategy's span, a month that is not a month, dates at the end of the
calendar, a page size below one. Each gets a 404 or a plain message, never a 500,
and opening a page writes nothing."""

import datetime
import io
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import StrategicObjective
from objectives.roles import Role
from okrs import selectors as okr_selectors
from okrs.models import ReportingPeriod
from reporting.actions import publish_ipr
from reporting.models import IprEdition, Narrative
from tests.portal_world import changed_tables, row_counts

pytestmark = pytest.mark.usefixtures("seeded")
OUTSIDE = ["0001-01", "1900-01", "2011-12", "2028-04", "3000-06", "9999-11", "9999-12"]
NOT_MONTHS = ["2026-13", "2026-00", "2026-1", "0000-01", "abc", "2026-10-01"]


@contextmanager
def nothing_written():
    before = row_counts()
    yield
    assert changed_tables(before, row_counts()) == {}


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def chief_nurse(make_user):
    """The executive director of objective 1 (quality), who writes its summary."""
    user = make_user("cn", Role.EXECUTIVE)
    person = strategy_actions.create_person(
        by=None, slug="cn", full_name="Cee Nurse", user=user, reason="test"
    )
    role = StrategicObjective.objects.get(strategy__is_current=True, number=1).lead_roles.first()
    strategy_actions.assign_role(by=None, role=role, person=person, reason="test")
    return user


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The reporting range depends on today: fix it (the range then ends March 2028)."""
    monkeypatch.setattr("okrs.selectors.today", lambda: datetime.date(2026, 11, 30))


def test_the_range_runs_from_the_first_strategy_to_the_end_of_next_financial_year():
    months = okr_selectors.reportable_months()
    assert (months.first, months.last) == (datetime.date(2012, 1, 1), datetime.date(2028, 3, 1))


@pytest.mark.parametrize("month", OUTSIDE)
def test_a_month_outside_the_range_is_not_found_and_says_why(client, users_by_role, month):
    client.force_login(users_by_role[Role.EXECUTIVE])
    with nothing_written():
        response = client.get(reverse("reporting:ipr", args=[month]))
    assert response.status_code == 404
    assert "outside the months the portal reports on" in response.content.decode()
    assert "January 2012 to March 2028" in response.content.decode()


@pytest.mark.parametrize("month", NOT_MONTHS)
def test_a_month_that_is_not_a_month_is_not_found(client, users_by_role, month):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(reverse("reporting:ipr", args=[month]))
    assert response.status_code == 404
    assert "Choose a month such as 2020-09" in response.content.decode()


@pytest.mark.parametrize("month", ["0001-01", "1900-01", "9999-12", "2026-13"])
def test_publishing_a_month_outside_the_range_is_refused(client, users_by_role, month):
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    response = client.post(
        reverse("reporting:month_close", args=[month]), {"confirmed": "on", "reason": "Board"}
    )
    assert response.status_code == 404
    assert not IprEdition.objects.exists()


@pytest.mark.parametrize(
    "day", [datetime.date(1, 1, 1), datetime.date(1900, 1, 1), datetime.date(9999, 12, 1)]
)
def test_the_publish_action_refuses_a_month_outside_the_range(users_by_role, day):
    """The command line and the page share the rule: it is in the action."""
    with pytest.raises(ValidationError, match="outside the months the portal reports on"):
        publish_ipr(
            by=users_by_role[Role.BOARD_SECRETARY],
            data_month=day,
            reason="Published with items open for this example",
        )
    assert not IprEdition.objects.exists()


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "3000-06"])
def test_a_narrative_page_for_a_month_outside_the_range_is_not_found(client, chief_nurse, month):
    client.force_login(chief_nurse)
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    url = reverse("reporting:edit_summary", args=[month, objective.pk])
    with nothing_written():
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Words"}).status_code == 404


@pytest.mark.parametrize("month", ["2012-01", "2021-06", "2028-03"])
def test_opening_a_narrative_page_creates_no_period(client, chief_nurse, month):
    client.force_login(chief_nurse)
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    url = reverse("reporting:edit_summary", args=[month, objective.pk])
    with nothing_written():
        response = client.get(url)
    assert response.status_code == 200
    assert "Executive summary" in response.content.decode()


def test_saving_a_narrative_makes_its_month_within_the_range(client, chief_nurse):
    client.force_login(chief_nurse)
    objective = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    url = reverse("reporting:edit_summary", args=["2027-06", objective.pk])
    assert not ReportingPeriod.objects.filter(starts_on=datetime.date(2027, 6, 1)).exists()
    response = client.post(url, {"text": "Ahead of plan."})
    assert response.status_code == 302
    period = ReportingPeriod.objects.get(frequency="monthly", starts_on=datetime.date(2027, 6, 1))
    assert Narrative.objects.get(period=period).text == "Ahead of plan."


@pytest.mark.parametrize("month", ["2026/10", "<script>", "9999-12", "2026-13", " "])
def test_a_bad_month_from_the_chooser_shows_the_latest_report_with_a_message(
    client, users_by_role, month
):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(reverse("reporting:ipr_latest"), {"month": month}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("/ipr/2020-09/")
    content = response.content.decode()
    assert "September 2020 data" in content
    assert "choose a month from the list" in content.lower()
    assert "<script>" not in content.split("<main", 1)[1].split("</main>")[0]


def test_a_good_month_from_the_chooser_opens_it(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(reverse("reporting:ipr_latest"), {"month": "2020-08"})
    assert response.status_code == 302 and response["Location"].endswith("/ipr/2020-08/")


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01"), ("2024-01-01", "9999-12-31")],
)
def test_audit_dates_at_the_end_of_the_calendar_are_explained(
    client, users_by_role, date_from, date_to
):
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    response = client.get(reverse("okrs:audit_log"), {"date_from": date_from, "date_to": date_to})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a date between 1 January 2000 and" in content


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "100000", "1e3"])
def test_an_okr_page_with_an_odd_page_size_still_shows(client, users_by_role, per_page):
    client.force_login(users_by_role[Role.VIEWER])
    url = reverse("okrs:key_result", args=["quality-cccs-training"])
    response = client.get(url, {"per_page": per_page, "page": "999"})
    assert response.status_code == 200
    table = response.context["table"]
    assert 1 <= table.paginator.per_page <= 100
    assert table.page.number == table.paginator.num_pages


def test_an_okr_page_size_within_bounds_is_kept(client, users_by_role):
    client.force_login(users_by_role[Role.VIEWER])
    url = reverse("okrs:key_result", args=["quality-cccs-training"])
    assert client.get(url, {"per_page": "10"}).context["table"].paginator.per_page == 10


@pytest.mark.parametrize("period", ["-1", "0", "99999999999999999999", "abc", "²", "١٢"])
def test_tracking_with_an_odd_period_is_not_found_or_shows_the_default(
    client, users_by_role, period
):
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    response = client.get(reverse("okrs:tracking"), {"period": period}, follow=True)
    assert response.status_code in (200, 404)
    response = client.get(f"/tracking/{period}/")
    assert response.status_code == 404


# --- Opening a page writes nothing ------------------------------------------------


@pytest.fixture
def lead(make_user):
    from objectives.models import OrganisationalUnit

    user = make_user("bea", Role.DIRECTORATE_LEAD)
    person = strategy_actions.create_person(
        by=None, slug="bea", full_name="Bea Lead", user=user, reason="test"
    )
    strategy_actions.set_units_led(
        by=None,
        person=person,
        units=[OrganisationalUnit.objects.get(slug="bucks-mh")],
        reason="test",
    )
    return user


@pytest.mark.parametrize("month", ["2012-01", "2020-09", "2026-10", "2028-03"])
def test_opening_the_ipr_of_any_month_writes_nothing(client, users_by_role, month):
    client.force_login(users_by_role[Role.EXECUTIVE])
    with nothing_written():
        assert client.get(reverse("reporting:ipr", args=[month])).status_code == 200
        assert client.get(reverse("reporting:ipr", args=[month]), {"draft": "1"}).status_code == 200


def test_the_pages_that_list_open_periods_write_nothing(client, users_by_role, lead):
    """Which periods are open is worked out when they are made (by `open_periods`,
    run daily, and `send_reminders`), not when someone looks."""
    period = ReportingPeriod.objects.order_by("-starts_on").first()
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    with nothing_written():
        assert client.get(reverse("okrs:tracking")).status_code == 200
        assert client.get(reverse("okrs:tracking", args=[period.pk])).status_code == 200
        assert client.get(reverse("okrs:upload")).status_code == 200
        assert client.get(reverse("okrs:my_submissions")).status_code == 200
    client.force_login(lead)
    with nothing_written():
        assert client.get(reverse("okrs:my_submissions")).status_code == 200
        assert client.get(reverse("okrs:upload")).status_code == 200
        response = client.get(reverse("okrs:enter_results", args=["bucks-mh", period.pk]))
        assert response.status_code == 200


def test_the_open_periods_are_made_by_the_daily_command():
    before = ReportingPeriod.objects.count()
    out = io.StringIO()
    call_command("open_periods", "--today", "2026-11-30", stdout=out)
    made = {
        (period.frequency, period.starts_on)
        for period in ReportingPeriod.objects.filter(starts_on__gte=datetime.date(2026, 7, 1))
    }
    assert ("monthly", datetime.date(2026, 10, 1)) in made
    assert ("quarterly", datetime.date(2026, 7, 1)) in made
    assert "October 2026" in out.getvalue() and "Q2 2026/27" in out.getvalue()
    count = ReportingPeriod.objects.count()
    assert count > before
    call_command("open_periods", "--today", "2026-11-30", stdout=io.StringIO())
    assert ReportingPeriod.objects.count() == count  # run again, nothing more


def test_periods_made_outside_the_range_before_this_fix_are_not_offered(client, users_by_role):
    """Opening narrative pages used to make periods for any month (0001-01, 1900-01,
    3000-06, 9999-11). Where they remain, no chooser offers them."""
    from okrs import actions as okr_actions
    from okrs import periods

    for year, month in [(1, 1), (1900, 1), (3000, 6), (9999, 11)]:
        okr_actions.ensure_period(periods.month_span(year, month))
    okr_actions.ensure_period(periods.span_containing("quarterly", datetime.date(1900, 1, 1)))
    odd_years = ("January 1<", "1900", "3000", "9999", "1899/00")

    client.force_login(users_by_role[Role.EXECUTIVE])
    chooser = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    client.force_login(users_by_role[Role.BOARD_SECRETARY])
    tracking = client.get(reverse("okrs:tracking")).content.decode()
    client.force_login(users_by_role[Role.TRUST_ADMINISTRATOR])
    target = client.get(
        reverse("okrs:change_target", args=["quality-cccs-training"])
    ).content.decode()
    for page in (chooser, tracking, target):
        assert not [odd for odd in odd_years if odd in page]
    assert "September 2020" in chooser


@pytest.mark.parametrize("sort", ["nonsense", "target", "-comment", "period,-unit", "__class__"])
def test_an_okr_page_sorted_by_an_odd_column_still_shows(client, users_by_role, sort):
    client.force_login(users_by_role[Role.VIEWER])
    url = reverse("okrs:key_result", args=["quality-cccs-training"])
    assert client.get(url, {"sort": sort}).status_code == 200
