"""The bounded load test's data (`make load-test`; docs/operations.md, "Proven
under load"): people holding each role for it to log in as, and the check, after
the run, that every write the test was told had succeeded is in the results'
audit history exactly once.

The users are demo users (never in production): the load test seeds its own
database in development mode, then serves it with the production settings.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.system_actor import system_actor
from datasets.demo import DemoUser, ensure_demo_users
from objectives.models import OrganisationalUnit
from objectives.roles import Role
from okrs.models import Result
from reporting.models import IprEdition

# Every load-test user has this password (demo only: production refuses the loader).
PASSWORD = "load-test-demo"
# Each value the load test saves carries a comment of this prefix and a token of its
# own, so its history row can be found and counted after the run.
COMMENT_PREFIX = "Load test write "
# And each edition it publishes, a note of this prefix.
NOTE_PREFIX = "Load test publish "
# What a result holds that a write changes, and what the checks compare.
CONTENT = ("value", "numerator", "denominator", "comment", "status")
RESULT_FIELDS = ("id", "version", *CONTENT)


def load_test_users(*, executives: int, leads: int, secretaries: int) -> tuple[DemoUser, ...]:
    """Executives, directorate leads (each leading one of today's directorates in
    turn, so several leads share a unit as deputies do) and board secretaries."""
    today = timezone.localdate()
    directorates = [
        unit.slug
        for unit in OrganisationalUnit.objects.filter(kind=OrganisationalUnit.Kind.DIRECTORATE)
        if unit.is_active_on(today)
    ]
    if leads and not directorates:
        raise ImproperlyConfigured("No directorate is active today: load the seeds first.")
    users = [
        DemoUser(f"load-exec-{n:03}", PASSWORD, f"Load Executive{n} (demo)", Role.EXECUTIVE)
        for n in range(1, executives + 1)
    ]
    users += [
        DemoUser(
            f"load-lead-{n:03}",
            PASSWORD,
            f"Load Lead{n} (demo)",
            Role.DIRECTORATE_LEAD,
            (directorates[(n - 1) % len(directorates)],),
        )
        for n in range(1, leads + 1)
    ]
    users += [
        DemoUser(
            f"load-secretary-{n:03}", PASSWORD, f"Load Secretary{n} (demo)", Role.BOARD_SECRETARY
        )
        for n in range(1, secretaries + 1)
    ]
    return tuple(users)


@transaction.atomic
def ensure_load_test_users(*, executives: int, leads: int, secretaries: int) -> list[DemoUser]:
    if not settings.DEMO_ALLOWED:
        raise ImproperlyConfigured("Load-test users are demo users: never in production.")
    users = load_test_users(executives=executives, leads=leads, secretaries=secretaries)
    return ensure_demo_users(by=system_actor(), users=users)


@dataclass
class WriteCheck:
    """What the audit history says of the writes the load test was told succeeded."""

    acknowledged: int = 0
    recorded: int = 0
    # Acknowledged, but in no history row.
    lost: list[str] = field(default_factory=list)
    # Written more than once, or a history row repeating the one before it.
    duplicated: list[str] = field(default_factory=list)
    # In the history, but the client had no success answer (e.g. it gave up waiting).
    unacknowledged: list[str] = field(default_factory=list)
    # Results with two writes from the same version: one replaced the other unseen.
    overwritten: list[int] = field(default_factory=list)
    # Results whose stored row is not what their latest history row says.
    disagreeing: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.overwritten or self.disagreeing)


def read_acknowledged(path: Path) -> tuple[list[str], list[str]]:
    """The comments of the values, and the notes of the editions, that the load
    test was told were saved (one JSON object a line, as tests/load/locustfile.py
    writes them)."""
    comments, notes = [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                write = json.loads(line)
                comments.extend(write.get("comments", []))
                notes.extend([write["note"]] if "note" in write else [])
    return comments, notes


def check_editions(acknowledged: list[str]) -> WriteCheck:
    """Each edition the load test was told it published exists once."""
    recorded = Counter(
        IprEdition.objects.filter(note__startswith=NOTE_PREFIX).values_list("note", flat=True)
    )
    check = WriteCheck(acknowledged=len(acknowledged), recorded=sum(recorded.values()))
    check.lost = sorted(note for note in set(acknowledged) if recorded[note] == 0)
    check.duplicated = sorted(note for note, n in recorded.items() if n > 1)
    check.unacknowledged = sorted(note for note in recorded if note not in set(acknowledged))
    return check


def check_writes(acknowledged: list[str]) -> WriteCheck:
    """Each value the load test was told it saved is in the history once, no write
    overwrote another unseen, and the results say what their history says.

    A value is written once, by the history row where its comment first appears;
    later rows may carry the same comment (the page submitted with it, changing
    only its status) and are other writes, not copies."""
    history = Result.history.model.objects
    touched = set(history.filter(comment__startswith=COMMENT_PREFIX).values_list("id", flat=True))
    rows = (
        history.filter(id__in=touched)
        .order_by("id", "history_date", "history_id")
        .values("history_type", *RESULT_FIELDS)
    )
    written: Counter = Counter()
    latest: dict[int, dict] = {}
    check = WriteCheck(acknowledged=len(acknowledged))
    for row in rows:
        before = latest.get(row["id"])
        if row["comment"].startswith(COMMENT_PREFIX) and (
            before is None or before["comment"] != row["comment"]
        ):
            written[row["comment"]] += 1
        if before is not None and row["history_type"] == "~":
            if row["version"] != before["version"] + 1:
                # Two writes from the same version: one replaced the other unseen.
                check.overwritten.append(row["id"])
            elif all(row[name] == before[name] for name in CONTENT):
                check.duplicated.append(f"result {row['id']} version {row['version']}")
        latest[row["id"]] = row
    wanted = set(acknowledged)
    check.recorded = sum(written.values())
    check.lost = sorted(comment for comment in wanted if written[comment] == 0)
    check.duplicated += sorted(comment for comment, n in written.items() if n > 1)
    check.unacknowledged = sorted(comment for comment in written if comment not in wanted)
    # The table must say what its latest history row says (nothing written around it).
    stored = {
        row["id"]: row for row in Result.objects.filter(pk__in=touched).values(*RESULT_FIELDS)
    }
    for pk, row in latest.items():
        removed = row["history_type"] == "-"
        if removed != (pk not in stored) or (
            not removed and any(stored[pk][name] != row[name] for name in RESULT_FIELDS)
        ):
            check.disagreeing.append(pk)
    return check
