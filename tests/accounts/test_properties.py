"""Property test: the page's totals equal the sum of the entries, for random synthetic entries."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services
from accounts.models import Initiative
from accounts.selectors import cluster_year_summary
from geography.selectors import cluster_municipalities
from klyngeportal.formats import format_number

entry_strategy = st.fixed_dictionaries({
    "initiative": st.integers(0, 1),
    "party": st.integers(0, 2),  # two municipalities and the region
    "kind": st.sampled_from(["expense", "income"]),
    "cost_kind": st.sampled_from(["development", "secretariat", "running"]),
    "cents": st.integers(1, 10**11),
    "month": st.integers(1, 12),
    "reverse": st.booleans(),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(entry_strategy, min_size=0, max_size=25))
def test_page_totals_equal_the_sum_of_the_entries(rows, users, cy_a, initiative_a, area, client_for):
    user = users["secretariat_a"]
    with transaction.atomic():
        second = services.initiative_create(
            cluster_year=cy_a, by=user, name="Syntetisk indsats 2", area=area.__class__.objects.get(
                year=2022, name="De sårbare ældre"), responsible=Initiative.Responsible.CLUSTER, status="active",
        )
        initiatives = [initiative_a, second]
        members = sorted(cluster_municipalities(cy_a.cluster, 2022).values(), key=lambda m: m.code)
        parties = [
            {"party_kind": "municipality", "municipality": members[0], "account_code": "4.62.82"},
            {"party_kind": "municipality", "municipality": members[-1], "account_code": "5.32.32.1"},
            {"party_kind": "region", "region": cy_a.cluster.region, "account_code": "1.10.11"},
        ]
        payload = [
            {"initiative": initiatives[r["initiative"]], **parties[r["party"]], "kind": r["kind"],
             "cost_kind": r["cost_kind"], "amount": Decimal(r["cents"]) / 100,
             "booking_date": datetime.date(2022, r["month"], 1), "text": "Syntetisk"}
            for r in rows
        ]
        entries = services.entries_create_bulk(cluster_year=cy_a, rows=payload, created_by=user)
        expected = Decimal("0.00")
        expenses = Decimal("0.00")
        for row, entry in zip(rows, entries, strict=True):
            signed = entry.amount if entry.kind == "expense" else -entry.amount
            if row["reverse"]:
                services.entry_reverse(entry=entry, by=user)
            else:
                expected += signed
                if entry.kind == "expense":
                    expenses += entry.amount

        summary = cluster_year_summary(cy_a)
        totals = summary.totals
        assert totals.spend == expected
        assert totals.expenses == expenses
        for breakdown in (summary.by_area, summary.by_initiative, summary.by_party):
            assert sum((row.spend for row in breakdown), Decimal("0.00")) == expected
        assert sum((row.spend for row in summary.cost_kinds), Decimal("0.00")) == expected
        assert totals.remaining == totals.budget - expected

        body = client_for(user).get(reverse("accounts:cluster_year_detail", args=[cy_a.pk])).content.decode()
        assert f'data-total-spend="{expected}"' in body
        assert f'<strong data-figure="spend">{format_number(expected, 2)} kr.</strong>' in body
        transaction.set_rollback(True)
