"""What the labels of the Budget and Videreførelse sheets mean in a cluster-year, and the cells they stand in.

Shared by ``workbook.budget_sheet`` and ``workbook.carryover_sheet``: a party by its label (the
municipality's name, «X Kommune», «Region Y» or the region's bare name), a funding source by its
label or value, an area of the year by its name; and whether the cluster-year's status lets a sheet
change anything (the rule is users.access's table, read here, not restated).
"""
from __future__ import annotations

from openpyxl.utils import get_column_letter

from accounts.models import FundingSource, InitiativeArea, ReviewStatus
from accounts.parties import Party
from geography.selectors import cluster_municipalities
from users.access import PERMISSIONS, REFUSALS
from workbook.cells import label_key, text_value
from workbook.safety import Problem


def cell(columns, key: str, row_number: int) -> str:
    """«C12»: the cell of ``key`` (a layout column key) in the row."""
    index = next(i for i, (k, _, _) in enumerate(columns) if k == key)
    return f"{get_column_letter(index + 1)}{row_number}"


def party_labels(cluster_year, extra=()) -> dict[str, Party]:
    """label key -> Party: the cluster's municipalities in the year and its region, plus ``extra``
    parties (those with rows in the portal already, so that an exported row reads back). One query."""
    parties: dict[str, Party] = {}
    for party in extra:
        parties[label_key(party.label)] = party
    for municipality in cluster_municipalities(cluster_year.cluster, cluster_year.year).values():
        party = Party.municipality(municipality)
        for label in (municipality.name, f"{municipality.name} Kommune", f"{municipality.name}s Kommune"):
            parties[label_key(label)] = party
    region = Party.region(cluster_year.cluster.region)
    for label in (region.label, cluster_year.cluster.region.name):
        parties[label_key(label)] = region
    return parties


def source_labels() -> dict[str, str]:
    sources = {label_key(label): value for value, label in FundingSource.choices}
    sources.update({label_key(value): value for value in FundingSource.values})
    return sources


def area_labels(year: int) -> dict[str, InitiativeArea]:
    return {label_key(area.name): area for area in InitiativeArea.objects.filter(year=year)}


def status_problem(action: str, cluster_year) -> str | None:
    """Why the cluster-year's status or close refuses ``action`` to everyone (users.access's table), or None.

    The role and scope of the user are asked again by the services when the plan is applied.
    """
    _, statuses, closed_ok = PERMISSIONS[action]
    if cluster_year.status not in statuses:
        template = REFUSALS.get(action, "Handlingen er ikke mulig i status «{status}».")
        return template.format(status=ReviewStatus(cluster_year.status).label)
    if not closed_ok and cluster_year.closed_at is not None:
        return f"Året {cluster_year.year} er afsluttet for klyngen; det kan kun genåbnes af en administrator."
    return None


def read_label(value) -> tuple[str, str]:
    """(the cell's text, its lookup key)."""
    text = text_value(value)
    return text, label_key(text)


__all__ = ["Problem", "area_labels", "cell", "party_labels", "read_label", "source_labels", "status_problem"]
