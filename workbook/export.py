"""Serve the template and the export; find a cluster and the acting user from command-line words."""
from __future__ import annotations

import tempfile

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import FileResponse

from geography.models import Cluster, Region
from workbook.builder import build_for, export_filename

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(*, cluster, year: int, cluster_year=None, blank: bool) -> FileResponse:
    """Build into a spooled temporary file (memory up to 8 MB, then disk) and stream it."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    build_for(cluster=cluster, year=year, cluster_year=cluster_year, blank=blank, out=spool)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=export_filename(cluster, year, blank=blank),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def find_region(text: str) -> Region:
    """A region by DST code (1081-1085) or by name, with or without «Region»."""
    text = (text or "").strip()
    if text.isdigit():
        region = Region.objects.filter(code=int(text)).first()
    else:
        name = text[7:].strip() if text.lower().startswith("region ") else text
        region = Region.objects.filter(name__iexact=name).first() or Region.objects.filter(slug=name.lower()).first()
    if region is None:
        known = ", ".join(f"{r.name} ({r.code})" for r in Region.objects.order_by("code"))
        raise CommandError(f"Ukendt region «{text}». Kendte regioner: {known}.")
    return region


def find_cluster(region_text: str, cluster_text: str) -> Cluster:
    """A cluster by name (or slug) within a region: three names repeat across regions."""
    region = find_region(region_text)
    text = (cluster_text or "").strip()
    cluster = (
        Cluster.objects.select_related("region").filter(region=region, name__iexact=text).first()
        or Cluster.objects.select_related("region").filter(region=region, slug=text.lower()).first()
    )
    if cluster is None:
        known = ", ".join(region.clusters.order_by("name").values_list("name", flat=True))
        raise CommandError(f"Ukendt klynge «{text}» i Region {region.name}. Klynger i regionen: {known}.")
    return cluster


def acting_user(username: str | None):
    """The user a command acts as (``--user``): named, existing and active; what they may do is
    asked of users.access by the command."""
    if not username:
        raise CommandError("Angiv med --user BRUGERNAVN, hvem der udfører handlingen.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Ukendt bruger «{username}».")
    if not user.is_active:
        raise CommandError(f"Brugeren «{username}» er deaktiveret.")
    return user
