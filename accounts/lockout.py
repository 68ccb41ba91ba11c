"""Login throttling (django-axes): an account is locked after a few failed logins,
an address after many, for a cool-off period; the login page and the admin's
login alike, since both authenticate through the same backends."""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Counts failures per account and per address, each against its own limit.

    Axes compares one count with one limit (AXES_FAILURE_LIMIT, the account's). Many
    staff share one address (the Trust's network), so the address gets a higher
    limit: its count is scaled to the account's, so that reaching
    LOGIN_FAILURES_PER_ADDRESS counts as reaching AXES_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry: username, then ip_address.
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_FAILURES_PER_ADDRESS
        return max(by_account, scaled)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out login gets (429 Too Many Requests): when to try again
    and whom to ask."""
    cool_off: datetime.timedelta = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "minutes": int(cool_off.total_seconds() // 60),
            "try_again_at": timezone.localtime() + cool_off,
            "contact": settings.ACCOUNT_HELP_CONTACT,
        },
        status=429,
    )
