"""The one family of money totals: one cluster-year's summary and the figures of many agree, to the øre.

All data synthetic («Syntetisk ...»), built through the services.
"""
import datetime
from decimal import Decimal

import pytest

from accounts import services
from accounts.models import ClusterYear, CostKind, EntryKind
from accounts.selectors import (
    cluster_year_figures,
    cluster_year_summary,
    cluster_years_with_totals,
    money_total,
)
from tests import factories

D = Decimal


@pytest.fixture
def ledger(users, cy_a, cy_b, initiative_a, initiative_b, aarhus_kommune):
    """Aarhus: funding, budgets in two areas, øre amounts, income, overhead, a reversal and a carry-over.
    Randers: spend over its funding."""
    sek_a, sek_b = users["secretariat_a"], users["secretariat_b"]
    randers_kommune = factories.member_municipality(cy_b.cluster)
    elderly = factories.initiative(cy_a, by=sek_a, name="Syntetisk ældreindsats", area_name="De sårbare ældre")
    factories.funding_line(cy_a, by=sek_a, municipality=aarhus_kommune, paid=D("100000.10"))
    factories.budget_line(cy_a, initiative_a, by=sek_a, municipality=aarhus_kommune, amount=D("60000.00"))
    factories.budget_line(cy_a, elderly, by=sek_a, municipality=aarhus_kommune, amount=D("1000.00"))

    def book(init, amount, **fields):
        return factories.entry(cy_a, init, by=sek_a, municipality=aarhus_kommune, amount=D(amount), **fields)

    for _ in range(30):  # 30 × 0,10 + 30 × 0,20: exact in øre, not 8,999999... as floats would give
        book(initiative_a, "0.10")
        book(initiative_a, "0.20")
    book(initiative_a, "50000.00")
    book(initiative_a, "1000.00", kind=EntryKind.INCOME)
    book(initiative_a, "300.30", cost_kind=CostKind.SECRETARIAT)
    book(initiative_a, "0.70", cost_kind=CostKind.RUNNING, booking_date=datetime.date(2022, 12, 31))
    book(elderly, "1500.00")  # 500 over the area's budget
    services.entry_reverse(entry=book(initiative_a, "777.77"), by=sek_a)
    factories.commitment(cy_a, by=sek_a, municipality=aarhus_kommune, amount=D("12000.00"))

    factories.funding_line(cy_b, by=sek_b, municipality=randers_kommune, paid=D("5000.00"))
    factories.budget_line(cy_b, initiative_b, by=sek_b, municipality=randers_kommune, amount=D("5000.00"))
    factories.entry(cy_b, initiative_b, by=sek_b, municipality=randers_kommune, amount=D("6000.01"))
    return cy_a, cy_b


def money(row):
    return {
        "allocated": row.allocated, "paid": row.paid, "budget": row.budget, "expenses": row.expenses,
        "income": row.income, "committed": row.committed, "spend": row.spend, "remaining": row.remaining,
        "unspent": row.unspent,
    }


def test_figures_of_many_cluster_years_are_each_summary_to_the_ore(ledger):
    cy_a, cy_b = ledger
    figures = {cy.pk: cy.figures for cy in cluster_year_figures(ClusterYear.objects.filter(pk__in=[cy_a.pk, cy_b.pk]))}
    # Aarhus: expenses 9,00 + 50.000 + 300,30 + 0,70 + 1.500 (the 777,77 and its reversal cancel) = 51.810,00
    assert money(figures[cy_a.pk].totals) == {
        "allocated": D("0.00"), "paid": D("100000.10"), "budget": D("61000.00"), "expenses": D("51810.00"),
        "income": D("1000.00"), "committed": D("12000.00"), "spend": D("50810.00"), "remaining": D("10190.00"),
        "unspent": D("49190.10"),
    }
    assert money(figures[cy_b.pk].totals)["unspent"] == D("-1000.01")
    for cy in (cy_a, cy_b):
        summary = cluster_year_summary(cy)
        assert money(figures[cy.pk].totals) == money(summary.totals)
        assert {name: (row.budget, row.spend) for name, row in figures[cy.pk].by_area.items()} == {
            row.label: (row.budget, row.spend) for row in summary.by_area if row.budget or row.spend
        }
        assert figures[cy.pk].cost_kind_spend == {row.key: row.spend for row in summary.cost_kinds if row.spend}


def test_what_the_region_page_warns_of(ledger):
    cy_a, cy_b = ledger
    figures = {cy.pk: cy.figures for cy in cluster_year_figures(ClusterYear.objects.filter(pk__in=[cy_a.pk, cy_b.pk]))}
    a, b = figures[cy_a.pk], figures[cy_b.pk]
    assert [(row.label, row.budget, row.spend) for row in a.overspent_areas] == [
        ("De sårbare ældre", D("1000.00"), D("1500.00")),
    ]
    assert (a.secretariat_spend, a.running_spend, a.overspent_funding) == (D("300.30"), D("0.70"), D("0.00"))
    assert a.late_entries == 0  # booked on 31.12: still in the year
    assert (b.overspent_funding, [row.label for row in b.overspent_areas]) == (D("1000.01"), ["Akutområdet"])


def test_region_total_is_the_sum_of_its_cluster_years(ledger):
    rows = [cy.figures.totals for cy in cluster_year_figures(ClusterYear.objects.filter(pk__in=[c.pk for c in ledger]))]
    total = money_total(rows)
    assert (total.key, total.label) == ("total", "I alt")
    assert money(total) == {name: sum((money(r)[name] for r in rows), D("0.00")) for name in money(total)}
    assert total.spend == D("50810.00") + D("6000.01")


def test_the_list_of_cluster_years_shows_the_same_totals(ledger):
    cy_a, cy_b = ledger
    listed = {cy.pk: cy for cy in cluster_years_with_totals(ClusterYear.objects.filter(pk__in=[cy_a.pk, cy_b.pk]))}
    for cy in (cy_a, cy_b):
        totals = cluster_year_summary(cy).totals
        row = listed[cy.pk]
        assert (row.funding_paid, row.budget_total, row.expenses_total, row.income_total, row.net_spend,
                row.remaining) == (totals.paid, totals.budget, totals.expenses, totals.income, totals.spend,
                                   totals.remaining)


def test_no_figures_for_no_cluster_years(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert cluster_year_figures(ClusterYear.objects.filter(year=1900)) == []


@pytest.mark.parametrize("n", [2, 300])
def test_figures_take_four_queries_whatever_the_size(users, cy_a, cy_b, initiative_a, aarhus_kommune, n,
                                                      django_assert_num_queries):
    rows = [
        factories.booking_row(initiative_a, aarhus_kommune, datetime.date(2022, 1 + i % 12, 1),
                              ("expense", "income")[i % 2], D(i + 1) / 4, "4.62.82", "Syntetisk", f"SYN-{i}",
                              ("development", "secretariat", "running")[i % 3])
        for i in range(n)
    ]
    services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"])
    with django_assert_num_queries(4):  # + the funding lines per party (the warnings' figures)
        found = cluster_year_figures(ClusterYear.objects.filter(pk__in=[cy_a.pk, cy_b.pk]))
    assert {cy.pk for cy in found} == {cy_a.pk, cy_b.pk}
    assert found[0].figures.totals.spend + found[1].figures.totals.spend == cluster_year_summary(cy_a).totals.spend
