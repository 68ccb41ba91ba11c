"""What the API's tests share: clients made as an administrator makes them, and
calls with their keys."""

import json

from django.test import Client

from api import actions
from objectives.models import OrganisationalUnit
from objectives.roles import Role


def make_api_client(
    administrator,
    *,
    name: str = "Warehouse loader",
    units: list[str] = ("bucks-mh",),
    all_units: bool = False,
    can_write: bool = True,
    responsible=None,
):
    """(client, key) for the units with these slugs."""
    return actions.create_client(
        by=administrator,
        name=name,
        purpose="Tests",
        responsible=responsible or administrator,
        units=list(OrganisationalUnit.objects.filter(slug__in=units)),
        all_units=all_units,
        can_write=can_write,
        reason="Set up for the tests",
    )


class Caller:
    """Calls the API as a client (with its key) or as a person (with a session)."""

    def __init__(self, key: str | None = None, user=None):
        self.http = Client(HTTP_HOST="localhost")
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        if user is not None:
            self.http.force_login(user)

    def get(self, path: str, **headers):
        return self.http.get(path, headers={**self.headers, **headers})

    def post(self, path: str, body, **headers):
        return self.http.post(
            path,
            json.dumps(body) if not isinstance(body, bytes) else body,
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def put(self, path: str, body, **headers):
        return self.http.put(
            path,
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **headers},
        )


def administrator_of(users_by_role):
    return users_by_role[Role.TRUST_ADMINISTRATOR]
