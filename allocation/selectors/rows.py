"""Presentation rows of a computed round: Table 1's layout, and two rounds side by side."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allocation.selectors.computation import Computation
from geography.models import Cluster, Region

# --- the result in Table 1's layout ------------------------------------------

@dataclass
class ResultRow:
    row_kind: str  # cluster, region_subtotal, total
    region: Region | None
    cluster: Cluster | None
    municipalities_kr: Decimal
    region_kr: Decimal
    total_kr: Decimal
    population: Decimal | None = None
    rate: Decimal | None = None  # the regional side's kr. per inhabitant (region rows)

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else ""

    @property
    def cluster_name(self) -> str:
        return self.cluster.name if self.cluster else ""

    @property
    def population_places(self) -> int:
        """Decimals to show: whole inhabitants unless a shared funder's split makes a fraction."""
        if self.population is None or self.population == self.population.to_integral_value():
            return 0
        return 2


def result_rows(comp: Computation) -> list[ResultRow]:
    """Regions with their clusters and a subtotal, then the grand total (as Table 1 is laid out)."""
    result = comp.result
    if result is None:
        return []
    rows: list[ResultRow] = []
    for region in result.regions:
        region_obj = comp.regions[region.key]
        for c in region.clusters:
            rows.append(
                ResultRow("cluster", region_obj, comp.clusters[c.key], c.municipal, c.regional, c.total, c.population)
            )
        rows.append(
            ResultRow(
                "region_subtotal", region_obj, None, region.municipal, region.regional, region.total,
                region.population, region.rate,
            )
        )
    rows.append(
        ResultRow(
            "total", None, None, result.municipal_total, result.regional_total, result.total, result.population
        )
    )
    return rows


# --- two rounds side by side -------------------------------------------------

@dataclass
class CompareRow:
    row_kind: str
    region: Region | None
    cluster: Cluster | None
    a: ResultRow | None
    b: ResultRow | None

    def _pair(self, column):
        va = getattr(self.a, column) if self.a else Decimal("0")
        vb = getattr(self.b, column) if self.b else Decimal("0")
        return va, vb

    def difference(self, column: str) -> Decimal:
        va, vb = self._pair(column)
        return vb - va

    def percent(self, column: str) -> Decimal | None:
        """B's change from A as a fraction of A (None when A is zero)."""
        va, vb = self._pair(column)
        if not va:
            return None
        return ((vb - va) / va).quantize(Decimal("0.000001"))

    def cells(self):
        """(column, a, b, difference, fraction) for municipal, regional and total."""
        out = []
        for column in ("municipalities_kr", "region_kr", "total_kr"):
            va, vb = self._pair(column)
            out.append((column, va, vb, vb - va, self.percent(column)))
        return out

    @property
    def region_name(self) -> str:
        return self.region.name if self.region else ""

    @property
    def cluster_name(self) -> str:
        return self.cluster.name if self.cluster else ""


def compare(comp_a: Computation, comp_b: Computation) -> list[CompareRow]:
    """Per cluster and per region (and in total): B less A, in kroner and per cent of A. Rows in A's layout."""
    rows_a, rows_b = result_rows(comp_a), result_rows(comp_b)

    def key(row: ResultRow):
        return (row.row_kind, row.region.pk if row.region else None, row.cluster.pk if row.cluster else None)

    by_key_b = {key(r): r for r in rows_b}
    out = [CompareRow(r.row_kind, r.region, r.cluster, r, by_key_b.pop(key(r), None)) for r in rows_a]
    # clusters only in B go before the grand total
    extra = [CompareRow(r.row_kind, r.region, r.cluster, None, r) for r in by_key_b.values()]
    if extra and out and out[-1].row_kind == "total":
        out[-1:-1] = extra
    else:
        out.extend(extra)
    return out
