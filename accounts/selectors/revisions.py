"""The budget revisions of a cluster-year: every change of a budget line after the first submission."""
from __future__ import annotations

from accounts.models import BudgetRevision

SHOWN = 100  # the page lists the latest; the rest are in the admin and the history


def budget_revisions(cluster_year, *, limit: int = SHOWN) -> list[BudgetRevision]:
    """The latest revisions first, with initiative, party and user (one query; none before submission)."""
    if cluster_year.original_budget_at is None:
        return []
    return list(
        BudgetRevision.objects.filter(cluster_year=cluster_year)
        .select_related("initiative", "municipality", "region", "by")
        .order_by("-at", "-id")[:limit]
    )
