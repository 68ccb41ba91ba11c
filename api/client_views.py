"""The Trust administrator's pages for API clients: the list, making one (its key
shown once, on the answer to the form), one client with its history, and revoking
it. Thin: check permission, read through selectors, write through actions, render.

A key is never stored, logged or shown again: the page that shows it is the answer
to the POST that made it (not a page to come back to), kept by no cache, and no
message, session or redirect carries it."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from api import actions, selectors
from api.forms import ClientForm, RevokeForm
from api.models import ApiClient
from objectives.audit import EditConflict
from web.forms import add_action_errors

# The same permission as the users pages: Trust administrators and superusers.
can_manage_clients = permission_required("portal.manage_users", raise_exception=True)

PAGE_SIZE = 50


def _breadcrumbs() -> list[tuple[str, str]]:
    return [(reverse("api_clients"), "API clients")]


@can_manage_clients
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.clients(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/client_list.html", {"page": page, "clients": page.object_list})


@can_manage_clients
@sensitive_variables("key")
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, key = actions.create_client(
                by=request.user,
                name=data["name"],
                purpose=data["purpose"],
                responsible=data["responsible"],
                units=list(data["units"]),
                all_units=data["all_units"],
                can_write=form.can_write,
                reason=data["reason"],
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            # The key's only showing: the answer to this POST, which nothing may keep.
            response = render(
                request,
                "api/client_created.html",
                {"client": client, "key": key, "breadcrumbs": _breadcrumbs()},
            )
            add_never_cache_headers(response)
            return response
    return render(request, "api/client_form.html", {"form": form, "breadcrumbs": _breadcrumbs()})


def _client(pk: int) -> ApiClient:
    return get_object_or_404(selectors.clients(), pk=pk)


def _client_page(request: HttpRequest, client: ApiClient, form: RevokeForm) -> HttpResponse:
    return render(
        request,
        "api/client_detail.html",
        {
            "client": client,
            "form": form,
            "changes": selectors.client_changes(client),
            "breadcrumbs": _breadcrumbs(),
        },
    )


@can_manage_clients
@require_GET
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(pk)
    return _client_page(request, client, RevokeForm(initial={"version": client.version}))


@can_manage_clients
@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            actions.revoke_client(
                by=request.user,
                client=client,
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            # Someone else changed (or revoked) it since the page was opened: show it
            # as it is now, saying so.
            messages.error(request, " ".join(conflict.messages) + ".")
            return redirect("api_client", pk=client.pk)
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(request, f"{client.name} revoked: its key is refused from now on.")
            return redirect("api_client", pk=client.pk)
    return _client_page(request, client, form)
