"""Production settings: the default, safe by construction, and loud when something
is missing or unsafe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "strategy.example.nhs.uk",
    "DATABASE_URL": "postgres://portal@db.example.nhs.uk:5432/portal",
    "DJANGO_EMAIL_HOST": "smtp.example.nhs.uk",
    "SITE_URL": "https://strategy.example.nhs.uk",
}
SHOW_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.ENVIRONMENT, settings.DEBUG, settings.DEMO_ALLOWED)"
)


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
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        env = {key: value for key, value in PRODUCTION.items() if key != missing}
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert f"Set the environment variable {missing}" in result.stderr


def test_without_DJANGO_ENV_the_portal_runs_as_production():
    """Forgetting DJANGO_ENV must not give debug pages, a public key and demo users."""
    bare = _manage("check", env={})
    assert bare.returncode != 0
    assert "Set the environment variable DJANGO_SECRET_KEY" in bare.stderr

    without_env = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_ENV"}
    result = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, env=without_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "False", "False"]


@pytest.mark.parametrize(
    "secret_key",
    [
        "",
        "development-only-secret-key-not-for-production",
        "django-insecure-" + "x1y2z3" * 10,
        "short-but-random-Q8v!2k",
        "ab" * 30,  # long enough, but only two different characters
    ],
)
def test_production_refuses_a_default_or_weak_secret_key(secret_key):
    result = _manage("check", env=PRODUCTION | {"DJANGO_SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    # The message says how to make a proper one.
    assert "get_random_secret_key" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_an_unknown_DJANGO_ENV_is_refused_rather_than_guessed():
    result = _manage("check", env=PRODUCTION | {"DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr and "production" in result.stderr


def test_debug_cannot_be_switched_on_in_production():
    result = _manage(
        "shell", "-v", "0", "-c", SHOW_SETTINGS, env=PRODUCTION | {"DJANGO_DEBUG": "true"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "False", "False"]


def test_development_is_chosen_explicitly_and_needs_nothing_else():
    result = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, env={"DJANGO_ENV": "development"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["development", "True", "True"]


def test_the_tests_run_with_development_settings():
    assert settings.ENVIRONMENT == "development"
    assert settings.DEMO_ALLOWED


def test_login_throttling_limits_must_be_positive():
    result = _manage("check", env={"DJANGO_ENV": "development", "LOGIN_FAILURES_PER_ADDRESS": "0"})
    assert result.returncode != 0
    assert "LOGIN_FAILURES_PER_ADDRESS" in result.stderr.splitlines()[-1]
