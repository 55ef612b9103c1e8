"""Request id and client address behind the proxy: what every log line of a request carries.

``RequestIDMiddleware`` takes the ``X-Request-ID`` header from nginx
(``proxy_set_header X-Request-ID $request_id;``) or makes one, puts it into every log
record written while the request is served and returns it in the response header.
"""

import logging
import re
import time
import uuid

from django.conf import settings

from argun_mentoring.logging import request_id_var

request_logger = logging.getLogger("argun_mentoring.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def client_ip(request) -> str:
    """The client's address: with ``TRUSTED_PROXY_COUNT`` = N proxies in front (nginx: 1),
    the N-th address from the right of ``X-Forwarded-For``; otherwise ``REMOTE_ADDR``.

    Only the addresses the trusted proxies appended are believed: whatever the client put
    into the header itself stays to the left and is never read.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class RequestIDMiddleware:
    """Gives each request an id (``request.request_id``, header ``X-Request-ID``) and, when
    ``LOG_REQUESTS`` is on, writes one log line per request: method, path, status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if getattr(settings, "LOG_REQUESTS", False):
                self.log(request, response, time.monotonic() - started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log(request, response, seconds: float) -> None:
        # The load balancer's probes are news only when they fail.
        if request.path == "/healthz" and response.status_code == 200:
            return
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "remote_addr": client_ip(request),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
