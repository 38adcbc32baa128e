"""Phasing and forecast (issue 13 part 4): equal by default, per month or quarter, sums exact to the øre."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import BudgetMonth, PartyKind
from accounts.selectors import cluster_year_summary
from accounts.selectors.phasing import cluster_year_phasing
from accounts.services.phasing import budget_phasing_set, equal_spread, quarters_to_months

D = Decimal


def test_equal_spread_of_100_over_12_months_sums_exactly():
    months = equal_spread(D("100.00"))
    assert len(months) == 12
    assert sum(months) == D("100.00")
    assert months[:11] == [D("8.33")] * 11 and months[11] == D("8.37")


@pytest.mark.parametrize("amount", ["0.00", "0.01", "0.11", "11.99", "1234567.89"])
def test_equal_spread_boundaries(amount):
    months = equal_spread(D(amount))
    assert sum(months) == D(amount)
    assert all(m >= 0 for m in months)


def test_quarters_spread_over_their_months():
    months = quarters_to_months({1: D("100.00"), 2: D("0.00"), 3: D("0.01"), 4: D("50.00")})
    assert [months[m] for m in (1, 2, 3)] == [D("33.33"), D("33.33"), D("33.34")]
    assert months[9] == D("0.01") and months[7] == months[8] == D("0.00")
    assert sum(months.values()) == D("150.01")


@pytest.fixture
def line(users, cy_a, initiative_a, aarhus_kommune):
    return services.budget_line_set(
        cluster_year=cy_a, by=users["secretariat_a"], initiative=initiative_a, source="startup",
        party_kind=PartyKind.MUNICIPALITY, municipality=aarhus_kommune, amount=D("1200.00"),
    )


def test_no_rows_is_equal(line, cy_a):
    assert not BudgetMonth.objects.exists()
    phasing = cluster_year_phasing(cluster_year_summary(cy_a), today=datetime.date(2023, 1, 1))
    assert phasing.budget_by_month == [D("100.00")] * 12
    assert phasing.cumulative_budget[-1] == D("1200.00")


def test_phasing_must_sum_to_the_line_exactly(line, users):
    months = {m: D("100.00") for m in range(1, 13)}
    months[12] = D("100.01")  # one øre over
    with pytest.raises(ValidationError, match="forskellen er"):
        budget_phasing_set(line=line, by=users["secretariat_a"], months=months)
    months[12] = D("99.99")  # one øre under
    with pytest.raises(ValidationError):
        budget_phasing_set(line=line, by=users["secretariat_a"], months=months)
    assert not BudgetMonth.objects.exists()
    months = {m: D("0.00") for m in range(1, 13)}
    months[3] = D("1200.00")
    budget_phasing_set(line=line, by=users["secretariat_a"], months=months)
    assert BudgetMonth.objects.filter(budget_line=line).count() == 12


def test_an_equal_phasing_stores_nothing_and_an_amount_change_drops_the_phasing(line, users):
    budget_phasing_set(line=line, by=users["secretariat_a"], months={m: D("100.00") for m in range(1, 13)})
    assert not BudgetMonth.objects.exists()
    budget_phasing_set(line=line, by=users["secretariat_a"], months={**{m: D("0") for m in range(1, 12)},
                                                                     12: D("1200.00")})
    assert BudgetMonth.objects.count() == 12
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="600,00")
    assert not BudgetMonth.objects.exists()


def test_forecast_is_spend_to_date_plus_the_phased_budget_to_come(line, users, cy_a, entry_kwargs):
    months = {m: D("0.00") for m in range(1, 13)}
    months.update({1: D("200.00"), 6: D("400.00"), 12: D("600.00")})
    budget_phasing_set(line=line, by=users["secretariat_a"], months=months)
    services.entry_create(**entry_kwargs(amount=D("150.00"), booking_date=datetime.date(2022, 2, 10)))
    summary = cluster_year_summary(cy_a)
    phasing = cluster_year_phasing(summary, today=datetime.date(2022, 6, 15))
    assert phasing.months_passed == 6
    assert phasing.cumulative_budget[5] == D("600.00")
    assert phasing.cumulative_spend[1] == D("150.00") == phasing.cumulative_spend[-1]
    assert phasing.forecast == D("150.00") + D("600.00")  # December's 600 is still to come
    party = next(r for r in summary.by_party if r.key == line.party_key)
    assert party.forecast == D("750.00")
    assert party.forecast_unspent == party.paid - D("750.00")
    # A past year: the forecast is what was spent.
    assert cluster_year_phasing(cluster_year_summary(cy_a), today=datetime.date(2023, 3, 1)).forecast == D("150.00")


def test_phasing_form_per_month_and_quarter(line, users, client_for, cy_a):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:budget_phasing", args=[cy_a.pk, line.pk])
    page = client.get(url).content.decode()
    assert "fordelt ligeligt" in page and "100,00" in page
    data = {f"p{m}": "100,00" for m in range(1, 13)}
    data["p12"] = "100,01"
    response = client.post(url, data)
    assert response.status_code == 200 and "forskellen er" in response.content.decode()
    response = client.post(url + "?per=kvartal", {"p1": "1.200,00", "p2": "0", "p3": "0", "p4": "0"})
    assert response.status_code == 302
    assert [m.amount for m in BudgetMonth.objects.filter(budget_line=line).order_by("month")][:4] == [
        D("400.00"), D("400.00"), D("400.00"), D("0.00")]
    response = client.post(url, {"equal": "1"})
    assert response.status_code == 302 and not BudgetMonth.objects.exists()
    assert client_for(users["ssu_a"]).get(url).status_code in (403, 404)


def test_carryover_page_shows_the_forecast_unspent(line, users, client_for, cy_a, entry_kwargs, aarhus_kommune):
    services.funding_line_create(cluster_year=cy_a, by=users["secretariat_a"], source="startup",
                                 party_kind=PartyKind.MUNICIPALITY, municipality=aarhus_kommune, paid=D("2000.00"))
    services.entry_create(**entry_kwargs(amount=D("150.00")))
    html = client_for(users["secretariat_a"]).get(reverse("accounts:carryover", args=[cy_a.pk])).content.decode()
    assert "Uforbrugt efter prognose" in html
    summary = cluster_year_summary(cy_a)
    cluster_year_phasing(summary)  # the page's own date: today
    party = next(r for r in summary.by_party if r.key == line.party_key)
    assert f'data-forecast-unspent="{party.forecast_unspent}"' in html
    assert party.forecast_unspent == D("2000.00") - D("150.00") - party.budget_after_today


def test_cumulative_chart_is_server_side_svg_with_body_size_labels():
    import re

    from accounts.charts import TEXT_SIZE, cumulative_svg
    from accounts.services.phasing import MONTH_NAMES

    budget = [D(100) * (m + 1) for m in range(12)]
    spend = [D(150) * (m + 1) for m in range(12)]
    svg = str(cumulative_svg(MONTH_NAMES, budget, spend, months_passed=6))
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= TEXT_SIZE
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in svg
    assert svg.count("<circle") == 12 + 6  # spend drawn for the months passed only
    assert all(name in svg for name in MONTH_NAMES)
    assert "#a4161a" in svg  # spend above the phased budget is red
