"""review_tags.evaluation_rows writes the review page's evaluations table as the template loop it replaces did."""
import pytest
from django.template import Context, Template

from review import services
from review.selectors import cluster_year_evaluations
from tests import factories
from tests.review.conftest import initiative

# The loop as it stood in review/cluster_year_detail.html.
LOOP = """{% for i in initiatives %}
  <tr><td>{{ i.name }}</td><td>{{ i.area.name }}</td><td>{{ i.get_status_display }}</td>
    <td>{% if i.evaluation %}<a href="{{ i.evaluation.get_absolute_url }}">{{ i.evaluation.get_status_display }}</a>{% else %}<span class="help">Ingen</span>{% endif %}</td>
    <td>{% if i.evaluation.current_decision %}{{ i.evaluation.current_decision|choice_label:"review.SpreadingDecision.decision" }}{% endif %}</td>
    <td>{% if may_edit_evaluation %}<a class="button small secondary" href="{% url 'review:evaluation_edit' i.pk cluster_year.year %}">{% if i.evaluation %}Ret evaluering{% else %}Opret evaluering{% endif %}</a>{% endif %}</td></tr>
  {% endfor %}"""
TAG = "{% load review_tags %}{% evaluation_rows initiatives %}"


@pytest.mark.parametrize("may_edit", [True, False])
def test_evaluation_rows_are_the_loop(world, may_edit):
    sek, ssu, cy = world.users["secretariat_a"], world.users["ssu_a"], world.cy_a
    decided = initiative(cy.cluster, "Syntetisk <besluttet> & «Ærø»", by=sek)
    factories.evaluation(world.init_a, 2022, by=sek)  # completed, no decision
    services.spreading_decide(evaluation=factories.evaluation(decided, 2022, by=sek), decision="more_evidence",
                              reasons="Syntetisk begrundelse", by=ssu)
    initiative(cy.cluster, "Syntetisk uden evaluering", by=sek)
    initiatives = cluster_year_evaluations(cy)
    context = {"initiatives": initiatives, "cluster_year": cy, "may_edit_evaluation": may_edit}
    expected = Template(LOOP).render(Context(context))
    assert Template(TAG).render(Context(context)) == expected
    assert "Kræver mere viden" in expected and "&lt;besluttet&gt; &amp;" in expected and "Ingen" in expected
    assert ("Opret evaluering" in expected) == may_edit
