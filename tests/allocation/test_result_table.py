"""The round page's result table written in Python (issue 16) is byte for byte the template loop it replaced."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from allocation import selectors
from allocation.result_table import result_rows_html
from allocation.selectors.rows import ResultRow
from geography.models import Cluster, Region

# The loop of allocation/round_detail.html before issue 16.
LOOP = """{% load danish %}  {% for row in rows %}
    {% if row.row_kind == "cluster" %}
    <tr><td>{{ row.region_name }}</td><td><a href="{% url 'allocation:round_cluster' round.slug row.cluster.pk %}">{{ row.cluster_name }}</a></td>
      <td class="num">{{ row.population|num:row.population_places }}</td><td class="num">{{ row.municipalities_kr|num }}</td><td class="num">{{ row.region_kr|num }}</td><td class="num">{{ row.total_kr|num }}</td><td></td></tr>
    {% elif row.row_kind == "region_subtotal" %}
    <tr class="subtotal"><td>Region {{ row.region_name }} i alt</td><td></td><td class="num">{{ row.population|num:row.population_places }}</td><td class="num">{{ row.municipalities_kr|num }}</td><td class="num">{{ row.region_kr|num }}</td><td class="num">{{ row.total_kr|num }}</td><td class="num">{{ row.rate|num:2 }}</td></tr>
    {% else %}
    <tr class="total"><td>I alt</td><td></td><td class="num">{{ row.population|num:row.population_places }}</td><td class="num">{{ row.municipalities_kr|num }}</td><td class="num">{{ row.region_kr|num }}</td><td class="num">{{ row.total_kr|num }}</td><td></td></tr>
    {% endif %}
  {% endfor %}"""  # noqa: E501


def loop_html(rows, slug) -> str:
    class Round:
        pass

    round_ = Round()
    round_.slug = slug
    return Template(LOOP).render(Context({"rows": rows, "round": round_}))


@pytest.mark.django_db
def test_the_2022_rounds_rows_are_the_loops(ref):
    round_ = selectors.rounds().get(year=2022)
    rows = selectors.result_rows(selectors.compute_round(round_))
    assert len(rows) > 20
    assert "  " + result_rows_html(rows, round_.slug) == loop_html(rows, round_.slug)


def test_escaped_names_fractions_and_missing_figures_are_the_loops():
    region = Region(pk=7, code=1099, name="Syd & <Nord>", slug="syd")
    cluster = Cluster(pk=3, region=region, name='Klynge "A" <b>', slug="a")
    rows = [
        ResultRow("cluster", region, cluster, Decimal("1234567"), Decimal("-5"), Decimal("1234562"),
                  Decimal("287817.33")),
        ResultRow("region_subtotal", region, None, Decimal("0"), Decimal("10"), Decimal("10"), None, None),
        ResultRow("region_subtotal", region, None, Decimal("1"), Decimal("2"), Decimal("3"), Decimal("4"),
                  Decimal("12.345")),
        ResultRow("total", None, None, Decimal("1"), Decimal("2"), Decimal("3"), Decimal("4")),
    ]
    ours = "  " + result_rows_html(rows, "2022-scenarie")
    assert ours == loop_html(rows, "2022-scenarie")
    assert "Syd &amp; &lt;Nord&gt;" in ours and "287.817,33" in ours and "12,35" in ours
