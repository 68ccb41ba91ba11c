"""Focus areas hold their OKRs: the seeds link each year-one and draft Quality OKR
to the focus area it plainly measures, marked "derived: to confirm"; an administrator
sets, confirms or clears a link with a reason (recorded with who, when, before and
after), after which loading the seeds again leaves the person's choice alone.

The expected links are the ones worked out by hand from the OKRs' wording and the 11
Quality focus areas of the strategy's Section 5 (see the YAML's header)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from datasets.seeding import load_seeds
from objectives.audit import update_fields
from objectives.models import KeyFocusArea, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs.models import KeyResult

pytestmark = pytest.mark.usefixtures("seeded")

HARM = "Minimise avoidable harm to patients and reduce restrictive practice"
PERSONALISED = "Improving personalised care planning and access to services"
CO_PRODUCTION = (
    "Co-production: Patient, family and staff involvement in improving care and services"
)
LEARNING_DISABILITIES = (
    "Developing our workforce to improve care for people with learning disabilities & autism"
)

EXPECTED_LINKS = {
    "quality-reduce-harm": HARM,
    "quality-draft-seclusion": HARM,
    "quality-draft-pressure-ulcers": HARM,
    "quality-draft-involved-in-decisions": PERSONALISED,
    "quality-draft-more-feedback": CO_PRODUCTION,
}
UNLINKED = [
    "quality-cccs-training",
    "quality-staff-sickness",
    "quality-patient-satisfaction",
    "quality-draft-community-admissions",
    "quality-draft-supervision",
]
DERIVED = KeyResult.FocusAreaProvenance.DERIVED
BY_PERSON = KeyResult.FocusAreaProvenance.SET_BY_PERSON


def okr(code: str) -> KeyResult:
    return KeyResult.objects.select_related("focus_area").get(code=code)


def quality() -> StrategicObjective:
    return StrategicObjective.objects.get(strategy__is_current=True, number=1)


def area(title: str) -> KeyFocusArea:
    return KeyFocusArea.objects.get(objective__strategy__is_current=True, title=title)


def people_area() -> KeyFocusArea:
    return StrategicObjective.objects.get(strategy__is_current=True, number=2).focus_areas.first()


@pytest.fixture
def admin(users_by_role):
    return users_by_role[Role.TRUST_ADMINISTRATOR]


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


# --- The seeds ------------------------------------------------------------------


def test_the_seeds_link_each_okr_to_the_focus_area_it_plainly_measures():
    links = {
        key_result.code: (key_result.focus_area.title, key_result.focus_area_provenance)
        for key_result in KeyResult.objects.filter(objective=quality(), focus_area__isnull=False)
    }
    assert links == {code: (title, DERIVED) for code, title in EXPECTED_LINKS.items()}
    for code in UNLINKED:
        assert (okr(code).focus_area, okr(code).focus_area_provenance) == (None, "")


def test_the_focus_area_page_shows_its_okrs_with_the_link_to_confirm(client, make_user):
    client.force_login(make_user("viewer-1", Role.VIEWER))
    page = client.get(reverse("reporting:focus_area", args=[area(HARM).pk])).content.decode()
    assert "No OKRs are linked" not in page
    for code in ("quality-reduce-harm", "quality-draft-seclusion", "quality-draft-pressure-ulcers"):
        assert okr(code).statement.replace("'", "&#x27;") in page
    assert page.count("Link derived: to confirm") == 3
    # A focus area no OKR plainly measures still says so.
    page = client.get(
        reverse("reporting:focus_area", args=[area(LEARNING_DISABILITIES).pk])
    ).content.decode()
    assert "No OKRs are linked to this focus area yet." in page


def test_the_okr_page_shows_the_link_to_confirm(client, make_user):
    client.force_login(make_user("viewer-1", Role.VIEWER))
    page = client.get(okr("quality-reduce-harm").get_absolute_url()).content.decode()
    assert f'<a href="{area(HARM).get_absolute_url()}">{HARM}</a>' in page
    assert "Link derived: to confirm" in page
    page = client.get(okr("quality-cccs-training").get_absolute_url()).content.decode()
    assert "The source does not say which focus area this OKR measures." in page
    assert "Link derived: to confirm" not in page


def test_loading_into_a_database_without_links_makes_them_with_history_then_nothing():
    harm = okr("quality-reduce-harm")
    update_fields(
        harm, {"focus_area": None, "focus_area_provenance": ""}, by=None, reason="As before"
    )
    history_before = harm.history.count()

    report = load_seeds()
    harm.refresh_from_db()
    assert (harm.focus_area.title, harm.focus_area_provenance) == (HARM, DERIVED)
    assert report.updated == 1
    assert harm.history.count() == history_before + 1
    assert harm.history.first().prev_record.focus_area_id is None

    again = load_seeds()
    assert (again.created, again.updated) == (0, 0)
    assert harm.history.count() == history_before + 1


def test_loading_again_leaves_a_link_a_person_set_or_cleared(admin):
    okr_actions.link_key_result_to_focus_area(
        by=admin,
        key_result=okr("quality-reduce-harm"),
        focus_area=area(LEARNING_DISABILITIES),
        reason="Agreed at the Quality & Safety Committee",
    )
    okr_actions.link_key_result_to_focus_area(
        by=admin,
        key_result=okr("quality-draft-seclusion"),
        focus_area=None,
        reason="Not a focus area measure",
    )
    history_before = KeyResult.history.count()

    report = load_seeds()

    assert (report.created, report.updated) == (0, 0)
    assert KeyResult.history.count() == history_before
    harm, seclusion = okr("quality-reduce-harm"), okr("quality-draft-seclusion")
    assert (harm.focus_area.title, harm.focus_area_provenance) == (LEARNING_DISABILITIES, BY_PERSON)
    assert (seclusion.focus_area, seclusion.focus_area_provenance) == (None, BY_PERSON)


def test_the_database_refuses_a_link_from_the_paper_without_a_focus_area():
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyResult.objects.filter(code="quality-cccs-training").update(focus_area_provenance=DERIVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyResult.objects.filter(code="quality-cccs-training").update(focus_area=area(HARM))


def test_an_okr_added_to_a_focus_area_by_an_administrator_is_set_by_a_person(admin):
    definition = okr_actions.KeyResultDefinition(
        code="quality-restraint",
        statement="We will reduce the use of prone restraint by 20%",
        measure="percentage_change",
        direction="decrease",
        frequency="quarterly",
        target=Decimal(-20),
        target_from=datetime.date(2021, 4, 1),
    )
    added = okr_actions.add_key_result_to_focus_area(
        by=admin, focus_area=area(HARM), definition=definition, reason="Board"
    )
    assert added.focus_area_provenance == BY_PERSON


# --- The action -------------------------------------------------------------------


def test_confirming_a_derived_link_records_who_when_before_after_and_why(admin):
    harm = okr("quality-reduce-harm")
    before = harm.history.count()

    okr_actions.link_key_result_to_focus_area(
        by=admin, key_result=harm, focus_area=area(HARM), reason="Confirmed by the committee"
    )

    harm = okr("quality-reduce-harm")
    assert (harm.focus_area.title, harm.focus_area_provenance) == (HARM, BY_PERSON)
    assert harm.history.count() == before + 1
    record = harm.history.first()
    assert record.history_user == admin
    assert record.history_change_reason == "Confirmed by the committee"
    assert record.history_date is not None
    assert (record.prev_record.focus_area_id, record.prev_record.focus_area_provenance) == (
        area(HARM).pk,
        DERIVED,
    )


def test_the_audit_log_says_how_the_link_was_made_before_and_after(admin):
    from okrs.selectors.audit_log import AuditFilters, audit_page

    harm = okr("quality-reduce-harm")
    okr_actions.link_key_result_to_focus_area(
        by=admin, key_result=harm, focus_area=area(HARM), reason="Confirmed by the committee"
    )
    latest = audit_page(AuditFilters(key_result=harm)).entries[0]
    assert latest.reason == "Confirmed by the committee"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("Focus area linked", "Derived: to confirm", "Set by an administrator")
    ]


def test_linking_and_clearing(admin):
    okr_actions.link_key_result_to_focus_area(
        by=admin,
        key_result=okr("quality-cccs-training"),
        focus_area=area(LEARNING_DISABILITIES),
        reason="CCCS training is part of it",
    )
    cccs = okr("quality-cccs-training")
    assert (cccs.focus_area.title, cccs.focus_area_provenance) == (LEARNING_DISABILITIES, BY_PERSON)
    assert cccs.history.first().prev_record.focus_area_id is None

    okr_actions.link_key_result_to_focus_area(
        by=admin, key_result=cccs, focus_area=None, reason="On reflection, none"
    )
    cccs = okr("quality-cccs-training")
    assert (cccs.focus_area, cccs.focus_area_provenance) == (None, BY_PERSON)


def refused(admin, *, code="quality-reduce-harm", focus_area, reason="Because") -> dict:
    key_result = okr(code)
    before = (key_result.focus_area_id, key_result.focus_area_provenance)
    history_before = KeyResult.history.count()
    with pytest.raises(ValidationError) as refusal:
        okr_actions.link_key_result_to_focus_area(
            by=admin, key_result=key_result, focus_area=focus_area, reason=reason
        )
    after = okr(code)
    assert (after.focus_area_id, after.focus_area_provenance) == before
    assert KeyResult.history.count() == history_before
    error = refusal.value
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def test_another_objectives_focus_area_is_refused(admin):
    assert refused(admin, focus_area=people_area()) == {
        "focus_area": ["Choose a key focus area of this OKR's own objective"]
    }


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_is_refused(admin, reason):
    assert refused(admin, focus_area=area(PERSONALISED), reason=reason) == {
        "reason": ["Give a reason for this change"]
    }


def test_a_superseded_strategys_okr_is_refused(admin):
    fy18 = StrategicObjective.objects.filter(strategy__slug="business-plan-fy18").first()
    fy18_area = fy18.focus_areas.first()
    okr_actions.create_key_result(
        by=admin, objective=fy18, code="fy18-okr", statement="An FY18 measure", reason="test"
    )
    assert refused(admin, code="fy18-okr", focus_area=fy18_area) == {
        "": ["This OKR belongs to a superseded strategy: its key focus area stays as it was."]
    }


def test_a_retired_okr_keeps_its_focus_area(admin):
    okr_actions.retire_key_result(by=admin, key_result=okr("quality-reduce-harm"), reason="x")
    assert refused(admin, focus_area=area(PERSONALISED)) == {
        "": ["This OKR is retired: it keeps the key focus area it was reported under."]
    }


def test_a_link_that_changes_nothing_is_refused(admin):
    okr_actions.link_key_result_to_focus_area(
        by=admin, key_result=okr("quality-reduce-harm"), focus_area=area(HARM), reason="Yes"
    )
    assert refused(admin, focus_area=area(HARM)) == {
        "focus_area": [f"This OKR is already linked to ‘{HARM}’: nothing to change"]
    }


# --- The page, by role ----------------------------------------------------------


def link_url(code: str = "quality-reduce-harm") -> str:
    return reverse("okrs:link_focus_area", args=[code])


def test_an_administrator_links_an_okr_through_the_page(admin_client, admin):
    page = admin_client.get(link_url("quality-patient-satisfaction"))
    assert page.status_code == 200
    assert "Link to a key focus area" in page.content.decode()
    response = admin_client.post(
        link_url("quality-patient-satisfaction"),
        {"focus_area": str(area(CO_PRODUCTION).pk), "reason": "Satisfaction is their voice"},
    )
    assert response.status_code == 302
    assert response["Location"] == okr("quality-patient-satisfaction").get_absolute_url()
    satisfaction = okr("quality-patient-satisfaction")
    assert (satisfaction.focus_area.title, satisfaction.focus_area_provenance) == (
        CO_PRODUCTION,
        BY_PERSON,
    )
    assert satisfaction.history.first().history_user == admin
    shown = admin_client.get(response["Location"]).content.decode()
    assert f"Linked to the key focus area ‘{CO_PRODUCTION}’" in shown


def test_an_administrator_clears_a_link_through_the_page(admin_client):
    response = admin_client.post(link_url(), {"focus_area": "", "reason": "None fits"})
    assert response.status_code == 302
    assert (
        okr("quality-reduce-harm").focus_area,
        okr("quality-reduce-harm").focus_area_provenance,
    ) == (
        None,
        BY_PERSON,
    )


def test_the_page_offers_only_the_okrs_own_objectives_focus_areas(admin_client):
    page = admin_client.get(link_url()).content.decode()
    for focus_area in quality().focus_areas.all():
        assert f'<option value="{focus_area.pk}"' in page
    assert f'<option value="{people_area().pk}"' not in page
    # The current link is chosen.
    assert f'<option value="{area(HARM).pk}" selected>' in page


REFUSED_ROLES = [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.VIEWER]


@pytest.mark.parametrize("role", REFUSED_ROLES, ids=lambda role: role.value)
def test_other_roles_are_refused(client, users_by_role, role):
    client.force_login(users_by_role[role])
    history_before = KeyResult.history.count()
    assert client.get(link_url()).status_code == 403
    response = client.post(link_url(), {"focus_area": "", "reason": "Sneaky"})
    assert response.status_code == 403
    assert KeyResult.history.count() == history_before
    assert okr("quality-reduce-harm").focus_area_provenance == DERIVED


def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(link_url()), client.post(link_url(), {"reason": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert okr("quality-reduce-harm").focus_area_provenance == DERIVED


# --- Bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "999999",
        "0",
        "-1",
        "abc",
        "1.5",
        "9" * 40,
        "２",
        "<script>",
        "\x00",
        "people",
    ],
)
def test_a_focus_area_that_is_not_offered_is_a_form_error(admin_client, value):
    history_before = KeyResult.history.count()
    response = admin_client.post(link_url(), {"focus_area": value, "reason": "Because"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose one of this objective&#x27;s key focus areas" in page
    assert KeyResult.history.count() == history_before


def test_another_objectives_focus_area_id_is_a_form_error(admin_client):
    response = admin_client.post(
        link_url(), {"focus_area": str(people_area().pk), "reason": "Because"}
    )
    assert response.status_code == 200
    assert "Choose one of this objective&#x27;s key focus areas" in response.content.decode()
    assert okr("quality-reduce-harm").focus_area.title == HARM


def test_a_missing_reason_is_a_form_error_keeping_the_choice(admin_client):
    chosen = area(PERSONALISED)
    response = admin_client.post(link_url(), {"focus_area": str(chosen.pk), "reason": " "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a reason for this change" in page
    assert f'<option value="{chosen.pk}" selected>' in page
    assert okr("quality-reduce-harm").focus_area.title == HARM


def test_a_list_of_values_or_an_overlong_reason_is_a_form_error(admin_client):
    response = admin_client.post(
        link_url(), {"focus_area": [str(area(HARM).pk), "2"], "reason": "x" * 2001}
    )
    assert response.status_code == 200
    assert "Enter 2,000 characters or fewer" in response.content.decode()
    assert okr("quality-reduce-harm").focus_area_provenance == DERIVED


@pytest.mark.parametrize("code", ["no-such-okr", "a" * 300, "QUALITY-REDUCE-HARM"])
def test_an_unknown_okr_is_not_found(admin_client, code):
    assert admin_client.get(link_url(code)).status_code == 404
    assert admin_client.post(link_url(code), {"reason": "x"}).status_code == 404


def test_a_retired_okrs_page_says_why_and_offers_no_form(admin_client, admin):
    okr_actions.retire_key_result(by=admin, key_result=okr("quality-reduce-harm"), reason="x")
    page = admin_client.get(link_url()).content.decode()
    assert "This OKR is retired: it keeps the key focus area it was reported under." in page
    assert "Save the link" not in page
    response = admin_client.post(link_url(), {"focus_area": "", "reason": "x"})
    assert response.status_code == 200
    assert "it keeps the key focus area it was reported under" in response.content.decode()
