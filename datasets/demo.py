"""The demo set-up for `make run`: one user per role, and a deterministic,
plausible history of results so charts and reports have something to show.

Everything it makes is marked as demo (`is_demo`) and the pages say so while
any is present; it is written through the actions (results through the one
result planner) by the portal's own account (accounts/system_actor.py). It never
touches a seeded fact: a result that exists already is left alone. It refuses to
run in production.
"""

import datetime
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import mfa
from accounts.system_actor import system_actor
from datasets import demo_governance
from datasets.demo_okrs import DEMO_OKRS, DemoOkr
from objectives import actions as strategy_actions
from objectives.models import (
    ExecutiveRole,
    OrganisationalUnit,
    Person,
    StrategicObjective,
    Strategy,
)
from objectives.roles import Role, group_name
from okrs import actions as okr_actions
from okrs import periods
from okrs.measures import Measure
from okrs.models import KeyResult, Result, TrustValue
from okrs.result_planner import Outcome
from okrs.trust_values import is_derived

REASON = "Demo data (make run)"
# The history runs from the start of the 2020 directorate structure.
HISTORY_STARTS = datetime.date(2020, 4, 1)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    full_name: str
    role: Role
    leads_units: tuple[str, ...] = ()
    # Executive roles the demo user holds, so they can write and sign narratives.
    holds_roles: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("admin", "admin-demo", "Alex Admin (demo)", Role.TRUST_ADMINISTRATOR),
    # The papers name no Medical Director for 2020 on; the demo executive fills the
    # gap (as a demo person) so narratives can be written and signed in the demo.
    DemoUser(
        "executive",
        "executive-demo",
        "Erin Executive (demo)",
        Role.EXECUTIVE,
        holds_roles=("medical-director",),
    ),
    # Nor a Chief Executive, who writes and signs the month's overall summary.
    DemoUser(
        "chief",
        "chief-demo",
        "Chris Chief (demo)",
        Role.EXECUTIVE,
        holds_roles=("chief-executive",),
    ),
    DemoUser(
        "lead",
        "lead-demo",
        "Lee Lead (demo)",
        Role.DIRECTORATE_LEAD,
        ("community-services", "oxon-bsw-mh"),
    ),
    DemoUser("secretary", "secretary-demo", "Sam Secretary (demo)", Role.BOARD_SECRETARY),
    DemoUser("viewer", "viewer-demo", "Vic Viewer (demo)", Role.VIEWER),
)


def _rng(*parts: object) -> random.Random:
    """A generator seeded from its name, so the same call gives the same numbers."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def generate_series(
    *, name: str, count: int, level: float, spread: float, drift_per_step: float
) -> list[float]:
    """A plausible measure: a level with a gentle drift, seasonal wobble, noise and,
    part-way, one sustained shift (so SPC has something to find). Deterministic."""
    rng = _rng(name)
    # Where the shift falls depends only on the name, not on `count`, so a longer
    # history (the demo loaded a month later) keeps every earlier value.
    shift_at = rng.randint(18, 42)
    shift = rng.choice([-1, 1]) * spread * 1.5
    values = []
    for step in range(count):
        seasonal = spread * 0.5 * math.sin(2 * math.pi * step / 12)
        value = level + drift_per_step * step + seasonal + rng.gauss(0, spread)
        if step >= shift_at:
            value += shift
        values.append(value)
    return values


def _clamp(value: float, measure: str) -> float:
    if measure == Measure.PERCENTAGE:
        return min(100.0, max(0.0, value))
    if measure in (Measure.COUNT, Measure.SCORE):
        return max(0.0, value)
    return value


def ensure_demo_users(*, by, users: tuple[DemoUser, ...] = DEMO_USERS) -> list[DemoUser]:
    User = get_user_model()
    # Hashing a password is slow on purpose: once per password, not per user (the
    # load test's users share one).
    hashes: dict[str, str] = {}
    for demo in users:
        user, _ = User.objects.get_or_create(username=demo.username)
        first, _, last = demo.full_name.partition(" ")
        user.first_name, user.last_name = first, last
        # A reserved domain (RFC 2606): the demo's reminders and packs reach no one.
        user.email = f"{demo.username}@example.com"
        user.is_staff = demo.role == Role.TRUST_ADMINISTRATOR
        if demo.password not in hashes:
            hashes[demo.password] = make_password(demo.password)
        user.password = hashes[demo.password]
        user.save()
        user.groups.set([Group.objects.get(name=group_name(demo.role))])
        person = Person.objects.filter(user=user).first() or strategy_actions.create_person(
            by=by,
            slug=f"demo-{demo.username}",
            full_name=demo.full_name,
            user=user,
            is_demo=True,
            reason=REASON,
        )
        for role in ExecutiveRole.objects.filter(slug__in=demo.holds_roles):
            if not person.role_assignments.filter(role=role).exists():
                strategy_actions.assign_role(
                    by=by, role=role, person=person, source="Demo", reason=REASON
                )
        if demo.leads_units:
            strategy_actions.set_units_led(
                by=by,
                person=person,
                units=OrganisationalUnit.objects.filter(slug__in=demo.leads_units),
                reason=REASON,
            )
        if demo.role == Role.TRUST_ADMINISTRATOR and settings.ADMIN_MFA_REQUIRED:
            # Its published key lets a developer add it to an authenticator app.
            mfa.ensure_demo_device(user)
    return list(users)


def _spans(frequency: str, first_day: datetime.date, last_day: datetime.date):
    span = periods.span_containing(frequency, first_day)
    while span.ends_on <= last_day:
        yield span
        span = periods.next_span(span)


def ensure_demo_okrs(strategy: Strategy, *, by) -> list[tuple[KeyResult, DemoOkr]]:
    objectives = {
        objective.short_name: objective
        for objective in StrategicObjective.objects.filter(strategy=strategy)
    }
    made = []
    for order, spec in enumerate(DEMO_OKRS, start=100):
        objective = objectives.get(spec.objective_short_name)
        if objective is None:
            continue
        key_result = KeyResult.objects.filter(code=spec.code).first()
        if key_result is None:
            key_result = okr_actions.create_key_result(
                by=by,
                objective=objective,
                code=spec.code,
                statement=spec.statement,
                status=KeyResult.Status.ACTIVE,
                measure=spec.measure,
                direction=spec.direction,
                frequency=periods.MONTHLY,
                decimal_places=spec.decimals,
                trust_value=spec.trust_value,
                numerator_label=spec.numerator_label,
                denominator_label=spec.denominator_label,
                tolerance=Decimal(str(spec.tolerance)),
                tolerance_kind=spec.tolerance_kind,
                is_demo=True,
                order=order,
                calculation="Invented for the demonstration; not a Trust measure.",
                reason=REASON,
            )
            okr_actions.set_target(
                by=by,
                key_result=key_result,
                value=Decimal(str(spec.target)),
                effective_from=HISTORY_STARTS,
                source="Demo",
                reason=REASON,
            )
            if spec.trust_is_sum:
                _share_the_target(key_result, spec, by=by)
        made.append((key_result, spec))
    return made


def _share_the_target(key_result: KeyResult, spec: DemoOkr, *, by) -> None:
    """A total's target is the Trust's; each directorate gets its share as a target
    of its own (300 research recruits a month for the Trust, 75 for a directorate),
    so a directorate is not rated against the whole Trust's figure."""
    directorates = [
        unit
        for unit in OrganisationalUnit.objects.filter(kind=OrganisationalUnit.Kind.DIRECTORATE)
        if unit.is_active_on(HISTORY_STARTS)
    ]
    for unit in directorates:
        okr_actions.set_target(
            by=by,
            key_result=key_result,
            unit=unit,
            value=Decimal(round(spec.target / len(directorates))),
            effective_from=HISTORY_STARTS,
            source="Demo: the Trust's target shared between its directorates",
            reason=REASON,
        )


def _history_entries(
    key_result: KeyResult,
    units: list[OrganisationalUnit],
    reporting_periods: list,
    *,
    level: float,
    spread: float,
    drift_per_step: float,
    decimals: int,
    measure: str,
    existing: set[tuple[int, int, int]],
    denominator: int = 0,
) -> list[okr_actions.ResultEntry]:
    directorates = [unit for unit in units if unit.kind == OrganisationalUnit.Kind.DIRECTORATE]
    trust = next((unit for unit in units if unit.kind == OrganisationalUnit.Kind.TRUST), None)
    series = {
        unit.slug: generate_series(
            name=f"{key_result.code}|{unit.slug}",
            count=len(reporting_periods),
            level=level * _rng(key_result.code, unit.slug, "level").uniform(0.9, 1.1),
            spread=spread,
            drift_per_step=drift_per_step,
        )
        for unit in directorates
    }
    entries = []
    for index, period in enumerate(reporting_periods):
        values = {slug: _clamp(series[slug][index], measure) for slug in series}
        if trust is not None and values and not is_derived(key_result.trust_value):
            # An entered Trust figure: the demo makes a plausible one from the
            # directorates (a worked-out one is the report's to work out).
            values[trust.slug] = sum(values.values()) / len(values)
        for unit in units:
            if unit.slug not in values or (key_result.pk, period.pk, unit.pk) in existing:
                continue
            if key_result.trust_value == TrustValue.RATIO and denominator:
                entries.append(
                    _ratio_entry(key_result, period, unit, values[unit.slug], denominator)
                )
                continue
            rounded = Decimal(str(round(values[unit.slug], decimals)))
            entries.append(
                okr_actions.ResultEntry(
                    key_result=key_result, period=period, unit=unit, value=rounded
                )
            )
    return entries


def _ratio_entry(key_result: KeyResult, period, unit, rate: float, typical: int):
    """A directorate's numerator and denominator for a rate near `rate`: its own
    size (a steady share of `typical`, moving a little month to month) and the
    whole number of it the rate makes. The value is worked out from them."""
    size = typical * _rng(key_result.code, unit.slug, "size").uniform(0.6, 1.4)
    denominator = round(
        size * _rng(key_result.code, unit.slug, period.starts_on).uniform(0.98, 1.02)
    )
    numerator = round(rate / float(key_result.ratio_scale) * denominator)
    return okr_actions.ResultEntry(
        key_result=key_result,
        period=period,
        unit=unit,
        value=None,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
    )


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> dict:
    if not settings.DEMO_ALLOWED:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    strategy = Strategy.objects.filter(is_current=True).first()
    if strategy is None:
        raise ImproperlyConfigured("Load the seeds first: python manage.py load_seeds")
    today = today or datetime.date.today()
    by = system_actor()
    users = ensure_demo_users(by=by)
    units = [
        unit
        for unit in OrganisationalUnit.objects.all()
        if unit.is_active_on(today) and unit.is_active_on(HISTORY_STARTS)
    ]
    existing = set(Result.objects.values_list("key_result_id", "period_id", "unit_id"))
    entries = []
    demo_governance.ensure_demo_executives(strategy, by=by, reason=REASON)

    for key_result, spec in ensure_demo_okrs(strategy, by=by):
        months = [
            okr_actions.ensure_period(span)
            for span in _spans(periods.MONTHLY, HISTORY_STARTS, today)
        ]
        entries += _history_entries(
            key_result,
            units,
            months,
            level=spec.level,
            spread=spec.spread,
            drift_per_step=spec.drift / 12,
            decimals=spec.decimals,
            measure=spec.measure,
            existing=existing,
            denominator=spec.denominator,
        )

    # The seeded OKRs get demo values around their seeded ones, for every quarter
    # but the seeded one (which the existing-check leaves untouched).
    seeded = KeyResult.objects.filter(
        objective__strategy=strategy, is_demo=False, status=KeyResult.Status.ACTIVE
    ).prefetch_related("results")
    for key_result in seeded:
        reporting_periods = [
            okr_actions.ensure_period(span)
            for span in _spans(key_result.frequency, HISTORY_STARTS, today)
        ]
        seeded_values = [float(result.value) for result in key_result.results.all()]
        level = sum(seeded_values) / len(seeded_values) if seeded_values else 50.0
        entries += _history_entries(
            key_result,
            units,
            reporting_periods,
            level=level,
            spread=max(abs(level) * 0.03, 0.5),
            drift_per_step=0.0,
            # At the OKR's own precision: staff sickness to one decimal, not whole.
            decimals=0 if key_result.measure == Measure.COUNT else key_result.decimal_places,
            measure=key_result.measure,
            existing=existing,
        )

    # The demo lead's units leave the periods still open today unfilled, so the
    # lead has something to enter and the tracking page has gaps to show.
    lead_units = {slug for demo in DEMO_USERS for slug in demo.leads_units}
    entries = [
        entry
        for entry in entries
        if not (entry.unit.slug in lead_units and entry.period.is_open_on(today))
    ]
    plan = okr_actions.record_results_as_system(entries=entries, reason=REASON, is_demo=True)
    demo_governance.ensure_demo_trajectories(by=by, reason=REASON, first_day=HISTORY_STARTS)
    return {"users": users, "results_created": plan.count(Outcome.NEW)}
