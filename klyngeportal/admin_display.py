"""Years and codes in the admin as they are written: 2022 and 1084, never 2.022 or 1.084.

USE_THOUSAND_SEPARATOR (on, for amounts: 1.234.567,89) makes the admin group every integer it
shows in a list or a read-only field (``display_for_field``), years and DST codes included.
``AsWritten`` shows those fields through display functions instead (named ``<field>_text``, with
the field's own verbose name): in the changelist's columns, and wherever the field is read-only (a
view-only admin, a historical version). Editable forms are left alone: their number inputs are not
localised and read 2022.
"""
from django.contrib import admin
from django.db import models

WRITTEN_FIELDS = ("year", "first_year", "last_year", "code")


def _as_written(name: str, verbose_name: str):
    @admin.display(description=verbose_name, ordering=name)
    def show(obj):
        value = getattr(obj, name)
        return "–" if value is None else str(value)

    return show


class AsWritten:
    """A ModelAdmin mixin: integer years and codes listed and shown read-only without a thousands separator."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.written = {
            field.name: f"{field.name}_text" for field in model._meta.concrete_fields
            if field.name in WRITTEN_FIELDS and isinstance(field, models.IntegerField)
        }
        for field in model._meta.concrete_fields:
            if field.name in self.written:
                setattr(self, self.written[field.name], _as_written(field.name, str(field.verbose_name)))

    def as_written(self, names, only=None):
        only = self.written.keys() if only is None else only
        return type(names)(self.written[name] if name in only else name for name in names)

    def get_list_display(self, request):
        return self.as_written(tuple(super().get_list_display(request)))

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return self.as_written(tuple(links)) if links else links

    def _shown_read_only(self, request, obj) -> set[str]:
        """The fields of ``written`` this view shows read-only: all of them on a view-only page."""
        if obj is not None and not self.has_change_permission(request, obj):
            return set(self.written)
        return set(self.written) & set(super().get_readonly_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        shown = self._shown_read_only(request, obj)
        return [*self.as_written(fields, shown), *(self.written[name] for name in sorted(shown - set(fields)))]

    def get_exclude(self, request, obj=None):
        excluded = [*(super().get_exclude(request, obj) or ()), *sorted(self._shown_read_only(request, obj))]
        return excluded or None

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        shown = self._shown_read_only(request, obj)
        if not shown:
            return fields
        # Each display takes its field's place (the form itself no longer has the field).
        order = [f.name for f in self.model._meta.concrete_fields]
        displays = {self.written[name] for name in shown}
        result = [name for name in fields if name not in displays and name not in shown]
        for name in sorted(shown, key=order.index):
            later = (i for i, other in enumerate(result) if other in order and order.index(other) > order.index(name))
            result.insert(next(later, len(result)), self.written[name])
        return result
