"""Django's model-permission backend, kept to what it is for.

The portal's own permissions (`portal.*`) are decided by the rules predicates
alone (objectives/permissions.py). Django's `ModelBackend` knows nothing of them,
yet asked about one it would still read the user's and the groups' permissions
(two queries per request, for every page that asks a question the rules answer
no to). This backend answers those straight away and leaves the rest — the
admin's model permissions — to Django's.
"""

from django.contrib.auth.backends import ModelBackend

PORTAL_PERMISSIONS = "portal."


class AdminModelBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm.startswith(PORTAL_PERMISSIONS):
            return False
        return super().has_perm(user_obj, perm, obj)
