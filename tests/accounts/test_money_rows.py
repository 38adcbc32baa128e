"""accounts.templatetags.money_rows writes the money tables' rows as the template loops they replace did, cell for cell."""
from decimal import Decimal

import pytest
from django.template import Context, Template

from accounts import services
from accounts.models import ClusterYear, Initiative
from accounts.selectors import cluster_year_summary
from geography.selectors import cluster_municipalities
from tests import factories
from users.access import allowed_actions

# The loops as they stood in accounts/includes/money_table.html and review/includes/budget_figures.html.
MONEY_TABLE_LOOP = """{% for row in rows %}
    <tr data-key="{{ row.key }}"{% if row.remaining < 0 %} class="over"{% endif %}>
      <th scope="row">{% if link_initiatives and perms_for_user.edit_accounts %}<a href="{% url 'accounts:initiative_edit' cluster_year.pk row.obj.pk %}">{{ row.label }}</a>{% else %}{{ row.label }}{% endif %}{% if row.obj.get_status_display and link_initiatives %} <span class="badge">{{ row.obj.get_status_display }}</span>{% endif %}</th>
      {% if show_group %}<td>{{ row.group }}</td>{% endif %}
      <td class="num" data-original="{{ row.original|stringformat:"s" }}">{{ row.original|num:2 }}</td>
      <td class="num{% if row.revision %} diff{% endif %}" data-revised="{{ row.budget|stringformat:"s" }}">{{ row.budget|num:2 }}</td>
      <td class="num">{{ row.expenses|num:2 }}</td>
      <td class="num">{{ row.income|num:2 }}</td>
      <td class="num" data-spend="{{ row.spend|stringformat:"s" }}">{{ row.spend|num:2 }}</td>
      <td class="num">{{ row.remaining|num:2 }}</td>
      <td class="num">{% if row.spend_ratio is not None %}{{ row.spend_ratio|pct }}{% else %}–{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="9" class="help">{{ empty }}</td></tr>
  {% endfor %}"""
REVIEW_LOOP = """{% for row in rows %}{% if row.key != "joint" %}
    <tr data-key="{{ row.key }}"{% if row.remaining < 0 %} class="over"{% endif %}><th scope="row">{{ row.label }}</th><td class="num">{{ row.original|num:2 }}</td><td class="num{% if row.revision %} diff{% endif %}">{{ row.budget|num:2 }}</td><td class="num">{{ row.spend|num:2 }}</td><td class="num">{{ row.remaining|num:2 }}</td></tr>
  {% endif %}{% empty %}
    <tr><td colspan="5" class="help">Ingen.</td></tr>
  {% endfor %}"""
MONEY_TABLE_TAG = ("{% load money_rows %}{% money_table_rows rows show_group=show_group "
                   "link_initiatives=link_initiatives empty=empty %}")
REVIEW_TAG = "{% load money_rows %}{% review_money_rows rows %}"


@pytest.fixture
def summary(users, cy_a, initiative_a, area, aarhus_kommune):
    sek = users["secretariat_a"]
    other = services.initiative_create(
        cluster_year=cy_a, by=sek, name="Syntetisk <indsats> & «Ærø»", area=area,
        responsible=Initiative.Responsible.REGION, status="completed",
    )
    members = list(cluster_municipalities(cy_a.cluster, 2022).values())
    factories.budget_line(cy_a, initiative_a, by=sek, municipality=members[0], amount=Decimal("1000.00"))
    factories.budget_line(cy_a, other, by=sek, region=cy_a.cluster.region, amount=Decimal("0.10"))
    factories.funding_line(cy_a, by=sek, municipality=members[0], paid=Decimal("500.00"), source="local")
    factories.entry(cy_a, initiative_a, by=sek, municipality=members[0], amount=Decimal("1234.56"))  # over budget
    factories.entry(cy_a, other, by=sek, municipality=members[1], amount=Decimal("0.05"), kind="income")
    factories.without_municipal_populations(2022)
    factories.propose_funding(cy_a, by=sek)  # the region's line and one for the municipalities jointly
    factories.transition(cy_a, "submit", by=sek)  # the original budget is fixed ...
    factories.transition(cy_a, "return", by=users["ssu_a"], comment="Syntetisk")
    factories.budget_line(cy_a, other, by=sek, region=cy_a.cluster.region, amount=Decimal("250.00"))  # ... and revised
    return cluster_year_summary(ClusterYear.objects.select_related("cluster__region").get(pk=cy_a.pk))


# Every table without links, with and without its group column; only the initiatives' table links its rows
# (the page's one use of it).
TABLE_CASES = [
    *((table, show_group, False) for table in ("by_area", "by_initiative", "by_party", "none")
      for show_group in (True, False)),
    ("by_initiative", True, True), ("none", True, True),
]


@pytest.mark.parametrize("who", ["secretariat_a", "ssu_a"])
@pytest.mark.parametrize(("table", "show_group", "link_initiatives"), TABLE_CASES)
def test_money_table_rows_are_the_loop(summary, users, table, who, show_group, link_initiatives):
    rows = getattr(summary, table) if table != "none" else []
    context = {"rows": rows, "show_group": show_group, "link_initiatives": link_initiatives, "empty": "Ingen <rækker>.",
               "cluster_year": summary.cluster_year,
               "perms_for_user": allowed_actions(users[who], summary.cluster_year)}
    expected = Template("{% load danish %}" + MONEY_TABLE_LOOP).render(Context(context))
    assert Template(MONEY_TABLE_TAG).render(Context(context)) == expected
    if rows and link_initiatives and table == "by_initiative" and who == "secretariat_a":
        assert "&lt;indsats&gt; &amp;" in expected and 'class="over"' in expected and " diff" in expected


@pytest.mark.parametrize("table", ["by_area", "by_initiative", "by_party", "none"])
def test_review_rows_are_the_loop(summary, table):
    rows = getattr(summary, table) if table != "none" else []
    expected = Template("{% load danish %}" + REVIEW_LOOP).render(Context({"rows": rows}))
    assert Template(REVIEW_TAG).render(Context({"rows": rows})) == expected
    if table == "by_party":
        assert any(row.key == "joint" for row in rows) and 'data-key="joint"' not in expected
