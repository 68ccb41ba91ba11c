"""Results the portal loads by itself (the seeded papers) take the one write path:
the planner, a version bumped once per real change, and history that names the
portal's own account, which cannot log in.

The figures are the seed file's: Bucks MH's CCCS training compliance for Q2 2020/21
is 92% (fixtures/strategies/2021-26-trust-strategy.yaml, from the year-one OKR table).
"""

import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.system_actor import SYSTEM_USERNAME, system_actor
from datasets.seeding import load_seeds
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult, Result
from okrs.periods import parse_period_label
from okrs.result_planner import ResultChange

pytestmark = pytest.mark.usefixtures("seeded")

STRATEGY_FILE = "strategies/2021-26-trust-strategy.yaml"
REASON = f"Loaded from the Trust's seeded papers (fixtures/{STRATEGY_FILE})"


@pytest.fixture
def seeded_result() -> Result:
    return Result.objects.get(
        key_result__code="quality-cccs-training",
        unit__slug="bucks-mh",
        period=okr_actions.ensure_period(parse_period_label("Q2 2020/21")),
    )


@pytest.fixture
def seed_copy(tmp_path):
    """A copy of the seed files, to correct a figure in as a reviewer would."""
    directory = tmp_path / "fixtures"
    source = settings.BASE_DIR / "fixtures"
    shutil.copytree(source / "strategies", directory / "strategies")
    shutil.copy(source / "organisation.yaml", directory / "organisation.yaml")
    return directory


def correct_bucks_cccs(directory, old: str, new: str) -> None:
    path = directory / STRATEGY_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(f"bucks-mh: {old}\n") == 1
    path.write_text(text.replace(f"bucks-mh: {old}\n", f"bucks-mh: {new}\n"), encoding="utf-8")


def the_system():
    return get_user_model().objects.get(username=SYSTEM_USERNAME)


def test_a_seeded_result_is_written_by_the_portals_own_account(seeded_result):
    assert seeded_result.value == Decimal(92) and seeded_result.version == 1
    assert seeded_result.entered_by == the_system()
    assert seeded_result.source.startswith("003 year-one OKR table")
    [created] = seeded_result.history.all()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        the_system(),
        REASON,
    )
    # Every seeded result, and every record the seeds made, names it.
    system = the_system().pk
    assert set(Result.history.values_list("history_user", flat=True)) == {system}
    assert set(KeyResult.history.values_list("history_user", flat=True)) == {system}


def test_a_corrected_seed_figure_changes_the_one_row_and_its_version_once(seeded_result, seed_copy):
    rows = Result.objects.count()
    correct_bucks_cccs(seed_copy, "92", "93")
    report = load_seeds(directory=seed_copy)
    assert (report.created, report.updated) == (0, 1)
    seeded_result.refresh_from_db()
    assert seeded_result.value == Decimal(93) and seeded_result.version == 2
    assert Result.objects.count() == rows
    latest = seeded_result.history.order_by("-history_date").first()
    assert (latest.history_type, latest.value, latest.version) == ("~", Decimal(93), 2)
    assert (latest.history_user, latest.history_change_reason) == (the_system(), REASON)

    # The same files again: nothing to change, nothing written.
    report = load_seeds(directory=seed_copy)
    assert (report.created, report.updated) == (0, 0)
    seeded_result.refresh_from_db()
    assert seeded_result.version == 2 and seeded_result.history.count() == 2
    others = Result.objects.exclude(pk=seeded_result.pk)
    assert set(others.values_list("version", flat=True)) == {1}


def test_reloading_unchanged_seeds_writes_no_result(seeded_result):
    history = Result.history.count()
    report = load_seeds()
    assert (report.created, report.updated) == (0, 0)
    assert Result.history.count() == history
    assert set(Result.objects.values_list("version", flat=True)) == {1}


def test_a_form_saved_on_the_version_before_a_seed_correction_is_refused(
    client, users_by_role, seeded_result, seed_copy
):
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    period = seeded_result.period
    url = reverse("okrs:enter_results", kwargs={"unit": bucks.slug, "period": period.pk})
    secretary = users_by_role[Role.BOARD_SECRETARY]
    client.force_login(secretary)
    assert client.get(url).status_code == 200
    # The page as the secretary opened it: every stored value at version 1.
    page = {}
    for result in Result.objects.filter(unit=bucks, period=period):
        page |= {
            f"value_{result.key_result_id}": f"{result.value.normalize():f}",
            f"comment_{result.key_result_id}": result.comment,
            f"version_{result.key_result_id}": result.version,
        }
    assert page[f"version_{seeded_result.key_result_id}"] == 1

    correct_bucks_cccs(seed_copy, "92", "93")
    load_seeds(directory=seed_copy)

    response = client.post(
        url,
        {
            **page,
            f"value_{seeded_result.key_result_id}": "95",
            "reason": "Ward return corrected",
            "submit": "1",
        },
    )
    assert response.status_code == 200
    assert (
        "Strategy Portal (system) changed this value to 93.0% while you were editing. "
        "Check it, then save again"
    ) in response.content.decode()
    seeded_result.refresh_from_db()
    assert seeded_result.value == Decimal(93) and seeded_result.version == 2
    assert not seeded_result.history.filter(history_user=secretary).exists()


def test_the_portals_own_account_cannot_log_in(client, make_user):
    system = system_actor()
    assert not system.is_active and not system.has_usable_password()
    request = RequestFactory().post(reverse("login"))
    assert authenticate(request, username=SYSTEM_USERNAME, password="") is None
    # Not with the stored (unusable) hash typed as a password either.
    for password in ("", system.password):
        response = client.post(
            reverse("login"), {"username": SYSTEM_USERNAME, "password": password}
        )
        assert response.status_code == 200  # the form again, not a redirect
        assert "_auth_user_id" not in client.session
    # Nor is a session made for it honoured, where one made for a person is.
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), ModelBackend)
    )
    home = reverse("objectives:home")
    client.force_login(make_user("vic", Role.VIEWER), backend=backend)
    assert client.get(home).status_code == 200
    client.force_login(system, backend=backend)
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_account_of_that_name_that_can_log_in_is_not_the_portals(seeded_result):
    account = system_actor()
    account.is_active = True
    account.set_password("correct horse battery")
    account.save()
    with pytest.raises(ImproperlyConfigured, match="must be inactive"):
        system_actor()
    # The planner allows the portal's own account by name only while it cannot log
    # in: this one is an account without a role, refused like any other.
    plan = okr_actions.apply_result_changes(
        by=account,
        changes=[
            ResultChange(seeded_result.key_result, seeded_result.unit, seeded_result.period, "93")
        ],
        submit=True,
        reason="Trying",
    )
    assert plan.general_errors == ["You cannot enter results for Bucks MH."]
    seeded_result.refresh_from_db()
    assert seeded_result.value == Decimal(92) and seeded_result.version == 1


def test_the_okr_page_says_a_seeded_value_was_loaded_from_the_papers(client, users_by_role):
    """Entered by the portal's own account with a source paper: the table says where
    it came from, not the account's name."""
    client.force_login(users_by_role[Role.VIEWER])
    page = client.get(reverse("okrs:key_result", args=["quality-cccs-training"])).content.decode()
    assert "Loaded from the papers" in page
    assert "Strategy Portal (system)" not in page
