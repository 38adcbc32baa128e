"""Admin for the accounts: reference data (areas) editable; ledger entries read-only (append-only)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    Entry,
    FundingLine,
    ImportBatch,
    Initiative,
    InitiativeArea,
    StatusChange,
)


@admin.register(InitiativeArea)
class InitiativeAreaAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "sort_order")
    list_filter = ("year",)
    ordering = ("year", "sort_order")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are written by the portal's services only: the admin may look, never change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClusterYear)
class ClusterYearAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster", "year", "status", "closed_at")
    list_filter = ("year", "status", "cluster__region")
    list_select_related = ("cluster__region",)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "action", "from_status", "to_status", "by", "at")
    list_filter = ("action",)
    list_select_related = ("cluster_year__cluster__region", "by")


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("name", "cluster", "area", "first_year", "last_year", "status")
    list_filter = ("status", "area", "cluster__region")
    search_fields = ("name",)
    list_select_related = ("cluster__region", "area")


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster_year", "source", "party_kind", "municipality", "region", "allocated", "paid")
    list_filter = ("source", "party_kind")
    list_select_related = ("cluster_year__cluster__region", "municipality", "region")


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster_year", "initiative", "source", "party_kind", "municipality", "region", "amount")
    list_filter = ("source",)
    list_select_related = ("cluster_year__cluster__region", "initiative", "municipality", "region")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("booking_date", "cluster_year", "initiative", "party_kind", "municipality", "kind", "amount",
                    "account_code", "voucher", "cost_kind", "reverses", "created_by")
    list_filter = ("kind", "cost_kind", "cluster_year__year")
    search_fields = ("voucher", "text", "account_code")
    list_select_related = ("cluster_year__cluster__region", "initiative", "municipality", "created_by")
    raw_id_fields = ("reverses",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("filename", "cluster_year", "rows", "total", "imported_by", "imported_at", "reversed_at")
    list_select_related = ("cluster_year__cluster__region", "imported_by")


@admin.register(CarryOverCommitment)
class CarryOverCommitmentAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster_year", "party_kind", "municipality", "region", "amount", "committed_by", "committed_on")
    list_select_related = ("cluster_year__cluster__region", "municipality", "region")
