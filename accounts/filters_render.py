"""The list filters' form widgets written in Python: the same HTML as Django's widget templates.

Django renders a <select> through a template and each of its <option>s through another (the entry
list's filters have some seventy options: a fifth of the page's time). ``ListFilterForm`` renders its
selects, its text, date and number inputs and its empty error lists here instead, byte for byte as
Django's templates write them (``django/forms/widgets/select.html``, ``select_option.html``,
``input.html``, ``attrs.html``, ``django/forms/errors/list/ul.html``; tests/accounts/test_list_tables.py
compares the two). Anything else (errors, other widgets, a value that is no plain text or number) goes
to the project's own renderer.
"""
from __future__ import annotations

from html import escape

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
_SELECT = _WIDGETS + "select.html"
_OPTION = _WIDGETS + "select_option.html"
_INPUTS = {_WIDGETS + name for name in ("input.html", "text.html", "search.html", "date.html", "number.html")}
_PLAIN = (str, int, ModelChoiceIteratorValue)
# A field's error list: the templates write nothing for no errors (``{% if errors %}``).
_ERROR_LISTS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}


class _NotPlain(Exception):
    """A value the templates would localize or call: left to Django's own rendering."""


def _text(value) -> str:
    """``{{ value }}`` of a string: escaped unless already safe."""
    if not isinstance(value, str):
        raise _NotPlain
    return conditional_escape(value)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value``, escaped unless the value was safe."""
    if isinstance(value, bool) or not isinstance(value, _PLAIN):
        raise _NotPlain
    text = str(value)  # "%s" % value, for these types
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _select(widget: dict) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != _OPTION:
                raise _NotPlain
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_text(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


class OnePassWidgets(BaseRenderer):
    """A form renderer: selects and simple inputs in Python, the rest by the project's renderer."""

    def _fallback(self):
        return get_default_renderer()

    @property
    def form_template_name(self):
        return self._fallback().form_template_name

    @property
    def formset_template_name(self):
        return self._fallback().formset_template_name

    @property
    def field_template_name(self):
        return self._fallback().field_template_name

    @property
    def bound_field_class(self):
        return self._fallback().bound_field_class

    def get_template(self, template_name):
        return self._fallback().get_template(template_name)

    def render(self, template_name, context, request=None):
        if template_name in _ERROR_LISTS and isinstance(context, dict) and not context.get("errors", True):
            return ""
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and (template_name == _SELECT or template_name in _INPUTS):
            try:
                # The templates' output is stripped by Django's renderer; these have no outer spaces.
                return _select(widget) if template_name == _SELECT else _input(widget)
            except _NotPlain:
                pass
        return self._fallback().render(template_name, context, request=request)


ONE_PASS_WIDGETS = OnePassWidgets()


class ListFilterForm(forms.Form):
    """The base form of the list filters (``FilterSet.Meta.form``): its widgets by ``OnePassWidgets``."""

    default_renderer = ONE_PASS_WIDGETS
