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
