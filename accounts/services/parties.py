"""The one party rule of the accounts: who may book, budget, fund or commit in a cluster-year."""
from __future__ import annotations

from accounts.models import ClusterYear, PartyKind
from accounts.parties import Party, region_label


def party_of(party_kind, municipality=None, region=None) -> Party:
    """The Party of a service's keyword arguments (instances or pks)."""
    return Party(
        party_kind or "",
        municipality_id=getattr(municipality, "pk", municipality),
        region_id=getattr(region, "pk", region),
    )


def party_problem(cluster_year: ClusterYear, party: Party, members) -> str | None:
    """None if the party is one of the cluster's municipalities (``members``, by pk) or its region.

    Otherwise a Danish message. The joint party of proposed start-up funds is not a party one books on.
    """
    if party.kind == PartyKind.MUNICIPALITY:
        if not party.municipality_id:
            return "Vælg kommunen."
        if party.region_id:
            return "En postering hører til enten en kommune eller regionen, ikke begge."
        if party.municipality_id not in members:
            return f"Kommunen deltager ikke i {cluster_year.cluster.name} i {cluster_year.year}."
        return None
    if party.kind == PartyKind.REGION:
        if party.municipality_id:
            return "En postering hører til enten en kommune eller regionen, ikke begge."
        if party.region_id != cluster_year.cluster.region_id:
            region = region_label(cluster_year.cluster.region.name)
            return f"Kun {region} hører til {cluster_year.cluster.name}."
        return None
    return "Vælg en kommune eller regionen som part."
