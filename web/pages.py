"""What every portal page shares: the permission it needs, and the content security
policy of the pages that draw charts."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required

requires_portal_role = permission_required("portal.view_strategy", raise_exception=True)
"""Every portal page: open to everyone holding a role (governors, as Viewers,
included) and to superusers; anyone else gets 403. Pages that change data, track
submissions or show the audit log add their own, stricter permission."""

# plotly.js writes inline styles as it draws; only chart pages allow them.
CHART_PAGE_CSP = {
    **settings.SECURE_CSP,
    "style-src": [*settings.SECURE_CSP["style-src"], "'unsafe-inline'"],
}
