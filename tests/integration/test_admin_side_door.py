"""The Django admin reads; the product writes. Results, OKRs, targets, narratives
and cover sheets cannot be changed there; the history cannot be 'reverted'; the
people and executive roles that stay editable leave a record of every change;
accounts are managed in the portal and only shown here."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import MultiWidget
from django.urls import reverse

from objectives.models import Person, StrategicObjective, Strategy
from objectives.roles import Role, group_name
from okrs.models import KeyResult, ReportingPeriod, Result, Target, Trajectory
from reporting.models import Narrative

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def administrator(make_user):
    return make_user("trust-admin", Role.TRUST_ADMINISTRATOR, is_staff=True)


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_staff=True, is_superuser=True)


def admin_form_data(response) -> dict:
    """What the admin's change form would post back unchanged (fields and inlines)."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, MultiWidget):  # e.g. a date and a time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[subform.add_prefix(name)] = "on" if value is True else str(value)
    return data


def _a_trajectory():
    from decimal import Decimal

    from objectives.models import OrganisationalUnit
    from okrs import actions, periods

    actions.set_planned_trajectory(
        by=None,
        key_result=KeyResult.objects.get(code="quality-cccs-training"),
        unit=OrganisationalUnit.objects.get(slug="bucks-mh"),
        first_period=periods.quarter_span(2020, 2),
        values=[Decimal(92), Decimal(93)],
        reason="test",
    )


def change_url(instance) -> str:
    opts = instance._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])


@pytest.mark.parametrize(
    "model", [Result, KeyResult, Target, Trajectory, Narrative, ReportingPeriod]
)
def test_domain_data_is_read_only_in_the_admin(client, administrator, model):
    client.force_login(administrator)
    if model is Trajectory:  # the seeds have none
        _a_trajectory()
    record = model.objects.first()
    opts = model._meta
    page = client.get(change_url(record))
    assert page.status_code == 200  # administrators can still read it
    assert b'name="_save"' not in page.content
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])
    assert client.get(history).status_code == 200  # and its history
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_an_administrator_cannot_change_a_result_or_forge_a_sign_off(client, administrator):
    client.force_login(administrator)
    result = Result.objects.exclude(value=None).first()
    before = result.value
    response = client.post(change_url(result), {"value": "99999", "reason": "admin edit"})
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.value == before

    narrative = Narrative.objects.first()
    signed = (narrative.signed_by_id, narrative.signed_on)
    response = client.post(
        change_url(narrative), {"signed_by": administrator.pk, "signed_on": "2026-11-01"}
    )
    assert response.status_code == 403
    narrative.refresh_from_db()
    assert (narrative.signed_by_id, narrative.signed_on) == signed


def test_the_history_cannot_be_reverted(client, superuser):
    client.force_login(superuser)
    strategy = Strategy.objects.get(is_current=True)
    first_version = strategy.history.earliest()
    strategy.title = "Renamed through the product"
    strategy.save()
    url = reverse(
        "admin:objectives_strategy_simple_history",
        args=[strategy.pk, first_version.history_id],
    )
    page = client.get(url)
    assert page.status_code == 200
    assert b"Revert" not in page.content
    response = client.post(url, admin_form_data(page))
    assert response.status_code == 403
    strategy.refresh_from_db()
    assert strategy.title == "Renamed through the product"

    # Nor for a record the admin only shows.
    result = Result.objects.first()
    version = result.history.earliest()
    url = reverse("admin:okrs_result_simple_history", args=[result.pk, version.history_id])
    assert client.post(url, {"value": "1"}).status_code == 403


def test_a_change_to_a_person_in_the_admin_is_recorded(client, administrator):
    client.force_login(administrator)
    person = Person.objects.first()
    page = client.get(change_url(person))
    data = admin_form_data(page) | {"email": "new.address@example.nhs.uk"}
    response = client.post(change_url(person), data)
    assert response.status_code == 302, response.content[:2000]
    latest = person.history.latest()
    assert latest.email == "new.address@example.nhs.uk"
    assert latest.history_user == administrator
    assert latest.prev_record.email != "new.address@example.nhs.uk"


def test_accounts_are_read_only_in_the_admin_even_for_a_superuser(client, superuser, make_user):
    """Roles are given in the portal (/manage/users/, tests/integration/test_users.py),
    with a reason and an audit record; the admin only shows accounts."""
    lead = make_user("someone", Role.DIRECTORATE_LEAD)
    client.force_login(superuser)
    page = client.get(change_url(lead))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    secretary = Group.objects.get(name=group_name(Role.BOARD_SECRETARY))
    response = client.post(change_url(lead), {"username": "someone", "groups": [secretary.pk]})
    assert response.status_code == 403
    assert list(lead.groups.values_list("name", flat=True)) == ["Directorate lead"]
    add = reverse("admin:auth_user_add")
    assert client.post(add, {"username": "new", "password1": "x" * 20}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[lead.pk])
    assert client.post(password, {"password1": "y" * 20, "password2": "y" * 20}).status_code == 403


def test_narrative_delegates_are_recorded(superuser):
    objective = StrategicObjective.objects.first()
    person = Person.objects.first()
    objective._history_user = superuser
    objective.narrative_delegates.add(person)
    latest = objective.history.latest()
    assert person in [row.person for row in latest.narrative_delegates.all()]
    assert person not in [row.person for row in latest.prev_record.narrative_delegates.all()]


def test_logging_in_does_not_fill_the_account_history(client, make_user):
    user = make_user("viewer-person", Role.VIEWER)
    versions = get_user_model().history.filter(id=user.pk).count()
    client.post(
        "/accounts/login/", {"username": user.username, "password": "correct horse battery"}
    )
    assert client.get("/").status_code == 200
    assert get_user_model().history.filter(id=user.pk).count() == versions


def test_roles_given_from_the_groups_side_are_recorded_on_the_account(make_user):
    user = make_user("someone", Role.VIEWER)
    secretaries = Group.objects.get(name=group_name(Role.BOARD_SECRETARY))
    secretaries.user_set.add(user)
    latest = get_user_model().history.filter(id=user.pk).latest()
    assert sorted(row.group.name for row in latest.groups.all()) == ["Board secretary", "Viewer"]
    secretaries.user_set.clear()
    latest = get_user_model().history.filter(id=user.pk).latest()
    assert [row.group.name for row in latest.groups.all()] == ["Viewer"]


def test_administrators_are_given_only_what_the_admin_lets_them_do(administrator):
    """Model permissions match the admin: reading domain data, changing people."""
    assert administrator.has_perm("okrs.view_result")
    assert administrator.has_perm("reporting.view_narrative")
    for permission in (
        "okrs.change_result",
        "okrs.add_result",
        "okrs.delete_keyresult",
        "okrs.change_target",
        "reporting.change_narrative",
        "reporting.change_boardcover",
    ):
        assert not administrator.has_perm(permission), permission
    assert administrator.has_perm("objectives.change_person")
    assert administrator.has_perm("objectives.add_roleassignment")
