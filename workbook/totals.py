"""The preview's totals: standing entries by initiative and by party, before → after the import.

Expenses and income are shown apart, never summed together. "Before" is one query over the
standing entries (grouped by initiative, party and kind); "after" adds the Regnskab plan's own
changes (``EntriesPlan.delta``): new rows, changed rows (old out, new in) and reversed rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from accounts.models import EntryKind
from accounts.parties import Party, PartyKeyError, party_key
from geography.models import Municipality
from workbook.selectors import live_entries

ZERO = Decimal("0.00")


@dataclass
class TotalRow:
    label: str
    expenses_before: Decimal = ZERO
    expenses_after: Decimal = ZERO
    income_before: Decimal = ZERO
    income_after: Decimal = ZERO

    @property
    def changed(self) -> bool:
        return self.expenses_before != self.expenses_after or self.income_before != self.income_after

    def as_json(self) -> dict:
        return {"label": self.label, "expenses_before": str(self.expenses_before),
                "expenses_after": str(self.expenses_after), "income_before": str(self.income_before),
                "income_after": str(self.income_after)}


@dataclass
class Totals:
    by_initiative: list[TotalRow]
    by_party: list[TotalRow]
    total: TotalRow


def _party_labels(keys, known: dict[str, str]) -> dict[str, str]:
    """Labels of the parties, with one query for municipalities outside the cluster's lists (if any)."""
    labels = dict(known)
    missing = {}
    for key in keys:
        if key in labels:
            continue
        try:
            party = Party.from_key(key)
        except PartyKeyError:
            labels[key] = key
            continue
        if party.municipality_id:
            missing[party.municipality_id] = key
        else:
            labels[key] = key
    if missing:
        for municipality in Municipality.objects.filter(pk__in=missing):
            labels[missing[municipality.pk]] = Party.municipality(municipality).label
    for key in keys:
        labels.setdefault(key, key)
    return labels


def preview_totals(plan) -> Totals:
    """Totals of a ``workbook.importer.WorkbookPlan``: one or two queries, whatever the number of rows."""
    cluster_year, lookups = plan.cluster_year, plan.lookups
    before: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    if cluster_year.pk is not None:
        grouped = live_entries(cluster_year).values(
            "initiative_id", "party_kind", "municipality_id", "region_id", "kind").annotate(total=Sum("amount"))
        for row in grouped:
            key = party_key(row["party_kind"], row["municipality_id"], row["region_id"])
            before[(row["initiative_id"], key, row["kind"])] += row["total"]
    after = defaultdict(lambda: ZERO, before)
    for key, amount in plan.entries.delta.items():
        after[key] += amount
    names = {i.pk: i.name for i in lookups.initiatives.values()}
    labels = _party_labels({key for _, key, _ in after}, lookups.party_labels)
    by_initiative: dict[str, TotalRow] = {}
    by_party: dict[str, TotalRow] = {}
    total = TotalRow("I alt")
    for (initiative_id, key, kind) in sorted(after, key=str):
        for rows, label in ((by_initiative, names.get(initiative_id, str(initiative_id))), (by_party, labels[key]),
                            (None, None)):
            row = total if rows is None else rows.setdefault(label, TotalRow(label))
            if kind == EntryKind.EXPENSE:
                row.expenses_before += before.get((initiative_id, key, kind), ZERO)
                row.expenses_after += after[(initiative_id, key, kind)]
            else:
                row.income_before += before.get((initiative_id, key, kind), ZERO)
                row.income_after += after[(initiative_id, key, kind)]
    return Totals(sorted(by_initiative.values(), key=lambda r: r.label),
                  sorted(by_party.values(), key=lambda r: r.label), total)
