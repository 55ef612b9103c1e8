"""gunicorn's settings: ``gunicorn`` started in the project folder reads this file.

    DJANGO_SETTINGS_MODULE=argun_mentoring.settings.production .venv/bin/gunicorn

Everything can be changed from the environment (GUNICORN_*); the logs, the access log
included, are JSON lines on stdout unless LOG_FORMAT=text.
"""

import logging
import multiprocessing
import os
import sys

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "argun_mentoring.wsgi:application"
# Behind nginx on the same server; GUNICORN_BIND="0.0.0.0:8000" or "unix:/run/cmn.sock".
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split()
# GUNICORN_WORKERS (or the usual WEB_CONCURRENCY), else 2 × CPU + 1.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = _int("GUNICORN_THREADS", 1)
# Long requests (the PDF of a big roadmap, a 10 000-row import) get up to a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then, not all at once, so that no leak can grow for long. A new
# worker costs about a second of CPU (Django and the apps imported, the templates compiled on
# first use): every 10 000 requests that is 0.1 ms a request, every 1 000 it was 1 ms, 3–4 %
# of the mean request (docs/scaling.md, «Пропускная способность»).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)


def post_worker_init(worker):
    """The loaded application out of the garbage collector's reach (argun_mentoring.wsgi)."""
    from argun_mentoring.wsgi import settle

    settle()


# Whose X-Forwarded-Proto / X-Forwarded-For gunicorn believes: nginx's.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "argun-mentoring"

# Logs: errors and the access log on stdout; GUNICORN_ACCESS_LOG="" turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Used when LOG_FORMAT=text: the "combined" format with the request id and the time in ms.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms {%({x-request-id}o)s}'
)


class JSONLogger(glogging.Logger):
    """gunicorn's logger writing JSON lines, with the same keys as the application's."""

    def setup(self, cfg):
        super().setup(cfg)
        from argun_mentoring.logging import JSONFormatter

        for log, stream in ((self.error_log, sys.stdout), (self.access_log, sys.stdout)):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    if isinstance(handler, logging.StreamHandler) and not isinstance(
                        handler, logging.FileHandler
                    ):
                        handler.setStream(stream)
                    handler.setFormatter(JSONFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            atoms = self.atoms(resp, req, environ, request_time)
            status = atoms["s"]
            fields = {
                "method": atoms["m"],
                "path": atoms["U"],
                "query": atoms["q"] or None,
                "status": int(status) if str(status).isdigit() else status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": atoms["B"],
                "remote_addr": atoms["h"],
                "forwarded_for": atoms.get("{x-forwarded-for}i"),
                "user_agent": atoms["a"],
                "referer": atoms["f"] if atoms["f"] != "-" else None,
                "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i"),
            }
            self.access_log.info(
                "%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields
            )
        except Exception:
            self.exception("Could not write the access log line")


if os.environ.get("LOG_FORMAT", "json").strip().lower() == "json":
    logger_class = JSONLogger


# gunicorn's control socket defaults to one path per system user, so several instances on one
# host would remove each other's. Off unless GUNICORN_CONTROL_SOCKET names this instance's own.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True
