from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasets.load_test import check_editions, check_writes, read_acknowledged


class Command(BaseCommand):
    help = (
        "After `make load-test`: check that every result save and publication the load "
        "test was told had succeeded is in the database exactly once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("writes", type=Path, help="The load test's acknowledged writes")

    def handle(self, *args, **options) -> None:
        comments, notes = read_acknowledged(options["writes"])
        values, editions = check_writes(comments), check_editions(notes)
        self.stdout.write(
            f"Values saved (acknowledged): {values.acknowledged}; their history rows: "
            f"{values.recorded}; lost {len(values.lost)}; duplicated {len(values.duplicated)}; "
            f"saved without a success answer {len(values.unacknowledged)}; overwritten "
            f"unseen {len(values.overwritten)}; results disagreeing with their latest "
            f"history row {len(values.disagreeing)}\n"
            f"Editions published (acknowledged): {editions.acknowledged}; found "
            f"{editions.recorded}; lost {len(editions.lost)}; duplicated "
            f"{len(editions.duplicated)}; published without a success answer "
            f"{len(editions.unacknowledged)}"
        )
        for name, items in (
            ("lost", values.lost + editions.lost),
            ("duplicated", values.duplicated + editions.duplicated),
            ("overwritten result", values.overwritten),
            ("disagreeing result", values.disagreeing),
        ):
            for item in items[:10]:
                self.stdout.write(f"  {name}: {item}")
        if not (values.ok and editions.ok):
            raise CommandError("Writes were lost or duplicated.")
