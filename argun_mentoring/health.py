"""``/healthz`` for the load balancer and monitoring: is the database (and Redis, if the cache
is there) answering? No login, never cached, JSON:

    {"status": "ok", "database": "ok", "cache": "ok"}          200
    {"status": "error", "database": "error", "cache": "ok"}    503

The reason of a failure goes to the log (with the request id), not to the response.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("argun_mentoring.health")


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as exc:
        logger.error("Health check: the database does not answer: %s", exc)
        return False


def check_cache() -> bool:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
        return answered
    except Exception as exc:
        logger.error("Health check: the cache does not answer: %s", exc)
        return False


def cache_is_configured() -> bool:
    """The cache is checked only when it is a shared server (Redis), not local memory."""
    return bool(getattr(settings, "REDIS_URL", ""))


@never_cache
@require_safe
def healthz(request):
    parts = {"database": "ok" if check_database() else "error"}
    if cache_is_configured():
        parts["cache"] = "ok" if check_cache() else "error"
    healthy = all(value == "ok" for value in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503
    )
