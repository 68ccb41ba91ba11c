"""Which target is in force for a unit on a day, worked from the rule by hand:
each target applies from its start until the next target for the same unit (or
its own last day), and a unit's own target in force overrides the Trust's."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from okrs.targets_in_force import target_in_force

D = datetime.date
BUCKS, OXON = 3, 4


def target(value, starts, unit_id=None, ends=None):
    return SimpleNamespace(
        value=Decimal(value), effective_from=starts, unit_id=unit_id, ends_on=ends
    )


TRUST_95 = target(95, D(2020, 4, 1))
TRUST_97 = target(97, D(2022, 4, 1))
BUCKS_90 = target(90, D(2020, 7, 1), BUCKS, ends=D(2021, 3, 31))
OXON_93 = target(93, D(2021, 1, 1), OXON)
TARGETS = [TRUST_97, OXON_93, BUCKS_90, TRUST_95]  # in no particular order


def test_the_trust_and_a_unit_without_its_own_follow_the_trust_s_target():
    assert target_in_force(TARGETS, D(2020, 9, 30)) is TRUST_95
    assert target_in_force(TARGETS, D(2020, 9, 30), unit_id=99) is TRUST_95
    assert target_in_force(TARGETS, D(2022, 6, 30), unit_id=99) is TRUST_97


def test_a_unit_s_own_target_applies_to_it_alone_from_its_start():
    assert target_in_force(TARGETS, D(2020, 6, 30), unit_id=BUCKS) is TRUST_95  # before it
    assert target_in_force(TARGETS, D(2020, 7, 1), unit_id=BUCKS) is BUCKS_90
    assert target_in_force(TARGETS, D(2020, 9, 30), unit_id=OXON) is TRUST_95


def test_after_its_last_day_a_unit_follows_the_trust_s_target_again():
    assert target_in_force(TARGETS, D(2021, 3, 31), unit_id=BUCKS) is BUCKS_90
    assert target_in_force(TARGETS, D(2021, 4, 1), unit_id=BUCKS) is TRUST_95
    assert target_in_force(TARGETS, D(2022, 4, 1), unit_id=BUCKS) is TRUST_97


def test_a_unit_s_own_target_without_an_end_outlasts_a_new_trust_target():
    """Oxon's 93 was set with no end: the Trust's 97 from April 2022 does not
    replace it; only a new target for Oxon would."""
    assert target_in_force(TARGETS, D(2022, 6, 30), unit_id=OXON) is OXON_93


def test_a_trust_target_with_an_end_leaves_no_target_after_it():
    ended = [target(95, D(2020, 4, 1), ends=D(2021, 3, 31))]
    assert target_in_force(ended, D(2021, 3, 31)).value == 95
    assert target_in_force(ended, D(2021, 4, 1)) is None
    assert target_in_force(ended, D(2021, 4, 1), unit_id=BUCKS) is None


def test_before_any_target_there_is_none():
    assert target_in_force(TARGETS, D(2020, 3, 31)) is None
    assert target_in_force([], D(2020, 3, 31), unit_id=BUCKS) is None
