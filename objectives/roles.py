"""The product's roles. Each is a Django group; what a role may do is decided in
`permissions.py`, never by checking a group name anywhere else."""

from django.db import models


class Role(models.TextChoices):
    TRUST_ADMINISTRATOR = "trust_administrator", "Trust administrator"
    EXECUTIVE = "executive", "Executive"
    DIRECTORATE_LEAD = "directorate_lead", "Directorate lead"
    BOARD_SECRETARY = "board_secretary", "Board secretary"
    VIEWER = "viewer", "Viewer"


def group_name(role: Role) -> str:
    return role.label
