"""Mark failed the Board pack exports whose worker stopped before finishing them."""

from django.core.management.base import BaseCommand

from reporting import actions


class Command(BaseCommand):
    help = (
        "Mark failed, with a plain reason, every Board pack export still 'in progress' "
        "whose worker has not been heard of for PACK_EXPORT_STALE_AFTER_SECONDS (killed, "
        "or its machine lost). Safe to run at any time; schedule it every few minutes."
    )

    def handle(self, *args, **options):
        stopped = actions.fail_stopped_exports(by=None)
        for export in stopped:
            self.stdout.write(f"Marked stopped: export {export.pk} ({export})")
        self.stdout.write(f"{len(stopped)} stopped export(s) marked failed.")
