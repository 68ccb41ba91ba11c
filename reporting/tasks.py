"""Background work, run by the database-backed worker (`manage.py db_worker`)."""

from django.tasks import task

from reporting import actions


@task
def export_pack(export_id: int) -> None:
    """Produce the Board pack files of a queued export."""
    actions.produce_pack(export_id)
