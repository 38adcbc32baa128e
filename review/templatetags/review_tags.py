"""The review panel's data, so that any page can include the panel with just `cluster_year` in context;
the rows of the review page's evaluations table."""
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from accounts.templatetags.money_rows import PK, pk_urls
from review.models import SpreadingDecision
from review.selectors import review_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def review_panel_for(context, cluster_year):
    """{% review_panel_for cluster_year as panel %}: history, comments and the user's buttons (2 queries), or
    the panel the page's view read already (``review_panel`` in the context, for the same cluster-year)."""
    panel = context.get("review_panel")
    if panel is not None and panel.cluster_year.pk == cluster_year.pk:
        return panel
    return review_panel(cluster_year=cluster_year, user=context["request"].user)


@register.simple_tag(takes_context=True)
def evaluation_rows(context, initiatives):
    """The ``<tbody>`` rows of the evaluations table on ``review/cluster_year_detail.html`` (initiatives from
    ``review.selectors.cluster_year_evaluations``), written here instead of a template node per cell (50
    initiatives and more): the initiative, its area and status, its evaluation, the decision in force and,
    for whoever may edit the evaluation, the button."""
    cluster_year = context["cluster_year"]
    may_edit = context.get("may_edit_evaluation")
    decisions = dict(SpreadingDecision._meta.get_field("decision").flatchoices)
    evaluation_url = pk_urls("review:evaluation_detail", PK)  # Evaluation.get_absolute_url, for every row at once
    edit_url = pk_urls("review:evaluation_edit", PK, cluster_year.year) if may_edit else None
    esc = conditional_escape
    out = []
    for initiative in initiatives:
        evaluation = initiative.evaluation
        if evaluation:
            shown = f'<a href="{evaluation_url(evaluation.pk)}">{esc(evaluation.get_status_display())}</a>'
        else:
            shown = '<span class="help">Ingen</span>'
        decision = getattr(evaluation, "current_decision", None) if evaluation is not None else None
        decided = esc(decisions.get(decision, decision)) if decision else ""
        button = ""
        if may_edit:
            button = (f'<a class="button small secondary" href="{edit_url(initiative.pk)}">'
                      f'{"Ret evaluering" if evaluation else "Opret evaluering"}</a>')
        out.append(
            f"\n  <tr><td>{esc(initiative.name)}</td><td>{esc(initiative.area.name)}</td>"
            f"<td>{esc(initiative.get_status_display())}</td>"
            f"\n    <td>{shown}</td>"
            f"\n    <td>{decided}</td>"
            f"\n    <td>{button}</td></tr>\n  "
        )
    return mark_safe("".join(out))
