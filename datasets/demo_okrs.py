"""The demo's own OKRs (`make run`): one per measure the strategy names without
a figure, each with a typical directorate level, noise, a yearly drift towards
its target and a tolerance, so the ratings recover over time; the rates among
them are entered as numerators and denominators. Data only: `datasets.demo`
loads them."""

from dataclasses import dataclass

from okrs.measures import Direction, Measure
from okrs.models import TrustValue


@dataclass(frozen=True)
class DemoOkr:
    """An invented OKR, so every objective has monthly data to chart."""

    objective_short_name: str
    code: str
    statement: str
    measure: str
    direction: str
    target: float
    level: float  # typical directorate value
    spread: float  # month-to-month noise
    drift: float  # change per year (towards or away from target)
    decimals: int = 1
    # How the Trust's value is obtained: counts add up, percentages are the mean of
    # the directorates' (okrs.trust_values); never typed.
    trust_is_sum: bool = False
    # A percentage worked out from a numerator and a denominator: a directorate's
    # typical denominator (its staff in post, say), and what each counts. The
    # Trust's is then the sum of the numerators over the sum of the denominators.
    denominator: int = 0
    numerator_label: str = ""
    denominator_label: str = ""
    # How far a value may miss its target and be Amber rather than Red.
    tolerance: float = 0
    tolerance_kind: str = "absolute"

    @property
    def trust_value(self) -> str:
        if self.denominator:
            return TrustValue.RATIO
        return TrustValue.SUM if self.trust_is_sum else TrustValue.MEAN


DEMO_OKRS = (
    DemoOkr(
        "People",
        "demo-vacancy-rate",
        "Staff vacancy rate below 8% (demo)",
        Measure.PERCENTAGE,
        Direction.DECREASE,
        8,
        9.5,
        0.6,
        -0.4,
        denominator=1800,
        numerator_label="Vacant posts (WTE)",
        denominator_label="Funded establishment (WTE)",
        tolerance=1,
    ),
    DemoOkr(
        "People",
        "demo-staff-turnover",
        "Staff turnover below 12% (demo)",
        Measure.PERCENTAGE,
        Direction.DECREASE,
        12,
        13.7,
        0.5,
        -0.3,
        tolerance=1,
    ),
    DemoOkr(
        "People",
        "demo-appraisals",
        "95% of staff appraised in the last 12 months (demo)",
        Measure.PERCENTAGE,
        Direction.INCREASE,
        95,
        88,
        1.5,
        1.0,
        denominator=1600,
        numerator_label="Staff appraised in the last 12 months",
        denominator_label="Staff in post needing an appraisal",
        tolerance=3,
    ),
    DemoOkr(
        "Sustainability",
        "demo-agency-spend",
        "Agency spend below 5% of the pay bill (demo)",
        Measure.PERCENTAGE,
        Direction.DECREASE,
        5,
        7.5,
        0.7,
        -0.5,
        tolerance=1,
    ),
    DemoOkr(
        "Sustainability",
        "demo-carbon",
        "Monthly carbon emissions below 600 tCO2e (demo)",
        Measure.COUNT,
        Direction.DECREASE,
        600,
        170,
        12,
        -6,
        decimals=0,
        trust_is_sum=True,
        tolerance=5,
        tolerance_kind="relative",
    ),
    DemoOkr(
        "Research & Education",
        "demo-research-recruitment",
        "300 patients recruited to research studies each month (demo)",
        Measure.COUNT,
        Direction.INCREASE,
        300,
        65,
        9,
        4,
        decimals=0,
        trust_is_sum=True,
        tolerance=10,
        tolerance_kind="relative",
    ),
)
