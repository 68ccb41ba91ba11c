"""Maintaining OKRs (Trust administrators): adding one, changing a target from a
period on, marking one achieved and replacing it, retiring one; who may; and that
a refused form keeps everything typed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import KeyFocusArea, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import KeyResult, ReportingPeriod, Result, Target
from okrs.periods import parse_period_label
from okrs.targets_in_force import target_in_force

D = datetime.date
pytestmark = pytest.mark.usefixtures("seeded")

CCCS = "quality-cccs-training"  # active, quarterly, 95% from 1 April 2020, results in Q2 2020/21


def period(label):
    return okr_actions.ensure_period(parse_period_label(label))


def okr(code) -> KeyResult:
    return KeyResult.objects.get(code=code)


def quality():
    return StrategicObjective.objects.get(strategy__is_current=True, number=1)


def quality_focus_area() -> KeyFocusArea:
    return quality().focus_areas.order_by("order").first()


@pytest.fixture
def admin(users_by_role):
    return users_by_role[Role.TRUST_ADMINISTRATOR]


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def definition(**overrides) -> dict:
    fields = {
        "code": "quality-restraint",
        "statement": "We will reduce the use of prone restraint by 20%",
        "measure": "percentage_change",
        "direction": "decrease",
        "frequency": "quarterly",
        "target": Decimal(-20),
        "target_from": D(2021, 4, 1),
        "tolerance": Decimal(2),
        "tolerance_kind": "absolute",
        "decimal_places": 1,
        "owner_role": None,
        "calculation": "Change in uses of prone restraint against the year before.",
        "data_source": "Incident reporting system",
        "target_rationale": "Agreed by the Quality & Safety Committee",
    }
    return {**fields, **overrides}


def as_definition(**overrides) -> okr_actions.KeyResultDefinition:
    return okr_actions.KeyResultDefinition(**definition(**overrides))


# --- Actions ----------------------------------------------------------------------


def test_adding_an_okr_makes_it_active_with_its_first_target_and_audits_both(admin):
    focus_area = quality_focus_area()
    key_result = okr_actions.add_key_result_to_focus_area(
        by=admin, focus_area=focus_area, reason="Agreed at the Board", definition=as_definition()
    )
    key_result.refresh_from_db()
    assert key_result.status == KeyResult.Status.ACTIVE
    assert key_result.objective == focus_area.objective and key_result.focus_area == focus_area
    assert key_result.order > max(
        KeyResult.objects.filter(objective=quality())
        .exclude(pk=key_result.pk)
        .values_list("order", flat=True)
    )
    (target,) = key_result.targets.all()
    assert target.value == Decimal(-20) and target.effective_from == D(2021, 4, 1)
    for record in (key_result.history.get(), target.history.get()):
        assert record.history_type == "+"
        assert record.history_user == admin
        assert record.history_change_reason == "Agreed at the Board"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": CCCS}, "code", "already exists"),
        ({"code": "Not A Slug"}, "code", "lower-case letters"),
        ({"code": ""}, "code", "Enter a code"),
        ({"statement": "  "}, "statement", "Enter the OKR"),
        ({"measure": ""}, "measure", "unit of measure"),
        ({"frequency": "weekly"}, "frequency", "how often"),
        ({"tolerance": Decimal(-1)}, "tolerance", "0 or more"),
        ({"decimal_places": 7}, "decimal_places", "0 to 4"),
        ({"reason": " "}, "reason", "Give a reason"),
        ({"reason": "x" * 2001}, "reason", "2000 characters or fewer"),
    ],
)
def test_adding_an_okr_refuses_a_bad_definition_and_writes_nothing(
    admin, overrides, field, message
):
    overrides = dict(overrides)
    reason = overrides.pop("reason", "Agreed at the Board")
    arguments = {"reason": reason, "definition": as_definition(**overrides)}
    before = (KeyResult.objects.count(), Target.objects.count(), KeyResult.history.count())
    with pytest.raises(ValidationError) as refused:
        okr_actions.add_key_result_to_focus_area(
            by=admin, focus_area=quality_focus_area(), **arguments
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert (KeyResult.objects.count(), Target.objects.count(), KeyResult.history.count()) == before


def test_an_okr_cannot_be_added_to_a_superseded_strategy(admin):
    old_area = KeyFocusArea.objects.filter(objective__strategy__status="superseded").first()
    with pytest.raises(ValidationError, match="superseded"):
        okr_actions.add_key_result_to_focus_area(
            by=admin, focus_area=old_area, reason="test", definition=as_definition()
        )


def test_a_new_target_applies_from_its_period_and_earlier_periods_keep_theirs(admin):
    key_result = okr(CCCS)
    okr_actions.change_target_from(
        by=admin,
        key_result=key_result,
        value=Decimal(97),
        from_period=period("Q1 2022/23"),
        reason="Raised for 2022/23",
    )
    targets = list(key_result.targets.all())
    assert target_in_force(targets, period("Q2 2020/21").ends_on).value == Decimal(95)
    assert target_in_force(targets, period("Q4 2021/22").ends_on).value == Decimal(95)
    assert target_in_force(targets, period("Q1 2022/23").ends_on).value == Decimal(97)
    assert target_in_force(targets, period("Q3 2023/24").ends_on).value == Decimal(97)
    new = key_result.targets.get(effective_from=D(2022, 4, 1))
    assert new.history.get().history_change_reason == "Raised for 2022/23"
    assert new.history.get().history_user == admin


def test_a_target_between_two_others_leaves_the_later_one_in_force_from_its_date(admin):
    key_result = okr(CCCS)
    for label, value in [("Q1 2022/23", 97), ("Q1 2021/22", 96)]:
        okr_actions.change_target_from(
            by=admin,
            key_result=key_result,
            value=Decimal(value),
            from_period=period(label),
            reason="test",
        )
    targets = list(key_result.targets.all())
    assert [target_in_force(targets, day).value for day in (D(2021, 3, 31), D(2021, 6, 30))] == [
        95,
        96,
    ]
    assert target_in_force(targets, D(2022, 6, 30)).value == 97


def test_changing_the_target_from_the_same_period_again_replaces_it_with_history(admin):
    key_result = okr(CCCS)
    q1 = period("Q1 2022/23")
    okr_actions.change_target_from(
        by=admin, key_result=key_result, value=Decimal(97), from_period=q1, reason="First"
    )
    okr_actions.change_target_from(
        by=admin, key_result=key_result, value=Decimal(96), from_period=q1, reason="Second"
    )
    target = key_result.targets.get(effective_from=q1.starts_on)
    assert target.value == Decimal(96)
    assert [h.value for h in target.history.order_by("history_date")] == [97, 96]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"value": Decimal(95), "from_period": "Q1 2020/21"}, "already 95%: nothing to change"),
        ({"value": Decimal(97), "from_period": "April 2022"}, "Choose a quarterly period"),
        ({"value": Decimal(97), "from_period": "Q1 2022/23", "reason": ""}, "Give a reason"),
    ],
)
def test_a_target_change_that_changes_nothing_or_makes_no_sense_is_refused(
    admin, arguments, message
):
    arguments = {"reason": "test", **arguments, "from_period": period(arguments["from_period"])}
    before = Target.history.count()
    with pytest.raises(ValidationError, match=message):
        okr_actions.change_target_from(by=admin, key_result=okr(CCCS), **arguments)
    assert Target.history.count() == before


def test_an_achieved_or_retired_okr_keeps_its_targets(admin):
    key_result = okr(CCCS)
    okr_actions.retire_key_result(by=admin, key_result=key_result, reason="Stopped")
    with pytest.raises(ValidationError, match="keeps the targets"):
        okr_actions.change_target_from(
            by=admin,
            key_result=key_result,
            value=Decimal(97),
            from_period=period("Q1 2022/23"),
            reason="test",
        )


def test_marking_achieved_replaces_the_okr_in_one_step(admin):
    old = okr(CCCS)
    results_before = old.results.count()
    replacement = okr_actions.mark_achieved_and_replace(
        by=admin,
        key_result=old,
        reason="95% reached two quarters running",
        definition=as_definition(
            code="quality-cccs-training-98",
            statement="We will achieve 98% compliance in CCCS training",
            measure="percentage",
            direction="increase",
            target=Decimal(98),
        ),
    )
    old.refresh_from_db()
    assert old.status == KeyResult.Status.ACHIEVED and old.replaced_by == replacement
    assert replacement.status == KeyResult.Status.ACTIVE
    assert (replacement.objective_id, replacement.focus_area_id, replacement.order) == (
        old.objective_id,
        old.focus_area_id,
        old.order,
    )
    assert replacement.targets.get().value == Decimal(98)
    assert old.results.count() == results_before
    latest = old.history.latest()
    assert latest.history_change_reason == "95% reached two quarters running"
    assert latest.history_user == admin


def test_a_refused_replacement_leaves_the_okr_active(admin):
    old = okr(CCCS)
    with pytest.raises(ValidationError):
        okr_actions.mark_achieved_and_replace(
            by=admin,
            key_result=old,
            reason="test",
            definition=as_definition(code="quality-reduce-harm"),
        )
    old.refresh_from_db()
    assert old.status == KeyResult.Status.ACTIVE and old.replaced_by is None


def test_retiring_keeps_results_and_is_audited(admin):
    key_result = okr(CCCS)
    results = key_result.results.count()
    okr_actions.retire_key_result(by=admin, key_result=key_result, reason="No longer measured")
    key_result.refresh_from_db()
    assert key_result.status == KeyResult.Status.RETIRED
    assert key_result.results.count() == results > 0
    assert key_result.history.latest().history_change_reason == "No longer measured"


def test_drafts_can_be_retired_even_unfinished_ones(admin):
    draft = okr_actions.create_key_result(
        by=None,
        objective=quality(),
        code="quality-draft-defined",
        statement="A defined draft",
        measure="count",
        direction="decrease",
        frequency="monthly",
        reason="test",
    )
    okr_actions.retire_key_result(by=admin, key_result=draft, reason="Not going ahead")
    draft.refresh_from_db()
    assert draft.status == KeyResult.Status.RETIRED
    # A draft from the slides with no measure yet can be retired too.
    unfinished = okr("quality-draft-seclusion")
    okr_actions.retire_key_result(by=admin, key_result=unfinished, reason="Not going ahead")
    unfinished.refresh_from_db()
    assert unfinished.status == KeyResult.Status.RETIRED and unfinished.measure == ""


@pytest.mark.parametrize(
    ("setup", "attempt", "message"),
    [
        ("draft", "achieve", "is draft, so it cannot be marked achieved"),
        ("achieved", "achieve", "is achieved, so it cannot be marked achieved"),
        ("achieved", "retire", "is achieved, so it cannot be marked retired"),
        ("retired", "retire", "is retired, so it cannot be marked retired"),
        ("retired", "achieve", "is retired, so it cannot be marked achieved"),
    ],
)
def test_status_changes_other_than_the_allowed_ones_are_refused(admin, setup, attempt, message):
    if setup == "draft":
        key_result = okr("quality-draft-supervision")
    else:
        key_result = okr(CCCS)
        if setup == "achieved":
            okr_actions.mark_achieved_and_replace(
                by=admin, key_result=key_result, reason="test", definition=as_definition()
            )
        else:
            okr_actions.retire_key_result(by=admin, key_result=key_result, reason="test")
    history_before = KeyResult.history.count()
    with pytest.raises(ValidationError, match=message):
        if attempt == "achieve":
            okr_actions.mark_achieved_and_replace(
                by=admin,
                key_result=key_result,
                reason="test",
                definition=as_definition(code="another"),
            )
        else:
            okr_actions.retire_key_result(by=admin, key_result=key_result, reason="test")
    assert KeyResult.history.count() == history_before


# --- Who may ----------------------------------------------------------------------


def maintenance_urls() -> dict[str, str]:
    return {
        "manage": reverse("okrs:manage_okrs"),
        "add": reverse("okrs:add_key_result") + f"?focus_area={quality_focus_area().pk}",
        "target": reverse("okrs:change_target", args=[CCCS]),
        "achieve": reverse("okrs:achieve_and_replace", args=[CCCS]),
        "retire": reverse("okrs:retire", args=[CCCS]),
    }


PAGES = ["manage", "add", "target", "achieve", "retire"]
ROLES_REFUSED = [Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY, Role.VIEWER]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_only_trust_administrators_reach_the_maintenance_pages(client, users_by_role, role, page):
    client.force_login(users_by_role[role])
    response = client.get(maintenance_urls()[page])
    assert response.status_code == (200 if role == Role.TRUST_ADMINISTRATOR else 403)


@pytest.mark.parametrize("page", PAGES[1:])
@pytest.mark.parametrize("role", ROLES_REFUSED, ids=lambda role: role.value)
def test_other_roles_cannot_post_to_the_maintenance_pages(client, users_by_role, role, page):
    client.force_login(users_by_role[role])
    history_before = (KeyResult.history.count(), Target.history.count())
    response = client.post(maintenance_urls()[page], {"reason": "Sneaky"})
    assert response.status_code == 403
    assert (KeyResult.history.count(), Target.history.count()) == history_before


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in_from_maintenance(client, page):
    response = client.get(maintenance_urls()[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_the_menu_and_the_okr_page_offer_maintenance_only_to_administrators(
    client, users_by_role, role
):
    client.force_login(users_by_role[role])
    content = client.get(okr(CCCS).get_absolute_url()).content.decode()
    is_admin = role == Role.TRUST_ADMINISTRATOR
    assert ('href="/manage/okrs/"' in content) == is_admin
    assert ("Manage this OKR" in content) == is_admin
    assert (reverse("okrs:change_target", args=[CCCS]) in content) == is_admin


# --- Pages ------------------------------------------------------------------------


def test_the_manage_page_lists_every_okr_by_objective_with_its_status(admin_client, admin):
    okr_actions.retire_key_result(by=admin, key_result=okr("quality-reduce-harm"), reason="x")
    content = admin_client.get(reverse("okrs:manage_okrs")).content.decode()
    assert "Quality – Deliver the best possible care and health outcomes" in content
    assert "We will achieve 95% compliance in CCCS training" in content
    assert '<strong class="nhsuk-tag nhsuk-tag--white">Active</strong>' in content
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Retired</strong>' in content
    assert '<strong class="nhsuk-tag nhsuk-tag--yellow">Draft</strong>' in content
    row = content[content.index('data-testid="okr-quality-reduce-harm"') :]
    row = row[: row.index("</tr>")]
    # Nothing is left to do with a retired OKR; an active one offers every action.
    assert "/manage/okrs/quality-reduce-harm/" not in row
    row = content[content.index(f'data-testid="okr-{CCCS}"') :]
    row = row[: row.index("</tr>")]
    for name in ("change_target", "achieve_and_replace", "retire"):
        assert reverse(f"okrs:{name}", args=[CCCS]) in row
    assert f"?focus_area={quality_focus_area().pk}" in content


def test_the_manage_page_costs_the_same_queries_however_many_okrs(admin_client, admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("okrs:manage_okrs")).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        key_result = okr_actions.add_key_result_to_focus_area(
            by=admin,
            focus_area=quality_focus_area(),
            reason="test",
            definition=as_definition(code=f"extra-{number}"),
        )
        okr_actions.change_target_from(
            by=admin,
            key_result=key_result,
            value=Decimal(-25),
            from_period=period("Q1 2022/23"),
            reason="test",
        )
    okr_actions.retire_key_result(by=admin, key_result=key_result, reason="test")
    assert queries() == before


def test_an_administrator_adds_an_okr_through_the_form(admin_client):
    focus_area = quality_focus_area()
    form = admin_client.get(reverse("okrs:add_key_result") + f"?focus_area={focus_area.pk}")
    assert f'<option value="{focus_area.pk}" selected>' in form.content.decode()
    data = {
        **{k: v for k, v in definition().items() if v is not None},
        "target": "−20%",  # as people type it
        "focus_area": focus_area.pk,
        "reason": "Agreed at the Board",
    }
    response = admin_client.post(reverse("okrs:add_key_result"), data, follow=True)
    key_result = okr("quality-restraint")
    assert response.redirect_chain[-1][0] == key_result.get_absolute_url()
    assert key_result.targets.get().value == Decimal(-20)
    content = response.content.decode()
    assert "OKR added: We will reduce the use of prone restraint by 20%" in content
    assert focus_area.title in content


def test_a_refused_form_keeps_every_value_typed(admin_client):
    focus_area = quality_focus_area()
    data = {
        "focus_area": focus_area.pk,
        "code": CCCS,  # taken
        "statement": "A statement typed with care",
        "measure": "percentage",
        "direction": "increase",
        "frequency": "monthly",
        "target": "ninety",  # not a number
        "target_from": "2021-04-01",
        "tolerance": "2.5",
        "tolerance_kind": "relative",
        "decimal_places": "2",
        "calculation": "A calculation typed with care",
        "data_source": "A data source typed with care",
        "target_rationale": "A rationale typed with care",
        "reason": "A reason typed with care",
    }
    before = KeyResult.objects.count()
    response = admin_client.post(reverse("okrs:add_key_result"), data)
    assert response.status_code == 200
    assert KeyResult.objects.count() == before
    content = response.content.decode()
    assert "There is a problem" in content
    assert '<a href="#id_target">Enter the target as a number</a>' in content
    assert "nhsuk-form-group--error" in content and "nhsuk-input--error" in content
    for typed in [
        "A statement typed with care",
        'value="ninety"',
        'value="2021-04-01"',
        'value="2.5"',
        "A calculation typed with care",
        "A data source typed with care",
        "A rationale typed with care",
        "A reason typed with care",
        f'<option value="{focus_area.pk}" selected>',
        '<option value="monthly" selected>',
        '<option value="relative" selected>',
    ]:
        assert typed in content, typed

    # The form is fixed, and now the action refuses the code taken: still nothing lost.
    response = admin_client.post(reverse("okrs:add_key_result"), {**data, "target": "90"})
    content = response.content.decode()
    assert f'<a href="#id_code">An OKR with the code {CCCS} already exists' in content
    assert 'id="id_code_error"' in content
    assert 'aria-describedby="id_code_helptext id_code_error"' in content
    assert "A calculation typed with care" in content and 'value="90"' in content
    assert KeyResult.objects.count() == before


def test_changing_a_target_through_the_form(admin_client):
    key_result = okr(CCCS)
    period("Q1 2022/23")
    period("Q4 2021/22")
    page = admin_client.get(reverse("okrs:change_target", args=[CCCS])).content.decode()
    assert "Targets over time" in page and "From 1 April 2020 on" in page
    # Quarterly periods only, newest first.
    assert page.index("Q1 2022/23 (from 1 April 2022)") < page.index("Q4 2021/22")
    assert "April 2022 (from" not in page
    response = admin_client.post(
        reverse("okrs:change_target", args=[CCCS]),
        {"from_period": "2022-04-01", "value": "97", "reason": "Raised for 2022/23"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == key_result.get_absolute_url()
    content = response.content.decode()
    assert "The Trust's target changed from Q1 2022/23 on" in content.replace("&#x27;", "'")
    assert "95% from 1 Apr 2020" in content and "97% from 1 Apr 2022" in content
    page = admin_client.get(reverse("okrs:change_target", args=[CCCS])).content.decode()
    assert "From 1 April 2020 to 31 March 2022" in page and "From 1 April 2022 on" in page


def test_a_target_change_that_changes_nothing_is_refused_on_the_page(admin_client):
    period("Q1 2020/21")
    response = admin_client.post(
        reverse("okrs:change_target", args=[CCCS]),
        {"from_period": "2020-04-01", "value": "95", "reason": "Typed reason"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The target from Q1 2020/21 is already 95%: nothing to change" in content
    assert "Typed reason" in content


def test_achieving_through_the_form_shows_blue_and_links_to_the_replacement(admin_client):
    form = admin_client.get(reverse("okrs:achieve_and_replace", args=[CCCS])).content.decode()
    assert '<option value="percentage" selected>' in form  # starts as a copy
    data = {
        **{k: v for k, v in definition().items() if v is not None},
        "code": "quality-cccs-training-98",
        "statement": "We will achieve 98% compliance in CCCS training",
        "measure": "percentage",
        "direction": "increase",
        "target": "98",
        "reason": "Achieved in Q2 2021/22",
    }
    response = admin_client.post(
        reverse("okrs:achieve_and_replace", args=[CCCS]), data, follow=True
    )
    assert response.redirect_chain[-1][0] == okr(CCCS).get_absolute_url()
    content = response.content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Achieved</strong>' in content
    replacement = okr("quality-cccs-training-98")
    assert f'replaced by <a href="{replacement.get_absolute_url()}">' in content
    assert "Marked achieved and replaced by" in content
    replacement_page = admin_client.get(replacement.get_absolute_url()).content.decode()
    assert "Replaces" in replacement_page and okr(CCCS).get_absolute_url() in replacement_page
    listing = admin_client.get(reverse("okrs:manage_okrs")).content.decode()
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Achieved</strong>' in listing
    # Nothing is left to do with it, and its pages say so.
    page = admin_client.get(reverse("okrs:achieve_and_replace", args=[CCCS])).content.decode()
    assert "Only an active OKR can be marked achieved" in page and 'name="code"' not in page


def test_retiring_through_the_form_needs_a_reason(admin_client):
    url = reverse("okrs:retire", args=[CCCS])
    response = admin_client.post(url, {"reason": ""})
    assert '<a href="#id_reason">Give a reason for this change</a>' in response.content.decode()
    assert okr(CCCS).status == KeyResult.Status.ACTIVE
    response = admin_client.post(url, {"reason": "Measure withdrawn"}, follow=True)
    content = response.content.decode()
    assert okr(CCCS).status == KeyResult.Status.RETIRED
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Retired</strong>' in content
    assert Result.objects.filter(key_result__code=CCCS).exists()


def test_the_maintenance_pages_of_a_missing_okr_say_so(admin_client):
    assert admin_client.get(reverse("okrs:retire", args=["no-such-okr"])).status_code == 404


def test_a_target_can_be_set_ahead_for_a_period_not_yet_reported(admin_client):
    """Next year's target, agreed by the Board this year: the coming quarters up to the
    end of the next financial year are offered, and the chosen one is made."""
    today = timezone.localdate()
    next_year = periods.financial_year_start(today) + 1
    first_quarter = periods.quarter_span(next_year, 1)
    label = periods.period_label(periods.QUARTERLY, first_quarter.starts_on)
    last_quarter = periods.quarter_span(next_year, 4)
    after = periods.next_span(last_quarter)
    page = admin_client.get(reverse("okrs:change_target", args=[CCCS])).content.decode()
    assert f"{label} (from {first_quarter.starts_on:%-d %B %Y})" in page
    assert periods.period_label(periods.QUARTERLY, last_quarter.starts_on) in page
    assert periods.period_label(periods.QUARTERLY, after.starts_on) not in page
    assert not ReportingPeriod.objects.filter(starts_on=first_quarter.starts_on).exists()
    response = admin_client.post(
        reverse("okrs:change_target", args=[CCCS]),
        {
            "from_period": first_quarter.starts_on.isoformat(),
            "value": "97",
            "reason": "Agreed by the Board",
        },
    )
    assert response.status_code == 302
    assert ReportingPeriod.objects.filter(
        frequency=periods.QUARTERLY, starts_on=first_quarter.starts_on
    ).exists()
    assert okr(CCCS).targets.get(effective_from=first_quarter.starts_on).value == Decimal(97)


def test_a_replacement_starts_from_numbers_as_people_type_them():
    """A tolerance of 10 and a scale of 100 read "10" and "100" in the form, never
    "1E+1" or "1E+2" (which the form would then refuse as not a number)."""
    from okrs.forms.maintenance import ReplaceKeyResultForm

    key_result = okr(CCCS)
    key_result.tolerance = Decimal(10)
    initial = ReplaceKeyResultForm.initial_from(key_result)
    assert (initial["tolerance"], initial["ratio_scale"]) == ("10", "100")
