"""API clients: systems (a data warehouse's loader, a business-intelligence tool)
that call the API under /api/v1/ with a key of their own.

A client is made by a Trust administrator for named units, to read or to read and
write their results, with a person responsible for it. What a client may do is
fixed when it is made: to change it, make another and revoke this one, so a key's
powers are always the ones it was given. Each client acts through an account of
its own, which no one can log in as: every value it writes is recorded in the
history as entered by that account, shown as the client and its responsible person.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from objectives.models import OrganisationalUnit

NAME_MAX_LENGTH = 80


class ApiClient(models.Model):
    name = models.CharField(max_length=NAME_MAX_LENGTH, unique=True)
    purpose = models.TextField(blank=True, help_text="What the client is for, in words.")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="The account the client acts as; no one can log in as it.",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person answerable for what the client does.",
    )
    units = models.ManyToManyField(OrganisationalUnit, blank=True, related_name="+")
    all_units = models.BooleanField(
        default=False, help_text="Reads (or writes) every unit's results, not only those named."
    )
    can_write = models.BooleanField(
        default=False, help_text="May submit and correct results, not only read them."
    )
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    hashed_key = models.CharField(max_length=150, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[units], excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="api_client_revoked_by_someone",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def access_text(self) -> str:
        return "Read and write" if self.can_write else "Read only"
