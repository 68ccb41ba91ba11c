"""Every URL × every role, in one table.

The table below gives, for each route of the root URLconf, how to build its URL
and what each role gets: the page (200), a redirect (302), refused (403), not
there for them (404) or the wrong method (405). Nobody logged in is sent to log in;
an account with no role is refused. Every GET is also checked not to write:
the number of rows in every table is the same after it.

`test_every_route_has_a_row` compares the table with the URLconf, so a new URL
without its row fails. Routes that only take a POST also get an empty POST by each
role: refused roles get 403, the others a form error or a redirect, never a 500.

Draft reports are for the people who prepare them: a viewer (a governor) sees
published editions only, so a draft IPR page or a draft pack's file is refused.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from objectives.roles import Role
from reporting.actions import record_process_change
from reporting.models import ProcessChange
from tests.portal_world import (
    ANONYMOUS,
    DRAFT_MONTH,
    NO_ROLE,
    PUBLISHED_MONTH,
    WHO,
    World,
    build_world,
    changed_tables,
    live_api_client,
    row_counts,
)

pytestmark = pytest.mark.usefixtures("seeded")

ADMINISTRATOR = Role.TRUST_ADMINISTRATOR.value
EXECUTIVE = Role.EXECUTIVE.value
LEAD = Role.DIRECTORATE_LEAD.value
SECRETARY = Role.BOARD_SECRETARY.value
VIEWER = Role.VIEWER.value
ROLES = [role.value for role in Role]

LOGIN = "sent to log in"  # a 302 to the login page
FORM_OR_REDIRECT = frozenset({200, 302})  # a form error, or done and sent on


def statuses(allowed=ROLES, *, ok=200, refused=403, no_role=403, anonymous=LOGIN, **special):
    """What each visitor gets: `ok` for the allowed roles, `refused` for the others."""
    table = {ANONYMOUS: anonymous, NO_ROLE: no_role}
    for role in ROLES:
        table[role] = ok if role in allowed else refused
    table.update(special)
    return table


EVERYONE = statuses()
PREPARERS = [ADMINISTRATOR, EXECUTIVE, LEAD, SECRETARY]  # may read drafts
PUBLISHERS = [ADMINISTRATOR, SECRETARY]  # publish, export packs, edit the cover
UPLOADERS = [ADMINISTRATOR, LEAD, SECRETARY]
TRACKERS = [ADMINISTRATOR, EXECUTIVE, SECRETARY]
POST_ONLY = statuses(ok=405, refused=405, no_role=405)


def api_statuses(allowed=ROLES, **kwargs):
    """The API's: 401 without credentials (it never sends anyone to log in)."""
    return statuses(allowed, anonymous=401, **kwargs)


API_READ = api_statuses()
API_OPEN = statuses(no_role=200, anonymous=200)  # describes the API, holds no data


@dataclass(frozen=True)
class Row:
    route: str  # the route's name, as reverse() takes it
    pattern: str  # its full pattern, to tell apart routes sharing a name
    case: str
    url: Callable[[World], str]
    get: dict
    post: dict | None = field(default=None)  # an empty POST, where the route takes one


def url(name: str, **kwargs) -> Callable[[World], str]:
    """A URL whose arguments are read from the world: a callable value is called with it."""

    def build(world: World) -> str:
        resolved = {
            key: (value(world) if callable(value) else value) for key, value in kwargs.items()
        }
        query = resolved.pop("query", "")
        return reverse(name, kwargs=resolved) + query

    return build


def a_programme(world: World) -> int:
    """The id of a programme of the current strategy read from the papers."""
    from okrs.models import Programme

    return Programme.objects.get(title="Oxford Healthcare Improvement (OHI)").pk


def a_viewer(world: World) -> int:
    """The id of the viewer's account, which the users pages show and change."""
    return world.users[VIEWER].pk


def an_api_client(world: World) -> int:
    """The id of a live API client for Bucks, made (once) by the administrator."""
    return live_api_client(world).pk


def a_process_change(world: World) -> int:
    """The id of a process change on the quality OKR for Bucks, recorded (once, before
    the requests are counted) by the administrator through the action."""
    existing = ProcessChange.objects.filter(key_result=world.quality_okr).first()
    if existing is not None:
        return existing.pk
    return record_process_change(
        by=world.users[ADMINISTRATOR],
        key_result=world.quality_okr,
        unit=world.bucks,
        starts_on=datetime.date(2021, 7, 1),
        reason="New triage pathway",
    ).pk


ROWS = [
    # --- The dashboard: everyone with a role (a viewer: published months only) -----
    Row("dashboard:home", "", "dashboard", url("dashboard:home"), EVERYONE),
    Row(
        "dashboard:home",
        "",
        "dashboard, filtered",
        url("dashboard:home", query="?month=2020-09&unit=bucks-mh&objective=1&off_track=1"),
        EVERYONE,
    ),
    Row(
        "dashboard:unit",
        "units/<slug:slug>/",
        "a unit's page",
        url("dashboard:unit", slug="bucks-mh", query="?month=2020-09"),
        EVERYONE,
    ),
    Row(
        "dashboard:coverage", "coverage/", "strategy coverage", url("dashboard:coverage"), EVERYONE
    ),
    Row(
        "dashboard:okr_unit",
        "okrs/<slug:code>/units/<slug:slug>/",
        "an OKR for a unit",
        url(
            "dashboard:okr_unit",
            code="quality-cccs-training",
            slug="bucks-mh",
            query="?month=2020-09",
        ),
        EVERYONE,
    ),
    # --- The strategy: everyone with a role reads it --------------------------------
    Row("objectives:home", "strategy/", "the current strategy", url("objectives:home"), EVERYONE),
    Row(
        "objectives:strategy_history",
        "strategies/",
        "history",
        url("objectives:strategy_history"),
        EVERYONE,
    ),
    Row(
        "objectives:strategy",
        "strategies/<slug:slug>/",
        "a past strategy",
        url("objectives:strategy", slug="business-plan-fy18"),
        EVERYONE,
    ),
    Row("objectives:units", "units/", "units", url("objectives:units"), EVERYONE),
    Row("objectives:people", "people/", "people", url("objectives:people"), EVERYONE),
    Row(
        "reporting:objective",
        "objectives/<int:pk>/",
        "an objective",
        url("reporting:objective", pk=lambda w: w.quality.pk),
        EVERYONE,
    ),
    Row(
        "reporting:focus_area",
        "focus-areas/<int:pk>/",
        "a focus area",
        url("reporting:focus_area", pk=lambda w: w.quality.focus_areas.first().pk),
        EVERYONE,
    ),
    Row(
        "okrs:key_result",
        "okrs/<slug:code>/",
        "an OKR",
        url("okrs:key_result", code="quality-cccs-training"),
        EVERYONE,
    ),
    # --- The IPR: published editions for everyone, drafts for those preparing it ----
    Row(
        "reporting:ipr_latest",
        "ipr/",
        "latest month",
        url("reporting:ipr_latest"),
        statuses(ok=302),
    ),
    Row(
        "reporting:ipr",
        "ipr/<str:month>/",
        "published month",
        url("reporting:ipr", month=PUBLISHED_MONTH),
        EVERYONE,
    ),
    Row(
        "reporting:ipr",
        "ipr/<str:month>/",
        "published revision",
        url("reporting:ipr", month=PUBLISHED_MONTH, query="?revision=1"),
        EVERYONE,
    ),
    Row(
        "reporting:ipr",
        "ipr/<str:month>/",
        "draft of a published month",
        url("reporting:ipr", month=PUBLISHED_MONTH, query="?draft=1"),
        statuses(PREPARERS),
    ),
    Row(
        "reporting:ipr",
        "ipr/<str:month>/",
        "month never published",
        url("reporting:ipr", month=DRAFT_MONTH),
        statuses(PREPARERS),
    ),
    Row(
        "reporting:month_close_latest",
        "ipr/close/",
        "the month to close now (sent to its close page)",
        url("reporting:month_close_latest"),
        statuses(PUBLISHERS, ok=302),
    ),
    Row(
        "reporting:month_close",
        "ipr/<str:month>/close/",
        "close a published month (a POST publishes: without confirming, a form error)",
        url("reporting:month_close", month=PUBLISHED_MONTH),
        statuses(PUBLISHERS),
        post=statuses(PUBLISHERS, ok=200),
    ),
    Row(
        "reporting:month_close",
        "ipr/<str:month>/close/",
        "close a month never published",
        url("reporting:month_close", month=DRAFT_MONTH),
        statuses(PUBLISHERS),
    ),
    Row(
        "reporting:remind_unit",
        "ipr/<str:month>/close/remind/",
        "remind a unit (none chosen: sent back with a message)",
        url("reporting:remind_unit", month=PUBLISHED_MONTH),
        POST_ONLY,
        post=statuses(PUBLISHERS, ok=302),
    ),
    Row(
        "reporting:distribute_pack",
        "ipr/<str:month>/revisions/<int:revision>/send/",
        "send the published pack (GET: back to the form; no addresses: a form error)",
        url("reporting:distribute_pack", month=PUBLISHED_MONTH, revision=1),
        statuses(PUBLISHERS, ok=302),
        post=statuses(PUBLISHERS, ok=200),
    ),
    Row(
        "reporting:export_pack",
        "ipr/<str:month>/packs/",
        "export the draft's pack",
        url("reporting:export_pack", month=PUBLISHED_MONTH),
        POST_ONLY,
        post=statuses(PUBLISHERS, ok=302),
    ),
    Row(
        "reporting:pack_export",
        "ipr/<str:month>/packs/<int:pk>/",
        "published pack's progress",
        url("reporting:pack_export", month=PUBLISHED_MONTH, pk=lambda w: w.published_export.pk),
        EVERYONE,
    ),
    Row(
        "reporting:pack_export_status",
        "ipr/<str:month>/packs/<int:pk>/status/",
        "published pack's status",
        url(
            "reporting:pack_export_status",
            month=PUBLISHED_MONTH,
            pk=lambda w: w.published_export.pk,
        ),
        EVERYONE,
    ),
    Row(
        "reporting:download_pack_file",
        "ipr/files/<int:pk>/",
        "published pack's file",
        url("reporting:download_pack_file", pk=lambda w: w.published_file.pk),
        EVERYONE,
    ),
    Row(
        "reporting:download_pack_file",
        "ipr/files/<int:pk>/",
        "draft pack's file",
        url("reporting:download_pack_file", pk=lambda w: w.draft_file.pk),
        statuses(PREPARERS),
    ),
    Row(
        "reporting:edit_cover",
        "ipr/<str:month>/revisions/<int:revision>/cover/",
        "cover sheet",
        url("reporting:edit_cover", month=PUBLISHED_MONTH, revision=1),
        statuses(PUBLISHERS),
        post=statuses(PUBLISHERS, ok=200),
    ),
    # A published edition's data: everyone who reads published editions.
    Row(
        "reporting:edition_data",
        "ipr/<str:month>/revisions/<int:revision>/data.<slug:data_format>",
        "a published edition's data as Parquet",
        url("reporting:edition_data", month=PUBLISHED_MONTH, revision=1, data_format="parquet"),
        EVERYONE,
    ),
    Row(
        "reporting:edition_data",
        "ipr/<str:month>/revisions/<int:revision>/data.<slug:data_format>",
        "a published edition's data as CSV",
        url("reporting:edition_data", month=PUBLISHED_MONTH, revision=1, data_format="csv"),
        EVERYONE,
    ),
    # Narratives: the objective's executive director (the executive here) or a delegate.
    Row(
        "reporting:edit_overall_summary",
        "ipr/<str:month>/summary/",
        "the overall summary (the executive drafts it for the Chief Executive)",
        url("reporting:edit_overall_summary", month=PUBLISHED_MONTH),
        statuses([EXECUTIVE]),
        post=statuses([EXECUTIVE], ok=200),
    ),
    Row(
        "reporting:edit_summary",
        "ipr/<str:month>/objectives/<int:objective>/summary/",
        "executive summary",
        url("reporting:edit_summary", month=PUBLISHED_MONTH, objective=lambda w: w.quality.pk),
        statuses([EXECUTIVE]),
        post=statuses([EXECUTIVE], ok=200),
    ),
    Row(
        "reporting:edit_commentary",
        "ipr/<str:month>/objectives/<int:objective>/okrs/<slug:code>/commentary/",
        "OKR commentary",
        url(
            "reporting:edit_commentary",
            month=PUBLISHED_MONTH,
            objective=lambda w: w.quality.pk,
            code="quality-cccs-training",
        ),
        statuses([EXECUTIVE]),
        post=statuses([EXECUTIVE], ok=200),
    ),
    # --- Results: entered by the unit's lead, corrected by secretaries and admins ----
    Row(
        "okrs:my_submissions",
        "submissions/",
        "my submissions",
        url("okrs:my_submissions"),
        EVERYONE,
    ),
    Row(
        "okrs:enter_results",
        "submissions/<slug:unit>/<int:period>/",
        "enter a unit's results",
        url("okrs:enter_results", unit="bucks-mh", period=lambda w: w.quarter.pk),
        statuses(UPLOADERS),
        post=statuses(UPLOADERS, ok=FORM_OR_REDIRECT),
    ),
    Row(
        "okrs:result_history",
        "results/<int:pk>/history/",
        "a value's history",
        url("okrs:result_history", pk=lambda w: w.result.pk),
        EVERYONE,
    ),
    Row("okrs:tracking", "tracking/", "tracking", url("okrs:tracking"), statuses(TRACKERS)),
    Row(
        "okrs:tracking",
        "tracking/<int:period>/",
        "tracking a period",
        url("okrs:tracking", period=lambda w: w.quarter.pk),
        statuses(TRACKERS),
    ),
    Row(
        "okrs:upload_template",
        "submissions/<slug:unit>/<int:period>/template.<str:fmt>",
        "a unit's template",
        url("okrs:upload_template", unit="bucks-mh", period=lambda w: w.quarter.pk, fmt="csv"),
        statuses(UPLOADERS),
    ),
    Row(
        "okrs:upload",
        "upload/",
        "upload",
        url("okrs:upload"),
        statuses(UPLOADERS),
        post=statuses(UPLOADERS, ok=200),
    ),
    # Only the person who uploaded a file sees its preview (the secretary here).
    Row(
        "okrs:upload_preview",
        "upload/<int:pk>/",
        "an upload's preview",
        url("okrs:upload_preview", pk=lambda w: w.upload.pk),
        statuses(UPLOADERS, **{ADMINISTRATOR: 404, LEAD: 404}),
        post=statuses(UPLOADERS, ok=FORM_OR_REDIRECT, **{ADMINISTRATOR: 404, LEAD: 404}),
    ),
    # --- Administration ------------------------------------------------------------
    Row(
        "okrs:manage_okrs",
        "manage/okrs/",
        "manage OKRs",
        url("okrs:manage_okrs"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:add_key_result",
        "manage/okrs/add/",
        "add an OKR",
        url("okrs:add_key_result"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:change_target",
        "manage/okrs/<slug:code>/target/",
        "change a target",
        url("okrs:change_target", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:trajectories",
        "manage/okrs/<slug:code>/trajectories/",
        "set or revise a trajectory",
        url("okrs:trajectories", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:achieve_and_replace",
        "manage/okrs/<slug:code>/achieve/",
        "achieve and replace",
        url("okrs:achieve_and_replace", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:retire",
        "manage/okrs/<slug:code>/retire/",
        "retire",
        url("okrs:retire", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:link_focus_area",
        "manage/okrs/<slug:code>/focus-area/",
        "link to a focus area",
        url("okrs:link_focus_area", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    # The rules ratings and exceptions follow: confirmed or changed by administrators.
    Row(
        "reporting:rating_rules",
        "manage/rules/",
        "the rating rules",
        url("reporting:rating_rules"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:confirm_exception_rule",
        "manage/rules/exceptions/",
        "confirm the exceptions rule",
        url("reporting:confirm_exception_rule"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:confirm_rating_rule",
        "manage/rules/objectives/<int:pk>/",
        "confirm an overall-rating rule",
        url("reporting:confirm_rating_rule", pk=lambda world: world.quality.pk),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:confirm_definition",
        "manage/rules/okrs/<slug:code>/definition/",
        "confirm a definition",
        url("reporting:confirm_definition", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:confirm_tolerance",
        "manage/rules/okrs/<slug:code>/tolerance/",
        "confirm a tolerance",
        url("reporting:confirm_tolerance", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    # Process changes, which recalculate an OKR × unit's SPC limits.
    Row(
        "reporting:process_changes",
        "manage/okrs/<slug:code>/process-changes/",
        "an OKR's process changes",
        url("reporting:process_changes", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:record_process_change",
        "manage/okrs/<slug:code>/process-changes/record/",
        "record a process change",
        url("reporting:record_process_change", code="quality-cccs-training"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:change_process_change",
        "manage/okrs/<slug:code>/process-changes/<int:pk>/",
        "change a process change",
        url(
            "reporting:change_process_change",
            code="quality-cccs-training",
            pk=a_process_change,
        ),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "reporting:withdraw_process_change",
        "manage/okrs/<slug:code>/process-changes/<int:pk>/withdraw/",
        "withdraw a process change",
        url(
            "reporting:withdraw_process_change",
            code="quality-cccs-training",
            pk=a_process_change,
        ),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row("okrs:audit_log", "audit/", "audit log", url("okrs:audit_log"), statuses([ADMINISTRATOR])),
    Row(
        "okrs:manage_programmes",
        "manage/programmes/",
        "the programmes",
        url("okrs:manage_programmes"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:add_programme",
        "manage/programmes/add/",
        "add a programme (an empty POST: a form error)",
        url("okrs:add_programme"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:change_programme",
        "manage/programmes/<int:pk>/",
        "confirm or change a seeded programme",
        url("okrs:change_programme", pk=a_programme),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "okrs:report_programme",
        "programmes/<int:pk>/reports/<str:month>/",
        "a programme's report for a month (it has no lead: administrators report)",
        url("okrs:report_programme", pk=a_programme, month=PUBLISHED_MONTH),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    # The Django admin reads; only staff administrators get past its own login.
    Row(
        "admin:index",
        "admin/",
        "the admin",
        url("admin:index"),
        statuses([ADMINISTRATOR], refused=302, no_role=302, anonymous=302),
    ),
    # --- Logging in and out ----------------------------------------------------------
    Row(
        "login",
        "accounts/login/",
        "log in",
        url("login"),
        statuses(no_role=200, anonymous=200),
        post=statuses(no_role=200, anonymous=200),
    ),
    Row(
        "logout",
        "accounts/logout/",
        "log out",
        url("logout"),
        POST_ONLY,
        post=statuses(ok=302, no_role=302),
    ),
    # An account without a role is told whom to ask; anyone with one is sent on.
    Row(
        "no_access",
        "accounts/no-access/",
        "no access yet",
        url("no_access"),
        statuses(ok=302, no_role=200),
    ),
    # An administrator's second factor: with ADMIN_MFA_REQUIRED off (the tests' default)
    # nobody is asked, so everyone is sent on (tests/integration/test_mfa.py turns it on).
    Row(
        "mfa_verify",
        "accounts/verify/",
        "enter a code",
        url("mfa_verify"),
        statuses(ok=302, no_role=302),
        post=statuses(ok=302, no_role=302),
    ),
    Row(
        "mfa_setup",
        "accounts/verify/set-up/",
        "set up an authenticator app",
        url("mfa_setup"),
        statuses(ok=302, no_role=302),
        post=statuses(ok=302, no_role=302),
    ),
    # Users and roles: Trust administrators only (tests/integration/test_users.py).
    Row("users:list", "manage/users/", "users", url("users:list"), statuses([ADMINISTRATOR])),
    Row(
        "users:list",
        "manage/users/",
        "users, filtered",
        url("users:list", query="?role=viewer&status=invited&search=view&page=2"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "users:invite",
        "manage/users/invite/",
        "invite someone (an empty POST: a form error)",
        url("users:invite"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "users:account",
        "manage/users/<int:pk>/",
        "an account and what it may do (an empty POST: a form error)",
        url("users:account", pk=a_viewer),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "users:change_status",
        "manage/users/<int:pk>/<slug:change>/",
        "deactivate an account (an empty POST: a form error)",
        url("users:change_status", pk=a_viewer, change="deactivate"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "users:invite_again",
        "manage/users/<int:pk>/invite-again/",
        "send the invitation again",
        url("users:invite_again", pk=a_viewer),
        statuses([ADMINISTRATOR], ok=405),
        post=statuses([ADMINISTRATOR], ok=302),
    ),
    # API clients: Trust administrators only (tests/integration/test_api_client_pages.py).
    Row(
        "api_clients",
        "manage/api-clients/",
        "API clients",
        url("api_clients"),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "api_client_create",
        "manage/api-clients/new/",
        "create an API client (an empty POST: a form error)",
        url("api_client_create"),
        statuses([ADMINISTRATOR]),
        post=statuses([ADMINISTRATOR]),
    ),
    Row(
        "api_client",
        "manage/api-clients/<int:pk>/",
        "an API client",
        url("api_client", pk=an_api_client),
        statuses([ADMINISTRATOR]),
    ),
    Row(
        "api_client_revoke",
        "manage/api-clients/<int:pk>/revoke/",
        "revoke an API client (an empty POST: a form error)",
        url("api_client_revoke", pk=an_api_client),
        statuses([ADMINISTRATOR], ok=405),
        post=statuses([ADMINISTRATOR]),
    ),
    # The API (docs/api.md; tests/integration/test_api_*.py): with a session here (a
    # client's key in those tests). Without credentials, 401, not the login page.
    Row("api_schema", "api/v1/schema/", "the OpenAPI document", url("api_schema"), API_OPEN),
    Row("api_docs", "api/v1/docs/", "the API's documentation page", url("api_docs"), API_OPEN),
    Row("api_strategies", "api/v1/strategies/", "strategies", url("api_strategies"), API_READ),
    Row("api_objectives", "api/v1/objectives/", "objectives", url("api_objectives"), API_READ),
    Row("api_focus_areas", "api/v1/focus-areas/", "focus areas", url("api_focus_areas"), API_READ),
    Row("api_okrs", "api/v1/okrs/", "OKRs", url("api_okrs"), API_READ),
    Row(
        "api_okr",
        "api/v1/okrs/<slug:code>/",
        "an OKR",
        url("api_okr", code=lambda world: world.quality_okr.code),
        API_READ,
    ),
    Row("api_units", "api/v1/units/", "units", url("api_units"), API_READ),
    Row("api_periods", "api/v1/periods/", "periods", url("api_periods"), API_READ),
    Row("api_results", "api/v1/results/", "results", url("api_results"), API_READ),
    Row(
        "api_result_batch",
        "api/v1/results/batch/",
        "a batch of results (an empty form POST: not JSON)",
        url("api_result_batch"),
        api_statuses(ok=405),
        post=api_statuses(UPLOADERS, ok=415),
    ),
    Row(
        "api_result",
        "api/v1/results/<int:pk>/",
        "a result",
        url("api_result", pk=lambda world: world.result.pk),
        API_READ,
    ),
    Row(
        "api_editions", "api/v1/ipr/editions/", "published editions", url("api_editions"), API_READ
    ),
    Row(
        "api_edition",
        "api/v1/ipr/editions/<str:month>/<int:revision>/",
        "a published edition",
        url("api_edition", month=PUBLISHED_MONTH, revision=1),
        API_READ,
    ),
    Row(
        "api_draft",
        "api/v1/ipr/drafts/<str:month>/",
        "a draft report",
        url("api_draft", month=DRAFT_MONTH),
        api_statuses(PREPARERS),
    ),
    # The invitation's link, for someone not yet logged in: a made-up one is refused
    # with a page saying so, whoever opens it.
    Row(
        "users:set_password",
        "accounts/set-password/<uidb64>/<token>/",
        "choose a password, from a link that does not work",
        url("users:set_password", uidb64="MQ", token="made-up-token"),
        statuses(no_role=200, anonymous=200),
    ),
    Row(
        "users:password_set",
        "accounts/password-set/",
        "password saved",
        url("users:password_set"),
        statuses(no_role=200, anonymous=200),
    ),
    # Single sign-on: not there unless configured (tests/integration/test_sso.py).
    Row(
        "oidc_authentication_init",
        "oidc/authenticate/",
        "start single sign-on",
        url("oidc_authentication_init"),
        statuses(ok=404, no_role=404, anonymous=404),
    ),
    Row(
        "oidc_authentication_callback",
        "oidc/callback/",
        "single sign-on's return",
        url("oidc_authentication_callback"),
        statuses(ok=404, no_role=404, anonymous=404),
    ),
]


def urlconf_routes() -> set[tuple[str, str]]:
    """(name, full pattern) of every named route, the admin's own pages aside."""

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern)

    return {
        (name, pattern)
        for name, pattern in walk(get_resolver().url_patterns, None, "")
        if not name.startswith("admin:") or name == "admin:index"
    }


def test_every_route_has_a_row():
    in_table = {(row.route, row.pattern) for row in ROWS}
    routes = urlconf_routes()
    assert routes - in_table == set(), "Routes without a row in the matrix"
    assert in_table - routes == set(), "Rows for routes that no longer exist"


def test_every_role_is_in_every_row():
    for row in ROWS:
        assert set(row.get) == set(WHO), row.case
        assert row.post is None or set(row.post) == set(WHO), row.case


@pytest.fixture
def world(make_user):
    return build_world(make_user)


def log_in(client, world: World, who: str) -> None:
    client.logout()
    if who != ANONYMOUS:
        client.force_login(world.users[who])
    client.raise_request_exception = False


def send(client, method: str, address: str):
    return client.get(address) if method == "GET" else client.post(address, {})


def check(response, expected) -> str | None:
    """A mismatch, said plainly, or None."""
    status = response.status_code
    if expected == LOGIN:
        location = response.get("Location", "")
        if status == 302 and location.startswith(reverse("login")):
            return None
        return f"expected a redirect to log in, got {status} {location}"
    wanted = expected if isinstance(expected, frozenset) else {expected}
    if status in wanted:
        return None
    return f"expected {' or '.join(map(str, sorted(wanted)))}, got {status}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.route} {row.case}")
def test_each_role_gets_what_the_matrix_says(client, world, row, subtests):
    address = row.url(world)
    for who in WHO:
        with subtests.test(who=who, method="GET"):
            log_in(client, world, who)  # logging in is recorded: not part of the GET
            before = row_counts()
            response = send(client, "GET", address)
            assert check(response, row.get[who]) is None, (
                f"GET {address} as {who}: {check(response, row.get[who])}"
            )
            written = changed_tables(before, row_counts())
            assert written == {}, f"GET {address} as {who} wrote rows (before, after): {written}"
    for who in WHO if row.post else []:
        with subtests.test(who=who, method="POST"):
            log_in(client, world, who)
            response = send(client, "POST", address)
            assert response.status_code != 500
            assert check(response, row.post[who]) is None, (
                f"POST {address} as {who}: {check(response, row.post[who])}"
            )
