"""The Trust administrator's pages of users and roles, and the page an invited
person chooses their password on. Thin: check permission, read through selectors,
write through actions, render."""

import datetime

from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.sso import sso_enabled
from objectives.audit import EditConflict
from objectives.roles import Role
from users import actions, selectors
from users.forms import AccessForm, AccountForm, StatusForm, UserFiltersForm, access_initial
from web.forms import NhsBoundField, add_action_errors

# Long enough for any passphrase; bounded, as every input is.
PASSWORD_MAX_LENGTH = 128

can_manage_users = permission_required("portal.manage_users", raise_exception=True)

_ROLE_LABELS = dict(Role.choices)


def _today() -> datetime.date:
    return timezone.localdate()


def _breadcrumbs() -> list[tuple[str, str]]:
    return [(reverse("users:list"), "Users and roles")]


@can_manage_users
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    filters_form = UserFiltersForm(request.GET)
    filters = filters_form.filters()
    page = selectors.users_page(filters, request.GET.get("page"), today=_today())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "users/list.html",
        {
            "filters_form": filters_form,
            "filtered": filters != selectors.UserFilters(),
            "page": page,
            "accounts": [(user, selectors.status_of(user)) for user in page.object_list],
            "statuses": selectors.STATUSES,
            "query": query.urlencode(),
        },
    )


@can_manage_users
def invite(request: HttpRequest) -> HttpResponse:
    today = _today()
    form = AccessForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.invite_user(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                access=form.access(),
                reason=data["reason"],
                today=today,
            )
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            _say_how_the_invitation_went(
                request, user, *actions.send_invitation(by=request.user, user=user)
            )
            return redirect("users:account", pk=user.pk)
    return render(
        request,
        "users/invite.html",
        {"form": form, "breadcrumbs": _breadcrumbs(), "sso": sso_enabled()},
    )


def _say_how_the_invitation_went(request, user, sent: bool, problem: str) -> None:
    if sent:
        messages.success(request, f"Invitation sent to {user.email}.")
    else:
        messages.error(
            request,
            f"The invitation to {user.email} was not sent. {problem} "
            "Send it again from this page once the mail server is working.",
        )


@can_manage_users
def account(request: HttpRequest, pk: int) -> HttpResponse:
    today = _today()
    user = selectors.account(pk)
    access = selectors.current_access(user, today=today)
    state = actions.current_state(user, access)
    managed = not user.is_superuser
    form = AccountForm(
        request.POST or None, initial={**access_initial(user, access), "state": state}, today=today
    )
    if request.method == "POST":
        if not managed:
            raise PermissionDenied("Superusers are managed on the server, not here.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.change_access(
                    by=request.user,
                    user=user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    access=form.access(),
                    reason=data["reason"],
                    seen_state=data["state"],
                    today=today,
                )
            except EditConflict as conflict:
                return _start_again(request, user, conflict)
            except ValidationError as refusal:
                add_action_errors(form, refusal)
            else:
                messages.success(
                    request, f"{data['first_name']} {data['last_name']}’s access saved."
                )
                return redirect("users:account", pk=user.pk)
    return render(
        request,
        "users/account.html",
        {
            "account": user,
            "status": selectors.status_of(user),
            "roles": [_ROLE_LABELS[role] for role in sorted(access.roles)],
            "managed": managed,
            "form": form,
            "changes": selectors.account_changes(user),
            "sso": sso_enabled(),
            "breadcrumbs": _breadcrumbs(),
        },
    )


def _start_again(request, user, conflict: EditConflict) -> HttpResponse:
    """Someone else changed the account since the page was opened: show it as it is
    now, saying so, rather than the page's out-of-date values."""
    messages.error(request, " ".join(conflict.messages) + ".")
    return redirect("users:account", pk=user.pk)


_STATUS_CHANGES = {
    "deactivate": (actions.deactivate_user, "Deactivate", "deactivated"),
    "reactivate": (actions.reactivate_user, "Reactivate", "reactivated"),
}


@can_manage_users
def change_status(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """Deactivate or reactivate an account, after a confirmation with a reason."""
    if change not in _STATUS_CHANGES:
        raise Http404("No such change.")
    act, verb, done = _STATUS_CHANGES[change]
    today = _today()
    user = selectors.account(pk)
    if user.is_superuser:
        raise PermissionDenied("Superusers are managed on the server, not here.")
    state = actions.current_state(user, selectors.current_access(user, today=today))
    form = StatusForm(request.POST or None, initial={"state": state})
    if request.method == "POST" and form.is_valid():
        try:
            act(
                by=request.user,
                user=user,
                reason=form.cleaned_data["reason"],
                seen_state=form.cleaned_data["state"],
                today=today,
            )
        except EditConflict as conflict:
            return _start_again(request, user, conflict)
        except ValidationError as refusal:
            add_action_errors(form, refusal)
        else:
            messages.success(request, f"{user.get_full_name() or user.username} {done}.")
            return redirect("users:account", pk=user.pk)
    return render(
        request,
        "users/change_status.html",
        {
            "account": user,
            "change": change,
            "verb": verb,
            "form": form,
            "breadcrumbs": [
                *_breadcrumbs(),
                (reverse("users:account", args=[user.pk]), user.get_full_name() or user.username),
            ],
        },
    )


@can_manage_users
@require_POST
def invite_again(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.account(pk)
    try:
        sent, problem = actions.send_invitation(by=request.user, user=user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        _say_how_the_invitation_went(request, user, sent, problem)
    return redirect("users:account", pk=user.pk)


class NhsSetPasswordForm(SetPasswordForm):
    """Django's form to choose a password, in the portal's style and words, with the
    password rules' messages beside the password rather than its confirmation."""

    bound_field_class = NhsBoundField
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "Password", "Type the password again"
        first.help_text = second.help_text = ""
        first.error_messages["required"] = "Enter a password"
        second.error_messages["required"] = "Type the password again"
        too_long = f"Enter a password of {PASSWORD_MAX_LENGTH} characters or fewer"
        for field in (first, second):
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH, message=too_long))

    def clean(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords are not the same")
        elif first and second:
            try:
                password_validation.validate_password(first, self.user)
            except ValidationError as problems:
                self.add_error("new_password1", problems)
        return self.cleaned_data

    def error_list(self) -> list[tuple[str, str]]:
        items = [("", str(message)) for message in self.non_field_errors()]
        for bound_field in self:
            items += [(bound_field.auto_id, str(message)) for message in bound_field.errors]
        return items


class SetPassword(auth_views.PasswordResetConfirmView):
    """The invitation's link: the person chooses their password (the link works
    once, and for PASSWORD_RESET_TIMEOUT)."""

    form_class = NhsSetPasswordForm
    template_name = "users/set_password.html"
    success_url = reverse_lazy("users:password_set")


class PasswordSet(auth_views.PasswordResetCompleteView):
    template_name = "users/password_set.html"
