"""Narratives: written by the executive director or a delegate, signed by the
executive director, audited, and carried into the report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult
from reporting.actions import write_narrative
from reporting.ipr import assemble_ipr
from reporting.models import Narrative

pytestmark = pytest.mark.usefixtures("seeded")
TODAY = datetime.date(2020, 10, 20)
URL = reverse("reporting:ipr", kwargs={"month": "2020-09"})


@pytest.fixture
def quality():
    return StrategicObjective.objects.get(strategy__is_current=True, number=1)


@pytest.fixture
def september():
    return okr_actions.ensure_period(periods.parse_period_label("September 2020"))


@pytest.fixture
def medical_director(make_user):
    user = make_user("md", Role.EXECUTIVE, first_name="Maya", last_name="Director")
    person = strategy_actions.create_person(
        by=None, slug="maya", full_name="Maya Director", user=user, reason="test"
    )
    strategy_actions.assign_role(
        by=None,
        role=ExecutiveRole.objects.get(slug="medical-director"),
        person=person,
        reason="test",
    )
    return user


@pytest.fixture
def delegate(make_user, quality):
    user = make_user("deputy", Role.EXECUTIVE)
    person = strategy_actions.create_person(
        by=None, slug="deputy", full_name="Dee Deputy", user=user, reason="test"
    )
    quality.narrative_delegates.add(person)
    return user


def test_the_executive_director_writes_and_signs(medical_director, quality, september):
    narrative = write_narrative(
        by=medical_director,
        objective=quality,
        period=september,
        content={"text": "Training recovery plan on track."},
        sign_off=True,
        today=TODAY,
    )
    assert narrative.author.full_name == "Maya Director"
    assert narrative.author_title == "Medical Director"
    assert narrative.signed_by.full_name == "Maya Director" and narrative.signed_on == TODAY
    assert narrative.history.latest().history_change_reason == "Signed off"


def test_a_delegate_writes_but_cannot_sign(delegate, quality, september):
    write_narrative(
        by=delegate, objective=quality, period=september, content={"text": "Draft words"}
    )
    with pytest.raises(PermissionDenied, match="sign it off"):
        write_narrative(
            by=delegate,
            objective=quality,
            period=september,
            content={"text": "Draft words"},
            sign_off=True,
        )


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.BOARD_SECRETARY, Role.DIRECTORATE_LEAD, Role.VIEWER]
)
def test_others_cannot_write(users_by_role, quality, september, role):
    with pytest.raises(PermissionDenied):
        write_narrative(
            by=users_by_role[role], objective=quality, period=september, content={"text": "x"}
        )


def test_changing_signed_words_withdraws_the_sign_off(medical_director, quality, september):
    # The seeded summary for September 2020 is signed by Marie Crofts.
    narrative = write_narrative(
        by=medical_director,
        objective=quality,
        period=september,
        content={"text": "New words."},
    )
    assert narrative.signed_by is None and narrative.signed_on is None
    before, after = list(narrative.history.order_by("-history_date")[:2])[::-1]
    assert before.signed_by_id is not None and after.signed_by_id is None
    assert after.history_change_reason == "Narrative changed; any sign-off withdrawn"


def test_okr_commentary_under_the_boards_headings(medical_director, quality, september):
    key_result = KeyResult.objects.get(code="quality-cccs-training")
    write_narrative(
        by=medical_director,
        objective=quality,
        period=september,
        key_result=key_result,
        content={
            "chart_shows": "Compliance below target in Bucks MH",
            "issues": "Covid backlog",
            "actions": "Extra sessions — Head of Training, 31 October",
            "risks": "Winter pressures",
            "expected_recovery": "End of October",
        },
        sign_off=True,
        today=TODAY,
    )
    report = assemble_ipr(datetime.date(2020, 9, 1))
    okr = next(okr for okr in report.objectives[0].okrs if okr.code == key_result.code)
    assert okr.commentary.actions == "Extra sessions — Head of Training, 31 October"
    assert okr.commentary.signed_by == "Maya Director"


@pytest.mark.parametrize(
    ("who", "status"), [("md", 200), ("deputy", 200), ("secretary", 403), ("viewer", 403)]
)
def test_the_narrative_pages_by_role(
    client, medical_director, delegate, users_by_role, quality, who, status
):
    users = {
        "md": medical_director,
        "deputy": delegate,
        "secretary": users_by_role[Role.BOARD_SECRETARY],
        "viewer": users_by_role[Role.VIEWER],
    }
    client.force_login(users[who])
    summary = reverse(
        "reporting:edit_summary", kwargs={"month": "2020-09", "objective": quality.pk}
    )
    assert client.get(summary).status_code == status
    commentary = reverse(
        "reporting:edit_commentary",
        kwargs={"month": "2020-09", "objective": quality.pk, "code": "quality-cccs-training"},
    )
    assert client.get(commentary).status_code == status


def test_writing_and_signing_from_the_page(client, medical_director, quality):
    client.force_login(medical_director)
    page = client.get(URL + "?draft=1").content.decode()
    assert "Edit the executive summary" in page
    url = reverse("reporting:edit_summary", kwargs={"month": "2020-09", "objective": quality.pk})
    seeded = Narrative.objects.get(objective=quality, kind="executive_summary")
    form = client.get(url).content.decode()
    assert f'name="version" value="{seeded.version}"' in form
    empty = client.post(url, {"text": "  ", "sign_off": "1", "version": seeded.version})
    assert "Write the executive summary" in empty.content.decode()
    response = client.post(url, {"text": "Signed words.", "sign_off": "1", "version": 1})
    assert response.status_code == 302
    page = client.get(URL + "?draft=1").content.decode()
    assert "Signed words." in page
    assert "Maya Director, Medical Director — signed off by Maya Director" in page


# --- Two people editing the same words (issue 9: the last writer silently won) -----


def test_a_save_from_an_older_page_is_refused_and_keeps_what_was_typed(
    client, medical_director, quality
):
    url = reverse("reporting:edit_summary", kwargs={"month": "2020-09", "objective": quality.pk})
    seeded = Narrative.objects.get(objective=quality, kind="executive_summary")
    client.force_login(medical_director)
    # Two tabs open on version 1; the first saves, the second is refused.
    first = client.post(url, {"text": "First words.", "save": "1", "version": seeded.version})
    assert first.status_code == 302
    second = client.post(url, {"text": "Second words.", "save": "1", "version": seeded.version})
    assert second.status_code == 200
    content = second.content.decode()
    assert (
        "Maya Director changed these words while you were editing. Check it, then save again"
        in (content)
    )
    assert "Second words." in content  # kept, to copy or save again
    seeded.refresh_from_db()
    assert (seeded.text, seeded.version) == ("First words.", 2)
    # Saving again from the newer version goes through.
    third = client.post(url, {"text": "Second words.", "save": "1", "version": seeded.version})
    assert third.status_code == 302


def test_words_are_bounded_and_control_characters_removed(client, medical_director, quality):
    url = reverse("reporting:edit_summary", kwargs={"month": "2020-09", "objective": quality.pk})
    seeded = Narrative.objects.get(objective=quality, kind="executive_summary")
    client.force_login(medical_director)
    huge = client.post(url, {"text": "x" * 2_400_000, "save": "1", "version": seeded.version})
    assert huge.status_code == 200
    assert "Enter 6,000 characters or fewer" in huge.content.decode()
    assert 'data-maxlength="6000"' in huge.content.decode()  # the counter
    seeded.refresh_from_db()
    assert seeded.version == 1
    typed = "Vacancies fell.\x00\x07\r\nTurnover\x0bsteady."
    response = client.post(url, {"text": typed, "save": "1", "version": seeded.version})
    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.text == "Vacancies fell.\nTurnover\nsteady."


def test_the_action_bounds_words_however_it_is_called(medical_director, quality):
    period = okr_actions.ensure_period(periods.month_span(2020, 9))
    with pytest.raises(ValidationError) as refused:
        write_narrative(
            by=medical_director,
            objective=quality,
            period=period,
            content={"text": "x" * 6001},
        )
    assert refused.value.message_dict == {
        "text": ["Enter 6,000 characters or fewer (you have 6,001)"]
    }


def test_the_figures_are_beside_the_words_and_saving_returns_to_them(
    client, medical_director, quality
):
    """The writer sees the month's figures: for a commentary, the OKR's chart and each
    unit's value, target and rating (Bucks MH's CCCS training was 92.0% against 95% in
    September 2020, Red, on the Trust's paper); for a summary, the objective's table
    and overall ratings. Saving goes back to the words' place in the report."""
    client.force_login(medical_director)
    commentary = reverse(
        "reporting:edit_commentary",
        kwargs={"month": "2020-09", "objective": quality.pk, "code": "quality-cccs-training"},
    )
    page = client.get(commentary).content.decode()
    figures = page[page.index('data-testid="okr-values"') :]
    bucks = figures[figures.index(">Bucks MH</dt>") :]
    bucks = bucks[: bucks.index("</dd>")]
    assert ">Red</" in bucks and "92.0%" in bucks and "(target 95%)" in bucks
    assert 'class="portal-chart"' in page and "vendor/plotly/plotly-basic.min.js" in page
    response = client.post(commentary, {"issues": "Backlog of training records"})
    assert response["Location"].endswith("?draft=1#commentary-quality-cccs-training")

    summary = reverse(
        "reporting:edit_summary", kwargs={"month": "2020-09", "objective": quality.pk}
    )
    page = client.get(summary).content.decode()
    assert 'data-testid="overall"' in page and "We will achieve 95% compliance in CCCS" in page
    seeded = Narrative.objects.get(objective=quality, kind="executive_summary")
    response = client.post(summary, {"text": "Words.", "version": seeded.version})
    assert response["Location"].endswith(f"?draft=1#summary-{quality.number}")
    report = client.get(response["Location"]).content.decode()
    assert f'id="summary-{quality.number}"' in report
    assert 'id="commentary-quality-cccs-training"' in report


@pytest.fixture
def chief_executive(make_user):
    user = make_user("ceo", Role.EXECUTIVE)
    person = strategy_actions.create_person(
        by=None, slug="chris", full_name="Chris Chief", user=user, reason="test"
    )
    strategy_actions.assign_role(
        by=None,
        role=ExecutiveRole.objects.get(slug="chief-executive"),
        person=person,
        reason="test",
    )
    return user


def test_the_chief_executive_writes_and_signs_the_overall_summary_that_opens_the_report(
    client, chief_executive, medical_director, september
):
    url = reverse("reporting:edit_overall_summary", kwargs={"month": "2020-09"})
    client.force_login(medical_director)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied, match="Only the Chief Executive or a named delegate"):
        write_narrative(
            by=medical_director, objective=None, period=september, content={"text": "x"}
        )
    client.force_login(chief_executive)
    form = client.get(url).content.decode()
    assert 'data-testid="overall-ratings"' in form and "Save and sign off" in form
    response = client.post(url, {"text": "A steady month across the Trust.", "sign_off": "1"})
    assert response["Location"].endswith("?draft=1#overall-summary")
    narrative = Narrative.objects.get(kind="overall_summary")
    assert narrative.objective is None and narrative.signed_by.full_name == "Chris Chief"
    assert narrative.author_title == "Chief Executive"
    report = assemble_ipr(datetime.date(2020, 9, 1))
    assert report.overall_summary.text == "A steady month across the Trust."
    page = client.get(URL + "?draft=1").content.decode()
    # It opens the report: before the month's figures and the first objective.
    assert (
        page.index("A steady month across the Trust.")
        < page.index('id="summary"')
        < page.index('id="objective-1"')
    )
    assert "Chris Chief, Chief Executive — signed off by Chris Chief" in page


def test_a_delegate_drafts_the_overall_summary_but_cannot_sign_it(
    client, delegate, chief_executive, september
):
    from objectives.models import Person, Strategy

    Strategy.objects.get(is_current=True).summary_delegates.add(Person.objects.get(slug="deputy"))
    narrative = write_narrative(
        by=delegate, objective=None, period=september, content={"text": "Drafted for Chris."}
    )
    assert narrative.signed_by is None
    with pytest.raises(PermissionDenied, match="Only the Chief Executive can sign"):
        write_narrative(
            by=delegate,
            objective=None,
            period=september,
            content={"text": "Drafted for Chris."},
            sign_off=True,
        )
    signed = write_narrative(
        by=chief_executive,
        objective=None,
        period=september,
        content={"text": "Drafted for Chris."},
        sign_off=True,
    )
    assert (
        signed.pk == narrative.pk and Narrative.objects.filter(kind="overall_summary").count() == 1
    )
