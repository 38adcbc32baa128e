from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from geography.models import (
    Cluster,
    ClusterFundingPopulation,
    Membership,
    Municipality,
    MunicipalityPopulation,
    PopulationQuarter,
    Region,
)
from geography.population import PopulationFileError, population_quarter_load
from geography.population_file import UnreadableFile, read_upload
from geography.rules import map_problems
from klyngeportal.admin_display import AsWritten
from klyngeportal.admin_guard import HistoryAdmin
from klyngeportal.formats import format_inhabitants


@admin.register(Region)
class RegionAdmin(AsWritten, admin.ModelAdmin):
    list_display = ("code", "name", "slug")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Municipality)
class MunicipalityAdmin(AsWritten, admin.ModelAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("name", "code")
    list_select_related = ("region",)
    ordering = ("code",)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "slug")
    list_filter = ("region",)
    search_fields = ("name", "region__name")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("name",)}


def _warn_map_problems(request, years) -> None:
    for year in sorted(set(years)):
        for problem in map_problems(year):
            messages.warning(request, f"Klyngekortet {year}: {problem.text}")


class ClusterListFilter(admin.SimpleListFilter):
    """Clusters named with their region (three names repeat), in one query."""

    title = "sundhedsklynge"
    parameter_name = "klynge"

    def lookups(self, request, model_admin):
        return [(str(c.pk), str(c)) for c in Cluster.objects.select_related("region")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(cluster_id=self.value())
        return queryset


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("year", "cluster", "municipality", "kind", "table2_mark", "funding_share")
    list_filter = ("year", "kind", "cluster__region", ClusterListFilter)
    search_fields = ("municipality__name", "cluster__name", "municipality__code")
    list_select_related = ("cluster__region", "municipality")
    autocomplete_fields = ("cluster", "municipality")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            _warn_map_problems(request, Membership.objects.order_by("year").values_list("year", flat=True).distinct())
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _warn_map_problems(request, [obj.year])

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        _warn_map_problems(request, [year])


@admin.register(ClusterFundingPopulation)
class ClusterFundingPopulationAdmin(admin.ModelAdmin):
    list_display = ("cluster", "reference_date", "inhabitants", "implied_min", "implied_max", "source")
    list_filter = ("reference_date", "cluster__region")
    search_fields = ("cluster__name",)
    list_select_related = ("cluster__region",)

    @admin.display(description="finansierende indbyggertal", ordering="value")
    def inhabitants(self, obj):
        return format_inhabitants(obj.value)


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="FOLK1A-fil (CSV)",
        help_text="Statistikbankens CSV-download (semikolonsepareret) med OMRÅDE;KØN;ALDER;TID;INDHOLD for ét kvartal, "
        "totaler over køn og alder. Et kvartal, der allerede er indlæst, erstattes.",
    )


@admin.register(PopulationQuarter)
class PopulationQuarterAdmin(admin.ModelAdmin):
    list_display = ("code", "reference_date", "municipality_count", "source_name", "loaded_at", "loaded_by")
    list_select_related = ("loaded_by",)
    search_fields = ("code", "source_name")
    readonly_fields = ("code", "reference_date", "source_name", "loaded_at", "loaded_by")
    change_list_template = "admin/geography/populationquarter/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_municipalities=Count("populations"))

    @admin.display(description="kommuner", ordering="n_municipalities")
    def municipality_count(self, obj):
        return obj.n_municipalities

    def has_add_permission(self, request):
        return False  # quarters come from a FOLK1A file: see the upload page

    def get_urls(self):
        return [
            path("indlaes/", self.admin_site.admin_view(self.upload_view), name="geography_population_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        problems, status = [], 200
        if request.method == "POST":
            form = PopulationUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = population_quarter_load(
                        data=read_upload(upload, upload.size), source_name=upload.name, loaded_by=request.user
                    )
                except UnreadableFile as exc:  # not a sane text file: 400 with the Danish reason
                    problems, status = exc.problems, 400
                except PopulationFileError as exc:
                    problems = exc.problems
                else:
                    for line in result.summary_lines:
                        messages.success(request, line)
                    return redirect(reverse("admin:geography_populationquarter_changelist"))
        else:
            form = PopulationUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Indlæs indbyggertal (FOLK1A)",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/geography/populationquarter/upload.html", context, status=status)


@admin.register(MunicipalityPopulation)
class MunicipalityPopulationAdmin(admin.ModelAdmin):
    list_display = ("quarter", "municipality", "population")
    list_filter = ("quarter", "municipality__region")
    search_fields = ("municipality__name", "municipality__code")
    list_select_related = ("quarter", "municipality")
