"""Settings for the Strategy Portal, all taken from environment variables.

Production is the default: every value that would be unsafe to guess is a
required variable, so a missing one fails loudly at start-up rather than
quietly, and the secret key must be long and random. Only `make run` (with the
Makefile's other development targets) and the tests set DJANGO_ENV=development,
which gives a developer's machine its defaults: SQLite in the project, debug on,
e-mail to the console, demo users allowed. See `.env.example` and
`docs/operations.md`.

One module although over 450 lines: Django reads its settings from one module, and
the product's design keeps `strategy_portal/` to settings and root URLs; each
group of settings (database, login and single sign-on, e-mail, static files,
security, the worker) is headed by what it is for.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

# Fail closed: without DJANGO_ENV the portal runs as production. A value that is
# neither (a typo such as "prod") stops the start-up rather than being guessed.
ENVIRONMENT = os.environ.get("DJANGO_ENV", "production")
if ENVIRONMENT not in ("production", "development"):
    raise ImproperlyConfigured(
        f"DJANGO_ENV is {ENVIRONMENT!r}: set it to production (the default) or development."
    )
IS_PRODUCTION = ENVIRONMENT == "production"


def env(name: str, default: str | None = None, *, required_in_production: bool = False) -> str:
    """Read a setting. Without a default, or in production when the development
    default would be unsafe, a missing variable stops the start-up with its name."""
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    if IS_PRODUCTION and required_in_production:
        raise ImproperlyConfigured(
            f"Set the environment variable {name}. (Production is the default; "
            "on a developer's machine set DJANGO_ENV=development, as `make run` does.)"
        )
    return default


def env_bool(name: str, default: bool) -> bool:
    return env(name, "true" if default else "false").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str, *, required_in_production: bool = False) -> list[str]:
    raw = env(name, default, required_in_production=required_in_production)
    return [item.strip() for item in raw.split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY, required_in_production=True)


def _refuse_a_weak_secret_key(key: str) -> None:
    """Sessions, password resets and CSRF tokens are signed with the key: a known or
    guessable one lets anyone forge them. Django's own rule for a strong key (the
    one `check --deploy` applies): 50 characters or more, 5 or more different ones,
    not one of Django's generated 'insecure' development keys."""
    known = {DEVELOPMENT_SECRET_KEY, "change-me", "changeme", "secret"}
    problem = None
    if key.strip() in known or key.startswith("django-insecure-"):
        problem = "is a published default"
    elif len(key) < 50:
        problem = f"is too short ({len(key)} characters; it needs 50 or more)"
    elif len(set(key)) < 5:
        problem = "has too few different characters"
    if problem:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY {problem}. Generate a random one with\n"
            "  python -c 'from django.core.management.utils import get_random_secret_key; "
            "print(get_random_secret_key())'\n"
            "and keep it secret (not in the repository)."
        )


if IS_PRODUCTION:
    _refuse_a_weak_secret_key(SECRET_KEY)
# Debug pages show settings and code: never in production, whatever DJANGO_DEBUG says.
DEBUG = not IS_PRODUCTION and env_bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", required_in_production=True
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Demo users and the demo history may only ever be created outside production.
DEMO_ALLOWED = not IS_PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "simple_history",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    # TOTP for administrators who log in with a password (accounts/mfa.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "objectives",
    "okrs",
    "reporting",
    "dashboard",
    "datasets",
    "users",
    "backups",
    # The REST API (/api/v1/), its OpenAPI document and its clients (api/).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses the pages (the IPR's HTML shrinks about twelvefold) after every
    # middleware below has finished with the body; static files are not its business:
    # WhiteNoise above serves them precompressed. Django pads the gzip output at
    # random, against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Whether this session's user has entered a TOTP code (user.is_verified()); then,
    # administrators who logged in with a password and have not are sent to enter one.
    "django_otp.middleware.OTPMiddleware",
    "accounts.mfa.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "strategy_portal.urls"

# The API (api/, docs/api.md): a client's key or a person's session; every refusal a
# problem (RFC 9457); each caller's calls limited (API_RATE_LIMIT, e.g. 600/min).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadsStrategy"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.CallerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"caller": env("API_RATE_LIMIT", "600/min")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsing.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.handle_exception",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Strategy Portal API",
    "DESCRIPTION": (
        "The Trust’s strategy, OKRs, units, periods, results and published IPR editions; "
        "results submitted and corrected by the same rules as the portal’s pages. "
        "Authenticate with `Authorization: Bearer <key>` (a key from a Trust "
        "administrator). Errors are RFC 9457 problem details. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files from the portal itself (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No links inside the operations' buttons (nested controls, too small to tap).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}
WSGI_APPLICATION = "strategy_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", required_in_production=True),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests (the live server in browser tests, the worker later) share the
    # file. IMMEDIATE takes the write lock when a transaction begins, so two saves of
    # the same value are serialised and the second sees the first's version (what
    # row locks do on PostgreSQL).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # Tests use a file too, not shared in-memory SQLite (whose table locks fail at
    # once instead of waiting), so concurrency behaves as it does in use.
    # One file per test run, so runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its account or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # The portal's permissions ("portal.*"): the rules predicates, the one entry point.
    "rules.permissions.ObjectPermissionBackend",
    # Logging in, and the admin's model permissions (it does not consult the
    # database about "portal.*" permissions, which only the rules decide).
    "accounts.backends.AdminModelBackend",
    # Single sign-on (OpenID Connect), when configured below; it answers no
    # permission questions and never a username and password.
    "accounts.sso.SignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes, accounts/lockout.py), on the login page and the admin's:
# 5 failed logins for one account, or 20 from one address (many staff share the
# Trust's), lock it for 15 minutes, counted from the last failure before the lock.
# Unlocking early: `python manage.py axes_reset_username NAME` (docs/operations.md).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(env("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
if min(AXES_FAILURE_LIMIT, LOGIN_FAILURES_PER_ADDRESS, AXES_COOLOFF_TIME.total_seconds()) < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS and LOGIN_LOCKOUT_MINUTES "
        "must each be 1 or more."
    )
# Attempts while locked are refused without extending the lock, so it ends when it says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are in the security log; axes need not keep a table of them too
# (failed attempts are still counted, and removed once older than the cool-off).
AXES_DISABLE_ACCESS_LOG = True
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
# Reverse proxies in front of the app that append the client's address to
# X-Forwarded-For; 0 means REMOTE_ADDR is the client (accounts/client_address.py).
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Named on the lockout page as the people to ask.
ACCOUNT_HELP_CONTACT = env("ACCOUNT_HELP_CONTACT", "the Trust’s IT service desk")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on by OpenID Connect, e.g. Microsoft Entra ID / NHSmail (accounts/sso.py,
# docs/operations.md "Single sign-on"). Off unless OIDC_RP_CLIENT_ID is set; then the
# issuer, the client secret and at least one restriction (tenant or e-mail domain) are
# required. The provider's endpoints are read from its discovery document
# (<issuer>/.well-known/openid-configuration) when first needed, unless given here.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", "")
OIDC_ISSUER = env("OIDC_ISSUER", "").rstrip("/")
OIDC_ALLOWED_TENANT_IDS = env_list("OIDC_ALLOWED_TENANT_IDS", "")
OIDC_ALLOWED_EMAIL_DOMAINS = [
    domain.lower().lstrip("@") for domain in env_list("OIDC_ALLOWED_EMAIL_DOMAINS", "")
]
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name, value in (
            ("OIDC_ISSUER", OIDC_ISSUER),
            ("OIDC_RP_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        )
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"Single sign-on is on (OIDC_RP_CLIENT_ID is set): set {' and '.join(_missing)} too."
        )
    if not (OIDC_ALLOWED_TENANT_IDS or OIDC_ALLOWED_EMAIL_DOMAINS):
        raise ImproperlyConfigured(
            "Single sign-on is on: set OIDC_ALLOWED_TENANT_IDS (Microsoft Entra's tenant id) "
            "and/or OIDC_ALLOWED_EMAIL_DOMAINS, so that only the Trust's people can sign in."
        )
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
# Kept in the session to end the provider's session too when logging out.
OIDC_STORE_ID_TOKEN = True
# Seconds to wait for the provider (discovery, keys, tokens) before saying it is not answering.
OIDC_TIMEOUT = int(env("OIDC_TIMEOUT", "10"))
# Refuse an administrator's sign-in whose token does not say (claim `amr`) that the
# provider used multi-factor authentication; for providers that send `amr`.
OIDC_ADMIN_REQUIRE_MFA_CLAIM = env_bool("OIDC_ADMIN_REQUIRE_MFA_CLAIM", default=False)
# With single sign-on on: only administrators (break-glass accounts) may log in with a
# password; everyone else uses single sign-on, and the password form is folded away.
PASSWORD_LOGIN_ADMINISTRATORS_ONLY = env_bool("PASSWORD_LOGIN_ADMINISTRATORS_ONLY", default=False)

# A TOTP code (authenticator app) after the password for Trust administrators, staff and
# superusers (accounts/mfa.py). On in production; off by default on a developer's machine
# and in the tests, whose many administrators log in without one (the MFA tests turn it on).
ADMIN_MFA_REQUIRED = env_bool("ADMIN_MFA_REQUIRED", default=IS_PRODUCTION)
OTP_TOTP_ISSUER = "Strategy Portal"
# Administrators reading the admin never see a device's key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# Request bodies. The largest accepted is a file of results (5 MB, okrs/imports/), which
# its view refuses from the declared size before reading the body; the reverse proxy
# and gunicorn refuse far larger bodies before they reach Django (docs/operations.md).
# An accepted file stays in memory rather than in a temporary file: it is read whole
# anyway, and a file of unpublished figures is then written only where it is kept.
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Form fields other than files (Django's default, stated): a results entry page full of
# long comments, URL-encoded, is the largest.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail (reminders to directorate leads): printed to the console in development;
# production names an SMTP relay.
_MAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND}}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("DJANGO_EMAIL_HOST"),
        "port": int(env("DJANGO_EMAIL_PORT", "587")),
        "username": env("DJANGO_EMAIL_USER", ""),
        "password": env("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=True),
    }
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "strategy-portal@localhost")
# The portal's own address, for links in e-mails (no request to build them from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000", required_in_production=True).rstrip("/")

# Audit history: the reason for a change can be as long as the person needs.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The history is a record, not an undo button: no "revert" in the admin (reverting
# would bypass the product's checks; see objectives/admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

# A strict Content-Security-Policy: nothing from other hosts, and scripts only as
# files from our own origin (no page has an inline script, so none needs a nonce and
# a page's bytes are the same from one response to the next: see docs/architecture.md).
# Chart pages relax style-src because plotly.js writes inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if OIDC_RP_CLIENT_ID:
    # Logging out (a form) ends with a redirect to the provider's end-session page, and
    # browsers check a form's redirects against form-action.
    for _endpoint in (OIDC_ISSUER, OIDC_OP_LOGOUT_ENDPOINT):
        if _endpoint:
            _parts = urlsplit(_endpoint)
            SECURE_CSP["form-action"].append(f"{_parts.scheme}://{_parts.netloc}")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_COOKIE_AGE", str(8 * 60 * 60)))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # nhs.uk is on the browsers' HSTS preload list already; say so for this host too.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # Security events (accounts/security_log.py), one JSON object a line: on the
    # console with everything else, and in SECURITY_LOG_FILE too when set, for a
    # SOC's collector. WatchedFileHandler reopens the file after logrotate moves it.
    "loggers": {"strategy_portal.security": {"level": "INFO"}},
}
SECURITY_LOG_FILE = env("SECURITY_LOG_FILE", "")
if SECURITY_LOG_FILE:
    LOGGING["handlers"]["security_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": SECURITY_LOG_FILE,
    }
    LOGGING["loggers"]["strategy_portal.security"]["handlers"] = ["security_file"]

# The organisation the product is configured for; shown in the header.
TRUST_NAME = env("TRUST_NAME", "Oxford Health NHS Foundation Trust")

# Background work (Board pack exports, and preparing the reports after a change)
# goes through Django's tasks framework, queued in the database and run by
# `manage.py db_worker` (started by `make run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What is kept for readers (assembled reports, rendered pages: docs/operations.md)
# is kept in files that every server process and the background worker on this
# machine share: a report one of them assembles serves them all, and the worker
# prepares the report after each change before readers ask for it. Every key
# carries the data version, so correctness never depends on the cache; servers on
# several machines need a cache they share (e.g. Redis) set here instead.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        "TIMEOUT": 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

# The Chromium that prints the PDF pack (and drives the browser tests): a path, or
# empty to use whatever `chromium` or `chromium-browser` is on PATH. Never downloaded
# by the product; on a machine with internet, `playwright install chromium` also works.
CHROMIUM = env("CHROMIUM", "")
# Chromium's sandbox is on unless the worker runs as root (where Chromium refuses it)
# or this says the machine cannot provide one (docs/operations.md).
CHROMIUM_NO_SANDBOX = env_bool("CHROMIUM_NO_SANDBOX", default=False)
# How long printing one pack may take before the export is marked failed.
PDF_TIMEOUT_SECONDS = int(env("PDF_TIMEOUT_SECONDS", "300"))
# A worker says every few seconds that it is still making an export; an export not
# heard of for this long has stopped (its worker was killed or lost its machine) and
# is shown, then marked, as stopped (docs/operations.md).
PACK_EXPORT_HEARTBEAT_SECONDS = float(env("PACK_EXPORT_HEARTBEAT_SECONDS", "15"))
PACK_EXPORT_STALE_AFTER_SECONDS = float(env("PACK_EXPORT_STALE_AFTER_SECONDS", "120"))
# Sending a published edition's pack by e-mail from the month close (optional per
# Trust: a Trust that distributes its papers another way turns it off), and the
# addresses the form starts with until a pack has been sent (comma-separated).
PACK_DISTRIBUTION = env_bool("PACK_DISTRIBUTION", default=True)
PACK_DISTRIBUTION_LIST = env("PACK_DISTRIBUTION_LIST", "")

# The warehouse feed (pull_results)
# The YAML file of data-warehouse sources that `manage.py pull_results` reads
# (docs/warehouse-feed.md), a relative path being from the project's folder; empty:
# no sources. It holds no secret: each source names the environment variable that
# holds its database URL.
WAREHOUSE_SOURCES_FILE = env("WAREHOUSE_SOURCES_FILE", "")
