"""What every accounts page shares: the refusal page, the user's actions, the page context."""
from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from geography.selectors import cluster_municipalities
from users.access import allowed_actions

DEFAULT_YEAR = 2022


def refusal_page(view):
    """Answer a refused action (PermissionDenied) with 403 and the Danish reason, on a portal page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            reason = str(exc) or "Du har ikke adgang til denne handling."
            return render(request, "accounts/refused.html", {"reason": reason}, status=403)

    return wrapper


def perms_for(user, cluster_year) -> dict[str, bool]:
    """Which actions the page may offer the user (users.access decides, action by action)."""
    return allowed_actions(user, cluster_year)


def page_context(request, cluster_year, **extra) -> dict:
    return {"cluster_year": cluster_year, "perms_for_user": perms_for(request.user, cluster_year), **extra}


def members_of(cluster_year, **kwargs):
    return cluster_municipalities(cluster_year.cluster, cluster_year.year, **kwargs)


def detail_url(cluster_year, anchor: str) -> str:
    return reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + f"#{anchor}"
