"""Where a strategy's state is shown (its page, the home page's heading, the strategy
history), a current strategy past its end date reads "Current (ended …: results
continue)". The end date is moved relative to today, so the pages read the same
whatever day the tests run."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.audit import update_fields
from objectives.models import Strategy
from objectives.roles import Role

pytestmark = pytest.mark.usefixtures("seeded")


def current_ending(day: datetime.date) -> Strategy:
    strategy = Strategy.objects.get(is_current=True)
    update_fields(strategy, {"ends_on": day}, by=None, reason="test: move the end date")
    return strategy


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def viewer_client(client, make_user):
    client.force_login(make_user("viewer-1", Role.VIEWER))
    return client


def page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_ended_yesterday_reads_as_ended_everywhere(viewer_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    strategy = current_ending(yesterday)
    wording = f"ended {long_date(yesterday)}: results continue"

    home = page(viewer_client, "objectives:home")
    assert f"Current strategy ({wording})</span>" in home
    assert f"This strategy’s period ended on {long_date(yesterday)}." in home
    assert f"Current strategy ({wording})" in page(
        viewer_client, "objectives:strategy", strategy.slug
    )
    history = page(viewer_client, "objectives:strategy_history")
    assert f'<strong class="nhsuk-tag nhsuk-tag--green">Current ({wording})</strong>' in history


def test_ending_today_reads_plainly_current(viewer_client):
    strategy = current_ending(timezone.localdate())
    for text in (
        page(viewer_client, "objectives:home"),
        page(viewer_client, "objectives:strategy", strategy.slug),
    ):
        assert "Current strategy</span>" in text
        assert "results continue" not in text
        assert "period ended on" not in text
    history = page(viewer_client, "objectives:strategy_history")
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Current</strong>' in history


def test_a_past_strategy_still_reads_as_its_status(viewer_client):
    current_ending(timezone.localdate() - datetime.timedelta(days=1))
    text = page(viewer_client, "objectives:strategy", "business-plan-fy18")
    assert "Superseded strategy</span>" in text
    assert "results continue" not in text
