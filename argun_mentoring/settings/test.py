"""The test suite: its own embedded PostgreSQL folder, fast hashing, no real mail."""

import os
from pathlib import Path

os.environ.setdefault(
    "EMBEDDED_PG_DIR", str(Path(__file__).resolve().parent.parent.parent / ".pgdata-test")
)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .base import *

# The demonstration data and the synthetic region are tested (and used by the benchmarks).
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files straight from the source folders: no collectstatic before the tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The login lockout would need a request in every client.login(); its own tests turn it on.
AXES_ENABLED = False

# Tests change the registry and read the figures at once.
MONITORING_CACHE_SECONDS = 0
