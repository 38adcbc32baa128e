"""The one list of warnings of a cluster-year, shown alike to the secretariat and the SSU.

``cluster_year_warnings(cluster_year, figures)`` computes every warning from figures the page already
has: the accounts page's ``ClusterYearSummary`` or an overview's ``YearFigures`` (both name the same
attributes: totals, by_area, by_party, by_initiative, largest_entry, entries_outside_year,
unpaid_funding_lines). Without figures it reads ``cluster_year_figures`` (four queries). No query of
its own, no sums of its own: the money is the accounts family's.

The warnings (``code``):

- ``large_entry``: a single entry above ``ClusterYear.large_entry_share`` % of the funding;
- ``party_unspent_negative``: a party has spent more than it paid in;
- ``party_budget_above_funding``: a party's budget is above its funding (paid, or allocated if more);
- ``initiative_without_budget``: spend on an initiative that has no budget;
- ``secretariat_spend``, ``running_spend``: section A (start-up and local funds are for development);
- ``entries_outside_year``: entries dated outside the accounts' year;
- ``funding_not_paid``: an allocated funding line with nothing paid (a joint municipal line split
  on its municipalities is paid through them, and is no shortfall);
- ``area_overspent``, ``spend_above_funding``: an area's spend above its budget, all spend above funding.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import CostKind, FundingSource
from accounts.parties import JOINT_KEY
from klyngeportal.formats import format_kr, format_number

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Warning:
    code: str
    text: str
    link: str
    kind: str = "warn"  # "warn" or "bad" (money already wrong)


def _rows(value) -> list:
    return list(value.values()) if isinstance(value, dict) else list(value)


def _cost_spend(figures) -> dict[str, Decimal]:
    if hasattr(figures, "cost_kind_spend"):
        return figures.cost_kind_spend
    return {row.key: row.spend for row in figures.cost_kinds}


def _unpaid(figures) -> list[tuple[str, Decimal, str]]:
    """(party label, allocated, source label) of each allocated line with nothing paid."""
    found = []
    for line in figures.unpaid_funding_lines:
        source = getattr(line, "source", None) or line.group
        found.append((getattr(line, "party_label", None) or line.label, line.allocated,
                      FundingSource(source).label if source in FundingSource.values else ""))
    return found


def kr2(value) -> str:
    return format_kr(value, 2)


def cluster_year_warnings(cluster_year, figures=None) -> list[Warning]:
    """Every warning of the cluster-year, in a fixed order, each with a Danish text and a link to the rows."""
    if figures is None:
        from accounts.models import ClusterYear
        from accounts.selectors.overview import cluster_year_figures

        figures = cluster_year_figures(ClusterYear.objects.filter(pk=cluster_year.pk))[0].figures
    cy = cluster_year
    page = reverse("accounts:cluster_year_detail", args=[cy.pk])
    entries = reverse("accounts:entry_list", args=[cy.pk])
    totals = figures.totals
    found: list[Warning] = []

    funding = totals.paid if totals.paid > 0 else totals.allocated
    largest = figures.largest_entry or ZERO
    if funding > 0:
        limit = (funding * cy.large_entry_share / HUNDRED).quantize(Decimal("0.01"))
        if largest > limit:
            found.append(Warning("large_entry", (
                f"En enkelt postering på {kr2(largest)} er over {format_number(cy.large_entry_share, 2)} % af "
                f"finansieringen {kr2(funding)} (grænse {kr2(limit)})"), f"{entries}?sort=-amount"))

    for row in _rows(figures.by_party):
        if row.key == JOINT_KEY:
            continue
        party_link = f"{entries}?{urlencode({'party': row.key})}"
        if row.unspent < 0:
            found.append(Warning("party_unspent_negative", (
                f"{row.label}: ikke forbrugt er {kr2(row.unspent)} (forbrug {kr2(row.spend)} mod indbetalt "
                f"{kr2(row.paid)})"), party_link, "bad"))
        party_funding = max(row.paid, row.allocated)
        if row.budget > party_funding:
            found.append(Warning("party_budget_above_funding", (
                f"{row.label}: budgettet {kr2(row.budget)} er større end finansieringen {kr2(party_funding)}"),
                f"{page}#parter"))

    for row in _rows(figures.by_initiative):
        if row.budget == 0 and (row.expenses or row.income):
            found.append(Warning("initiative_without_budget", (
                f"Forbrug uden budget på indsatsen «{row.label}»: {kr2(row.spend)}"),
                f"{entries}?{urlencode({'initiative': row.key})}"))

    for area in sorted(_rows(figures.by_area), key=lambda r: r.label):
        if area.spend > area.budget:
            found.append(Warning("area_overspent", (
                f"Merforbrug på {area.label}: forbrug {format_kr(area.spend)} mod budget {format_kr(area.budget)}"),
                f"{page}#omraader", "bad"))
    if totals.unspent < 0:
        found.append(Warning("spend_above_funding",
                             f"Forbruget overstiger finansieringen med {format_kr(-totals.unspent)}",
                             f"{page}#parter", "bad"))

    # Section A: the start-up (and local) funds are for development; any such spend is flagged (0 %).
    cost_spend = _cost_spend(figures)
    for code, cost_kind, label in (("secretariat_spend", CostKind.SECRETARIAT, "sekretariatsbetjening"),
                                   ("running_spend", CostKind.RUNNING, "drift")):
        if cost_spend.get(cost_kind, ZERO):
            found.append(Warning(code, f"Forbrug på {label}: {format_kr(cost_spend[cost_kind])}",
                                 f"{entries}?{urlencode({'cost_kind': cost_kind})}"))

    outside = figures.entries_outside_year
    if outside:
        noun = "postering" if outside == 1 else "posteringer"
        found.append(Warning("entries_outside_year", f"{outside} {noun} dateret uden for {cy.year}", entries))

    for label, allocated, source in _unpaid(figures):
        found.append(Warning("funding_not_paid", (
            f"{source}: {label} har fået tildelt {kr2(allocated)}, men intet er indbetalt"), f"{page}#finansiering"))
    return found
