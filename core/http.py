"""Small helpers shared by the roadmap's views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect, render


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


def form_page(request, form, *, title: str, cancel: str, status=None, **extra):
    """The plain form page: 422 when the form carries errors."""
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel": cancel, **extra},
        status=status or (422 if form.errors else 200),
    )


def perform(request, action, *, success, back: str, then=None):
    """Run a service; a refusal is a 409 page with its reason, success a message and redirect.

    ``success`` and ``then`` may be callables of the action's result.
    """
    try:
        result = action()
    except ValidationError as error:
        return refused(request, error.messages, back=back)
    messages.success(request, success(result) if callable(success) else success)
    target = then(result) if callable(then) else then
    return redirect(target or back)


def saved(request, form, action, *, said, then):
    """Run a service for a valid form: a refusal lands on the form (None is returned),
    success is a message and a redirect. ``said`` and ``then`` may be callables of the result."""
    try:
        result = action()
    except ValidationError as error:
        errors_to_form(form, error)
        return None
    messages.success(request, said(result) if callable(said) else said)
    return redirect(then(result) if callable(then) else then)
