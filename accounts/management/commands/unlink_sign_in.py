"""Unlink an account from its single sign-on identity (for example after the person's
account at the identity provider was recreated with a new id)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import SignInIdentity
from accounts.security_log import log_event


class Command(BaseCommand):
    help = (
        "Remove the link between an account and its single sign-on identity: the next "
        "sign-in is matched by e-mail address again. Security-logged."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The account's username")
        parser.add_argument(
            "--by",
            default="",
            help="Who is unlinking it (your name), recorded in the security log",
        )

    def handle(self, *args, username: str, by: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No account has the username {username!r}.") from None
        identities = list(SignInIdentity.objects.filter(user=user))
        for identity in identities:
            identity.delete()
            log_event(
                "sso_account_unlinked",
                by=by.strip()[:150] or "manage.py unlink_sign_in",
                username=username,
                issuer=identity.issuer,
                subject=identity.subject,
            )
        self.stdout.write(f"Unlinked {len(identities)} single sign-on identities from {username}.")
