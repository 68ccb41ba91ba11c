"""The one permission entry point.

Every view and template asks `user.has_perm("portal.<name>", obj)`;
the predicates below are the only place that knows which role may do what.
Templates use `{% load rules %}{% has_perm "portal.…" user obj as can %}`.
"""

import datetime

import rules

from objectives.roles import Role, group_name

# The executive role whose holder writes and signs the month's overall summary (its
# slug in the Trust's organisation, fixtures/organisation.yaml).
CHIEF_EXECUTIVE = "chief-executive"
# What `_person_facts` knows of a user's person, each a set of ids.
FACTS = ("units", "roles", "delegated", "chief_executive", "summary_delegate")


def _in_role(role: Role) -> rules.Predicate:
    return rules.is_group_member(group_name(role))


is_trust_administrator = _in_role(Role.TRUST_ADMINISTRATOR)
is_executive = _in_role(Role.EXECUTIVE)
is_directorate_lead = _in_role(Role.DIRECTORATE_LEAD)
is_board_secretary = _in_role(Role.BOARD_SECRETARY)
is_viewer = _in_role(Role.VIEWER)

has_a_role = (
    is_trust_administrator | is_executive | is_directorate_lead | is_board_secretary | is_viewer
)


def group_names(user) -> set[str]:
    """The names of the user's groups, read once per user object (one request's) and
    shared with the role predicates above (`rules` keeps them in the same place)."""
    if not hasattr(user, "_group_names_cache"):
        user._group_names_cache = set(user.groups.values_list("name", flat=True))
    return user._group_names_cache


def _person_facts(user) -> dict:
    """What the predicates below need to know about the user's person: the units they
    lead, the executive roles they hold today (and whether one is the Chief
    Executive's), the objectives they draft for and whether they draft the overall
    summary.
    Read once per user object (one request's), in one query however many units or
    objectives a page asks about, instead of one or two queries per question."""
    facts = getattr(user, "_portal_person_facts", None)
    if facts is None:
        facts = {kind: set() for kind in FACTS}
        if user.is_authenticated:
            facts = _read_person_facts(user, datetime.date.today())
        user._portal_person_facts = facts
    return facts


def _read_person_facts(user, today: datetime.date) -> dict:
    from django.db.models import Q, Value

    from objectives.models import OrganisationalUnit, RoleAssignment, StrategicObjective, Strategy

    units = (
        OrganisationalUnit.objects.filter(leads__user=user)
        .order_by()
        .values_list("pk", Value("units"))
    )
    roles = (
        RoleAssignment.objects.filter(person__user=user)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by()
        .values_list("role_id", Value("roles"))
    )
    delegated = (
        StrategicObjective.objects.filter(narrative_delegates__user=user)
        .order_by()
        .values_list("pk", Value("delegated"))
    )
    chief_executive = (
        RoleAssignment.objects.filter(person__user=user, role__slug=CHIEF_EXECUTIVE)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by()
        .values_list("role_id", Value("chief_executive"))
    )
    summary_delegate = (
        Strategy.objects.filter(is_current=True, summary_delegates__user=user)
        .order_by()
        .values_list("pk", Value("summary_delegate"))
    )
    facts = {kind: set() for kind in FACTS}
    parts = units.union(roles, delegated, chief_executive, summary_delegate, all=True)
    for pk, kind in parts.order_by():
        facts[kind].add(pk)
    return facts


@rules.predicate
def leads_programme(user, programme) -> bool:
    """The user is the person recorded as the programme's lead."""
    if programme is None or programme.lead_id is None or not user.is_authenticated:
        return False
    return programme.lead.user_id == user.pk


@rules.predicate
def is_chief_executive(user) -> bool:
    """The user holds, today, the Chief Executive's role."""
    return bool(_person_facts(user)["chief_executive"])


@rules.predicate
def drafts_overall_summary(user) -> bool:
    """The user is named on the current strategy as a delegate for the overall summary."""
    return bool(_person_facts(user)["summary_delegate"])


@rules.predicate
def leads_unit(user, unit) -> bool:
    """The user is recorded as a directorate lead for this unit."""
    return unit is not None and unit.pk in _person_facts(user)["units"]


@rules.predicate
def leads_objective(user, objective) -> bool:
    """The user holds, today, one of the objective's executive director roles (prefetch
    the objectives' `lead_roles` when asking about many)."""
    if objective is None:
        return False
    roles = _person_facts(user)["roles"]
    return bool(roles) and any(role.pk in roles for role in objective.lead_roles.all())


@rules.predicate
def drafts_for_objective(user, objective) -> bool:
    return objective is not None and objective.pk in _person_facts(user)["delegated"]


def api_client_of(user):
    """The API client a request's account acts for, if it is one: set on the account
    by the API's authentication (api/authentication.py), so asking costs no query and
    a client's account counts as one only in a call the client's key made."""
    return getattr(user, "_portal_api_client", None)


@rules.predicate
def is_api_client(user) -> bool:
    return api_client_of(user) is not None


def _client_covers(client, unit) -> bool:
    return unit is not None and (client.all_units or unit.pk in client.unit_ids)


@rules.predicate
def client_reads_unit(user, unit) -> bool:
    """An API client's call, for one of the units it was made for."""
    client = api_client_of(user)
    return client is not None and _client_covers(client, unit)


@rules.predicate
def client_writes_unit(user, unit) -> bool:
    """An API client's call, made for this unit and to write: it enters the unit's
    results as the unit's lead would, in the period's window and by its rules."""
    client = api_client_of(user)
    return client is not None and client.can_write and _client_covers(client, unit)


# Reading the strategy: everyone with a role, governors (Viewer) included, and API
# clients (the strategy, its OKRs and published reports are not a unit's own).
rules.add_perm("portal.view_strategy", rules.is_superuser | has_a_role | is_api_client)
# Maintaining the strategy's structure, people and roles in the Django admin (OKRs
# have their own permission, below).
rules.add_perm("portal.maintain_strategy", rules.is_superuser | is_trust_administrator)
# Having a "My submissions" page: directorate leads.
rules.add_perm("portal.submit_results", is_directorate_lead)
# Entering a unit's results while its period's window is open: that unit's lead.
enters_results_for_unit = (is_directorate_lead & leads_unit) | client_writes_unit
rules.add_perm("portal.enter_results_for_unit", enters_results_for_unit)
# Correcting any unit's results, also after the window closed, always with a reason.
corrects_results = rules.is_superuser | is_board_secretary | is_trust_administrator
rules.add_perm("portal.correct_results", corrects_results)
# Changing a unit's results at all, its lead or a corrector (which of the two, and
# so whether a reason is needed, the two permissions above tell).
rules.add_perm("portal.change_unit_results", enters_results_for_unit | corrects_results)
# Reading a unit's results as they stand, drafts included: whoever may change them,
# and an API client made to read that unit. (Submitted values are everyone's who
# reads the strategy.)
rules.add_perm(
    "portal.read_unit_drafts",
    enters_results_for_unit | corrects_results | client_reads_unit,
)
# Users and roles (/manage/users/): inviting people, giving and taking away roles,
# units, executive posts and delegations, deactivating accounts.
rules.add_perm("portal.manage_users", rules.is_superuser | is_trust_administrator)
# Seeing who has and has not submitted.
rules.add_perm(
    "portal.track_submissions",
    rules.is_superuser | is_executive | is_board_secretary | is_trust_administrator,
)
# The audit log of every change.
rules.add_perm("portal.view_audit_log", rules.is_superuser | is_trust_administrator)
# Adding, re-targeting, achieving and retiring OKRs.
rules.add_perm("portal.maintain_okrs", rules.is_superuser | is_trust_administrator)
# Reading drafts — the IPR before it is published and draft Board packs: the people
# who prepare the report. Viewers (governors) read published editions only
# (docs/decisions/0008-who-reads-drafts.md).
rules.add_perm(
    "portal.read_draft_ipr",
    rules.is_superuser
    | is_trust_administrator
    | is_executive
    | is_board_secretary
    | is_directorate_lead,
)
# Publishing the monthly IPR (freezing an edition for the Board).
rules.add_perm(
    "portal.publish_ipr", rules.is_superuser | is_board_secretary | is_trust_administrator
)
# Closing the month: its checklist, reminding units of what they owe and sending the
# published pack to the Board's distribution list.
rules.add_perm(
    "portal.close_month", rules.is_superuser | is_board_secretary | is_trust_administrator
)
# A programme's monthly RAG and progress: its lead, or an administrator.
rules.add_perm(
    "portal.update_programme", rules.is_superuser | is_trust_administrator | leads_programme
)
# Exporting the Board pack (PDF, workbook, CSV) and editing its cover sheet.
rules.add_perm(
    "portal.export_pack", rules.is_superuser | is_board_secretary | is_trust_administrator
)
# Writing an objective's narratives: its executive director or a named delegate.
rules.add_perm("portal.write_narrative", leads_objective | drafts_for_objective)
# Signing them off: the executive director.
rules.add_perm("portal.sign_narrative", leads_objective)
# The month's overall summary, which opens the report: written by the Chief
# Executive or a delegate named on the current strategy, signed by the Chief Executive.
rules.add_perm("portal.write_overall_summary", is_chief_executive | drafts_overall_summary)
rules.add_perm("portal.sign_overall_summary", is_chief_executive)
