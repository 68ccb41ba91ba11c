"""The tests' settings: the product's own, in development mode.

Production is the settings' default; the tests (like `make run`) switch to
development first. Subprocesses started by tests (manage.py commands) inherit
both variables.
"""

import os

os.environ["DJANGO_ENV"] = "development"

from strategy_portal.settings import *  # noqa: E402,F403
