"""Settings shared by every profile; each value that differs between servers comes from the
environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from argun_mentoring.embedded_db import database_url
from argun_mentoring.logging import logging_config
from argun_mentoring.replica import replica_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_filters",
    "csp",
    "axes",
    "pgtrigger",
    "core",
    "registry",
    "roadmap",
    "monitoring",
    "ops",
]

MIDDLEWARE = [
    "argun_mentoring.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where the reads go (the primary or the replica) and who has just written: does nothing
    # without DATABASE_REPLICA_URL.
    "argun_mentoring.replica.ReplicaMiddleware",
    # Responses to a signed-in user are never cached (Cache-Control: private, no-store).
    "core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: an idle session ends; a password set by someone
    # else is changed before anything else opens.
    "core.accounts.auth.IdleSessionMiddleware",
    "core.accounts.auth.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "argun_mentoring.urls"
WSGI_APPLICATION = "argun_mentoring.wsgi.application"

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
                "core.context_processors.role",
                "registry.context_processors.link_requests",
                "roadmap.context_processors.feedback",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        database_url(BASE_DIR / ".pgdata"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A read replica (PostgreSQL streaming replication), optional: the pages of REPLICA_READ_VIEWS
# read from it, everything else and every write go to the primary, and a browser that has just
# written stays on the primary for REPLICA_STICKY_SECONDS (argun_mentoring/replica.py,
# docs/deploy.md). A replica that does not answer or lags more than REPLICA_MAX_LAG_SECONDS is
# left alone for REPLICA_RETRY_SECONDS, with a warning in the log.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = replica_database(
        _replica_url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0"))
    )
DATABASE_ROUTERS = ["argun_mentoring.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
# The pages that may show figures a moment old (URL names): dashboards, summaries, exports.
REPLICA_READ_VIEWS = frozenset(
    {
        "roadmap:dashboard",  # the head's dashboard and its XLSX
        "roadmap:document",  # the order with its appendix: PDF, DOCX, XLSX, JSON
        "roadmap:report",  # the execution report (PDF)
        "monitoring:dashboard",
        "monitoring:records",  # the records behind a figure
        "monitoring:regional",
        "monitoring:regional_xlsx",
        "monitoring:regional_pdf",
        "monitoring:summary",  # a period's summary report
        "monitoring:summary_file",  # …as XLSX or PDF
        "registry:export",  # the registry's lists as XLSX
    }
)

# Cache and sessions: in Redis when REDIS_URL is set (shared by all workers and servers;
# sessions are also written to the database, so a Redis restart logs nobody out);
# otherwise each process's memory and sessions in the database.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cmn"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions end after SESSION_IDLE_TIMEOUT_MINUTES without a request and when the browser
# closes (school computers are shared). The session's expiry moves forward with each request,
# written at most once every SESSION_REFRESH_SECONDS (core.accounts.auth.IdleSessionMiddleware)
# rather than on every request.
SESSION_IDLE_TIMEOUT_MINUTES = max(1, env_int("SESSION_IDLE_TIMEOUT_MINUTES", 8 * 60))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_REFRESH_SECONDS = min(60, SESSION_COOKIE_AGE // 10)

# Login: django-axes counts failures by user name and client address together;
# AXES_FAILURE_LIMIT of them lock that pair out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend (inactive users are refused, their sessions end at the next
    # request), loading the account's state with the user in one query.
    "core.accounts.auth.AccountBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lockout lasts AXES_COOLOFF_MINUTES from the last counted failure, as the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "core.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "argun_mentoring.middleware.client_ip"
# How many reverse proxies (nginx) append to X-Forwarded-For in front of the application;
# 0: the client is REMOTE_ADDR. Used for the lockout and the request log.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this
# site, no inline scripts or styles anywhere (the admin included), no eval. Bootstrap's CSS
# draws some icons as data: images. CSP_REPORT_ONLY=1 sends it as report-only, for trying.
csp_directives = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if os.environ.get("CSP_REPORT_URI", "").strip():
    csp_directives["report-uri"] = [os.environ["CSP_REPORT_URI"].strip()]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# A link to set a new password (issued by the department or an administrator, or sent by
# e-mail) works for a day and once: setting the password, logging in or losing access voids it.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The product speaks Russian only: its own texts are Russian literals in the code and the
# templates (no translation calls, no message catalogues); USE_I18N keeps Django's own texts (admin,
# validators, dates) in Russian.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["argun_mentoring.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# WhiteNoise serves /static/; with DEBUG it reads the source folders, so nothing needs
# collectstatic outside production.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Files: on the local disk (MEDIA_ROOT), or in an S3-compatible bucket when S3_BUCKET is
# set. The bucket stays private: files are never linked to, the application reads them
# (``file.open()``) and hands them out after checking access.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL", "").strip() or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", "").strip() or None,
            "region_name": os.environ.get("S3_REGION", "").strip() or None,
            "location": os.environ.get("S3_PREFIX", "").strip().strip("/"),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "").strip() or None,
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own (private); never public-read
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Evidence files: at most this size each; uploads stream to disk above 2.5 MB.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# Uploaded files (evidence up to EVIDENCE_MAX_BYTES, imports up to 10 MB) are kept in
# memory up to this size and written to a temporary file above it; their size is checked
# by the forms. The rest of a request (form fields) may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE;
# the whole body is limited by nginx (client_max_body_size).
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The dashboard's "due soon" window and the reminders' look-ahead, in days.
MENTOR_MAX_MENTEES = int(os.environ.get("MENTOR_MAX_MENTEES", "5"))
# How long the monitoring dashboard may reuse the indicators it computed for the same schools
# and day (seconds; 0 — always recompute). Region-wide figures take a second to count.
MONITORING_CACHE_SECONDS = int(os.environ.get("MONITORING_CACHE_SECONDS", "60"))
DUE_SOON_DAYS = int(os.environ.get("DUE_SOON_DAYS", "14"))
REMINDER_DAYS = int(os.environ.get("REMINDER_DAYS", "7"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
# «Забыли пароль?» sends a link by e-mail only where SMTP is configured; on a closed network
# the login page sends people to the department, which issues the link.
PASSWORD_RESET_BY_EMAIL = env_bool(
    "PASSWORD_RESET_BY_EMAIL", bool(os.environ.get("EMAIL_HOST", "").strip())
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Logs: readable text on stderr by default; production writes one JSON object per line on
# stdout (LOG_FORMAT, LOG_STREAM). LOG_REQUESTS=1 adds a line per request (method, path,
# status, duration); under gunicorn its access log already has them.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOG_STREAM = os.environ.get("LOG_STREAM", "stderr").strip().lower()
LOG_REQUESTS = env_bool("LOG_REQUESTS", False)
LOGGING = logging_config(
    json_lines=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO"), stream=LOG_STREAM
)
