"""The audit history of user accounts (django.contrib.auth's User is not ours to
declare `history` on, so it is registered here): every change to an account,
its roles (groups) and permissions included, with who, when and before/after; and
the identity each account has at the Trust's single sign-on provider."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords


class AccountHistory(HistoricalRecords):
    def post_save(self, instance, created, using=None, **kwargs):
        # Logging in saves last_login only: that is in the security log, not a change
        # to the account.
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        """simple-history records only changes made from the user's side
        (`user.groups.add`); from the group's side (`group.user_set.add`) `instance`
        is the group, which keeps no history: record each user affected instead."""
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            accessor = get_user_model()._meta.get_field(attr).remote_field.get_accessor_name()
            instance._users_before_clear = list(getattr(instance, accessor).all())
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            users = instance.__dict__.pop("_users_before_clear", [])
        else:
            users = get_user_model().objects.filter(pk__in=pk_set or ())
        for user in users:
            self.create_historical_record(user, "~")


register(
    get_user_model(),
    app="accounts",
    records_class=AccountHistory,
    # Password hashes are not copied into the history; a change of password still
    # leaves a record (who and when).
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups", "user_permissions"],
)


class SignInIdentity(models.Model):
    """Who an account is at the Trust's identity provider (single sign-on,
    accounts/sso.py): the provider's issuer and its stable, never reassigned id for
    the person (Microsoft Entra's `oid`, else the token's `sub`). A sign-in is
    matched by this first; e-mail addresses change and can be reused, ids do not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            # One account per person at a provider, and one person per account.
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="one_account_per_sign_in_identity"
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="one_sign_in_identity_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
