from django.core.management.base import BaseCommand

from datasets.seeding import load_seeds


class Command(BaseCommand):
    help = (
        "Load the Trust's seeded strategy (fixtures/*.yaml) through the product's own "
        "actions. Safe to run again: unchanged records are left alone."
    )

    def handle(self, *args, **options) -> None:
        report = load_seeds()
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {report}"))
