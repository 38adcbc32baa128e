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


NO_ACCESS = "Du har ikke adgang til denne handling."


def role_may(user, action: str, cluster) -> bool:
    """Whether the user's role and scope allow the action on the cluster at all, whatever the status."""
    return role_of(user) in PERMISSIONS[action][0] and _in_scope(user, cluster)


def action_problem(user, action: str, *, cluster, status: str, year: int, closed: bool = False) -> str | None:
    """None if the user may do the action on the cluster's accounts for the year in that status and state.

    Takes only what the rule needs, so a caller without a saved cluster-year asks directly.
    """
    from accounts.models import ReviewStatus

    _, statuses, closed_ok = PERMISSIONS[action]
    if not role_may(user, action, cluster):
        return NO_ACCESS
    if status not in statuses:
        template = REFUSALS.get(action, "Handlingen er ikke mulig i status «{status}».")
        return template.format(status=ReviewStatus(status).label)
    if not closed_ok and closed:
        return f"Året {year} er afsluttet for klyngen; det kan kun genåbnes af en administrator."
    return None


def permission_problem(user, action: str, cluster_year) -> str | None:
    """None if the user may do the action on the cluster-year, else a Danish reason."""
    return action_problem(
        user, action, cluster=cluster_year.cluster, status=cluster_year.status, year=cluster_year.year,
        closed=cluster_year.closed_at is not None,
    )


def has_permission(user, action: str, cluster_year) -> bool:
    return permission_problem(user, action, cluster_year) is None


def allowed_actions(user, cluster_year) -> dict[str, bool]:
    """Every action of the table with whether the user may do it on the cluster-year now (for a page's buttons)."""
    return {action: has_permission(user, action, cluster_year) for action in PERMISSIONS}


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


# One refusal for whatever lies outside the user's scope, so that it tells nothing about what exists.
NOT_IN_SCOPE = "Siden findes ikke, eller du har ikke adgang til den."


def get_initiative_or_404(user, pk):
    """The initiative if the user may see its cluster's accounts; else 404, the same whether it exists or not.

    Scope comes first: only inside it does a write refuse with a reason (403), which may name the
    initiative's years or its cluster's status.
    """
    from accounts.models import Initiative

    try:
        return Initiative.objects.select_related("cluster__region", "area").get(
            pk=pk, cluster__in=account_clusters(user).values("pk")
        )
    except (ValueError, TypeError, Initiative.DoesNotExist) as exc:
        raise Http404(NOT_IN_SCOPE) from exc


def can_use_admin(user) -> bool:
    """The Django admin and its link in the header."""
    return role_of(user) == Role.ADMIN


# --- region pages, the inbox and e-mail -----------------------------------------

REGION_READERS = frozenset({Role.SSU, Role.NATIONAL, Role.ADMIN})


def region_scope(user):
    """The regions whose SSU overview the user may read: an SSU member its own, national and admin all."""
    from geography.models import Region

    role = role_of(user)
    if role == Role.SSU:
        return Region.objects.filter(pk=user.region_id)
    if role in (Role.NATIONAL, Role.ADMIN):
        return Region.objects.all()
    return Region.objects.none()


def region_problem(user, region) -> tuple[int, str] | None:
    """None if the user may read the region's overview, else (status code, Danish reason).

    Another region's SSU member gets 404, as if the region had no accounts to show;
    a secretariat gets 403: the page exists, but is not for its role.
    """
    role = role_of(user)
    if role == Role.SSU and user.region_id != region.pk:
        return 404, "Regionen findes ikke, eller du har ikke adgang til dens klyngeregnskaber."
    if role not in REGION_READERS:
        return 403, "Regionsoversigten er for SSU, nationale læsere og administratorer."
    return None


INBOX_TO_REVIEW = "to_review"  # submitted accounts and completed evaluations awaiting a decision
INBOX_TO_MEND = "to_mend"  # returned accounts and completed initiatives without an evaluation
INBOX_REGIONS = "regions"  # links to the region overviews


def inbox_sections(user) -> frozenset[str]:
    """Which parts of «Mine opgaver» concern the user's role."""
    role = role_of(user)
    sections = set()
    if role in (Role.SSU, Role.ADMIN):
        sections.add(INBOX_TO_REVIEW)
    if role in (Role.SECRETARIAT, Role.ADMIN):
        sections.add(INBOX_TO_MEND)
    if role in REGION_READERS:
        sections.add(INBOX_REGIONS)
    return frozenset(sections)


# Who is told of a move of a cluster's accounts: its secretariat and/or its region's SSU.
NOTIFY_SECRETARIAT = "secretariat"
NOTIFY_SSU = "ssu"


def users_in_scope(cluster, audiences):
    """Active users with an e-mail address in the audiences of the cluster's accounts."""
    from django.db.models import Q

    from users.models import User

    condition = Q(pk__in=[])
    if NOTIFY_SECRETARIAT in audiences:
        condition |= Q(role=Role.SECRETARIAT, cluster_id=cluster.pk)
    if NOTIFY_SSU in audiences:
        condition |= Q(role=Role.SSU, region_id=cluster.region_id)
    return User.objects.filter(condition, is_active=True).exclude(email="")


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
