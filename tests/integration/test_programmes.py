"""The current strategy's programmes: seeded from the papers and marked to confirm,
set out and confirmed by administrators, reported on month by month by their
leads, each change audited; shown on the objective's page, in the IPR and in the
pack (see also tests/integration/test_pack_layout.py)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from datasets.seeding import load_seeds
from objectives import actions as strategy_actions
from objectives.models import KeyFocusArea, OrganisationalUnit, RuleProvenance, StrategicObjective
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import periods
from okrs.models import Programme, ProgrammeUpdate
from reporting.ipr import assemble_ipr, forget_recent_reports

pytestmark = pytest.mark.usefixtures("seeded")
OHI = "Oxford Healthcare Improvement (OHI)"
AGENCY = "Improving Quality and Reducing Agency programme"
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def administrator(users_by_role):
    return users_by_role[Role.TRUST_ADMINISTRATOR]


@pytest.fixture
def lead(make_user):
    """Leads the OHI programme (an executive with a person of her own)."""
    user = make_user("olive", Role.EXECUTIVE, first_name="Olive", last_name="Improver")
    person = strategy_actions.create_person(
        by=None, slug="olive", full_name="Olive Improver", user=user, reason="test"
    )
    Programme.objects.filter(title=OHI).update(lead=person)
    return user


def october():
    return okr_actions.ensure_period(periods.month_span(2026, 10))


def test_the_papers_programmes_are_seeded_to_confirm_and_reloading_keeps_a_confirmed_one():
    ohi = Programme.objects.get(title=OHI)
    agency = Programme.objects.get(title=AGENCY)
    assert ohi.focus_area.objective.short_name == "Quality"
    assert agency.focus_area.title == "Reduce agency usage to a minimum"
    assert {ohi.provenance, agency.provenance} == {RuleProvenance.ASSUMED}
    assert "Oxford Healthcare Improvement" in ohi.source
    # The FY18 business plan's programmes are its own, as its report set them out.
    fy18 = Programme.objects.exclude(focus_area__objective__strategy__is_current=True)
    assert fy18.exists() and not fy18.exclude(provenance=RuleProvenance.CONFIRMED).exists()
    Programme.objects.filter(pk=ohi.pk).update(provenance=RuleProvenance.CONFIRMED)
    load_seeds()
    ohi.refresh_from_db()
    assert ohi.provenance == RuleProvenance.CONFIRMED


def test_an_administrator_adds_a_programme_with_a_reason_kept(client, administrator):
    focus_area = KeyFocusArea.objects.get(title="Reduce agency usage to a minimum")
    client.force_login(administrator)
    url = reverse("okrs:add_programme")
    refused = client.post(url, {"title": AGENCY, "focus_area": focus_area.pk, "reason": "Board"})
    assert "This focus area already has a programme of that name" in refused.content.decode()
    response = client.post(
        url,
        {"title": "E-rostering", "focus_area": focus_area.pk, "reason": "Agreed at the EMC"},
    )
    assert response.status_code == 302
    added = Programme.objects.get(title="E-rostering")
    assert added.provenance == RuleProvenance.CONFIRMED and added.order == 2
    record = added.history.get()
    assert record.history_user == administrator
    assert record.history_change_reason == "Agreed at the EMC"
    page = client.get(reverse("okrs:manage_programmes")).content.decode()
    assert "E-rostering" in page and 'data-testid="programmes-to-confirm"' in page


def test_confirming_a_seeded_programme_sets_its_lead_and_refuses_a_stale_page(
    client, administrator, lead
):
    ohi = Programme.objects.get(title=OHI)
    person = ohi.lead
    Programme.objects.filter(pk=ohi.pk).update(lead=None)
    client.force_login(administrator)
    url = reverse("okrs:change_programme", args=[ohi.pk])
    form = {
        "title": OHI,
        "focus_area": ohi.focus_area_id,
        "lead": person.pk,
        "reason": "Confirmed by the Board",
        "version": 1,
    }
    assert client.post(url, form).status_code == 302
    ohi.refresh_from_db()
    assert (ohi.provenance, ohi.lead, ohi.version) == (RuleProvenance.CONFIRMED, person, 2)
    assert ohi.history.first().history_change_reason == "Confirmed by the Board"
    stale = client.post(url, form | {"title": "OHI"})
    assert "changed this programme while you were editing" in stale.content.decode()
    with pytest.raises(ValidationError, match="Nothing has changed"):
        okr_actions.change_programme(
            by=administrator,
            programme=ohi,
            focus_area=ohi.focus_area,
            title=OHI,
            lead=person,
            reason="Again",
            seen_version=2,
        )


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.BOARD_SECRETARY, Role.VIEWER])
def test_only_administrators_set_out_programmes(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("okrs:manage_programmes")).status_code == 403
    with pytest.raises(PermissionDenied):
        okr_actions.add_programme(
            by=users_by_role[role],
            focus_area=KeyFocusArea.objects.filter(objective__strategy__is_current=True).first(),
            title="X",
            lead=None,
            reason="r",
        )


def test_the_lead_reports_each_month_and_a_stale_page_is_refused(client, lead, users_by_role):
    ohi = Programme.objects.get(title=OHI)
    url = reverse("okrs:report_programme", args=[ohi.pk, "2026-10"])
    client.force_login(users_by_role[Role.EXECUTIVE])  # not the lead
    assert client.get(url).status_code == 403
    client.force_login(lead)
    refused = client.post(url, {"rag": "purple", "progress": ""})
    page = refused.content.decode()
    assert "Choose the programme&#x27;s rating" in page
    assert "Say how the programme is progressing" in page
    response = client.post(url, {"rag": "amber", "progress": "Two of five wards trained."})
    assert response.status_code == 302 and response["Location"].endswith("#programmes")
    report = ProgrammeUpdate.objects.get(programme=ohi)
    assert (report.rag, report.rag_as_written, report.period.starts_on) == (
        "amber",
        "Amber",
        OCTOBER,
    )
    assert report.history.get().history_user == lead
    stale = client.post(url, {"rag": "green", "progress": "All wards trained.", "version": ""})
    assert "changed this month" in stale.content.decode()
    client.post(url, {"rag": "green", "progress": "All wards trained.", "version": 1})
    report.refresh_from_db()
    assert (report.rag, report.version) == ("green", 2)


def test_a_report_for_a_month_outside_the_strategy_is_not_found(client, lead):
    ohi = Programme.objects.get(title=OHI)
    client.force_login(lead)
    for month in ("1900-01", "2026-13", "later"):
        url = reverse("okrs:report_programme", args=[ohi.pk, month])
        assert client.get(url).status_code == 404


def test_the_ipr_and_the_objective_page_show_the_reports(client, lead, users_by_role):
    ohi = Programme.objects.get(title=OHI)
    okr_actions.update_programme(
        by=lead, programme=ohi, period=october(), rag="red", progress="Behind.", seen_version=None
    )
    forget_recent_reports()
    report = assemble_ipr(OCTOBER)
    quality = next(objective for objective in report.objectives if objective.number == 1)
    [shown] = quality.programmes
    assert (shown.title, shown.rag, shown.current, shown.lead, shown.assumed) == (
        OHI,
        "red",
        True,
        "Olive Improver",
        True,
    )
    november = assemble_ipr(datetime.date(2026, 11, 1))
    [later] = next(o for o in november.objectives if o.number == 1).programmes
    assert (later.current, later.updated_for) == (False, "October 2026")

    client.force_login(users_by_role[Role.EXECUTIVE])
    page = client.get(reverse("reporting:ipr", args=["2026-10"])).content.decode()
    assert 'data-testid="programmes"' in page
    assert "1 programme: 1 Red." in page and "Behind." in page
    client.force_login(lead)
    quality_page = reverse("reporting:objective", args=[quality.id])
    page = client.get(quality_page).content.decode()
    assert 'data-testid="objective-programmes"' in page and "Olive Improver" in page
    # The lead reports on the month just ended.
    last_month = periods.month_just_ended(datetime.date.today()).strftime("%Y-%m")
    assert reverse("okrs:report_programme", args=[ohi.pk, last_month]) in page


def test_the_objective_page_offers_reporting_only_to_the_lead_and_administrators(
    client, lead, users_by_role, administrator
):
    quality = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    url = reverse("reporting:objective", args=[quality.pk])
    client.force_login(users_by_role[Role.VIEWER])
    assert "Report for " not in client.get(url).content.decode()
    client.force_login(administrator)
    assert "Report for " in client.get(url).content.decode()


def test_the_audit_log_lists_programmes_and_their_reports(client, lead, administrator):
    ohi = Programme.objects.get(title=OHI)
    okr_actions.update_programme(
        by=lead,
        programme=ohi,
        period=october(),
        rag="amber",
        progress="On plan.",
        seen_version=None,
    )
    okr_actions.change_programme(
        by=administrator,
        programme=ohi,
        focus_area=ohi.focus_area,
        title="Oxford Healthcare Improvement",
        lead=ohi.lead,
        reason="Name as the Board uses it",
        seen_version=1,
    )
    client.force_login(administrator)
    page = client.get(reverse("okrs:audit_log")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<tbody") :]).split())
    # Newest first: the renaming (with its reason), then the lead's report, named
    # by the programme as it is called now.
    assert text.index("Programme changed") < text.index("Programme report created")
    assert "Whose programme : Assumed: to confirm → changed to Confirmed by the Trust" in text
    assert "Rating : Amber Progress : On plan." in text
    assert "Name as the Board uses it" in text
    assert "Oxford Healthcare Improvement, October 2026" in text


def test_a_cost_improvement_programme_reports_delivery_against_plan(
    client, administrator, users_by_role
):
    """The agency programme, set to Bucks MH: £120,000 planned for October, £95,500
    delivered; the IPR prints both, by the directorate."""
    agency = Programme.objects.get(title=AGENCY)
    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    okr_actions.change_programme(
        by=administrator,
        programme=agency,
        focus_area=agency.focus_area,
        title=AGENCY,
        lead=None,
        unit=bucks,
        reason="Bucks MH's agency reduction scheme",
        seen_version=1,
    )
    client.force_login(administrator)
    url = reverse("okrs:report_programme", args=[agency.pk, "2026-10"])
    one_only = client.post(
        url, {"rag": "amber", "progress": "Behind plan.", "cip_planned": "120000"}
    )
    assert "Give both what was planned and what was delivered, or neither" in (
        one_only.content.decode()
    )
    too_much = client.post(
        url,
        {"rag": "amber", "progress": "x", "cip_planned": "1e12", "cip_delivered": "5"},
    )
    assert "Enter an amount in pounds from 0 to under £1,000,000,000" in too_much.content.decode()
    saved = client.post(
        url,
        {
            "rag": "amber",
            "progress": "Behind plan.",
            "cip_planned": "£120,000",
            "cip_delivered": "95,500",
        },
    )
    assert saved.status_code == 302
    report = ProgrammeUpdate.objects.get(programme=agency)
    cip = report.cost_improvement
    assert (cip.planned_in_period, cip.delivered_in_period) == (120000, 95500)
    assert cip.forecast_for_year is None and cip.target_for_year is None
    forget_recent_reports()
    sustainability = next(o for o in assemble_ipr(OCTOBER).objectives if o.number == 3)
    [shown] = sustainability.programmes
    assert (shown.unit, shown.cip_planned, shown.cip_delivered) == ("Bucks MH", 120000, 95500)
    client.force_login(users_by_role[Role.EXECUTIVE])
    page = client.get(reverse("reporting:ipr", args=["2026-10"])).content.decode()
    assert "Cost improvement: £95,500 delivered of £120,000 planned." in page
