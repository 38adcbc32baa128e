"""Admin for allocation rounds. A published round is read-only here too (it is frozen); its history is shown."""
from django.contrib import admin

from allocation.models import AllocationRound, ClusterWeight, MunicipalityWeight, PublishedRow, RegionKey
from klyngeportal.admin_guard import HistoryAdmin


class FrozenWhenPublished:
    """Inlines and the round itself can only be changed while the round is a draft."""

    def _published(self, obj):
        round_ = obj if isinstance(obj, AllocationRound) else getattr(obj, "round", None)
        return round_ is not None and round_.is_published

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_add_permission(self, request, *args):
        # ModelAdmin.has_add_permission(request); InlineModelAdmin.has_add_permission(request, obj)
        obj = args[0] if args else None
        return super().has_add_permission(request, *args) and not self._published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._published(obj)


class RegionKeyInline(FrozenWhenPublished, admin.TabularInline):
    model = RegionKey
    extra = 0


class ClusterWeightInline(FrozenWhenPublished, admin.TabularInline):
    model = ClusterWeight
    extra = 0
    autocomplete_fields = ("cluster",)


class MunicipalityWeightInline(FrozenWhenPublished, admin.TabularInline):
    model = MunicipalityWeight
    extra = 0
    autocomplete_fields = ("municipality",)


class PublishedRowInline(admin.TabularInline):
    model = PublishedRow
    extra = 0
    fields = ("position", "row_kind", "region", "cluster", "municipalities_kr", "region_kr", "total_kr")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AllocationRound)
class AllocationRoundAdmin(FrozenWhenPublished, HistoryAdmin):
    list_display = ("name", "year", "status", "pot", "municipal_pot", "regional_pot", "population_basis")
    list_filter = ("year", "status")
    search_fields = ("name", "slug")
    readonly_fields = ("status", "published_at", "published_by", "created_by", "created_at")
    inlines = [RegionKeyInline, ClusterWeightInline, MunicipalityWeightInline, PublishedRowInline]
