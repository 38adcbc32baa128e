"""Who may see and change what: the one place that scopes querysets by user.

Every view starts from these functions. Reference data (regions, clusters,
municipalities, allocation) is readable by every logged-in user; a cluster's
accounts only by its secretariat, its region's SSU, national readers and
administrators. Writes follow the PERMISSIONS table by role and status.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from users.models import Role

# action -> (roles that may do it, review statuses it is allowed in, whether a closed year allows it)
# Scope (own cluster for a secretariat, own region for an SSU member) is checked separately.
ANY_STATUS = frozenset({"draft", "submitted", "returned", "approved"})
PERMISSIONS: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "view_accounts": (frozenset({Role.SECRETARIAT, Role.SSU, Role.NATIONAL, Role.ADMIN}), ANY_STATUS, True),
    "edit_accounts": (frozenset({Role.SECRETARIAT, Role.ADMIN}), frozenset({"draft", "returned"}), False),
    "submit": (frozenset({Role.SECRETARIAT, Role.ADMIN}), frozenset({"draft", "returned"}), True),
    "return": (frozenset({Role.SSU, Role.ADMIN}), frozenset({"submitted"}), True),
    "approve": (frozenset({Role.SSU, Role.ADMIN}), frozenset({"submitted"}), True),
    "reopen_review": (frozenset({Role.SSU, Role.ADMIN}), frozenset({"approved"}), True),
    "close_year": (frozenset({Role.SECRETARIAT, Role.ADMIN}), frozenset({"draft", "returned", "approved"}), False),
    "reopen_year": (frozenset({Role.ADMIN}), ANY_STATUS, True),
    "comment": (frozenset({Role.SECRETARIAT, Role.SSU, Role.ADMIN}), ANY_STATUS, True),
    "edit_evaluation": (frozenset({Role.SECRETARIAT, Role.ADMIN}), ANY_STATUS, True),
    "decide_spreading": (frozenset({Role.SSU, Role.ADMIN}), ANY_STATUS, True),
}

REFUSALS = {
    "edit_accounts": "Regnskabet kan ikke ændres i status «{status}».",
    "submit": "Regnskabet kan kun indsendes fra kladde eller efter retursendelse (status er «{status}»).",
    "return": "Kun et indsendt regnskab kan sendes retur (status er «{status}»).",
    "approve": "Kun et indsendt regnskab kan godkendes (status er «{status}»).",
    "reopen_review": "Kun et godkendt regnskab kan genåbnes (status er «{status}»).",
    "close_year": "Året kan ikke afsluttes, mens regnskabet har status «{status}».",
}


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def _in_scope(user, cluster) -> bool:
    role = role_of(user)
    if role in (Role.ADMIN, Role.NATIONAL):
        return True
    if role == Role.SECRETARIAT:
        return user.cluster_id == cluster.pk
    if role == Role.SSU:
        return user.region_id == cluster.region_id
    return False


def permission_problem(user, action: str, cluster_year) -> str | None:
    """None if the user may do the action on the cluster-year, else a Danish reason."""
    roles, statuses, closed_ok = PERMISSIONS[action]
    role = role_of(user)
    if role not in roles or not _in_scope(user, cluster_year.cluster):
        return "Du har ikke adgang til denne handling."
    if cluster_year.status not in statuses:
        template = REFUSALS.get(action, "Handlingen er ikke mulig i status «{status}».")
        return template.format(status=cluster_year.get_status_display())
    if not closed_ok and cluster_year.closed_at is not None:
        return f"Året {cluster_year.year} er afsluttet for klyngen; det kan kun genåbnes af en administrator."
    return None


def has_permission(user, action: str, cluster_year) -> bool:
    return permission_problem(user, action, cluster_year) is None


def require_permission(user, action: str, cluster_year) -> None:
    """Raise PermissionDenied with the Danish reason when the action is not allowed."""
    problem = permission_problem(user, action, cluster_year)
    if problem:
        raise PermissionDenied(problem)


# --- querysets -------------------------------------------------------------

def account_clusters(user):
    """Clusters whose accounts the user may see."""
    from geography.models import Cluster

    role = role_of(user)
    qs = Cluster.objects.select_related("region")
    if role in (Role.ADMIN, Role.NATIONAL):
        return qs
    if role == Role.SECRETARIAT:
        return qs.filter(pk=user.cluster_id)
    if role == Role.SSU:
        return qs.filter(region_id=user.region_id)
    return qs.none()


def writable_clusters(user):
    """Clusters whose accounts the user may write (status rules come on top)."""
    from geography.models import Cluster

    role = role_of(user)
    qs = Cluster.objects.select_related("region")
    if role == Role.ADMIN:
        return qs
    if role == Role.SECRETARIAT:
        return qs.filter(pk=user.cluster_id)
    return qs.none()


def cluster_years_for(user):
    from accounts.models import ClusterYear

    return ClusterYear.objects.select_related("cluster__region").filter(
        cluster__in=account_clusters(user).values("pk")
    )


def entries_for(user):
    from accounts.models import Entry

    return Entry.objects.filter(cluster_year__cluster__in=account_clusters(user).values("pk"))


def get_cluster_year_or_404(user, pk, action: str = "view_accounts"):
    """The cluster-year if the user may see it (404 otherwise); 403 if seen but the action is refused."""
    try:
        cluster_year = cluster_years_for(user).get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("Regnskabet findes ikke.") from exc
    except cluster_years_for(user).model.DoesNotExist as exc:
        raise Http404("Regnskabet findes ikke, eller du har ikke adgang til det.") from exc
    if action != "view_accounts":
        require_permission(user, action, cluster_year)
    return cluster_year


def can_use_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


# --- allocation rounds (readable by every logged-in user) ---------------------

def can_manage_allocation(user) -> bool:
    """Copy a round into a scenario, change a draft's parameters, set København's shares.

    Administrators only: national readers read everything but change nothing (the
    roles of DOMAIN), and København's shares are reference data of the cluster map.
    """
    return role_of(user) == Role.ADMIN


def can_publish_allocation(user) -> bool:
    """Publish a draft round (it becomes the year's allocation and is frozen)."""
    return role_of(user) == Role.ADMIN
