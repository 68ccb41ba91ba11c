"""Reset an administrator's authenticator app (a lost or replaced phone)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import mfa


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app (TOTP device): at their next login with a "
        "password they set up a new one. Check who is asking first. Security-logged."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The account's username")
        parser.add_argument(
            "--by",
            default="",
            help="Who is resetting it (your name), recorded in the security log",
        )

    def handle(self, *args, username: str, by: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No account has the username {username!r}.") from None
        removed = mfa.reset(user, by=by.strip()[:150] or "manage.py reset_mfa")
        if removed:
            self.stdout.write(
                f"Removed {username}'s authenticator app. They set up a new one at their "
                "next login."
            )
        else:
            self.stdout.write(f"{username} had no authenticator app; nothing to reset.")
