"""API clients in the audit log, beside results and accounts: who made each client,
for which units and to do what, who is responsible for it, who revoked it and why.
(What a client writes is in the log as the results it changed, by the client.)"""

from api.models import ApiClient


def add_audit_kinds() -> None:
    from okrs.selectors.audit_log import add_kind

    add_kind(
        name="api_client",
        label="API client",
        model=ApiClient,
        fields=[
            ("name", "Name"),
            ("purpose", "Purpose"),
            ("responsible", "Responsible"),
            ("all_units", "All units"),
            ("can_write", "Writes results"),
            ("revoked_at", "Revoked"),
        ],
        related=("responsible",),
        okr_lookup=None,
        subject=lambda record: f"API client {record.name}",
        m2m=(("units", "Units"),),
    )
