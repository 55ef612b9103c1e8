"""What every app's views share: the refusal page, the plain form page, the one way a form is
handled, the one way a service is run from a button, and the one way a file is handed out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def errors_to_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def refused(request, reasons, *, back: str, status: int = 409):
    """The page that says why an action was not done, with the way back."""
    return render(request, "core/refused.html", {"reasons": reasons, "back": back}, status=status)


def bad_file_query(form, said: str, hint: str = "") -> HttpResponse:
    """A file asked for with bad values: a 400 in plain text that says what was not done and
    each field's problem by its label."""
    problems = " ".join(
        f"«{form.fields[name].label}»: {' '.join(errors)}" for name, errors in form.errors.items()
    )
    return HttpResponse(
        " ".join(filter(None, [said, problems, hint])),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def form_page(request, form, *, title: str, cancel: str, status=None, **extra):
    """The plain form page: 422 when the form carries errors."""
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel": cancel, **extra},
        status=status or (422 if form.errors else 200),
    )


def go_to(request, target) -> HttpResponse:
    """A redirect; an htmx request (a row edited in place) loads the whole page there."""
    url = resolve_url(target)
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


class Caution(str):
    """A ``said`` text that is a warning, not a plain success (shown in amber, not green): the
    action was done, but the user has to know something is still wrong."""


def _say(request, text: str) -> None:
    (messages.warning if isinstance(text, Caution) else messages.success)(request, text)


def _of(value, result):
    return value(result) if callable(value) else value


def handle_form(
    request,
    form,
    action: Callable,
    *,
    said,
    then,
    page: Callable[[], HttpResponse] | None = None,
    title: str = "",
    cancel: str = "",
    on_refusal: Callable[[ValidationError], None] | None = None,
    **extra,
) -> HttpResponse:
    """The one way a form is handled; it always returns the response.

    A valid POST runs ``action`` (a service call): success is a message (``said``) and a
    redirect (``then``) — both may be callables of the action's result; a refusal
    (ValidationError) lands on the form, by field where it can (``on_refusal`` to do more).
    Otherwise — a GET, an invalid form, a refusal — the form is shown again: by ``page()``,
    or on the plain form page (``title``, ``cancel``, ``extra``), 422 when it has errors.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = action()
        except ValidationError as error:
            (on_refusal or (lambda e: errors_to_form(form, e)))(error)
        else:
            _say(request, _of(said, result))
            return go_to(request, _of(then, result))
    if page is not None:
        return page()
    return form_page(request, form, title=title, cancel=cancel, **extra)


def perform(request, action, *, success, back: str, then=None):
    """Run a service from a button; a refusal is a 409 page with its reason, success a message
    and a redirect. ``success`` and ``then`` may be callables of the action's result."""
    try:
        result = action()
    except ValidationError as error:
        return refused(request, error.messages, back=back)
    messages.success(request, _of(success, result))
    return redirect(_of(then, result) or back)


@dataclass(frozen=True)
class Confirmation:
    """What a weighty action will do, shown before it is done.

    ``consequences`` — what will happen; ``warnings`` — what looks unfinished or early and is
    worth a look first; ``keep`` — posted values carried to the confirming POST (a date, a
    version)."""

    title: str
    consequences: Sequence[str]
    button: str
    back: str
    warnings: Sequence[str] = ()
    keep: Mapping[str, str] = field(default_factory=dict)
    danger: bool = False


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "1"


def confirm_then(request, confirmation: Callable[[], Confirmation], action, *, success, then=None):
    """The one way a weighty action is done: a GET, or a POST without ``confirm=1``, shows the
    confirmation page with its consequences and changes nothing; the POST from that page
    (``confirm=1``) runs ``action`` as :func:`perform` does. Works without JavaScript."""
    if confirmed(request):
        return perform(request, action, success=success, back=confirmation().back, then=then)
    return render(request, "core/confirm.html", {"confirmation": confirmation()})


def attachment(content: bytes, name: str, content_type: str, *, ascii_name: str = ""):
    """A file to save: ``name`` in UTF-8 (RFC 6266), with an ASCII name for old clients."""
    response = HttpResponse(content, content_type=content_type)
    fallback = ascii_name or name.encode("ascii", "ignore").decode().strip("_.") or "document"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    )
    return response
