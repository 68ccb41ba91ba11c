"""The data version: a number that changes whenever the reported data changes.

Reports are pure functions of the data, so a report assembled at data version n
can be served again, without assembling it, to anyone who reads version n. The
version is one row (`DataVersion`) that every change adds one to *inside the
transaction that makes the change*: a reader who sees version n also sees every
change counted in it, so a report kept under n is never older than n's data.

What counts as a change: every history row written for a domain model (all
domain writes go through actions that record history; `post_create_historical_record`
is connected in `ObjectivesConfig.ready`), and the bulk writes, which write their
history rows in bulk without that signal and call `bump()` themselves (once for
the whole batch).

Each change also draws a new random token, and the version read is the number
with its token: a restored backup goes back to an earlier number, and the changes
after the restore count up from there again, but with new tokens, so a report
kept for the abandoned timeline is never taken for the restored one.

Once a transaction that changed the data has committed, `data_changed` is sent,
once for the whole transaction however many changes it counted: what is kept for
readers can then be prepared again ahead of them (see `reporting.tasks`).
"""

import uuid

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal

from objectives.models import DataVersion

# Sent after a transaction that changed the data commits (once per transaction).
data_changed = Signal()


def current() -> str:
    """The version of the data this request reads (one query)."""
    row = DataVersion.objects.filter(pk=1).values_list("number", "token").first()
    return "{}-{}".format(*row) if row else "0"


def bump() -> None:
    """Count a change. Inside a transaction this holds the row's lock until commit:
    the actions lock the rows they change first (`select_for_update`), so this is
    the last lock a writer takes and writers queue here rather than deadlock."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1, token=token):
        DataVersion.objects.get_or_create(pk=1, defaults={"number": 1, "token": token})
    _announce_after_commit()


def count_history_row(**kwargs) -> None:
    """`post_create_historical_record` receiver: a recorded change is a change."""
    bump()


def _announce() -> None:
    data_changed.send(sender=DataVersion)


def _announce_after_commit() -> None:
    """Send `data_changed` once the transaction commits (at once outside one), and
    only once for it: a transaction counts a change for every history row."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _announce for _, callback, _ in connection.run_on_commit
    ):
        return
    # Robust: what listens must never turn a committed change into an error.
    transaction.on_commit(_announce, robust=True)
