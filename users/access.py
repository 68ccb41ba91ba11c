"""What a user may do in the portal, as the Trust administrator sets it: their roles,
the units they lead, the executive posts they hold (which give the objectives they
own), and the narratives they draft for others. Pure: the rules an access must keep,
and the token a page carries so that a save based on an older state is refused."""

import hashlib
from dataclasses import dataclass, field

from objectives.roles import Role

# Roles whose holders read the report before it is published (objectives/permissions.py
# `portal.read_draft_ipr`): only they can draft narratives for someone else.
DRAFT_READERS = frozenset(
    {Role.TRUST_ADMINISTRATOR, Role.EXECUTIVE, Role.DIRECTORATE_LEAD, Role.BOARD_SECRETARY}
)


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] = field(default_factory=frozenset)  # Role values
    units: frozenset[int] = field(default_factory=frozenset)  # units they lead
    posts: frozenset[int] = field(default_factory=frozenset)  # executive posts held today
    narratives: frozenset[int] = field(default_factory=frozenset)  # objectives they draft for
    drafts_summary: bool = False  # drafts the overall summary for the Chief Executive


def access_problems(access: Access) -> dict[str, str]:
    """What is wrong with an access, by the form field that says it; empty when none."""
    problems = {}
    roles = {Role(role) for role in access.roles}
    if Role.DIRECTORATE_LEAD in roles and not access.units:
        problems["units"] = "Choose the units a directorate lead enters results for"
    if access.units and Role.DIRECTORATE_LEAD not in roles:
        problems["units"] = "Tick Directorate lead to give units, or untick the units"
    if access.posts and Role.EXECUTIVE not in roles:
        problems["posts"] = "Tick Executive to give executive posts, or untick the posts"
    if (access.narratives or access.drafts_summary) and not roles & DRAFT_READERS:
        message = (
            "A delegate drafts before the report is published: give a role that reads "
            "drafts (not only Viewer), or untick the delegation"
        )
        problems["narratives" if access.narratives else "drafts_summary"] = message
    return problems


def state_token(access: Access, *, is_active: bool, full_name: str, email: str) -> str:
    """A short digest of everything the user's page shows and can change: the page
    sends it back, and a save is refused when the account has changed since."""
    state = (
        is_active,
        full_name,
        email.lower(),
        sorted(access.roles),
        sorted(access.units),
        sorted(access.posts),
        sorted(access.narratives),
        access.drafts_summary,
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:24]
