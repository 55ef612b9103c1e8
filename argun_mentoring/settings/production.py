"""Production: behind nginx (TLS there), gunicorn, everything from the environment.

``manage.py check --deploy --fail-level WARNING`` is clean with this profile.
"""

import os as _os

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.exceptions import ImproperlyConfigured
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Several app servers must share one database: without DATABASE_URL each would start its own
# embedded PostgreSQL inside the release folder. Checked before the base settings start one.
if not _os.environ.get("DATABASE_URL", "").strip():
    raise ImproperlyConfigured(
        "В производственном режиме задайте DATABASE_URL: встроенная база данных только для "
        "разработки (make run) и тестов."
    )

from .base import *

DEBUG = False

# --- HTTPS -----------------------------------------------------------------------------------
# nginx ends TLS and says so in X-Forwarded-Proto (``proxy_set_header X-Forwarded-Proto
# $scheme;``); SECURE_PROXY_SSL_HEADER names that header, empty when there is no proxy.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
if _proxy_header:
    _meta_name = _proxy_header.upper().replace("-", "_")
    if not _meta_name.startswith("HTTP_"):
        _meta_name = "HTTP_" + _meta_name
    SECURE_PROXY_SSL_HEADER = (_meta_name, "https")
else:
    SECURE_PROXY_SSL_HEADER = None
# nginx appends the client's address to X-Forwarded-For (one proxy): the lockout counts by it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer's probe may come over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise browsers keep for months: only on purpose.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Cookies ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
# htmx sends the token from the page (hx-headers), no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# check --deploy warns (security.W021) while HSTS preload is off; that is the intended default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]


# --- Static files: collectstatic, then WhiteNoise serves them compressed, with hashed names
# cached for a year.
class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, without following ``sourceMappingURL`` comments: the vendored
    Bootstrap files name source maps that are not shipped, and collectstatic would stop."""

    patterns = tuple(
        (
            extension,
            tuple(
                p for p in found if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)
            ),
        )
        for extension, found in ManifestStaticFilesStorage.patterns
    )


STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "argun_mentoring.settings.production.StaticFilesStorage"},
}

# --- Logs: one JSON object per line on stdout.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip().lower()
LOG_STREAM = os.environ.get("LOG_STREAM", "stdout").strip().lower()
LOGGING = logging_config(
    json_lines=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO"), stream=LOG_STREAM
)
