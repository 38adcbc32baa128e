"""The admin's two guards: rows it may only show, and history it may only show.

``ReadOnlyAdmin``: rows written by the portal's services only (the ledger, the review's history):
no add, change or delete permission, every field read-only. The database refuses the change anyway
for the append-only tables (klyngeportal/ledger_guard.py); the admin does not offer it.

``HistoryAdmin``: django-simple-history's admin, answering GET only on a historical version.
Its version page (``<pk>/history/<history_id>/``) saves the object as it was in that version when it
receives a POST, and it checks no change permission before it does (only view permission), so a
closed cluster-year could be reverted to an earlier state. ``SIMPLE_HISTORY_REVERT_DISABLED`` (the
documented setting, on in settings.py) only hides the button; this class refuses the POST itself.
Every ``SimpleHistoryAdmin`` of the portal is one of these (tests/permissions/test_admin_closed.py).
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from klyngeportal.admin_display import AsWritten

HISTORY_READ_ONLY = "Historikken kan kun ses her; en tidligere version kan ikke gendannes."


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows that are written by the portal's services only: the admin may look, never change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        return [f.name for f in (*opts.concrete_fields, *opts.many_to_many) if f.editable]


class ReadOnlyAdmin(AsWritten, ViewOnlyAdmin):
    """``ViewOnlyAdmin`` with years and codes as written (klyngeportal/admin_display.py)."""


class HistoryAdmin(AsWritten, SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` whose historical versions can be looked at (GET, HEAD) and never restored."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(HISTORY_READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)
