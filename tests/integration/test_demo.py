import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from accounts.system_actor import SYSTEM_USERNAME
from datasets.demo import DEMO_USERS, load_demo
from objectives.models import Person
from objectives.roles import Role
from okrs.models import KeyResult, Result

pytestmark = pytest.mark.usefixtures("seeded")
TODAY = datetime.date(2026, 11, 22)


def test_demo_users_one_per_role_with_the_printed_logins():
    outcome = load_demo(today=TODAY)
    assert {demo.role for demo in outcome["users"]} == set(Role)
    for demo in DEMO_USERS:
        # A request, as the login page gives: login throttling needs its address.
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=demo.username, password=demo.password)
        assert user is not None, demo.username
        assert [group.name for group in user.groups.all()] == [demo.role.label]
    lead = Person.objects.get(user__username="lead")
    assert lead.is_demo
    assert set(lead.lead_for_units.values_list("slug", flat=True)) == {
        "community-services",
        "oxon-bsw-mh",
    }


def test_demo_history_is_marked_and_leaves_the_seeded_facts_alone():
    seeded = {
        (result.key_result_id, result.unit_id): result.value
        for result in Result.objects.filter(period__starts_on=datetime.date(2020, 7, 1))
    }
    load_demo(today=TODAY)
    for (key_result_id, unit_id), value in seeded.items():
        result = Result.objects.get(
            key_result_id=key_result_id, unit_id=unit_id, period__starts_on="2020-07-01"
        )
        assert result.value == value and not result.is_demo
    demo_results = Result.objects.filter(is_demo=True)
    assert demo_results.exists()
    assert not demo_results.filter(key_result__status="draft").exists()
    # Every demo OKR is itself marked demo and has at least 36 months of history.
    for key_result in KeyResult.objects.filter(is_demo=True):
        periods = key_result.results.values("period").distinct().count()
        assert periods >= 36, key_result.code
        assert "(demo)" in key_result.statement


def test_the_demo_history_is_written_by_the_portals_own_account():
    load_demo(today=TODAY)
    system = get_user_model().objects.get(username=SYSTEM_USERNAME)
    demo = Result.objects.filter(is_demo=True)
    assert set(demo.values_list("entered_by", "version", "status")) == {(system.pk, 1, "submitted")}
    # One history row per demo result, its creation, by the portal's own account.
    history = Result.history.filter(is_demo=True)
    assert history.count() == demo.count()
    assert set(history.values_list("history_type", "history_user", "history_change_reason")) == {
        ("+", system.pk, "Demo data (make run)")
    }


def test_loading_the_demo_again_adds_nothing():
    load_demo(today=TODAY)
    count = Result.objects.count()
    assert load_demo(today=TODAY)["results_created"] == 0
    assert Result.objects.count() == count


def test_the_demo_values_do_not_depend_on_the_day_it_was_loaded():
    load_demo(today=datetime.date(2024, 1, 15))
    earlier = {
        (r.key_result_id, r.period_id, r.unit_id): r.value
        for r in Result.objects.filter(is_demo=True)
    }
    Result.objects.filter(is_demo=True).delete()
    load_demo(today=TODAY)
    later = {
        (r.key_result_id, r.period_id, r.unit_id): r.value
        for r in Result.objects.filter(is_demo=True)
    }
    assert earlier.items() <= later.items()


def test_the_demo_refuses_to_run_in_production(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(ImproperlyConfigured, match="never"):
        load_demo(today=TODAY)
    assert not Result.objects.filter(is_demo=True).exists()


def test_pages_say_demo_data_is_present(client):
    load_demo(today=TODAY)
    client.post("/accounts/login/", {"username": "viewer", "password": "viewer-demo"})
    assert b'data-testid="demo-banner"' in client.get("/").content
    Result.objects.filter(is_demo=True).delete()
    KeyResult.objects.filter(is_demo=True).delete()
    assert b'data-testid="demo-banner"' not in client.get("/").content


def test_demo_rates_are_entered_as_numerators_and_denominators_and_add_up():
    """Each directorate's appraisal rate is its numerator ÷ its denominator × 100 at
    one place; the Trust's is Σ numerators ÷ Σ denominators, not a mean of rates."""
    from reporting.ipr import assemble_ipr

    load_demo(today=TODAY)
    appraisals = KeyResult.objects.get(code="demo-appraisals")
    assert appraisals.trust_value == "ratio"
    # September: the demo lead's directorates leave October, still open, to enter.
    september = appraisals.results.filter(period__starts_on=datetime.date(2026, 9, 1))
    assert september.count() == 4  # the directorates; the Trust's is worked out
    for result in september:
        assert result.numerator is not None and result.denominator > 0
        assert result.value == round(result.numerator / result.denominator * 100, 1)
    numerators = sum(result.numerator for result in september)
    denominators = sum(result.denominator for result in september)
    report = assemble_ipr(datetime.date(2026, 9, 1))
    okr = next(
        okr
        for objective in report.objectives
        for okr in objective.okrs
        if okr.code == appraisals.code
    )
    trust = next(cell for cell in okr.cells if cell.unit == "Trust")
    assert (trust.numerator, trust.denominator) == (float(numerators), float(denominators))
    assert trust.value == float(round(numerators / denominators * 100, 1))


def test_the_demo_tells_a_story_of_recovery_with_every_rating():
    """Its own OKRs drift towards their targets: more Reds in the first September
    than in the last, and a mix of Green, Amber and Red in both."""
    from reporting.ipr import assemble_ipr

    load_demo(today=TODAY)

    def ratings(month: datetime.date) -> list[str]:
        report = assemble_ipr(month)
        return [
            cell.rag
            for objective in report.objectives
            for okr in objective.okrs
            if okr.code.startswith("demo-")
            for cell in okr.cells
        ]

    first, last = ratings(datetime.date(2020, 9, 1)), ratings(datetime.date(2026, 9, 1))
    assert {"green", "amber", "red"} <= set(first)
    assert {"green", "amber", "red"} <= set(last)
    assert last.count("red") < first.count("red")
    assert last.count("green") > first.count("green")
