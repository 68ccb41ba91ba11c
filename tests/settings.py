"""The tests' settings: the product's own, in development mode.

Production is the settings' default; the tests (like `make run`) switch to
development first. Subprocesses started by tests (manage.py commands) inherit
both variables.
"""

import os

os.environ["DJANGO_ENV"] = "development"

from strategy_portal.settings import *  # noqa: E402,F403

# Each test process keeps its own cache in memory: the tests empty it around every
# test, which must not empty another process's (tests run in parallel).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
