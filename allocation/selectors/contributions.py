"""The allocation as the accounts read it: a cluster's start-up contributions in a year.

This is the API the accounts app uses (``accounts.services`` proposes its funding
lines from it). Each line names its party as the accounts do (``accounts.parties.Party``),
and a municipality's line names one of the cluster's members in the year's map
(``geography.selectors.cluster_municipalities``), the same members the accounts check
a party against.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import PartyKind
from accounts.parties import Party
from allocation.models import AllocationRound
from allocation.selectors.computation import compute_round, published_round
from geography.models import Cluster, Municipality, Region
from geography.selectors import cluster_municipalities


@dataclass(frozen=True)
class ContributionLine:
    """One party's start-up contribution to a cluster in a year (whole kroner).

    party_kind (a ``PartyKind``): "municipality" (one municipality, with København's share
    where shared), "municipalities" (the cluster's funding municipalities jointly, when their
    populations are not loaded) or "region".
    """

    party_kind: str
    municipality: Municipality | None
    region: Region | None
    amount: Decimal
    round: AllocationRound

    @property
    def party(self) -> Party:
        """The line's party, with the accounts' stable key (``.key``) and label."""
        if self.party_kind == PartyKind.MUNICIPALITY:
            return Party.municipality(self.municipality)
        if self.party_kind == PartyKind.REGION:
            return Party.region(self.region)
        return Party.joint()


def startup_contributions(cluster: Cluster, year: int) -> list[ContributionLine]:
    """The start-up contributions to a cluster by the published round of the year; [] without one.

    One line per funding municipality when the round can tell each one's contribution, else one
    line for the cluster's municipalities jointly; then the region's line.
    """
    round_ = published_round(year)
    if round_ is None:
        return []
    comp = compute_round(round_)
    if comp.result is None or cluster.pk not in {c.key for c in comp.result.clusters}:
        return []
    out = comp.result.cluster(cluster.pk)
    lines: list[ContributionLine] = []
    contributions = comp.result.contributions_for(cluster.pk)
    members = cluster_municipalities(cluster, year, funding_only=True) if contributions else {}
    if contributions and all(c.municipality in members for c in contributions):
        lines.extend(
            ContributionLine(PartyKind.MUNICIPALITY, members[c.municipality], None, c.amount, round_)
            for c in contributions
        )
    else:
        lines.append(ContributionLine(PartyKind.MUNICIPALITIES_JOINTLY, None, None, out.municipal, round_))
    lines.append(ContributionLine(PartyKind.REGION, None, comp.regions[out.region], out.regional, round_))
    return lines
