from django.core.management.base import BaseCommand
from django.utils import timezone

from okrs.imports import UNCONFIRMED_UPLOAD_DAYS, prune_unconfirmed_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded result files that were never confirmed, once they are older than "
        f"--days (default {UNCONFIRMED_UPLOAD_DAYS}). Confirmed uploads are kept. Run daily."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=UNCONFIRMED_UPLOAD_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        deleted = prune_unconfirmed_uploads(older_than_days=days, now=timezone.now())
        self.stdout.write(
            f"Deleted {deleted} unconfirmed upload{'s' if deleted != 1 else ''} "
            f"older than {days} days."
        )
