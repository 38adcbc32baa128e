"""Admin for the accounts: reference data (areas) editable; everything else view-only.

The ledger (entries, status changes, imports) is append-only down to the database
(klyngeportal/ledger_guard.py); the rest is written by the services. History pages answer GET only.
"""
from django.contrib import admin

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
from klyngeportal.admin_display import AsWritten
from klyngeportal.admin_guard import HistoryAdmin, ReadOnlyAdmin


@admin.register(InitiativeArea)
class InitiativeAreaAdmin(AsWritten, admin.ModelAdmin):
    list_display = ("year", "name", "sort_order")
    list_filter = ("year",)
    ordering = ("year", "sort_order")


@admin.register(ClusterYear)
class ClusterYearAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster", "year", "status", "closed_at")
    list_filter = ("year", "status", "cluster__region")
    list_select_related = ("cluster__region",)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "action", "from_status", "to_status", "by", "at")
    list_filter = ("action",)
    list_select_related = ("cluster_year__cluster__region", "by")


@admin.register(Initiative)
class InitiativeAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ("name", "cluster", "area", "first_year", "last_year", "status")
    list_filter = ("status", "area", "cluster__region")
    search_fields = ("name",)
    list_select_related = ("cluster__region", "area")


@admin.register(FundingLine)
class FundingLineAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster_year", "source", "party_kind", "municipality", "region", "allocated", "paid")
    list_filter = ("source", "party_kind")
    list_select_related = ("cluster_year__cluster__region", "municipality", "region")


@admin.register(BudgetLine)
class BudgetLineAdmin(HistoryAdmin, ReadOnlyAdmin):
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
class CarryOverCommitmentAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ("cluster_year", "party_kind", "municipality", "region", "amount", "committed_by", "committed_on")
    list_select_related = ("cluster_year__cluster__region", "municipality", "region")
