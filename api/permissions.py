"""What an API call may do at all; which units and periods it may touch is the
planner's and the selectors' business, through the portal's one set of rules
(objectives/permissions.py)."""

from rest_framework import permissions

from objectives.permissions import api_client_of


class ReadsStrategy(permissions.BasePermission):
    """Everyone who may read the strategy in the portal, and every API client."""

    message = "You do not have access to the portal’s data."

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.has_perm("portal.view_strategy")


class WritesResults(permissions.BasePermission):
    """A client made to write, or a person who enters or corrects results in the
    portal. Writes also need the reading permission (list both)."""

    message = "This client or account cannot write results."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        client = api_client_of(user)
        if client is not None:
            return client.can_write
        return user.has_perm("portal.submit_results") or user.has_perm("portal.correct_results")


class ReadsDraftReports(permissions.BasePermission):
    """The IPR before it is published: the people who prepare it (decision 8), never
    an API client."""

    message = "Only the people who prepare the report read it before it is published."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return api_client_of(user) is None and user.has_perm("portal.read_draft_ipr")
