"""The review panel's data, so that any page can include the panel with just `cluster_year` in context."""
from django import template

from review.selectors import review_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def review_panel_for(context, cluster_year):
    """{% review_panel_for cluster_year as panel %}: history, comments and the user's buttons (2 queries)."""
    return review_panel(cluster_year=cluster_year, user=context["request"].user)
