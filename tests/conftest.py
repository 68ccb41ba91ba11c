import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from objectives.roles import Role, group_name


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Trust's seeded strategy once into the test database.

    Tests using `db` run inside a transaction that is rolled back, so each sees
    the seeds as loaded. pytest-django runs those before transactional tests
    (browser tests), which flush the database and load what they need themselves.
    """
    from datasets.seeding import load_seeds

    with django_db_blocker.unblock():
        load_seeds()


@pytest.fixture
def seeded(db):
    """The Trust's seeded strategy (loaded once per session, see above)."""


@pytest.fixture
def make_user(db):
    """A user in one role (or none)."""

    def make(username: str, role: Role | None = None, **fields):
        user = get_user_model().objects.create_user(
            username=username, password="correct horse battery", **fields
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=group_name(role)))
        return user

    return make


@pytest.fixture
def users_by_role(make_user):
    return {role: make_user(role.value, role) for role in Role}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords properly takes ~0.3 s each; tests need many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded spreadsheets and exported packs are written under MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept: the data version starts again with each
    test's database, so a report kept by one test could be taken for another's.
    (SPC readings remembered by series could not be: they are emptied so that a
    test counting the series worked out starts from none. The process's recent
    reports are keyed like the cache, so they are emptied with it.)"""
    from django.core.cache import cache

    from reporting.ipr import forget_recent_reports
    from reporting.spc.remembered import series_spc

    cache.clear()
    series_spc.cache_clear()
    forget_recent_reports()
    yield
    cache.clear()


def add_active_okr(
    objective,
    code: str,
    *,
    frequency: str,
    target: int,
    target_from: datetime.date,
    statement: str = "",
    focus_area=None,
):
    """An active 'higher is better' percentage OKR with one target, made through the
    actions as an administrator would (for tests that need many OKRs)."""
    from okrs import actions as okr_actions

    key_result = okr_actions.create_key_result(
        by=None,
        objective=objective,
        code=code,
        statement=statement or f"{code} statement",
        status="active",
        measure="percentage",
        direction="increase",
        frequency=frequency,
        focus_area=focus_area,
        reason="test",
    )
    okr_actions.set_target(
        by=None,
        key_result=key_result,
        value=Decimal(target),
        effective_from=target_from,
        reason="test",
    )
    return key_result


def make_unit_lead(make_user, unit, username: str = "bucks-lead"):
    """A directorate lead who leads `unit`, as the product records it (a person with
    a login, leading the unit), named Bea Lead."""
    from objectives import actions as strategy_actions

    user = make_user(username, Role.DIRECTORATE_LEAD, first_name="Bea", last_name="Lead")
    person = strategy_actions.create_person(
        by=None, slug=username, full_name="Bea Lead", user=user, reason="test"
    )
    strategy_actions.set_units_led(by=None, person=person, units=[unit], reason="test")
    return user


def period_open_today(span):
    """The reporting period of `span` with its entry window moved (as an administrator
    may) to include today, so a lead may save drafts and submit."""
    from django.utils import timezone

    from okrs.models import ReportingPeriod

    today = timezone.localdate()
    return ReportingPeriod.objects.create(
        frequency=span.frequency,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        opens_on=today - datetime.timedelta(days=10),
        due_on=today,
        closes_on=today + datetime.timedelta(days=10),
    )


@pytest.fixture
def worker_keeps_the_test_connection(monkeypatch):
    """For tests that run the background worker in the test's own process: it
    closes database connections between tasks, as a long-running process should;
    inside a test's transaction that would end the test's."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
