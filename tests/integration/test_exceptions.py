"""The Board's exceptions in the seeded September 2020 report: every Red is one
(the issue's own case, Bucks MH at 92% against a 95% CCCS target with no special
cause), the IPR page, the pack's flat data and the dashboard's "Off track" list
read the one rule. (The strategy's run of Amber periods changes only through
its action: tests/integration/test_rating_rules.py.)"""

import datetime
import re

import pytest
from django.urls import reverse

from objectives.roles import Role
from reporting.ipr import assemble_ipr
from reporting.pack import draft_pack, flat_rows

pytestmark = pytest.mark.usefixtures("seeded")
SEPTEMBER = datetime.date(2020, 9, 1)
CCCS = "We will achieve 95% compliance in CCCS training"


def test_a_red_value_with_no_special_cause_is_an_exception():
    """Q2 2020/21, CCCS training, Bucks MH: 92% against 95% with 2 points'
    tolerance (Amber from 93%): Red. Two quarters of values: no SPC reading, so
    Red is its only reason."""
    report = assemble_ipr(SEPTEMBER)
    listed = {(item.okr, item.unit): item.detail for item in report.summary.exceptions}
    assert listed[(CCCS, "Bucks MH")] == "Red"
    # 94% (the Trust, Community Services, Oxon & BSW MH) is Amber, not an exception.
    for unit in ("Trust", "Community Services", "Oxon & BSW MH"):
        assert (CCCS, unit) not in listed


def test_the_ipr_page_states_the_rule_and_lists_the_red_value(client, users_by_role):
    client.force_login(users_by_role[Role.EXECUTIVE])
    html = client.get(reverse("reporting:ipr", args=["2020-09"])).content.decode()
    exceptions = html[html.index('id="exceptions"') :]
    assert (
        "Values that are Red, Amber for 3 periods running or more, a special cause of "
        "concern, or will not meet their target without change, with the executive’s "
        "commentary: one entry per OKR" in exceptions
    )
    entry = exceptions[exceptions.index(f"{CCCS}</h3>") :]
    bucks = entry[
        entry.index(">Bucks MH</th>") : entry.index("</tr>", entry.index(">Bucks MH</th>"))
    ]
    assert re.search(r"<td[^>]*>92.0%</td>", bucks) and re.search(r"<td[^>]*>Red</td>", bucks)


def test_the_dashboard_the_ipr_and_the_flat_data_list_the_same_exceptions(client, users_by_role):
    report = assemble_ipr(SEPTEMBER)
    in_the_ipr = {(item.okr, item.unit, item.detail) for item in report.summary.exceptions}
    assert in_the_ipr
    client.force_login(users_by_role[Role.EXECUTIVE])
    response = client.get(reverse("dashboard:home") + "?month=2020-09")
    on_the_dashboard = {
        (item.okr.statement, item.cell.unit, ", ".join(item.reasons))
        for item in response.context["off_track"]
    }
    assert on_the_dashboard == in_the_ipr
    in_the_data = {
        (row["okr"], row["unit"], row["exception"].replace("; ", ", "))
        for row in flat_rows(draft_pack(SEPTEMBER))
        if row["is_report_period"] and row["exception"]
    }
    assert in_the_data == in_the_ipr
