"""The cluster map's rules for a year that the database alone cannot hold.

The database holds one membership per municipality, cluster and year, at most
one full funding membership per municipality and year, and a share only on a
shared funding. What needs the whole year's map is checked here, and the
problems are shown in the admin and on the cluster pages:

- every municipality funds exactly one cluster (fully, or shared between clusters);
- a shared funder funds at least two clusters, funds none fully, and its shares,
  once set, sum to exactly 1 (``shared_share_problems``);
- a cluster and its member municipalities lie in one region.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from geography.models import Membership, MembershipKind, Municipality, shared_share_problems


@dataclass(frozen=True)
class MapProblem:
    municipality_id: int | None
    region_id: int | None
    text: str


def map_problems(year: int) -> list[MapProblem]:
    """Every rule broken by the year's map (empty when there is no map for the year). Three queries."""
    rows = list(
        Membership.objects.filter(year=year).values(
            "municipality_id", "municipality__name", "municipality__region_id",
            "cluster__name", "cluster__region_id", "cluster__region__name", "kind",
        )
    )
    if not rows:
        return []
    problems: list[MapProblem] = []
    funding = defaultdict(list)
    shared = defaultdict(list)
    for row in rows:
        if row["cluster__region_id"] != row["municipality__region_id"]:
            problems.append(MapProblem(
                row["municipality_id"], row["municipality__region_id"],
                f"{row['municipality__name']} er medlem af {row['cluster__name']} "
                f"(Region {row['cluster__region__name']}), men ligger i en anden region.",
            ))
        if row["kind"] == MembershipKind.FUNDING:
            funding[row["municipality_id"]].append(row["cluster__name"])
        elif row["kind"] == MembershipKind.SHARED_FUNDING:
            shared[row["municipality_id"]].append(row["cluster__name"])
    for municipality in Municipality.objects.order_by("code"):
        full, parts = funding.get(municipality.pk, []), shared.get(municipality.pk, [])
        if not full and not parts:
            problems.append(MapProblem(municipality.pk, municipality.region_id, f"{municipality.name} finansierer ingen klynge i {year}."))
        elif full and parts:
            problems.append(MapProblem(
                municipality.pk, municipality.region_id,
                f"{municipality.name} finansierer {full[0]} fuldt ud og har også delt finansiering "
                f"({', '.join(parts)}) i {year}.",
            ))
        elif len(full) > 1:
            problems.append(MapProblem(
                municipality.pk, municipality.region_id, f"{municipality.name} finansierer {len(full)} klynger i {year}: {', '.join(full)}.",
            ))
        elif len(parts) == 1:
            problems.append(MapProblem(
                municipality.pk, municipality.region_id,
                f"{municipality.name} har delt finansiering (*) af kun én klynge ({parts[0]}) i {year}.",
            ))
    names = {row["municipality__name"]: (row["municipality_id"], row["municipality__region_id"]) for row in rows}
    for text in shared_share_problems(year):
        municipality_id, region_id = names.get(text.split(":", 1)[0], (None, None))
        problems.append(MapProblem(municipality_id, region_id, text))
    return problems
