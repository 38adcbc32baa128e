"""Template filters for Danish number formats, available in every template."""
from django import template

from klyngeportal.formats import format_inhabitants, format_kr, format_number, format_percent

register = template.Library()


@register.filter
def num(value, decimals=0):
    """1234567 -> 1.234.567 ; with |num:2 -> 1.234.567,00"""
    return format_number(value, int(decimals))


@register.filter
def kr(value, decimals=0):
    return format_kr(value, int(decimals))


@register.filter
def pct(value, decimals=1):
    """A fraction (0.123) as a Danish percentage (12,3 %)."""
    return format_percent(value, int(decimals))


@register.filter
def inhabitants(value):
    """358954 -> 358.954 ; 287817.33 -> 287.817,33 (a share of a municipality keeps its decimals)."""
    return format_inhabitants(value)


@register.filter
def choice_label(value, field_path: str):
    """A raw choice value as its Danish label: {{ value|choice_label:"review.SpreadingDecision.decision" }}.
    For values that reach a template without their model (annotations such as the decision in force)."""
    from django.apps import apps

    app_label, model_name, field_name = field_path.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    return dict(field.flatchoices).get(value, value)
