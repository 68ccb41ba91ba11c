"""The seeded strategy against the Trust's own papers (copies in fixtures/sources/).

Figures and wording are checked against the papers' text or against the tables
copied by hand from them (docs/domain.md), never against the loader's own output.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from datasets.seeding import load_seeds
from objectives.models import (
    KeyFocusArea,
    OrganisationalUnit,
    Person,
    StrategicObjective,
    Strategy,
)
from okrs.models import KeyResult, ProgrammeUpdate, Result
from reporting.models import Narrative, RecordedOverallRating

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"


def source_text(name: str) -> str:
    """A paper's text with its line wrapping and spacing flattened."""
    path = next(SOURCES.glob(f"{name}_*.txt"))
    return _flat(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _flat(text: str) -> str:
    return " ".join(text.split())


pytestmark = pytest.mark.usefixtures("seeded")


def current():
    return Strategy.objects.get(is_current=True)


def test_three_strategies_one_current():
    strategies = {strategy.slug: strategy for strategy in Strategy.objects.all()}
    assert set(strategies) == {
        "trust-strategy-2021-26",
        "business-plan-fy18",
        "strategic-framework-2012",
    }
    assert current().slug == "trust-strategy-2021-26"
    assert strategies["trust-strategy-2021-26"].status == "approved"
    assert strategies["business-plan-fy18"].status == "superseded"
    assert strategies["strategic-framework-2012"].status == "superseded"


def test_vision_and_qualifying_statement_are_the_final_wording():
    strategy = current()
    assert strategy.vision == "Outstanding care by an outstanding team"
    assert strategy.qualifying_statement == (
        "Working together to deliver the best for communities, our people, and the environment"
    )
    assert strategy.vision in source_text("002")


def test_values_and_behaviours():
    values = {
        value.name: [behaviour.text for behaviour in value.behaviours.order_by("order")]
        for value in current().values.all()
    }
    assert values == {
        "Caring": [
            "Put people and patients first",
            "Be understanding",
            "Show respect",
            "Listen and communicate",
        ],
        "Safe": [
            "Create a safe environment for patients and staff",
            "Be self aware",
            "Be open and honest",
            "Give and receive help",
        ],
        "Excellent": [
            "Strive to be the best (quality improvement culture)",
            "Take pride",
            "Learn and improve",
            "Work together",
            "Be professional in everything we do",
        ],
    }


def test_four_objectives_with_the_final_wording():
    objectives = [
        (objective.number, objective.short_name, objective.title)
        for objective in current().objectives.order_by("number")
    ]
    assert objectives == [
        (1, "Quality", "Deliver the best possible care and health outcomes"),
        (2, "People", "Be a great place to work"),
        (3, "Sustainability", "Make the best use of our resources and protect the environment"),
        (4, "Research & Education", "Become a leader in healthcare research and education"),
    ]


def test_quality_governance_line():
    quality = current().objectives.get(number=1)
    assert sorted(role.title for role in quality.lead_roles.all()) == [
        "Chief Nurse",
        "Medical Director",
    ]
    assert quality.committee.name == "Quality & Safety Committee"


def test_thirty_nine_focus_areas_eleven_verbatim_quality_ones():
    focus_areas = KeyFocusArea.objects.filter(objective__strategy=current())
    assert focus_areas.count() == 39
    quality = focus_areas.filter(objective__number=1)
    assert quality.count() == 11
    assert set(quality.values_list("provenance", flat=True)) == {"verbatim"}
    paper = source_text("002")
    for focus_area in quality:
        assert _flat(focus_area.title) in paper, focus_area.title


def test_the_other_twenty_eight_are_marked_derived_and_quote_the_strategy():
    derived = KeyFocusArea.objects.filter(objective__strategy=current()).exclude(
        objective__number=1
    )
    assert derived.count() == 28
    assert set(derived.values_list("provenance", flat=True)) == {"derived"}
    counts = {number: derived.filter(objective__number=number).count() for number in (2, 3, 4)}
    assert counts == {2: 9, 3: 13, 4: 6}
    paper = source_text("002")
    for focus_area in derived:
        assert focus_area.source_text, focus_area.title
        for quoted in focus_area.source_text.split("\n\n"):
            assert _flat(quoted) in paper, quoted


def test_year_one_quality_okrs_and_their_values():
    # The table on the Quality slide of 003, copied by hand (docs/domain.md).
    expected = {
        "We will reduce incidents of harm by 10% / 3,500 per annum": [-5, -11, -9, -10, -7],
        "We will achieve 95% compliance in CCCS training": [94, 94, 92, 97, 94],
        "Staff sickness levels will remain below 3.5%": [8, 3, 4, 4, 5],
        "Our overall patient satisfaction scores will be above 90": [80, 90, 80, 90, 85],
    }
    units = ["Community Services", "Oxon & BSW MH", "Bucks MH", "Specialised", "Trust"]
    for statement, values in expected.items():
        key_result = KeyResult.objects.get(statement=statement)
        assert key_result.status == "active"
        assert key_result.frequency == "quarterly"
        for unit_name, value in zip(units, values, strict=True):
            result = Result.objects.get(key_result=key_result, unit__short_name=unit_name)
            assert result.period.label == "Q2 2020/21"
            assert result.value == Decimal(value)
            assert not result.is_demo
    assert Result.objects.count() == 20


def test_the_slides_overall_rag_row_is_kept_as_published():
    # 20 values plus this row: the table's 25 values.
    ratings = {
        rating.unit.short_name: (rating.rag, rating.period.label)
        for rating in RecordedOverallRating.objects.select_related("unit", "period")
    }
    assert ratings == {
        "Community Services": ("red", "Q2 2020/21"),
        "Oxon & BSW MH": ("green", "Q2 2020/21"),
        "Bucks MH": ("amber", "Q2 2020/21"),
        "Specialised": ("green", "Q2 2020/21"),
        "Trust": ("amber", "Q2 2020/21"),
    }
    assert "Overall RAG rating Red Green Amber Green Amber" in source_text("003")


def test_year_one_targets_and_directions():
    expected = {
        "quality-reduce-harm": ("decrease", Decimal(-10)),
        "quality-cccs-training": ("increase", Decimal(95)),
        "quality-staff-sickness": ("decrease", Decimal("3.5")),
        "quality-patient-satisfaction": ("increase", Decimal(90)),
    }
    for code, (direction, target) in expected.items():
        key_result = KeyResult.objects.get(code=code)
        assert key_result.direction == direction
        assert [t.value for t in key_result.targets.all()] == [target]


def test_draft_quality_okrs_have_no_values():
    drafts = KeyResult.objects.filter(status="draft")
    assert drafts.count() == 6
    assert not Result.objects.filter(key_result__in=drafts).exists()
    slides = source_text("003")
    for draft in drafts:
        assert _flat(draft.statement) in slides, draft.statement


def test_executive_summary_signed_by_the_chief_nurse():
    narrative = Narrative.objects.get()
    assert narrative.objective.short_name == "Quality"
    assert narrative.period.label == "September 2020"
    assert narrative.author.full_name == "Marie Crofts"
    assert narrative.author_title == "Chief Nurse"
    assert narrative.signed_by == narrative.author
    text = _flat(narrative.text)
    assert "vacancy rate (currently 6.0%)" in text
    assert "turnover rates (currently 13.7%)" in text
    assert "rose from 67% to 70%" in text
    assert text in source_text("003")


def test_no_owner_is_invented():
    # The papers name no holder for the Medical Director in 2020, nor OKR owners.
    quality = current().objectives.get(number=1)
    medical_director = quality.lead_roles.get(title="Medical Director")
    assert not medical_director.assignments.exists()
    assert not KeyResult.objects.filter(owner_role__isnull=False).exists()
    assert set(Person.objects.values_list("full_name", flat=True)) == {
        "Marie Crofts",
        "Martyn Ward",
        "Ben Cahill",
        "Usmaan Rahman",
        "Clive Meux",
    }


def test_fy18_business_plan():
    plan = Strategy.objects.get(slug="business-plan-fy18")
    priorities = plan.objectives.order_by("number")
    assert priorities.count() == 7
    assert set(priorities.values_list("category", flat=True)) == {"priority"}
    paper = source_text("004")
    for priority in priorities:
        assert _flat(priority.title) in paper
    assert KeyFocusArea.objects.filter(objective__strategy=plan).count() == 25
    updates = ProgrammeUpdate.objects.filter(programme__focus_area__objective__strategy=plan)
    # Every project row of the four progress tables, each with its quarter's RAG.
    assert updates.count() == 38
    assert {update.period.label for update in updates} == {"Q2 2017/18"}
    assert updates.filter(rag_as_written="Yellow").count() == 6
    assert set(updates.filter(rag_as_written="Yellow").values_list("rag", flat=True)) == {"amber"}
    assert updates.filter(rag="amber").count() == 7
    assert updates.filter(rag="red").count() == 5
    assert updates.filter(rag="green").count() == 26
    for update in updates:
        assert _flat(update.progress)[:120] in paper, update.programme.title
    assert [(entry.word, entry.meaning) for entry in plan.rag_key.all()] == [
        ("Red", "Milestones delayed"),
        ("Amber", "Milestones at risk of delay"),
        ("Green", "Milestones complete and/or on track"),
    ]


def test_fy18_cost_improvement_figures_per_directorate():
    updates = ProgrammeUpdate.objects.filter(cost_improvement__isnull=False).select_related(
        "programme__unit", "cost_improvement"
    )
    figures = {
        update.programme.unit.short_name: (
            update.cost_improvement.delivered_in_period,
            update.cost_improvement.planned_in_period,
            update.cost_improvement.forecast_for_year,
            update.cost_improvement.forecast_non_recurrent,
            update.cost_improvement.target_for_year,
        )
        for update in updates
    }
    # From the four Cost Improvement Programme rows of 004, by hand.
    assert figures == {
        "Adults": (582164, 511203, 1194817, None, 2100000),
        "Children & Young People": (314500, 314500, 632000, 378000, 1700000),
        "Older Adults": (290259, 543818, 736229, 150000, 2100000),
        "Support Services": (270936, 270936, 504541, 100991, 1500000),
    }


def test_2012_framework_drivers_and_enablers():
    framework = Strategy.objects.get(slug="strategic-framework-2012")
    assert framework.vision == "Outstanding Care Delivered by Outstanding People"
    assert list(framework.values.values_list("name", flat=True)) == ["Caring", "Safe", "Excellent"]
    categories = list(framework.objectives.order_by("number").values_list("category", "title"))
    assert [category for category, _ in categories] == ["strategic_driver"] * 4 + [
        "strategic_enabler"
    ] * 3
    assert [title for _, title in categories] == [
        "Driving quality improvement",
        "Delivering operational excellence",
        "Delivering innovation, learning and teaching",
        "Developing our business",
        "Developing leadership, people and culture",
        "Getting the most out of technology",
        "Using our estate efficiently",
    ]
    paper = source_text("000")
    for objective in StrategicObjective.objects.filter(strategy=framework):
        assert objective.description and _flat(objective.description) in paper


def test_units_and_when_they_were_active():
    units = {unit.short_name: unit for unit in OrganisationalUnit.objects.all()}
    assert set(units) == {
        "Trust",
        "Community Services",
        "Oxon & BSW MH",
        "Bucks MH",
        "Specialised",
        "Adults",
        "Children & Young People",
        "Older Adults",
        "Support Services",
    }
    assert units["Trust"].kind == "trust"
    assert units["Adults"].active_to is not None
    assert units["Bucks MH"].active_to is None
    assert all(unit.dates_note for unit in units.values())


def test_loading_again_changes_nothing():
    from django.apps import apps

    history_models = [
        model for model in apps.get_models() if model.__name__.startswith("Historical")
    ]
    before = {model: model.objects.count() for model in history_models}
    report = load_seeds()
    after = {model: model.objects.count() for model in history_models}
    assert report.created == 0 and report.updated == 0
    assert before == after
