from django.core.management.base import BaseCommand

from datasets.load_test import PASSWORD, ensure_load_test_users


class Command(BaseCommand):
    help = (
        "Add the load test's users: executives, directorate leads and board secretaries "
        "(demo users; never in production). Used by `make load-test`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--executives", type=int, default=60)
        parser.add_argument("--leads", type=int, default=32)
        parser.add_argument("--secretaries", type=int, default=8)

    def handle(self, *args, **options) -> None:
        users = ensure_load_test_users(
            executives=options["executives"],
            leads=options["leads"],
            secretaries=options["secretaries"],
        )
        self.stdout.write(f"{len(users)} load-test users, each with the password {PASSWORD}.")
