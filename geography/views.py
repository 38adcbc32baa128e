"""The cluster map pages: regions -> clusters -> a cluster -> a municipality, and Table 2.

Reference data is public to every logged-in user (see users.access); the pages
read through geography.selectors, and each list downloads as CSV or Excel.
"""
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from django_tables2 import RequestConfig, SingleTableMixin

from geography import selectors
from geography.models import Cluster, Municipality, Region
from geography.rules import map_problems
from geography.tables import (
    ClusterMemberTable,
    MunicipalityMembershipTable,
    MunicipalityPopulationTable,
    RegionClusterTable,
    RegionTable,
    Table2Table,
)
from klyngeportal.exports import CODE, TableDownloadMixin
from klyngeportal.formats import format_number
from klyngeportal.pagination import pagination

PER_PAGE = 100


class MapTableView(TableDownloadMixin, SingleTableMixin, TemplateView):
    """A page with one exportable, sortable table over the map of a year (``?aar=2022``)."""

    export_formats = ("csv", "xlsx")
    export_kinds = {"code": CODE, "year": CODE}  # DST codes and years: no thousands separator
    table_pagination = pagination(PER_PAGE)
    export_basename = "klyngekort"

    def get(self, request, *args, **kwargs):
        self.years = selectors.map_years()
        self.year = selectors.pick_year(self.years, request.GET.get("aar"))
        if self.years and self.year is None:
            raise Http404("Der er intet klyngekort for det valgte år.")
        self.load()
        return super().get(request, *args, **kwargs)

    def load(self):
        raise NotImplementedError

    def get_table_data(self):
        return self.table_data

    def get_export_filename(self, export_format):
        return f"{self.export_basename}-{self.year}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(years=self.years, year=self.year)
        return context


class RegionListView(MapTableView):
    template_name = "geography/region_list.html"
    table_class = RegionTable
    export_basename = "regioner"

    def load(self):
        self.table_data = selectors.region_rows(self.year) if self.year else []
        self.problems = map_problems(self.year) if self.year else []

    def get_context_data(self, **kwargs):
        return super().get_context_data(problems=self.problems, **kwargs)


class RegionDetailView(MapTableView):
    template_name = "geography/region_detail.html"
    table_class = RegionClusterTable

    def load(self):
        self.region = get_object_or_404(Region, slug=self.kwargs["slug"])
        self.export_basename = f"klynger-{self.region.slug}"
        self.table_data = selectors.region_clusters(self.region, self.year) if self.year else []
        self.problems = [
            p for p in (map_problems(self.year) if self.year else []) if p.region_id == self.region.pk
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, problems=self.problems, **kwargs)


class ClusterDetailView(MapTableView):
    template_name = "geography/cluster_detail.html"
    table_class = ClusterMemberTable

    def load(self):
        self.cluster = get_object_or_404(
            Cluster.objects.select_related("region"),
            region__slug=self.kwargs["region_slug"], slug=self.kwargs["cluster_slug"],
        )
        self.export_basename = f"{self.cluster.region.slug}-{self.cluster.slug}"
        self.quarters = selectors.quarters()
        self.quarter, found = selectors.pick_quarter(self.quarters, self.request.GET.get("kvartal"))
        if not found:
            raise Http404("Kvartalet er ikke indlæst.")
        self.table_data = selectors.cluster_members(self.cluster, self.year, self.quarter) if self.year else []
        self.funding = (
            selectors.funding_populations(self.year, cluster=self.cluster).get(self.cluster.pk)
            if self.year else None
        )
        member_ids = {row["membership"].municipality_id for row in self.table_data}
        self.problems = [
            p for p in (map_problems(self.year) if self.year else []) if p.municipality_id in member_ids
        ]

    def get_table_kwargs(self):
        if self.quarter is None:
            return {"exclude": ("population", "funding_part"), "show_footer": False}
        return {}

    def get_export_filename(self, export_format):
        suffix = f"-{self.quarter.code}" if self.quarter else ""
        return f"{self.export_basename}-{self.year}{suffix}.{export_format}"

    def get_context_data(self, **kwargs):
        rows = self.table_data
        marks = sorted({row["mark"] for row in rows if row["mark"]}, key=len)
        return super().get_context_data(
            cluster=self.cluster,
            funding=self.funding,
            funding_value=format_number(self.funding.value, 2 if self.funding.value % 1 else 0)
            if self.funding else "",
            quarters=self.quarters,
            quarter=self.quarter,
            problems=self.problems,
            legend=[(mark, text) for mark, text in selectors.MARK_LEGEND if mark in marks],
            share_unknown=[row["name"] for row in rows if row["share_unknown"]],
            **kwargs,
        )


class Table2View(MapTableView):
    template_name = "geography/table2.html"
    table_class = Table2Table
    export_basename = "tabel-2"

    def load(self):
        self.table_data = selectors.table2_rows(self.year) if self.year else []
        self.problems = map_problems(self.year) if self.year else []

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            problems=self.problems, legend=selectors.MARK_LEGEND, **kwargs
        )


class MunicipalityDetailView(TableDownloadMixin, SingleTableMixin, TemplateView):
    """A municipality: its memberships per year (exportable) and its population per loaded quarter."""

    template_name = "geography/municipality_detail.html"
    table_class = MunicipalityMembershipTable
    export_formats = ("csv", "xlsx")
    export_kinds = {"code": CODE, "year": CODE}  # DST codes and years: no thousands separator
    table_pagination = pagination(PER_PAGE)

    def get(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(Municipality.objects.select_related("region"), code=kwargs["code"])
        self.table_data = selectors.municipality_memberships(self.municipality)
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        return self.table_data

    def get_export_filename(self, export_format):
        return f"kommune-{self.municipality.code}-medlemskaber.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        populations = MunicipalityPopulationTable(
            selectors.municipality_populations(self.municipality), prefix="bef-"
        )
        RequestConfig(self.request, paginate=pagination(PER_PAGE)).configure(populations)
        context.update(municipality=self.municipality, populations=populations)
        return context


region_list = RegionListView.as_view()
region_detail = RegionDetailView.as_view()
cluster_detail = ClusterDetailView.as_view()
municipality_detail = MunicipalityDetailView.as_view()
table2 = Table2View.as_view()
