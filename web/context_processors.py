from django.conf import settings
from django.http import HttpRequest

from objectives.permissions import group_names
from objectives.roles import Role
from okrs.selectors import demo_data_present

_ROLE_LABELS = {role.label for role in Role}


def portal(request: HttpRequest) -> dict:
    """What the base template needs on every page: the Trust's name, whom to ask for
    access, the user's roles, and whether demo data is in the database (then every
    page says so).

    Computed once per request: components such as django-tables2 render their own
    templates with the request's context, which runs context processors again.
    """
    cached = getattr(request, "_portal_context", None)
    if cached is not None:
        return cached
    # Whom to ask for access (the no-access page) or help with an account.
    context = {
        "trust_name": settings.TRUST_NAME,
        "account_help_contact": settings.ACCOUNT_HELP_CONTACT,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["demo_data_present"] = demo_data_present()
        context["user_role_labels"] = sorted(
            name for name in group_names(user) if name in _ROLE_LABELS
        )
    request._portal_context = context
    return context
