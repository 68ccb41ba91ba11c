"""The shared web plumbing of the portal's pages, in one place.

- `web.pages`: `requires_portal_role`, the permission every portal page needs, and
  `CHART_PAGE_CSP`, the content security policy of pages that draw charts.
- `web.forms`: `NhsForm`, the base of every form drawn in the NHS.UK style, and
  `add_action_errors`, which puts an action's refusal back on a form.
- `web.context_processors`: `portal`, what the base template needs on every page.

A package of its own rather than part of an app: `pages` and `forms` depend on
nothing but Django and the settings, so every app (objectives, okrs, reporting) may
use them without its dependencies pointing the wrong way. The context processor
reads through the apps' selectors; only the settings name it, so nothing imports it.
It has no models, templates or commands, so it is not an installed app.
"""
