"""Background work, run by the database-backed worker (`manage.py db_worker`)."""

from django.tasks import task

from reporting import actions, ipr


@task
def export_pack(export_id: int) -> None:
    """Produce the Board pack files of a queued export."""
    actions.produce_pack(export_id)


@task
def prepare_reports() -> None:
    """Assemble what the first reader after a change would wait for (queued once
    for each transaction that changes the data: see `reporting.apps`). Run twice
    for one version, the second finds it kept and does nothing more."""
    ipr.prepare_reports()
