"""Each objective of the 2021–26 strategy says what it means: its description is
Section 4's text under its heading, in the Trust's own words, seeded through the
YAML, shown on the objective's page, and brought into an existing database by
loading the seeds again (with history), which afterwards writes nothing.

The sentences below were copied by hand from fixtures/sources/002_*.txt."""

import pytest
from django.urls import reverse

from accounts.system_actor import system_actor
from datasets.seeding import load_seeds
from objectives.audit import update_fields
from objectives.models import StrategicObjective
from objectives.roles import Role

pytestmark = pytest.mark.usefixtures("seeded")

# (objective number, a sentence of Section 4 under its heading)
SENTENCES = [
    (
        1,
        "OHI seeks not only to continuously improve the services for patients but, "
        "crucially, aims to enhance the working lives of staff, thereby improving morale "
        "and, hence, productivity and retention.",
    ),
    (
        2,
        "The Trust has long recognised that its workforce, partners and volunteers are "
        "its greatest asset.",
    ),
    (
        # Split across a page break in the paper ("release" / "resource").
        3,
        "By focusing on the development of staff and the delivery of high-quality "
        "services, the Trust has the potential to release resource for re-investment.",
    ),
    (
        4,
        "Research has been defined as a core priority within this new Trust Strategy and "
        "the Trust will extend its research excellence across all services including "
        "building research activity within community services.",
    ),
]


def objective(number: int) -> StrategicObjective:
    return StrategicObjective.objects.get(strategy__slug="trust-strategy-2021-26", number=number)


@pytest.mark.parametrize(("number", "sentence"), SENTENCES)
def test_each_objective_holds_a_sentence_of_its_own_section(number, sentence):
    assert sentence in objective(number).description


def test_descriptions_start_and_end_where_the_headings_do():
    assert objective(1).description.startswith(
        "The Trust should realign services in a systematic way"
    )
    assert objective(1).description.endswith(
        "the leaders and managers throughout the organisation."
    )
    # The People list's last priority, then the next heading ('Make the best use…').
    assert objective(2).description.endswith(
        "- The Trust supports its leaders and managers in decision making and in managing "
        "in times of risk, pressure and uncertainty."
    )
    # Each priority of a list is a line of its own.
    assert (
        "including:\n- Continuing to develop our preventative offers and skills to reduce "
        "future need and demand for care;\n- Ensuring our services remain safe"
    ) in objective(1).description
    # The next objective's words are not in the one before.
    assert "The Trust has long recognised" not in objective(1).description
    assert "Ensuring that the Trust’s workforce" not in objective(2).description


def test_the_objective_page_shows_it(client, make_user):
    client.force_login(make_user("viewer-1", Role.VIEWER))
    response = client.get(reverse("reporting:objective", args=[objective(2).pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The Trust has long recognised that its workforce, partners and volunteers" in page
    assert "Within this priority, it is proposed that:<br>- The Trust focuses on" in page


def test_loading_into_a_database_without_descriptions_fills_them_with_history():
    quality = objective(1)
    update_fields(quality, {"description": ""}, by=None, reason="As before descriptions")
    history_before = quality.history.count()

    report = load_seeds()

    quality.refresh_from_db()
    assert SENTENCES[0][1] in quality.description
    assert report.updated == 1
    latest = quality.history.first()
    assert quality.history.count() == history_before + 1
    assert latest.history_user == system_actor()
    assert latest.history_change_reason == (
        "Loaded from the Trust's seeded papers (fixtures/strategies/2021-26-trust-strategy.yaml)"
    )
    assert latest.prev_record.description == ""

    again = load_seeds()
    assert (again.created, again.updated) == (0, 0)
    assert quality.history.count() == history_before + 1
