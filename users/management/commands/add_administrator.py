"""Give someone the Trust administrator role from the server: the first
administrator of a new installation, or one put back when none can sign in. Day to
day, administrators manage users and roles in the portal (/manage/users/)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from users import actions


class Command(BaseCommand):
    help = "Make an account a Trust administrator (made and invited if it does not exist)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Their work e-mail address (how they log in).")
        parser.add_argument("--first-name", default="", help="For a new account.")
        parser.add_argument("--last-name", default="", help="For a new account.")
        parser.add_argument(
            "--reason", required=True, help="Why, for the audit log (e.g. the change ticket)."
        )

    def handle(self, *args, email, first_name, last_name, reason, **options):
        try:
            user = actions.add_administrator(
                email=email, first_name=first_name, last_name=last_name, reason=reason
            )
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        except PermissionDenied as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"{user.get_username()} is a Trust administrator.")
        if user.last_login is None:
            sent, problem = actions.send_invitation(by=None, user=user)
            if sent:
                self.stdout.write(f"Invitation sent to {user.email}.")
            else:
                self.stderr.write(f"The invitation was not sent: {problem}")
