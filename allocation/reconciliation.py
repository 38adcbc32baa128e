"""Reconciliation of a computed round with its published table, cell by cell.

Each published cell is compared with the computed one: `match` (equal),
`rounding` (at most 1 kr. apart) or `deviation`. Beside that, the published
table is checked against itself: do its cluster cells sum to the region's
subtotal, and its subtotals to the total? For 2022 Region Syddanmark's regional
column does not: its four cluster cells sum to 8.563.999, 6.344 kr. above the
subtotal 8.557.655.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from allocation.models import PublishedRow
from allocation.selectors import Computation

COLUMNS = ("municipalities_kr", "region_kr", "total_kr")
COLUMN_LABELS = {"municipalities_kr": "Kommuner", "region_kr": "Region", "total_kr": "I alt"}
KIND_LABELS = {"match": "Ens", "rounding": "Afrunding (højst 1 kr.)", "deviation": "Afvigelse"}
ROUNDING_TOLERANCE = Decimal("1")
# A published subtotal is rounded from unrounded figures, like its cells: the cells may
# miss it by up to half a krone each, plus half a krone for the subtotal itself.
INTERNAL_TOLERANCE_PER_CELL = Decimal("0.5")


def classify(difference: Decimal, tolerance: Decimal = ROUNDING_TOLERANCE) -> str:
    if difference == 0:
        return "match"
    if abs(difference) <= tolerance:
        return "rounding"
    return "deviation"


@dataclass
class Cell:
    row: PublishedRow
    column: str
    computed: Decimal
    published: Decimal

    @property
    def difference(self) -> Decimal:
        return self.computed - self.published

    @property
    def kind(self) -> str:
        return classify(self.difference)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS[self.column]

    @property
    def region_name(self) -> str:
        return self.row.region.name if self.row.region else ""

    @property
    def cluster_name(self) -> str:
        return self.row.cluster.name if self.row.cluster else ""


@dataclass
class InternalCheck:
    """The published table against itself: parts that should sum to a printed whole."""

    what: str
    region_name: str
    column: str
    parts: int
    parts_sum: Decimal
    printed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.parts_sum - self.printed

    @property
    def abs_difference(self) -> Decimal:
        return abs(self.difference)

    @property
    def kind(self) -> str:
        return classify(self.difference, INTERNAL_TOLERANCE_PER_CELL * (self.parts + 1))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)


@dataclass
class Reconciliation:
    cells: list[Cell]
    internal: list[InternalCheck]
    error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(cell.kind for cell in self.cells)
        return {kind: counter.get(kind, 0) for kind in KIND_LABELS}

    @property
    def deviations(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.kind == "deviation"]

    @property
    def internal_deviations(self) -> list[InternalCheck]:
        return [check for check in self.internal if check.kind == "deviation"]

    def subtotal_cell(self, check: InternalCheck) -> Cell | None:
        """The computed region subtotal beside the printed one an internal check is about."""
        return next(
            (
                cell for cell in self.cells
                if cell.row.row_kind == "region_subtotal" and cell.region_name == check.region_name
                and cell.column == check.column
            ),
            None,
        )

    def deviating_cells_in(self, check: InternalCheck) -> list[Cell]:
        """The cluster cells of the region and column of an internal deviation that deviate from the computation."""
        return [
            cell for cell in self.deviations
            if cell.row.row_kind == "cluster" and cell.region_name == check.region_name and cell.column == check.column
        ]


def published_rows(round_) -> list[PublishedRow]:
    return list(PublishedRow.objects.filter(round=round_).select_related("region", "cluster").order_by("position"))


def reconcile(comp: Computation, rows: list[PublishedRow] | None = None) -> Reconciliation:
    if rows is None:
        rows = published_rows(comp.round)
    internal = internal_checks(rows)
    if comp.result is None:
        return Reconciliation([], internal, comp.error)
    result = comp.result
    regions = {r.key: r for r in result.regions}
    clusters = {c.key: c for c in result.clusters}
    cells: list[Cell] = []
    for row in rows:
        if row.row_kind == "cluster":
            computed = clusters.get(row.cluster_id)
            values = (computed.municipal, computed.regional, computed.total) if computed else None
        elif row.row_kind == "region_subtotal":
            computed = regions.get(row.region_id)
            values = (computed.municipal, computed.regional, computed.total) if computed else None
        else:
            values = (result.municipal_total, result.regional_total, result.total)
        if values is None:
            values = (Decimal("0"),) * 3
        for column, value in zip(COLUMNS, values, strict=True):
            cells.append(Cell(row, column, value, getattr(row, column)))
    return Reconciliation(cells, internal)


def internal_checks(rows: list[PublishedRow]) -> list[InternalCheck]:
    checks: list[InternalCheck] = []
    by_region: dict[str, list[PublishedRow]] = {}
    subtotals: list[PublishedRow] = []
    total = None
    for row in rows:
        if row.row_kind == "cluster":
            by_region.setdefault(row.region.name, []).append(row)
        elif row.row_kind == "region_subtotal":
            subtotals.append(row)
        else:
            total = row
    for sub in subtotals:
        cells = by_region.get(sub.region.name, [])
        for column in COLUMNS:
            checks.append(
                InternalCheck(
                    "Klynger mod regionens subtotal", sub.region.name, column, len(cells),
                    sum((getattr(c, column) for c in cells), Decimal("0")), getattr(sub, column),
                )
            )
    if total is not None:
        for column in COLUMNS:
            checks.append(
                InternalCheck(
                    "Regionernes subtotaler mod i alt", "", column, len(subtotals),
                    sum((getattr(s, column) for s in subtotals), Decimal("0")), getattr(total, column),
                )
            )
    for row in rows:
        checks.append(
            InternalCheck(
                "Kommuner + region mod i alt (rækken)",
                row.region.name if row.region else "",
                f"{row.cluster.name if row.cluster else ('Region i alt' if row.region else 'I alt')}",
                2, row.municipalities_kr + row.region_kr, row.total_kr,
            )
        )
    return checks
