"""The allocation engine: plain functions over Decimal, free of Django.

A pot is split between a municipal and a regional side.

Municipal side: the municipal pot is split over all clusters in proportion to
their (weighted) funding population.

Regional side: each region's amount is its block-grant key times the regional
pot; inside the region the amount is split over the region's clusters in
proportion to their (weighted) funding population, or by the region's own
weights per cluster when it has set them.

Every amount is whole kroner, rounded by largest remainder (Hamilton's method)
so that each side sums exactly to its pot, the regions' amounts sum exactly to
the regional pot, and within each region the clusters sum exactly to the
region's amount. Municipal contributions inside a cluster are rounded the same
way and sum exactly to the cluster's municipal amount.

Arithmetic is exact (fractions) until the final rounding; results are Decimal.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

ZERO = Decimal("0")
ONE = Decimal("1")


class AllocationError(ValueError):
    """The inputs do not allow an allocation (the message is Danish, for the user)."""


# --- inputs -----------------------------------------------------------------

@dataclass(frozen=True)
class ClusterIn:
    key: Hashable
    region: Hashable
    label: str = ""


@dataclass(frozen=True)
class FunderIn:
    """A municipality funding a cluster: its population, its share of it here, and its weight."""

    municipality: Hashable
    cluster: Hashable
    population: Decimal
    share: Decimal = ONE
    weight: Decimal = ONE
    label: str = ""

    @cached_property  # asked several times a funder by ``allocate``; the inputs are frozen
    def effective_population(self) -> Fraction:
        return Fraction(self.population) * Fraction(self.share) * Fraction(self.weight)


@dataclass
class AllocationInput:
    municipal_pot: Decimal
    regional_pot: Decimal
    region_keys: dict[Hashable, Decimal]
    clusters: Sequence[ClusterIn]
    # Population basis: either each cluster's funding population ...
    cluster_populations: dict[Hashable, Decimal] | None = None
    # ... or the funding municipalities (summed per cluster with their shares and weights).
    # When both are given, clusters use cluster_populations and funders only split
    # each cluster's municipal amount into contributions.
    funders: Sequence[FunderIn] | None = None
    # A region's own weights per cluster for the within-region split (population otherwise).
    region_cluster_weights: dict[Hashable, dict[Hashable, Decimal]] = field(default_factory=dict)


# --- outputs ----------------------------------------------------------------

@dataclass
class ClusterOut:
    key: Hashable
    region: Hashable
    label: str
    population: Decimal
    municipal: Decimal
    regional: Decimal
    municipal_exact: Decimal
    regional_exact: Decimal

    @property
    def total(self) -> Decimal:
        return self.municipal + self.regional


@dataclass
class RegionOut:
    key: Hashable
    block_key: Decimal
    population: Decimal
    municipal: Decimal
    regional: Decimal
    regional_exact: Decimal
    clusters: list[ClusterOut] = field(default_factory=list)
    uses_own_weights: bool = False

    @property
    def total(self) -> Decimal:
        return self.municipal + self.regional

    @property
    def rate(self) -> Decimal | None:
        """The regional side's amount per inhabitant of the region's clusters."""
        if not self.population:
            return None
        return _dec(Fraction(self.regional) / Fraction(self.population))


@dataclass
class ContributionOut:
    municipality: Hashable
    cluster: Hashable
    label: str
    population: Decimal
    share: Decimal
    weight: Decimal
    effective_population: Decimal
    exact: Decimal
    amount: Decimal


@dataclass
class AllocationResult:
    municipal_pot: Decimal
    regional_pot: Decimal
    population: Decimal
    municipal_rate: Decimal | None
    regions: list[RegionOut]
    clusters: list[ClusterOut]
    contributions: list[ContributionOut]

    @property
    def municipal_total(self) -> Decimal:
        return sum((c.municipal for c in self.clusters), ZERO)

    @property
    def regional_total(self) -> Decimal:
        return sum((c.regional for c in self.clusters), ZERO)

    @property
    def total(self) -> Decimal:
        return self.municipal_total + self.regional_total

    def cluster(self, key) -> ClusterOut:
        return self._clusters_by_key()[key]

    def region(self, key) -> RegionOut:
        return {r.key: r for r in self.regions}[key]

    def _clusters_by_key(self):
        return {c.key: c for c in self.clusters}

    def contributions_for(self, cluster_key) -> list[ContributionOut]:
        return [c for c in self.contributions if c.cluster == cluster_key]

    @property
    def regional_rate_range(self) -> tuple[Decimal, Decimal] | None:
        rates = [r.rate for r in self.regions if r.rate is not None]
        return (min(rates), max(rates)) if rates else None


# --- rounding ---------------------------------------------------------------

_QUANTA = {places: Decimal(1).scaleb(-places) for places in (6, 12)}


def _dec(value: Fraction, places: int = 12) -> Decimal:
    """A fraction as a Decimal with a fixed number of places (for display only)."""
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum)


def largest_remainder(total: int, weights: Sequence[Fraction | Decimal | int]) -> list[int]:
    """Split a whole number in proportion to weights; the parts are whole and sum exactly to total.

    Each part gets the floor of its exact quota; the units left go one each to the
    largest remainders (ties: first in order). A zero weight always gets zero.
    """
    if total < 0:
        raise AllocationError("Et beløb til fordeling kan ikke være negativt.")
    fractions = [w if isinstance(w, Fraction) else Fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise AllocationError("En fordelingsnøgle kan ikke være negativ.")
    whole = sum(fractions, Fraction(0))
    if not fractions:
        if total:
            raise AllocationError("Der er intet at fordele beløbet på.")
        return []
    if whole == 0:
        if total:
            raise AllocationError("Fordelingsnøglerne summerer til nul; beløbet kan ikke fordeles.")
        return [0] * len(fractions)
    quotas = [Fraction(total) * w / whole for w in fractions]
    parts = [q.numerator // q.denominator for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _whole_kroner(value: Decimal, label: str) -> int:
    if value != value.to_integral_value():
        raise AllocationError(f"{label} skal være et helt antal kroner.")
    return int(value)


# --- the allocation ---------------------------------------------------------

def allocate(data: AllocationInput) -> AllocationResult:
    municipal_pot = _whole_kroner(Decimal(data.municipal_pot), "Den kommunale pulje")
    regional_pot = _whole_kroner(Decimal(data.regional_pot), "Den regionale pulje")
    clusters = list(data.clusters)
    if not clusters:
        raise AllocationError("Runden har ingen klynger.")
    funders = list(data.funders or [])
    for funder in funders:
        if funder.population < 0 or funder.share < 0 or funder.weight < 0:
            raise AllocationError(f"{funder.label or funder.municipality}: negativt indbyggertal, andel eller vægt.")
    known = {c.key for c in clusters}
    unknown = [f for f in funders if f.cluster not in known]
    if unknown:
        raise AllocationError(f"{unknown[0].label or unknown[0].municipality} finansierer en ukendt klynge.")

    # population per cluster
    if data.cluster_populations is not None:
        missing = [c for c in clusters if c.key not in data.cluster_populations]
        if missing:
            raise AllocationError(f"{missing[0].label or missing[0].key} mangler et finansierende indbyggertal.")
        pops = {c.key: Fraction(Decimal(data.cluster_populations[c.key])) for c in clusters}
        if any(p < 0 for p in pops.values()):
            raise AllocationError("Et finansierende indbyggertal kan ikke være negativt.")
    elif data.funders is not None:
        pops = {c.key: Fraction(0) for c in clusters}
        for funder in funders:
            pops[funder.cluster] += funder.effective_population
    else:
        raise AllocationError("Der er intet befolkningsgrundlag.")

    # municipal side: all clusters nationally
    municipal_parts = largest_remainder(municipal_pot, [pops[c.key] for c in clusters])
    total_pop = sum(pops.values(), Fraction(0))
    municipal_exact = {
        c.key: (Fraction(municipal_pot) * pops[c.key] / total_pop if total_pop else Fraction(0)) for c in clusters
    }

    # regional side: regions by key, then clusters within the region
    region_order: list = []
    for c in clusters:
        if c.region not in region_order:
            region_order.append(c.region)
    for region in data.region_keys:
        if region not in region_order:
            raise AllocationError(f"Regionen {region} har en nøgle, men ingen klynger.")
    keys = []
    for region in region_order:
        if region not in data.region_keys:
            raise AllocationError(f"Regionen {region} mangler sin bloktilskudsnøgle.")
        key = Fraction(Decimal(data.region_keys[region]))
        if key < 0:
            raise AllocationError("En bloktilskudsnøgle kan ikke være negativ.")
        keys.append(key)
    key_sum = sum(keys, Fraction(0))
    region_parts = largest_remainder(regional_pot, keys)

    cluster_out: dict = {}
    regions_out: list[RegionOut] = []
    municipal_by_key = dict(zip([c.key for c in clusters], municipal_parts, strict=True))
    for region, key, region_amount in zip(region_order, keys, region_parts, strict=True):
        members = [c for c in clusters if c.region == region]
        own = data.region_cluster_weights.get(region)
        if own:
            missing = [c for c in members if c.key not in own]
            if missing:
                raise AllocationError(f"Regionens egne vægte mangler en vægt for {missing[0].label or missing[0].key}.")
            inner = [Fraction(Decimal(own[c.key])) for c in members]
        else:
            inner = [pops[c.key] for c in members]
        if region_amount and sum(inner, Fraction(0)) == 0:
            raise AllocationError(f"Regionen {region} har ingen indbyggere eller vægte at fordele sit beløb på.")
        parts = largest_remainder(region_amount, inner)
        inner_sum = sum(inner, Fraction(0))
        region_exact = Fraction(regional_pot) * key / key_sum if key_sum else Fraction(0)
        out = RegionOut(
            key=region,
            block_key=Decimal(data.region_keys[region]),
            population=_dec(sum((pops[c.key] for c in members), Fraction(0)), 6).normalize() + ZERO,
            municipal=Decimal(sum(municipal_by_key[c.key] for c in members)),
            regional=Decimal(region_amount),
            regional_exact=_dec(region_exact, 6),
            uses_own_weights=bool(own),
        )
        for c, part, weight in zip(members, parts, inner, strict=True):
            exact = Fraction(region_amount) * weight / inner_sum if inner_sum else Fraction(0)
            co = ClusterOut(
                key=c.key,
                region=region,
                label=c.label,
                population=_dec(pops[c.key], 6).normalize() + ZERO,
                municipal=Decimal(municipal_by_key[c.key]),
                regional=Decimal(part),
                municipal_exact=_dec(municipal_exact[c.key], 6),
                regional_exact=_dec(exact, 6),
            )
            cluster_out[c.key] = co
            out.clusters.append(co)
        regions_out.append(out)

    # municipal contributions: each funder's effective population times the rate,
    # rounded within the cluster so they sum exactly to the cluster's municipal amount
    rate = Fraction(municipal_pot) / total_pop if total_pop else None
    contributions: list[ContributionOut] = []
    funders_of: dict = {}
    for f in funders:  # each cluster's funders, in the funders' order
        funders_of.setdefault(f.cluster, []).append(f)
    for c in clusters:
        own_funders = funders_of.get(c.key, [])
        if not own_funders:
            continue
        amount = municipal_by_key[c.key]
        weights = [f.effective_population for f in own_funders]
        if amount and sum(weights, Fraction(0)) == 0:
            raise AllocationError(f"{c.label or c.key}: de finansierende kommuner har ingen indbyggere.")
        parts = largest_remainder(amount, weights)
        for f, part in zip(own_funders, parts, strict=True):
            contributions.append(
                ContributionOut(
                    municipality=f.municipality,
                    cluster=c.key,
                    label=f.label,
                    population=Decimal(f.population),
                    share=Decimal(f.share),
                    weight=Decimal(f.weight),
                    effective_population=_dec(f.effective_population, 6),
                    exact=_dec(f.effective_population * rate, 6) if rate is not None else ZERO,
                    amount=Decimal(part),
                )
            )

    return AllocationResult(
        municipal_pot=Decimal(municipal_pot),
        regional_pot=Decimal(regional_pot),
        population=_dec(total_pop, 6).normalize() + ZERO,
        municipal_rate=_dec(rate) if rate is not None else None,
        regions=regions_out,
        clusters=[cluster_out[c.key] for c in clusters],
        contributions=contributions,
    )
