"""Log records as one JSON object per line (production), or as readable text (development).

Every record carries the id of the request it was written in (``request_id``, the
``X-Request-ID`` header set by :class:`argun_mentoring.middleware.RequestIDMiddleware`), so
the lines of one request can be found together in the server's log and in nginx's.
"""

import contextvars
import datetime
import json
import logging

# The id of the request being served in this thread (or task); "-" outside a request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Objects Django puts into ``extra`` that are not data: the request is reduced to its path.
_SKIPPED_EXTRAS = {"request", "server_time"}


def record_request_id(record: logging.LogRecord) -> str:
    """The request id of a record: given with ``extra``, of the ``request`` Django attaches
    (its "Not Found" and "Internal Server Error" lines are written after the middleware
    has finished), or of the request being served; "-" if none."""
    given = getattr(record, "request_id", None)
    if given:
        return given
    request = getattr(record, "request", None)
    return getattr(request, "request_id", None) or request_id_var.get()


class RequestIDFilter(logging.Filter):
    """Adds ``request_id`` to every record (so the text format can always print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = record_request_id(record)
        return True


class JSONFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...}`` on one line.

    Fields given with ``extra=`` (``method``, ``path``, ``status``, ``duration_ms``...) are
    copied as they are; Django's ``request`` and ``status_code`` become ``path``, ``method``
    and ``status``. Exceptions go into ``exception`` as the formatted traceback.
    """

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = record_request_id(record)
        if request_id != "-":
            payload["request_id"] = request_id
        request = getattr(record, "request", None)
        if isinstance(getattr(request, "path", None), str):
            payload["method"] = request.method
            payload["path"] = request.path
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            payload["status"] = status
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key in _SKIPPED_EXTRAS or key in payload:
                continue
            if key in {"request_id", "status_code"}:
                continue
            payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, json_lines: bool, level: str = "INFO", stream: str = "stderr") -> dict:
    """The ``LOGGING`` setting: every log to one stream (``stdout`` or ``stderr``), as JSON
    lines or as text."""
    if stream not in {"stdout", "stderr"}:
        raise ValueError(f"LOG_STREAM must be stdout or stderr, not {stream!r}")
    formatter = (
        {"()": "argun_mentoring.logging.JSONFormatter"} if json_lines else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "argun_mentoring.logging.RequestIDFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": f"ext://sys.{stream}",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # runserver's own request lines; gunicorn writes the access log in production.
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # The embedded database's start and stop are routine, not news.
            "pgserver": {"level": "WARNING"},
            # "AXES: BEGIN version ..." at every start of every command.
            "axes.apps": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "botocore": {"level": "WARNING"},
            "boto3": {"level": "WARNING"},
            "s3transfer": {"level": "WARNING"},
        },
    }
