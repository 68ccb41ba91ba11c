"""A small, realistic portal for tests that visit every page: one user per role (the
lead leads a unit, the executive is an objective's executive director, the
administrator is staff), a published month, finished Board packs of a published
edition and of a draft, and an upload waiting for confirmation. Built through the
actions, as people would make it.

Used by the URL × role matrix and the bad-input suite."""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import connection

from objectives import actions as strategy_actions
from objectives.models import ExecutiveRole, OrganisationalUnit, StrategicObjective, Strategy
from objectives.roles import Role
from okrs import actions as okr_actions
from okrs import imports
from okrs.models import KeyResult, ReportingPeriod, Result, ResultUpload
from okrs.periods import parse_period_label
from reporting.actions import publish_ipr, request_pack_export
from reporting.models import IprEdition, PackExport, PackFile

PUBLISHED_MONTH = "2020-09"
SEPTEMBER = datetime.date(2020, 9, 1)
DRAFT_MONTH = "2020-08"  # has results, never published
UPLOAD_CSV = b"okr_code,unit,period,value,comment\r\nquality-cccs-training,trust,Q2 2020/21,95,\r\n"

# Who visits: each role, a logged-in account with no role, and nobody logged in.
ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
WHO = [ANONYMOUS, NO_ROLE, *[role.value for role in Role]]


@dataclass
class World:
    users: dict  # who → user (no entry for ANONYMOUS)
    quality: StrategicObjective
    quality_okr: KeyResult
    bucks: OrganisationalUnit
    quarter: ReportingPeriod  # Q3 2020/21: bucks owes values
    result: Result
    edition: IprEdition  # September 2020, revision 1
    published_export: PackExport
    published_file: PackFile
    draft_export: PackExport
    draft_file: PackFile
    upload: ResultUpload  # by the secretary, not yet confirmed


def build_world(make_user) -> World:
    users = {NO_ROLE: make_user("no-role")}
    users[Role.TRUST_ADMINISTRATOR.value] = make_user(
        "administrator", Role.TRUST_ADMINISTRATOR, is_staff=True
    )
    users[Role.BOARD_SECRETARY.value] = make_user("secretary", Role.BOARD_SECRETARY)
    users[Role.VIEWER.value] = make_user("viewer", Role.VIEWER)

    executive = make_user("executive", Role.EXECUTIVE, first_name="Maya", last_name="Director")
    person = strategy_actions.create_person(
        by=None, slug="maya", full_name="Maya Director", user=executive, reason="test"
    )
    strategy_actions.assign_role(
        by=None,
        role=ExecutiveRole.objects.get(slug="medical-director"),
        person=person,
        reason="test",
    )
    # She also drafts the month's overall summary for the Chief Executive.
    Strategy.objects.get(is_current=True).summary_delegates.add(person)
    users[Role.EXECUTIVE.value] = executive

    bucks = OrganisationalUnit.objects.get(slug="bucks-mh")
    lead = make_user("lead", Role.DIRECTORATE_LEAD, first_name="Bea", last_name="Lead")
    person = strategy_actions.create_person(
        by=None, slug="bea", full_name="Bea Lead", user=lead, reason="test"
    )
    strategy_actions.set_units_led(by=None, person=person, units=[bucks], reason="test")
    users[Role.DIRECTORATE_LEAD.value] = lead

    secretary = users[Role.BOARD_SECRETARY.value]
    edition = publish_ipr(
        by=secretary, data_month=SEPTEMBER, reason="Published with items open for this example"
    )
    published_export, published_file = finished_export(secretary, edition)
    draft_export, draft_file = finished_export(secretary, None)
    upload = imports.store_upload(
        by=secretary, filename="results.csv", content=UPLOAD_CSV, reason="Checked figures"
    )
    quality = StrategicObjective.objects.get(strategy__is_current=True, number=1)
    return World(
        users=users,
        quality=quality,
        quality_okr=KeyResult.objects.get(code="quality-cccs-training"),
        bucks=bucks,
        quarter=okr_actions.ensure_period(parse_period_label("Q3 2020/21")),
        result=Result.objects.filter(unit=bucks).order_by("pk").first(),
        edition=edition,
        published_export=published_export,
        published_file=published_file,
        draft_export=draft_export,
        draft_file=draft_file,
        upload=upload,
    )


def finished_export(by, edition) -> tuple[PackExport, PackFile]:
    """An export the worker has finished, with one stored file (printing the real
    pack takes Chromium and seconds; the pages under test only list and serve it)."""
    export = request_pack_export(by=by, data_month=SEPTEMBER, edition=edition)
    PackExport.objects.filter(pk=export.pk).update(status=PackExport.Status.DONE)
    stored = PackFile(export=export, format="csv", filename="pack.csv", size=5, sha256="")
    stored.file.save(stored.filename, ContentFile(b"a,b\r\n"), save=True)
    export.refresh_from_db()
    return export, stored


# Logging in stores a session: not data anyone entered.
NOT_DATA = {"django_session"}


def live_api_client(world: World):
    """A live read-and-write API client for Bucks MH, made (once) by the administrator,
    for the pages that show and revoke one."""
    from api.actions import create_client
    from api.models import ApiClient

    administrator = world.users[Role.TRUST_ADMINISTRATOR.value]
    return (
        ApiClient.objects.filter(name="Warehouse loader").first()
        or create_client(
            by=administrator,
            name="Warehouse loader",
            purpose="Nightly load",
            responsible=administrator,
            units=[world.bucks],
            all_units=False,
            can_write=True,
            reason="test",
        )[0]
    )


def row_counts() -> dict[str, int]:
    """The number of rows in every table of the database (sessions aside), in one query."""
    tables = sorted(set(connection.introspection.table_names(include_views=False)) - NOT_DATA)
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {
        table: (before.get(table, 0), count)
        for table, count in after.items()
        if before.get(table, 0) != count
    }
