"""Where a page sends the user back to: a ``next`` parameter only when it is a local path.

Every view that reads ``next`` goes through ``safe_next``. A ``next`` that is not a path on this
portal (``abc``, ``//elsewhere``, ``https://elsewhere/``, ``/\\elsewhere``, anything with a control
character) is ignored and the fallback is used, so a forged link can neither send the user to
another site nor make the redirect itself fail (``redirect("abc")`` would try it as a view name and
answer 500, after the view had already saved its work).
"""
from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def local_path(request, target: str | None) -> str | None:
    """``target`` if it is a path on this portal (it starts with one ``/``), else None."""
    if not target or len(target) > MAX_LENGTH or not target.startswith("/"):
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target) or target.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return target


def safe_next(request, fallback, *args, **kwargs) -> HttpResponseRedirect:
    """A redirect to the request's ``next`` (POST before GET) when it is a local path, else to ``fallback``.

    ``fallback`` is what ``django.shortcuts.redirect`` takes: a URL, a view name with its arguments,
    or an object with ``get_absolute_url``.
    """
    target = local_path(request, request.POST.get("next") or request.GET.get("next"))
    return HttpResponseRedirect(target or resolve_url(fallback, *args, **kwargs))
