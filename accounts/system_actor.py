"""The portal's own account: the acting user of what the portal writes by itself
(the Trust's seeded papers, the demo history, the benchmarks' synthetic trusts),
so their history names it ("Strategy Portal (system)") instead of no one.

It is made on first use by `system_actor()`, an idempotent action that the seed
loader, the demo set-up and the benchmarks call, rather than by a data migration:
a database the tests flush, or one restored without it, gets it back the next time
the seeds load, where a migration runs once per database and would leave those
without it.

It cannot log in: its password is unusable and the account is inactive (Django's
backends refuse an inactive account, at login and for an existing session), and it
holds no role. The result planner allows it by name (okrs/result_planner.py), not through a
role or a permission, and only while it is still unable to log in: an account of
that name given a password or made active in the admin is no longer the system's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured

SYSTEM_USERNAME = "strategy-portal-system"
SYSTEM_FIRST_NAME = "Strategy Portal"
SYSTEM_LAST_NAME = "(system)"


def is_system_actor(user) -> bool:
    """The portal's own account, and still unable to log in."""
    return (
        user is not None
        and getattr(user, "username", None) == SYSTEM_USERNAME
        and not user.is_active
        and not user.has_usable_password()
    )


def system_actor():
    """The portal's own account, made the first time it is needed."""
    user, _ = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": SYSTEM_FIRST_NAME,
            "last_name": SYSTEM_LAST_NAME,
            "is_active": False,
            "password": make_password(None),  # unusable
        },
    )
    if not is_system_actor(user):
        # Someone made an account of this name that can log in: refuse to write as it.
        raise ImproperlyConfigured(
            f"The account '{SYSTEM_USERNAME}' is the portal's own and must be inactive "
            "with no usable password; correct it in the admin."
        )
    return user
