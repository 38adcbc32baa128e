"""Uploaded files between their preview and "Indlæs": kept in the database by their sha256, never in memory.

A new upload replaces the same user's earlier one for the cluster-year; uploads older than
``MAX_AGE`` are deleted whenever a new one is stored. With the file its preview as shown
(``workbook.plan_store``), so that the preview page need not plan the file again while the ledger
stands still; the file's bytes are read only when it is planned (``pending_content``).
"""
from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from workbook.models import PendingUpload
from workbook.safety import sha256_of

MAX_AGE = datetime.timedelta(days=1)


@transaction.atomic
def pending_store(*, cluster_year, user, data: bytes, filename: str, fingerprint: str,
                  reverse_removed: bool, preview: dict | None = None) -> PendingUpload:
    """Keep the upload; ``preview``: its preview planned against ``fingerprint`` (``plan_store.plan_preview``)."""
    import io

    PendingUpload.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    PendingUpload.objects.filter(cluster_year=cluster_year, uploaded_by=user).delete()
    return PendingUpload.objects.create(
        cluster_year=cluster_year, uploaded_by=user, sha256=sha256_of(io.BytesIO(data)),
        filename=Path(filename).name[:255], content=data, ledger_fingerprint=fingerprint,
        reverse_removed=reverse_removed, preview=preview,
    )


def pending_get(*, cluster_year, user, pk) -> PendingUpload | None:
    """The user's own upload for the cluster-year, or None (another's, stale or already booked).

    Without the file's bytes: ``pending_content`` reads them (one query) when the file is planned."""
    return PendingUpload.objects.filter(
        pk=pk, cluster_year=cluster_year, uploaded_by=user, created_at__gte=timezone.now() - MAX_AGE,
    ).defer("content").first()


def pending_content(pending: PendingUpload) -> bytes:
    return bytes(pending.content)


def pending_seen(pending: PendingUpload, fingerprint: str, preview: dict | None = None) -> None:
    """The ledger the preview just shown was planned against (what "Indlæs" must still find), and that preview."""
    fields = []
    if pending.ledger_fingerprint != fingerprint:
        pending.ledger_fingerprint = fingerprint
        fields.append("ledger_fingerprint")
    if preview is not None and pending.preview != preview:
        pending.preview = preview
        fields.append("preview")
    if fields:
        pending.save(update_fields=fields)
