"""The one settings module. Everything that differs between machines is read from the environment.

Safe local defaults (SQLite under var/, a filesystem Celery broker, console email) let
`make run` start with no servers at all. Production refuses to start without SECRET_KEY.
See the table of settings in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def load_local_env(path: Path) -> None:
    """Development defaults for this checkout (`make install` writes `var/local.env`).

    Lines are NAME=value; the real environment always wins. Production has no such file.
    """
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            os.environ.setdefault(name.strip(), value.strip())


load_local_env(VAR_DIR / "local.env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_share(name: str, default: float) -> float:
    """A share between 0 and 1, e.g. 0.5."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a number between 0 and 1, not {raw!r}."
        ) from exc
    if not 0 <= value <= 1:
        raise ImproperlyConfigured(f"{name} must be a number between 0 and 1, not {raw!r}.")
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (a long random string) "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "alwaysevents",  # first: its ready() installs the input checks (ADR 5)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "django_celery_beat",
    "alwaysevents.accounts",
    "alwaysevents.reporting",
    "programmes",
    "coproduction",
    "measurement",
    "accreditation",
    "rest_framework",
    "drf_spectacular",
    "alwaysevents.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alwaysevents.api.errors.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alwaysevents.accounts.session_timeout.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "alwaysevents.accounts.middleware.RequireMfaMiddleware",
    "alwaysevents.tenancy.middleware.OrganisationMiddleware",
]

ROOT_URLCONF = "alwaysevents.urls"
WSGI_APPLICATION = "alwaysevents.wsgi.application"
ASGI_APPLICATION = "alwaysevents.asgi.application"

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
                "alwaysevents.tenancy.context_processors.navigation",
                "alwaysevents.reporting.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'alwaysevents.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is shared by web, worker and beat: wait for locks, take them early.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis where set: allauth's rate limits need a shared cache in production) -------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "alwaysevents.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "alwaysevents.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS: dict[str, str] = {}  # empty means allauth's own defaults, which are on
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Always Events] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Always Events"
# Programme admins and reviewers must set up an authenticator before they reach anything else.
MFA_REQUIRED_FOR_PROGRAMME_ROLES = env_bool("MFA_REQUIRED_FOR_PROGRAMME_ROLES", not DEBUG)

INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Always Events <no-reply@alwaysevents.example>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Security (production values pass `manage.py check --deploy` with no warning) ------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
# Minutes without a request after which a sign-in ends (0: only SESSION_COOKIE_AGE ends it).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy (django-csp) on every response: pages, the API, errors, files -----
# Scripts and style sheets come only from the site itself; nothing inline runs. The one inline
# <style> served as a page (the sponsor report's, templates/reporting/report/_styles.html)
# carries the request's nonce, which the header names only on the pages that use it. Images
# may also be data: URIs: the two-step verification QR code is one (an image runs no script).
# The middleware sits right after SecurityMiddleware, so every response passes through it.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")  # fmt: skip
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", csp_constants.NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise; third-party assets come from packages, never a CDN) -----------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    BASE_DIR / "build" / "static",  # NHS.UK frontend and our Sass, built by `make assets`
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploaded files (receipts, accreditation evidence): in an S3-compatible bucket when one is
# named (MinIO, the NHS clouds' object storage), so every web and worker machine shares them;
# else under VAR_DIR/private on this machine (make run). Private either way (alwaysevents.files).
_s3_endpoint = os.environ.get("AWS_S3_ENDPOINT_URL") or None
PRIVATE_FILES_S3 = {
    "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
    "endpoint_url": _s3_endpoint,
    "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
    "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
    "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
    # MinIO and most S3-compatible servers want paths (http://host/bucket/key).
    "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE")
    or ("path" if _s3_endpoint else None),
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Our own crispy template pack (templates/nhsuk/): every form renders NHS.UK frontend fields.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Tasks are acknowledged when they finish, so a worker that dies holding one leaves it with the
# broker. A worker process lost mid-task (killed, out of memory) puts its task back at once;
# when the whole machine dies, Redis hands its tasks to another worker after the visibility
# timeout. Three numbers must agree (checked below): no task runs longer than its time limit;
# an email being sent is held for the send lease (NOTIFICATION_SEND_LEASE_SECONDS), longer than
# any task, so a live sender is never overtaken; and the broker waits the visibility timeout, no
# shorter than the lease, before handing a task on, so a task handed on can send at once.
# Every task is short (one report, one email, one organisation's reminders; batches only queue
# tasks): bench/reports.py prints a report's seconds.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 10, 1)
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 150)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process that has grown past this (KiB) is replaced after its current task: printing
# PDFs leaves some native memory behind (alwaysevents/pdf.py), so a long-lived worker cannot
# creep up. The default is far above one report's needs (bench/reports.py prints them).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 512 * 1024)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # PDF reports: no step-by-step progress lines
    },
}

# Where people reach the app: used in links in emails sent by background tasks.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Always Events: thresholds teams and sponsors see --------------------------------------
# A progress score not reviewed for this many weeks is flagged as stale.
PROGRESS_SCORE_STALE_WEEKS = env_int("PROGRESS_SCORE_STALE_WEEKS", 6)
# Over-reliance: warn when the top person carries more than this share of the logged hours,
# or (in teams of three or more) the top two carry more than the second share.
OVER_RELIANCE_TOP_ONE_SHARE = env_share("OVER_RELIANCE_TOP_ONE_SHARE", 0.5)
OVER_RELIANCE_TOP_TWO_SHARE = env_share("OVER_RELIANCE_TOP_TWO_SHARE", 0.8)

# --- Notifications (alwaysevents.reporting) -------------------------------------------------
# A worker's hold on an email it is sending; after this a retry may take the email over.
NOTIFICATION_SEND_LEASE_SECONDS = env_int("NOTIFICATION_SEND_LEASE_SECONDS", 120)
_limit, _lease, _visible = (
    CELERY_TASK_TIME_LIMIT,
    NOTIFICATION_SEND_LEASE_SECONDS,
    CELERY_VISIBILITY_TIMEOUT,
)
if not _limit < _lease <= _visible:
    raise ImproperlyConfigured(
        f"CELERY_TASK_TIME_LIMIT ({_limit}) must be shorter than NOTIFICATION_SEND_LEASE_SECONDS "
        f"({_lease}), which must be no longer than CELERY_VISIBILITY_TIMEOUT ({_visible}): "
        "otherwise an email could be sent twice, or wait for the lease after its task came back."
    )
# "Today" for reminders is computed in this timezone (organisations have no field of their own).
REMINDERS_DEFAULT_TIMEZONE = os.environ.get("REMINDERS_DEFAULT_TIMEZONE", "Europe/London")
# The hour of the morning (in each organisation's own timezone) its reminders, staff digest
# (Mondays) and monthly reports (the 1st) go.
REMINDERS_HOUR = env_int("REMINDERS_HOUR", 7)
# Remind the sponsor of a challenge that asked for them and is still open after this many days.
REMINDER_CHALLENGE_AFTER_DAYS = env_int("REMINDER_CHALLENGE_AFTER_DAYS", 7)
# Remind organisation admins to check consents in force for longer than this many months.
CONSENT_REVIEW_AFTER_MONTHS = env_int("CONSENT_REVIEW_AFTER_MONTHS", 12)
# Accreditation: remind reviewers this many days before their review is due (and weekly once
# it is late), and the team lead and sponsor this many days before a certificate expires.
REMINDER_REVIEW_DUE_DAYS = env_int("REMINDER_REVIEW_DUE_DAYS", 7)
REMINDER_ACCREDITATION_EXPIRY_DAYS = env_int("REMINDER_ACCREDITATION_EXPIRY_DAYS", 60)
# Monthly sponsor reports: days a sponsor has to acknowledge before the organisation admins are
# told, and how long the one-click link in the email works.
REPORT_ACKNOWLEDGE_DAYS = env_int("REPORT_ACKNOWLEDGE_DAYS", 14)
REPORT_ACKNOWLEDGE_LINK_DAYS = env_int("REPORT_ACKNOWLEDGE_LINK_DAYS", 60)

# --- Co-production: partners' access records -------------------------------------------------
# Days a record of who opened a partner's contact, access-need or payment details (or a receipt,
# or their subject access export) is kept; older records are pruned daily. 2922 days: 8 years.
PARTNER_ACCESS_RECORD_DAYS = env_int("PARTNER_ACCESS_RECORD_DAYS", 2922)

# --- Measurement imports ---------------------------------------------------------------------
MEASUREMENT_IMPORT_MAX_BYTES = env_int("MEASUREMENT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
MEASUREMENT_IMPORT_MAX_ROWS = env_int("MEASUREMENT_IMPORT_MAX_ROWS", 100_000)

# --- Accreditation review ------------------------------------------------------------------
# Days reviewers have from assignment to submit; the clock pauses while information is requested.
REVIEW_DAYS = env_int("REVIEW_DAYS", 28)
# Reviews a submission needs before it goes to moderation.
REVIEWERS_PER_SUBMISSION = env_int("REVIEWERS_PER_SUBMISSION", 2)
# --- REST API (alwaysevents/api): tokens, limits, schema -----------------------------------
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/min")  # per token; e.g. 100/min, 5000/hour
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)  # larger: 413
API_BULK_MAX_ROWS = env_int("API_BULK_MAX_ROWS", 10_000)  # data points in one request
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)  # lists and objects nested deeper: 400
API_FAILED_AUTH_RATE = os.environ.get("API_FAILED_AUTH_RATE", "30/min")  # bad tokens per address
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "alwaysevents.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["alwaysevents.api.throttling.TokenRateThrottle"],
    # Proxies in front that append to X-Forwarded-For (0: the address is REMOTE_ADDR).
    "NUM_PROXIES": env_int("API_TRUSTED_PROXIES", 0),
    "DEFAULT_PAGINATION_CLASS": "alwaysevents.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["alwaysevents.api.parsers.SafeJSONParser"],  # size and depth limits
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "alwaysevents.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Always Events API",
    "DESCRIPTION": "Send measure data in, read progress out. Tokens: Account > API tokens.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "MeasureTypeEnum": "measurement.models.Measure.Type",
        "OrganisationTypeEnum": "programmes.models.Organisation.Type",
    },
}
