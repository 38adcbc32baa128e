"""The one way a page handles a form that writes: form → service → errors on the form → message → redirect.

A view builds its form, then::

    done = form_flow(request, form, lambda data: services.thing_create(..., **data),
                     success="Gemt.", then=thing_url)
    return done or render(request, "thing_form.html", {"form": form})

``apply_errors`` is the one function that puts a service's ValidationError on a form.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_flow(
    request,
    form,
    write: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str],
    then: Any,
) -> HttpResponse | None:
    """On a valid POST, call ``write(form.cleaned_data)``; on success add the message and redirect.

    ``success`` is the message, or a function of what ``write`` returned; ``then`` is where to go
    (anything ``redirect`` takes: a URL, a URL name, a model), or a function of what ``write`` returned.
    Returns None when the page should show the form (again): a GET, an invalid form, or a
    ValidationError from the service, whose messages are now on the form. PermissionDenied passes.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    target = then(result) if callable(then) else then
    return target if isinstance(target, HttpResponse) else redirect(target)
