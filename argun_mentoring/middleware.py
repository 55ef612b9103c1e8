"""Request id, client address behind the proxy, and the page shown to a locked-out login.

``RequestIDMiddleware`` takes the ``X-Request-ID`` header from nginx
(``proxy_set_header X-Request-ID $request_id;``) or makes one, puts it into every log
record written while the request is served and returns it in the response header.
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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


PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """Nothing sent to a signed-in user stays in a browser's or a proxy's cache.

    Every page shows at least the user's own name, and most show people's data — the registry,
    reports and their files, consent scans, exports, the records behind a figure; school
    computers are shared. So every response to a signed-in user — pages, exports, files,
    redirects and refusals alike — carries ``Cache-Control: private, no-store`` unless its view
    set a Cache-Control of its own. A list of views to protect would miss the next one; this
    way a new view is protected without anyone remembering to. ``no-store`` also keeps the page
    out of the back/forward cache: after «Выйти» the Back button shows nothing.

    Static files never reach this middleware: WhiteNoise, above it, answers them with its own
    long-lived caching. Anonymous responses (the login page, health checks) are left alone.
    Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


LOCKOUT_MESSAGE = (
    "Слишком много неудачных попыток входа. Вход под этим именем с вашего адреса "
    "заблокирован на {minutes} мин. Попробуйте позже или обратитесь к администратору."
)


class _LockedOutForm(AuthenticationForm):
    """The login form, empty, with the lockout message in place of the form's errors."""

    def __init__(self, request, message: str, username: str):
        super().__init__(request, initial={"username": username})
        self._message = message

    def non_field_errors(self):
        return self.error_class([self._message], error_class="nonfield")


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the login page again with a Russian explanation, status 429
    (not axes' bare English text)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = int(cooloff.total_seconds() // 60) if cooloff else 30
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = _LockedOutForm(request, LOCKOUT_MESSAGE.format(minutes=minutes), username)
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": next_url, "locked_out": True},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
