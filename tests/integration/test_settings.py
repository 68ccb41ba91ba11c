"""Production settings: safe by construction, and loud when something is missing."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "strategy.example.nhs.uk",
    "DATABASE_URL": "postgres://portal@db.example.nhs.uk:5432/portal",
    "DJANGO_EMAIL_HOST": "smtp.example.nhs.uk",
    "SITE_URL": "https://strategy.example.nhs.uk",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        env = {key: value for key, value in PRODUCTION.items() if key != missing}
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert f"Set the environment variable {missing}" in result.stderr


def test_development_needs_no_variables():
    result = _manage("check", env={})
    assert result.returncode == 0, result.stderr
