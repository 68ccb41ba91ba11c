from django.conf import settings
from django.core.management.base import BaseCommand

from accounts import mfa
from datasets.demo import load_demo


class Command(BaseCommand):
    help = "Add demo users (one per role) and a demo history of results. Never in production."

    def handle(self, *args, **options) -> None:
        outcome = load_demo()
        self.stdout.write(f"Demo history: {outcome['results_created']} results added.")
        self.stdout.write(self.style.SUCCESS("Demo logins (demo only, never in production):"))
        for demo in outcome["users"]:
            self.stdout.write(f"  {demo.role.label:<20} {demo.username:<10} {demo.password}")
        if settings.ADMIN_MFA_REQUIRED:
            self.stdout.write(
                "The demo administrator's authenticator app key (ADMIN_MFA_REQUIRED is on): "
                f"{mfa.key_as_text(mfa.DEMO_KEY)}"
            )
