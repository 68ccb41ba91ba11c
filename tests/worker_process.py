"""The real background worker (`manage.py db_worker`) in a process of its own, on
the test database: for tests of what happens across processes (a worker that
finishes, a worker that is killed)."""

import os
import subprocess
import sys


def worker_environment(**extra: str) -> dict[str, str]:
    """This process's environment pointed at the test database and media folder."""
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        url = (
            f"postgres://{database['USER']}{password}@{database['HOST'] or 'localhost'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


def worker_command(*arguments: str) -> list[str]:
    return [sys.executable, "manage.py", "db_worker", "--no-startup-delay", *arguments]


def run_worker_once(**extra: str) -> None:
    """The real worker, as production runs it, over the queue once."""
    from django.conf import settings

    finished = subprocess.run(
        worker_command("--batch"),
        cwd=settings.BASE_DIR,
        env=worker_environment(**extra),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert finished.returncode == 0, finished.stderr


def start_worker(**extra: str) -> subprocess.Popen:
    """A worker left running (without reloading, so its process id is the worker's),
    in a session of its own so that whatever it started can be ended with it."""
    from django.conf import settings

    return subprocess.Popen(
        worker_command("--no-reload", "--interval", "0.2"),
        cwd=settings.BASE_DIR,
        env=worker_environment(**extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
