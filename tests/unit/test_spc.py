"""SPC (Making Data Count) from docs/spc.md, with cases constructed by hand.

Every expected mean, moving range and limit below was worked out from the rules
(the arithmetic is in the comments), never by asking the code. Constants:
limits at CL ± 2.66 × AMR, near ("two-sigma") lines at CL ± (2/3) × 2.66 × AMR.
"""

import dataclasses

import pandas as pd
import pytest

from reporting.spc import RuleHit, SpcResult, compute_spc

NHSR = {
    "screen_outliers": True,
    "trend_across_rebase": False,
    "conflict": "priority",
    "inclusive_assurance": False,
}


def flagged(result: SpcResult, rule: str, direction: str | None = None) -> list[int]:
    """Positions with a hit of `rule` (in `direction`, if given)."""
    return [
        point.position
        for point in result.points
        if any(
            hit.rule == rule and (direction is None or hit.direction == direction)
            for hit in point.rule_hits
        )
    ]


def special(result: SpcResult) -> list[int]:
    return [point.position for point in result.points if point.special_cause]


def mirror(values, about):
    """Reflect a series: moving ranges unchanged, sides and trends flipped."""
    return [None if v is None else about - v for v in values]


FLIP = {"high": "low", "low": "high"}


# --- limits arithmetic ----------------------------------------------------------


def test_limits_arithmetic_on_a_small_series():
    # [1, 2, 3, 2, 1]: mean 9/5 = 1.8; MRs 1, 1, 1, 1 -> AMR 1.
    # UPL = 1.8 + 2.66 = 4.46; LPL = 1.8 - 2.66 = -0.86 (no clamping at zero).
    # Near lines: 1.8 ± (2/3)(2.66) = 1.8 ± 1.773333 -> 3.573333 and 0.026667.
    result = compute_spc([1, 2, 3, 2, 1], improvement="increase", min_points=5)
    assert result.chart_type == "xmr"
    assert result.mean == pytest.approx(1.8)
    assert result.upl == pytest.approx(4.46)
    assert result.lpl == pytest.approx(-0.86)
    assert result.upper_near == pytest.approx(3.573333, abs=1e-6)
    assert result.lower_near == pytest.approx(0.026667, abs=1e-6)
    (partition,) = result.partitions
    assert partition.amr == pytest.approx(1.0)
    assert (partition.n, partition.baseline_n, partition.start) == (5, 5, 0)
    for point in result.points:
        assert (point.mean, point.lpl, point.upl) == (result.mean, result.lpl, result.upl)
        assert point.upper_near == result.upper_near and point.lower_near == result.lower_near
        assert point.point_type == "common_cause" and point.rule_hits == ()
    assert [p.index for p in result.points] == [0, 1, 2, 3, 4]
    assert [p.value for p in result.points] == [1.0, 2.0, 3.0, 2.0, 1.0]


def test_alternating_series_is_common_cause():
    # [8, 12] × 8: mean 10; 15 MRs of 4 -> AMR 4; limits 10 ± 10.64 = -0.64 and 20.64;
    # near lines 10 ± 7.093333. Sides alternate, rises and falls alternate: no rule.
    result = compute_spc([8, 12] * 8, improvement="increase")
    assert (result.mean, result.lpl, result.upl) == pytest.approx((10, -0.64, 20.64))
    assert result.upper_near == pytest.approx(17.093333, abs=1e-6)
    assert special(result) == []
    assert result.variation == "common_cause"
    assert result.assurance is None  # no target
    assert result.warnings == ()


# --- rule 1: outside the limits -----------------------------------------------------

# 0, 20 alternating for 15 points (8 zeros, 7 twenties, sum 140), then 100: n = 16.
# Mean = 240/16 = 15. MRs: 14 of 20 (280) and |100 - 0| = 100 -> AMR = 380/15 = 25.3333.
# 2.66 × AMR = 67.386667: UPL = 82.386667, LPL = -52.386667. Near: 15 ± 44.924444.
# 100 > UPL. 0 and 20 alternate sides; nothing is close; no runs.
OUTSIDE = [0, 20] * 7 + [0, 100]


@pytest.mark.parametrize("direction", ["high", "low"])
def test_outside_the_limits(direction):
    # Mirrored about 100 the series is 100, 80, ..., 100, 0: mean 85, LPL 17.613333.
    values = OUTSIDE if direction == "high" else mirror(OUTSIDE, 100)
    result = compute_spc(values, improvement="increase")
    expected_mean = 15 if direction == "high" else 85
    assert result.mean == pytest.approx(expected_mean)
    assert result.partitions[0].amr == pytest.approx(25.333333, abs=1e-6)
    assert result.upl - result.mean == pytest.approx(67.386667, abs=1e-6)
    assert special(result) == [15]
    assert result.points[15].rule_hits == (RuleHit("outside_limits", direction),)
    good = direction == "high"
    assert result.points[15].point_type == ("improvement" if good else "concern")
    assert result.points[15].direction == direction
    assert result.variation == ("improvement_high" if good else "concern_low")


def test_decrease_maps_high_to_concern():
    result = compute_spc(OUTSIDE, improvement="decrease")
    assert result.points[15].point_type == "concern"
    assert result.variation == "concern_high"
    low = compute_spc(mirror(OUTSIDE, 100), improvement="decrease")
    assert low.variation == "improvement_low"


def test_neutral_measure():
    high = compute_spc(OUTSIDE, improvement="neutral", target=50)
    assert high.points[15].point_type == "neutral"
    assert high.variation == "neutral_high"
    assert high.assurance is None  # no assurance without a direction
    low = compute_spc(mirror(OUTSIDE, 100), improvement="neutral")
    assert low.variation == "neutral_low"


def test_outside_is_strict_and_an_outside_point_is_not_close():
    # Limits fixed on [8, 12] × 6: mean 10, AMR 4, UPL 20.64 exactly, near 17.093333.
    # 20.64 sits on the UPL: not outside, but close (beyond the near line).
    # 20.65 is outside. The window (20.64, 8, 20.65) is not all above the mean anyway.
    result = compute_spc([8, 12] * 6 + [20.64, 8, 20.65], improvement="increase", fix_after=12)
    assert result.upl == 20.64
    assert flagged(result, "outside_limits") == [14]
    assert result.points[12].rule_hits == ()
    assert result.points[12].value > result.points[12].upper_near


# --- rule 2: shift ------------------------------------------------------------------

# 20, 0 × 4 (sum 80), then 12, 14, 12, 14, 12, 14, 12 (sum 90), then 0: n = 16.
# Mean = 170/16 = 10.625. The 7 points 12/14 are above; the 0 before and after are below.
# MRs: 7 of 20 (140), |12 - 0| = 12, 6 of 2 (12), |0 - 12| = 12 -> AMR = 176/15 = 11.733333.
# UPL = 10.625 + 31.210667 = 41.835667; upper near 31.432111: nothing outside or close.
SHIFT_7 = [20, 0] * 4 + [12, 14, 12, 14, 12, 14, 12, 0]


@pytest.mark.parametrize("direction", ["high", "low"])
def test_shift_of_exactly_seven(direction):
    values = SHIFT_7 if direction == "high" else mirror(SHIFT_7, 30)
    result = compute_spc(values, improvement="increase")
    expected_mean = 10.625 if direction == "high" else 30 - 10.625
    assert result.mean == pytest.approx(expected_mean)
    assert result.partitions[0].amr == pytest.approx(11.733333, abs=1e-6)
    assert result.upl == pytest.approx(expected_mean + 31.210667, abs=1e-6)
    assert special(result) == list(range(8, 15))
    assert flagged(result, "shift", direction) == list(range(8, 15))
    # A run of 7 is not a run of 8.
    assert special(compute_spc(values, improvement="increase", shift_len=8)) == []


def test_shift_of_nine_flags_every_point_of_the_run():
    # 20, 0 × 4 (80), then 12, 14 × 4 and 12 (9 points, sum 116), then 0: n = 18.
    # Mean = 196/18 = 10.888889; the 9 points are above, the 0s either side below.
    # MRs: 7 × 20, 12, 8 × 2, 12 = 180 over 17 -> AMR 10.588235; UPL 39.053595.
    result = compute_spc([20, 0] * 4 + [12, 14] * 4 + [12, 0], improvement="increase")
    assert result.mean == pytest.approx(10.888889, abs=1e-6)
    assert result.upl == pytest.approx(39.053595, abs=1e-6)
    assert flagged(result, "shift", "high") == list(range(8, 17))  # the 8th and 9th too
    assert special(result) == list(range(8, 17))


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # 20, 0 × 4 (80), 12, 14, 12, 10, 12, 14, 12 (86), 0, 4: n = 17, sum 170, mean 10.
    # The 10 is exactly on the mean: 3 above, one on neither side, 3 above -> no shift.
    # MRs: 7 × 20, 12, 6 × 2, 12, 4 = 180 over 16 -> AMR 11.25; UPL 39.925.
    values = [20, 0] * 4 + [12, 14, 12, 10, 12, 14, 12, 0, 4]
    result = compute_spc(values, improvement="increase")
    assert result.mean == 10
    assert result.upl == pytest.approx(39.925)
    assert result.points[11].value == result.mean
    assert special(result) == []
    # Runs of 3 either side of it are shifts of 3; the point on the mean is in neither.
    short = compute_spc(values, improvement="increase", shift_len=3)
    assert flagged(short, "shift", "high") == [8, 9, 10, 12, 13, 14]
    # Control: with 12 instead of 10 (mean 172/17 = 10.117647) the 7 points are a shift.
    control = compute_spc(values[:11] + [12] + values[12:], improvement="increase")
    assert flagged(control, "shift", "high") == list(range(8, 15))


# --- rule 3: trend ------------------------------------------------------------------

# 5, 15, 5, 15, then 6, 7, 8, 10, 12, 13, 14 (7 rising points), then 5, 15, 5, 15, 5: n = 16.
# Sum 40 + 70 + 45 = 155 -> mean 9.6875: the trend crosses the mean (6, 7, 8 below; 10... above).
# MRs: 3 × 10, 9, 1, 1, 2, 2, 1, 1, 9, 4 × 10 = 96 over 15 -> AMR 6.4.
# UPL = 9.6875 + 17.024 = 26.7115; upper near 21.036833; LPL -7.3365: nothing outside or close.
# 15 -> 6 falls and 14 -> 5 falls, so the rising run is exactly positions 4..10.
TREND = [5, 15, 5, 15, 6, 7, 8, 10, 12, 13, 14, 5, 15, 5, 15, 5]


@pytest.mark.parametrize("direction", ["high", "low"])
def test_trend_of_seven_crossing_the_mean(direction):
    values = TREND if direction == "high" else mirror(TREND, 20)
    result = compute_spc(values, improvement="increase")
    expected_mean = 9.6875 if direction == "high" else 20 - 9.6875
    assert result.mean == pytest.approx(expected_mean)
    assert result.partitions[0].amr == pytest.approx(6.4)
    assert result.upl == pytest.approx(expected_mean + 17.024)
    assert special(result) == list(range(4, 11))
    assert flagged(result, "trend", direction) == list(range(4, 11))
    sides = {(p.value > p.mean) - (p.value < p.mean) for p in result.points[4:11]}
    assert sides == {-1, 1}  # it crosses the mean
    assert special(compute_spc(values, improvement="increase", trend_len=8)) == []


def test_a_tie_breaks_a_trend():
    # As TREND with the 10 replaced by 8: 6, 7, 8, 8, 12, 13, 14 has a tie.
    # Sum 153 -> mean 9.5625; MRs as before but 2 -> 0 and 2 -> 4: still 96, AMR 6.4.
    # UPL 26.5865, upper near 20.911833: 15 is not close.
    values = [5, 15, 5, 15, 6, 7, 8, 8, 12, 13, 14, 5, 15, 5, 15, 5]
    result = compute_spc(values, improvement="increase")
    assert result.mean == pytest.approx(9.5625)
    assert result.upl == pytest.approx(26.5865)
    assert special(result) == []
    # The tie splits it into 6, 7, 8 (3 points) and 8, 12, 13, 14 (4 points).
    four = compute_spc(values, improvement="increase", trend_len=4)
    assert flagged(four, "trend") == [7, 8, 9, 10]


# --- rule 4: two of three -------------------------------------------------------------

# 8, 12 × 5, then 20, 12, 20, then 8, 12 × 5: n = 23, sum 252 -> mean 10.956522.
# MRs: 9 × 4, 8, 8, 8, |8 - 20| = 12, 9 × 4 = 108 over 22 -> AMR 4.909091.
# 2.66 × AMR = 13.058182: UPL 24.014704; near offset 8.705455 -> upper near 19.661976.
# So 20 is close (19.66 < 20 <= 24.01) and 12 is above the mean but not close.
# Window (20, 12, 20): all above, two close -> the two 20s; the 12 is not flagged.
# Windows (12, 20, 12) have one close point; (12, 20, 8) is not all above.
TWO_OF_THREE = [8, 12] * 5 + [20, 12, 20] + [8, 12] * 5


@pytest.mark.parametrize("direction", ["high", "low"])
def test_two_of_three_flags_only_the_close_points(direction):
    values = TWO_OF_THREE if direction == "high" else mirror(TWO_OF_THREE, 20)
    result = compute_spc(values, improvement="increase")
    expected_mean = 10.956522 if direction == "high" else 20 - 10.956522
    assert result.mean == pytest.approx(expected_mean, abs=1e-6)
    assert result.partitions[0].amr == pytest.approx(4.909091, abs=1e-6)
    offset = 8.705455 if direction == "high" else -8.705455
    near = result.upper_near if direction == "high" else result.lower_near
    assert near == pytest.approx(expected_mean + offset, abs=1e-6)
    assert special(result) == [10, 12]
    assert flagged(result, "two_of_three", direction) == [10, 12]


def test_two_of_three_needs_the_third_point_on_the_same_side():
    # As above with the middle 12 replaced by 8 (below the mean) and 21 for 20:
    # 8, 12 × 5, 21, 8, 21, 8, 12 × 5: sum 250 -> mean 10.869565.
    # MRs: 9 × 4, 9, 13, 13, 13, 9 × 4 = 120 over 22 -> AMR 5.454545.
    # 2.66 × AMR = 14.509091; near offset 9.672727 -> upper near 20.542292; UPL 25.378656.
    # Both 21s are close, but the window (21, 8, 21) has a point below the mean.
    result = compute_spc([8, 12] * 5 + [21, 8, 21] + [8, 12] * 5, improvement="increase")
    assert result.mean == pytest.approx(10.869565, abs=1e-6)
    assert result.upper_near == pytest.approx(20.542292, abs=1e-6)
    assert result.points[10].value > result.upper_near  # close
    assert result.points[12].value > result.upper_near  # close
    assert special(result) == []


# --- conflicts ------------------------------------------------------------------------

# 16, 0 × 5, then -40, 0, 2, 4, 6, 8, 10 (a rising trend of 7), then 0, 16, 0, 16: n = 21.
# Sum 80 - 10 + 32 = 102 -> mean 4.857143. 16 above, 0 below: the base alternates sides.
# MRs: 9 × 16, 40, 40, 5 × 2, 10, 3 × 16 = 292 over 20 -> AMR 14.6; 2.66 × 14.6 = 38.836.
# LPL = -33.978857: -40 is below it, and it starts the rising trend.
# Below the mean: 0, -40, 0, 2, 4 (5 points, the 16 before is above): no shift.
# Lower near -21.033524: no other point is close, -40 is outside, so no two-of-three.
# UPL 43.693143, upper near 30.747810: 16 is not close.
CONFLICT = [16, 0] * 5 + [-40, 0, 2, 4, 6, 8, 10] + [0, 16, 0, 16]


@pytest.mark.parametrize(
    ("conflict", "point_type", "direction"),
    [
        ("concern", "concern", "low"),
        ("improvement", "improvement", "high"),
        # Outside the limits beats a trend.
        ("priority", "concern", "low"),
    ],
)
def test_a_point_below_the_lpl_inside_a_rising_trend(conflict, point_type, direction):
    result = compute_spc(CONFLICT, improvement="increase", conflict=conflict)
    assert result.mean == pytest.approx(4.857143, abs=1e-6)
    assert result.lpl == pytest.approx(-33.978857, abs=1e-6)
    point = result.points[10]
    # Every hit is kept for the tooltip, whatever the setting.
    assert point.rule_hits == (RuleHit("outside_limits", "low"), RuleHit("trend", "high"))
    assert (point.point_type, point.direction) == (point_type, direction)
    assert special(result) == list(range(10, 17))
    assert all(p.point_type == "improvement" for p in result.points[11:17])
    assert result.variation == "common_cause"  # the latest point, 16, hits nothing


# 10, 30 × 5, then 1, 2, 3, 4, 5, 6, 7: n = 17, sum 228 -> mean 13.411765.
# The last 7 points rise (a trend, high) and are all below the mean (a shift, low).
# MRs: 9 × 20, |1 - 30| = 29, 6 × 1 = 215 over 16 -> AMR 13.4375; 2.66 × AMR = 35.74375.
# LPL -22.331985, lower near -10.417402, UPL 49.155515, upper near 37.240931: no rule 1 or 4.
# Screening: 3.267 × 13.4375 = 43.9 > 29, so nothing is dropped.
TREND_IN_SHIFT = [10, 30] * 5 + [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("conflict", "variation"),
    [
        ("concern", "concern_low"),
        ("improvement", "improvement_high"),
        ("priority", "improvement_high"),  # a trend beats a shift
    ],
)
def test_a_rising_trend_below_the_mean(conflict, variation):
    result = compute_spc(TREND_IN_SHIFT, improvement="increase", conflict=conflict)
    assert result.mean == pytest.approx(13.411765, abs=1e-6)
    assert result.lpl == pytest.approx(-22.331985, abs=1e-6)
    assert flagged(result, "trend", "high") == list(range(10, 17))
    assert flagged(result, "shift", "low") == list(range(10, 17))
    assert special(result) == list(range(10, 17))
    assert result.variation == variation


def test_a_neutral_measure_with_hits_both_ways_takes_the_priority_direction():
    result = compute_spc(TREND_IN_SHIFT, improvement="neutral")
    assert result.points[16].point_type == "neutral"
    assert result.variation == "neutral_high"


# 0, 20 × 3, then 4, 6, 8, 10, 12, 14, 16 (rising), 15, 13, 11, 9, 7, 5 (falling), 20: n = 20.
# The peak 16 (position 12) ends the rising trend (6..12) and starts the falling one (12..18).
# Sum 60 + 70 + 60 + 20 = 210 -> mean 10.5. Above-mean run 12, 14, 16, 15, 13, 11: 6, no shift.
# MRs: 5 × 20, 16, 6 × 2, 1, 5 × 2, 15 = 154 over 19 -> AMR 8.105263; UPL 32.06; upper
# near 24.873333: nothing outside or close.
PEAK = [0, 20] * 3 + [4, 6, 8, 10, 12, 14, 16, 15, 13, 11, 9, 7, 5, 20]


def test_priority_gives_a_turning_point_the_direction_of_the_trend_it_starts():
    result = compute_spc(PEAK, improvement="decrease", conflict="priority")
    assert result.mean == pytest.approx(10.5)
    assert result.upl == pytest.approx(32.06)
    assert flagged(result, "trend", "high") == list(range(6, 13))
    assert flagged(result, "trend", "low") == list(range(12, 19))
    peak = result.points[12]
    assert peak.rule_hits == (RuleHit("trend", "high"), RuleHit("trend", "low"))
    # The following (falling) trend decides: low, which is good for `decrease`.
    assert (peak.point_type, peak.direction) == ("improvement", "low")
    concern = compute_spc(PEAK, improvement="decrease")
    assert (concern.points[12].point_type, concern.points[12].direction) == ("concern", "high")


# --- assurance ------------------------------------------------------------------------

# [8, 12] × 8: mean 10, AMR 4, LPL -0.64, UPL 20.64 (see the common-cause test).
STEADY = [8, 12] * 8


@pytest.mark.parametrize(
    ("improvement", "target", "inclusive", "assurance"),
    [
        ("increase", -1, True, "pass"),
        ("increase", 25, True, "fail"),
        ("increase", 10, True, "inconsistent"),
        ("increase", -0.64, True, "pass"),  # exactly on the LPL
        ("increase", -0.64, False, "inconsistent"),
        ("increase", 20.64, True, "fail"),  # exactly on the UPL
        ("increase", 20.64, False, "inconsistent"),
        ("increase", -1, False, "pass"),
        ("increase", 25, False, "fail"),
        ("decrease", 25, True, "pass"),
        ("decrease", -1, True, "fail"),
        ("decrease", 10, True, "inconsistent"),
        ("decrease", 20.64, True, "pass"),  # exactly on the UPL
        ("decrease", 20.64, False, "inconsistent"),
        ("decrease", -0.64, True, "fail"),  # exactly on the LPL
        ("decrease", -0.64, False, "inconsistent"),
        ("neutral", 25, True, None),
    ],
)
def test_assurance(improvement, target, inclusive, assurance):
    result = compute_spc(
        STEADY, improvement=improvement, target=target, inclusive_assurance=inclusive
    )
    assert (result.lpl, result.upl) == pytest.approx((-0.64, 20.64))
    assert result.assurance == assurance
    assert result.target == target


def test_assurance_uses_the_latest_partition():
    # Partition 1: 8, 12 × 4 (mean 10, LPL -0.64, UPL 20.64);
    # partition 2: 18, 22 × 4 (mean 20, AMR 4, LPL 9.36, UPL 30.64). Target 5 (increase):
    # between the first partition's limits but below the latest LPL -> pass.
    result = compute_spc(
        [8, 12] * 4 + [18, 22] * 4, improvement="increase", target=5, rebase_at=[8]
    )
    assert result.assurance == "pass"


# --- partitions -----------------------------------------------------------------------


def test_rebase_gives_each_partition_its_own_limits():
    # Partition 1 (positions 0-7): 8, 12 × 4 -> mean 10; MRs 7 × 4 -> AMR 4; -0.64 .. 20.64.
    # Partition 2 (8-15): 18, 22 × 4 -> mean 20; AMR 4; 9.36 .. 30.64.
    # The 12 -> 18 step is not a moving range of either partition.
    # Without the rebase (mean 15) the first 8 would be a shift below, the last 8 above.
    values = [8, 12] * 4 + [18, 22] * 4
    result = compute_spc(values, improvement="increase", rebase_at=[8])
    first, second = result.partitions
    assert (first.number, first.start, first.n) == (1, 0, 8)
    assert (first.mean, first.amr, first.lpl, first.upl) == pytest.approx((10, 4, -0.64, 20.64))
    assert (second.number, second.start, second.n) == (2, 8, 8)
    assert (second.mean, second.amr, second.lpl, second.upl) == pytest.approx((20, 4, 9.36, 30.64))
    assert (result.mean, result.lpl, result.upl) == pytest.approx((20, 9.36, 30.64))
    assert [p.partition for p in result.points] == [1] * 8 + [2] * 8
    assert result.points[3].mean == 10 and result.points[12].mean == 20
    assert special(result) == []
    assert first.trial and second.trial
    assert len([w for w in result.warnings if "trial limits" in w]) == 2
    unrebased = compute_spc(values, improvement="increase")
    assert unrebased.mean == 15
    assert flagged(unrebased, "shift", "low") == list(range(8))
    assert flagged(unrebased, "shift", "high") == list(range(8, 16))


# Partition 1: 20, 0, 20, 0, 20, 0, 20, 2, 4, 6; partition 2: 8, 10, 12, 13, 0, 20, 0, 20, 0, 20.
# 2, 4, 6 | 8, 10, 12, 13 rise for 7 points across the recalculation point (3 + 4).
# Partition 1: sum 92, mean 9.2; MRs 6 × 20, 18, 2, 2 = 142/9 -> AMR 15.777778;
#   UPL 51.168889, upper near 37.179259, lower near -18.779259: nothing outside or close.
# Partition 2: sum 103, mean 10.3; MRs 2, 2, 1, 13, 5 × 20 = 118/9 -> AMR 13.111111;
#   UPL 45.175556, upper near 33.550370, lower near -12.950370: nothing outside or close.
# Sides never run for 7 in either partition.
ACROSS = [20, 0, 20, 0, 20, 0, 20, 2, 4, 6] + [8, 10, 12, 13, 0, 20, 0, 20, 0, 20]


def test_trend_across_a_rebase_or_not():
    across = compute_spc(ACROSS, improvement="increase", rebase_at=[10])
    assert across.partitions[0].mean == pytest.approx(9.2)
    assert across.partitions[0].amr == pytest.approx(15.777778, abs=1e-6)
    assert across.partitions[1].mean == pytest.approx(10.3)
    assert across.partitions[1].amr == pytest.approx(13.111111, abs=1e-6)
    assert special(across) == list(range(7, 14))
    assert flagged(across, "trend", "high") == list(range(7, 14))
    within = compute_spc(ACROSS, improvement="increase", rebase_at=[10], trend_across_rebase=False)
    assert special(within) == []


def test_rebase_at_the_first_position_changes_nothing():
    result = compute_spc(STEADY, improvement="increase", rebase_at=[0])
    assert len(result.partitions) == 1
    assert result.mean == 10


def test_fix_after_fixes_the_limits_on_a_baseline():
    # Baseline 8, 12 × 6 (12 values): mean 10, AMR 4, limits -0.64 .. 20.64 (not trial).
    # 30, 34, 30 after it are judged against those limits: outside high.
    # (Without fixing, the mean would be 214/15 = 14.266667.)
    values = [8, 12] * 6 + [30, 34, 30]
    result = compute_spc(values, improvement="increase", fix_after=12)
    (partition,) = result.partitions
    assert (partition.n, partition.baseline_n, partition.trial) == (15, 12, False)
    assert (result.mean, result.lpl, result.upl) == pytest.approx((10, -0.64, 20.64))
    assert flagged(result, "outside_limits", "high") == [12, 13, 14]
    assert result.variation == "improvement_high"
    assert compute_spc(values, improvement="increase").mean == pytest.approx(14.266667, abs=1e-6)
    # A baseline of fewer than 12 values is trial.
    trial = compute_spc(values, improvement="increase", fix_after=6)
    assert trial.partitions[0].trial
    assert any("trial limits" in w and "first 6" in w for w in trial.warnings)


# --- screening ------------------------------------------------------------------------


def test_screening_drops_a_huge_moving_range_only_when_on():
    # [8, 12] × 8 then 100: n = 17, sum 260, mean 15.294118 (screening leaves it alone).
    # MRs: 15 × 4 and |100 - 12| = 88 = 148 over 16 -> AMR 9.25.
    # Off: UPL = 15.294118 + 24.605 = 39.899118, LPL = -9.310882.
    # On: 3.267 × 9.25 = 30.21975 <= 88, dropped; AMR = 60/15 = 4;
    #     UPL = 15.294118 + 10.64 = 25.934118, LPL = 4.654118.
    values = [8, 12] * 8 + [100]
    off = compute_spc(values, improvement="increase")
    on = compute_spc(values, improvement="increase", screen_outliers=True)
    assert off.mean == on.mean == pytest.approx(15.294118, abs=1e-6)
    assert off.partitions[0].amr == pytest.approx(9.25)
    assert (off.lpl, off.upl) == pytest.approx((-9.310882, 39.899118), abs=1e-6)
    assert off.partitions[0].screened_out == 0
    assert on.partitions[0].amr == pytest.approx(4)
    assert (on.lpl, on.upl) == pytest.approx((4.654118, 25.934118), abs=1e-6)
    assert on.partitions[0].screened_out == 1


def test_screening_drops_a_moving_range_exactly_at_the_threshold():
    # 0, 0.2733 × 3 then 1.9068: MRs five of 0.2733 and 1.6335; AMR = (1.3665 + 1.6335)/6 = 0.5.
    # Threshold 3.267 × 0.5 = 1.6335: the big range is *at* it, so it goes ("drop >=").
    # AMR after screening = 0.2733.
    values = [0, 0.2733, 0, 0.2733, 0, 0.2733, 1.9068]
    off = compute_spc(values, improvement="increase", min_points=0)
    on = compute_spc(values, improvement="increase", min_points=0, screen_outliers=True)
    assert off.partitions[0].amr == pytest.approx(0.5)
    assert on.partitions[0].amr == pytest.approx(0.2733)
    assert on.partitions[0].screened_out == 1


# --- too little data, zero variation --------------------------------------------------


def test_fewer_than_fifteen_values_is_a_run_chart():
    result = compute_spc([8, 12] * 7, improvement="increase", target=-5)
    assert result.chart_type == "run"
    assert result.mean == 10  # the centre line stays
    assert (result.lpl, result.upl, result.upper_near, result.lower_near) == (None,) * 4
    assert (result.variation, result.assurance) == (None, None)
    assert all(p.lpl is None and p.upl is None and p.mean == 10 for p in result.points)
    assert all(p.point_type == "common_cause" and not p.special_cause for p in result.points)
    assert any("run chart" in w and "15" in w for w in result.warnings)
    assert not any("trial" in w for w in result.warnings)
    # The threshold is a setting.
    assert compute_spc([8, 12] * 7, improvement="increase", min_points=14).chart_type == "xmr"
    assert compute_spc([8, 12] * 7 + [8], improvement="increase").chart_type == "xmr"


def test_a_run_chart_does_not_flag_runs():
    # 14 values rising: a trend, but there are too few values for SPC.
    result = compute_spc(list(range(14)), improvement="increase")
    assert result.chart_type == "run"
    assert special(result) == []


def test_a_partition_of_fewer_than_twelve_values_has_trial_limits():
    eleven = compute_spc([8, 12] * 5 + [8], improvement="increase", min_points=0)
    assert eleven.partitions[0].trial
    assert any("Partition 1" in w and "trial limits" in w for w in eleven.warnings)
    twelve = compute_spc([8, 12] * 6, improvement="increase", min_points=0)
    assert not twelve.partitions[0].trial
    assert twelve.warnings == ()


def test_zero_moving_range_collapses_the_limits_without_flagging():
    result = compute_spc([5] * 15, improvement="increase", target=4)
    (partition,) = result.partitions
    assert partition.collapsed and partition.amr == 0
    assert result.mean == result.lpl == result.upl == 5
    assert special(result) == []
    assert (result.variation, result.assurance) == (None, None)
    assert any("moving range" in w and "collapse" in w for w in result.warnings)


def test_zero_moving_range_baseline_does_not_flag_every_later_point():
    # Fixed on twelve 5s: mean 5, AMR 0, limits 5 and 5. The 9s after it would all be
    # "outside" collapsed limits; they are not flagged, the warning says why.
    result = compute_spc([5] * 12 + [9, 9, 9], improvement="increase", fix_after=12)
    assert result.partitions[0].collapsed
    assert special(result) == []
    assert any("collapse" in w for w in result.warnings)


def test_a_partition_of_one_value_has_no_limits():
    # Partition 2 is the last value alone: a mean (30) but no moving range.
    result = compute_spc(STEADY + [30], improvement="increase", target=0, rebase_at=[16])
    assert result.partitions[1].mean == 30 and result.partitions[1].amr is None
    assert (result.mean, result.lpl, result.upl) == (30, None, None)
    assert (result.variation, result.assurance) == (None, None)
    assert any("Partition 2" in w and "1 value" in w for w in result.warnings)


# --- missing values -------------------------------------------------------------------


def test_missing_values_are_gaps_not_zeros():
    # [8, 12] × 8 with a gap after the third value: 16 values over 17 periods.
    # Skipping the gap the values still alternate: mean 10, MRs 15 × 4 (the 12 -> 8 across
    # the gap counts once), AMR 4, limits -0.64 .. 20.64. (As a zero the mean would be 160/17.)
    values = [8, 12, 8, None, 12] + [8, 12] * 6
    result = compute_spc(values, improvement="increase")
    assert result.chart_type == "xmr"
    assert (result.mean, result.lpl, result.upl) == pytest.approx((10, -0.64, 20.64))
    assert result.partitions[0].n == 16
    gap = result.points[3]
    assert gap.missing and gap.value is None and gap.index == 3
    assert gap.rule_hits == () and not gap.special_cause and gap.point_type is None
    assert gap.mean == 10  # the lines run through the gap
    assert len(result.points) == 17
    assert special(result) == []


def test_runs_continue_across_a_gap():
    # SHIFT_7 with a gap inside the run: still 7 values above the mean in a row.
    shift = compute_spc(SHIFT_7[:11] + [None] + SHIFT_7[11:], improvement="increase")
    assert shift.mean == pytest.approx(10.625)
    assert flagged(shift, "shift", "high") == [8, 9, 10, 12, 13, 14, 15]
    # TREND with a gap inside the rising run: each value still above the previous value.
    trend = compute_spc(TREND[:7] + [float("nan")] + TREND[7:], improvement="increase")
    assert trend.mean == pytest.approx(9.6875)
    assert flagged(trend, "trend", "high") == [4, 5, 6, 8, 9, 10, 11]


def test_gaps_do_not_count_towards_the_fifteen():
    result = compute_spc([8, 12] * 7 + [None], improvement="increase")
    assert result.chart_type == "run"


def test_a_missing_latest_period_reads_the_icons_from_the_last_value():
    result = compute_spc(OUTSIDE + [None], improvement="increase", target=200)
    assert result.latest_index == 15
    assert result.variation == "improvement_high"
    assert result.assurance == "fail"
    assert result.points[16].missing
    assert any("latest period" in w for w in result.warnings)


# --- pandas input ---------------------------------------------------------------------


def test_a_series_is_read_by_its_index_labels():
    months = pd.period_range("2024-01", periods=17, freq="M")
    values = [8, 12] * 4 + [float("nan")] + [18, 22] * 4
    series = pd.Series(values, index=months)
    result = compute_spc(series, improvement="increase", rebase_at=[pd.Period("2024-10", "M")])
    assert [p.index for p in result.points] == list(months)
    assert result.points[8].missing and result.points[8].partition == 1
    first, second = result.partitions
    assert first.start == pd.Period("2024-01", "M")
    assert second.start == pd.Period("2024-10", "M") and second.start_position == 9
    # As in the rebase test: 10 (-0.64 .. 20.64) then 20 (9.36 .. 30.64).
    assert (first.mean, first.lpl, first.upl) == pytest.approx((10, -0.64, 20.64))
    assert (result.mean, result.lpl, result.upl) == pytest.approx((20, 9.36, 30.64))
    assert result.latest_index == pd.Period("2025-05", "M")
    assert any("2024-10" in w for w in result.warnings)  # partition 2 is named by its label


def test_a_nullable_series_and_string_labels():
    series = pd.Series([8, 12, None, 8, 12] * 4, index=[f"m{i}" for i in range(20)])
    series = series.astype("Float64")
    result = compute_spc(series, improvement="increase", rebase_at=["m10"])
    assert result.points[2].missing and result.points[2].index == "m2"
    assert result.partitions[1].start == "m10"


def test_rebase_at_a_label_that_is_not_in_the_index_is_refused():
    series = pd.Series(STEADY, index=[f"m{i}" for i in range(16)])
    with pytest.raises(ValueError, match="not in the Series index"):
        compute_spc(series, improvement="increase", rebase_at=["m99"])


# --- the NHSRplotthedots preset -------------------------------------------------------


def test_nhsrplotthedots_preset_differs_where_the_references_differ():
    # The rising trend below the mean: NHS England's default shows concern (low),
    # NHSRplotthedots' priority (trend beats shift) shows improvement (high).
    assert compute_spc(TREND_IN_SHIFT, improvement="increase").variation == "concern_low"
    nhsr = compute_spc(TREND_IN_SHIFT, improvement="increase", **NHSR)
    assert nhsr.variation == "improvement_high"
    # Screening drops nothing here (29 < 43.9), so the limits agree.
    assert nhsr.lpl == pytest.approx(-22.331985, abs=1e-6)
    # A trend across a recalculation point counts for NHS England only.
    assert special(compute_spc(ACROSS, improvement="increase", rebase_at=[10])) != []
    assert special(compute_spc(ACROSS, improvement="increase", rebase_at=[10], **NHSR)) == []
    # A target exactly on the LPL: pass for NHS England, hit and miss for NHSRplotthedots.
    assert compute_spc(STEADY, improvement="increase", target=-0.64).assurance == "pass"
    nhsr_target = compute_spc(STEADY, improvement="increase", target=-0.64, **NHSR)
    assert nhsr_target.assurance == "inconsistent"


# --- contract -------------------------------------------------------------------------


def test_results_are_frozen():
    result = compute_spc(STEADY, improvement="increase")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.mean = 1  # type: ignore[misc]
    # A point is a named tuple (AttributeError, of which FrozenInstanceError is one).
    with pytest.raises(AttributeError):
        result.points[0].value = 1  # type: ignore[misc]
    assert isinstance(result.points, tuple) and isinstance(result.warnings, tuple)


def test_decimal_values_are_taken_exactly():
    from decimal import Decimal

    # Mean of 0.1, 0.2, 0.3 is exactly 0.2: the middle point is on the mean.
    result = compute_spc(
        [Decimal("0.1"), Decimal("0.2"), Decimal("0.3")], improvement="increase", min_points=0
    )
    assert result.mean == pytest.approx(0.2)
    floats = compute_spc([0.1, 0.2, 0.3] * 3, improvement="increase", min_points=0, shift_len=2)
    # 0.2 is exactly on the mean (0.2), so it breaks every run: no shift of 2 anywhere.
    assert special(floats) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"improvement": "up"},
        {"improvement": "increase", "conflict": "worst"},
        {"improvement": "increase", "rebase_at": [99]},
        {"improvement": "increase", "fix_after": 1},
        {"improvement": "increase", "shift_len": 1},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        compute_spc(STEADY, **kwargs)


def test_no_values_at_all():
    result = compute_spc([None, None], improvement="increase")
    assert result.chart_type == "run"
    assert result.mean is None and result.variation is None and result.latest_index is None
    assert all(p.missing for p in result.points)
    assert compute_spc([], improvement="increase").points == ()


# --- exactness where floating point would decide wrongly ------------------------------

# Mean 16.2 / 15 = 1.08; moving ranges 0.7, 0.9, 1.2, 1.2, 0.1, 0.3, 0.2, 0.3, 0.1,
# 0.3, 1.0, 0.1, 0.7, 0.9 sum to 8.0 -> AMR 8/14 = 4/7; 2.66 × 4/7 = 1.52, so
# UPL = 1.08 + 1.52 = 2.6 exactly (the last value) and LPL = 1.08 - 1.52 = -0.44.
# Near lines 1.08 ± (2/3)(1.52): 2.093333 and 0.066667.
ON_THE_LIMIT = [1.0, 1.7, 0.8, 2.0, 0.8, 0.7, 1.0, 0.8, 0.5, 0.4, 0.1, 1.1, 1.0, 1.7, 2.6]

# Mean 16.2 / 15 = 1.08; moving ranges 0.6, 0.2, 1.7, 1.5, 0.4, 0.9, 0.7, 1.3, 0.4,
# 1.6, 0.9, 0.3, 1.4, 0.1 sum to 12.0 -> AMR 12/14 = 6/7; 2.66 × 6/7 = 2.28, so
# UPL 3.36, LPL -1.2, and the upper near line 1.08 + (2/3)(2.28) = 2.6 exactly.
ON_THE_NEAR_LINE = [0.7, 0.1, 0.3, 2.0, 0.5, 0.9, 0.0, 0.7, 2.0, 1.6, 0.0, 0.9, 1.2, 2.6, 2.7]


def float_lines(values):
    """The mean, UPL and upper near line as float arithmetic would put them."""
    mean = sum(values) / len(values)
    amr = sum(abs(b - a) for a, b in zip(values, values[1:], strict=False)) / (len(values) - 1)
    return mean, mean + 2.66 * amr, mean + 2 / 3 * 2.66 * amr


def as_decimals(values):
    from decimal import Decimal

    return [Decimal(str(v)) for v in values]


def test_the_cases_below_are_ones_float_arithmetic_gets_wrong():
    # Floats put the UPL (and the near line) a hair below 2.6, so a float reading
    # would call the last point outside the limits, or close to them.
    assert float_lines(ON_THE_LIMIT)[1] < 2.6
    assert float_lines(ON_THE_NEAR_LINE)[2] < 2.6


@pytest.mark.parametrize("convert", [list, as_decimals], ids=["floats", "decimals"])
def test_a_point_exactly_on_the_upper_limit_is_not_outside(convert):
    result = compute_spc(convert(ON_THE_LIMIT), improvement="increase")
    assert result.mean == 1.08 and result.upl == 2.6 and result.lpl == -0.44
    assert result.partitions[0].amr == pytest.approx(4 / 7)
    # 2.6 is on the UPL, not strictly above it: no outside-limits hit. Nothing else
    # is outside, nothing below the lower near line (0.1 > 0.066667), and only 2.6 is
    # beyond the upper near line, so no two-of-three. Points 4-10 (0.8 ... 0.1) are
    # 7 in a row below 1.08, between 2.0 and 1.1 above it: the one shift.
    assert flagged(result, "outside_limits") == []
    assert special(result) == [4, 5, 6, 7, 8, 9, 10]
    assert flagged(result, "shift", "low") == [4, 5, 6, 7, 8, 9, 10]
    assert result.points[-1].point_type == "common_cause"
    assert result.variation == "common_cause"


@pytest.mark.parametrize("convert", [list, as_decimals], ids=["floats", "decimals"])
@pytest.mark.parametrize(
    ("target", "improvement", "inclusive", "expected"),
    [
        # The target 2.6 is exactly the UPL, -0.44 exactly the LPL.
        (2.6, "increase", True, "fail"),
        (2.6, "increase", False, "inconsistent"),
        (2.6, "decrease", True, "pass"),
        (2.6, "decrease", False, "inconsistent"),
        (-0.44, "increase", True, "pass"),
        (-0.44, "increase", False, "inconsistent"),
        (-0.44, "decrease", True, "fail"),
        (-0.44, "decrease", False, "inconsistent"),
    ],
)
def test_a_target_exactly_on_a_limit(convert, target, improvement, inclusive, expected):
    (target_value,) = convert([target])
    result = compute_spc(
        convert(ON_THE_LIMIT),
        improvement=improvement,
        target=target_value,
        inclusive_assurance=inclusive,
    )
    assert result.assurance == expected


@pytest.mark.parametrize("convert", [list, as_decimals], ids=["floats", "decimals"])
def test_a_point_exactly_on_the_near_line_is_not_close(convert):
    result = compute_spc(convert(ON_THE_NEAR_LINE), improvement="increase")
    assert result.mean == 1.08 and result.upl == 3.36 and result.upper_near == 2.6
    # The last three (1.2, 2.6, 2.7) are all above the mean, but only 2.7 is strictly
    # beyond the near line (2.6 is on it): one close point, so no two-of-three. No
    # other rule fires (longest run on one side 4, longest rise 4, nothing outside).
    assert special(result) == []
    assert result.variation == "common_cause"
