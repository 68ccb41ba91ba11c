"""The login forms (the portal's and the admin's), with the username's length
enforced. Django sets only the box's maxlength attribute, so a longer name typed
by hand or sent by a script reached authentication and the lockout records, whose
column holds 255 characters: on PostgreSQL a server error instead of a refusal."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _BoundedUsername:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        username.error_messages["max_length"] = (
            f"Enter a username of {username.max_length} characters or fewer"
        )


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
