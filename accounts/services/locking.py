"""The one row lock of the accounts, and saving with the acting user in the history.

Every write to a cluster-year's accounts starts with ``cluster_year_lock``: it
serialises concurrent writes, closes and status moves of that cluster-year and
re-reads the row, so the permission check sees the current status.
"""
from __future__ import annotations

from accounts.models import ClusterYear


def cluster_year_lock(cluster_year: ClusterYear) -> ClusterYear:
    """Re-read the cluster-year under SELECT … FOR UPDATE of that row only (with its cluster and region).

    Call it inside a transaction; the lock is held until the transaction ends.
    """
    return (
        ClusterYear.objects.select_for_update(of=("self",))
        .select_related("cluster__region")
        .get(pk=cluster_year.pk)
    )


def save_recording(obj, by, **kwargs) -> None:
    """Save the object and record ``by`` as the user in its history (also outside a web request).

    ``_history_user`` is django-simple-history's documented way to name the user of a change.
    """
    if by is not None:
        obj._history_user = by
    obj.save(**kwargs)
