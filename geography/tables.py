"""django-tables2 tables for the geography pages.

The HTML shows Danish number formats (1.234.567); CSV and Excel exports carry the
numbers as numbers. The rows are dicts built by geography.selectors.
"""
from decimal import Decimal

import django_tables2 as tables
from django.utils.formats import date_format

from klyngeportal.formats import format_number


def _decimals(value) -> int:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return 2
    return 0


class CodeColumn(tables.Column):
    """A DST code: shown as is, never with a thousands separator."""

    def render(self, value):
        return str(value)

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    """A right-aligned number in Danish format; with ``total=True`` its sum in the footer."""

    def __init__(self, *args, total: bool = False, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}})
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        self.total = total

    def render(self, value):
        return format_number(value, _decimals(value))

    def value(self, value):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        return value

    def render_footer(self, bound_column, table):
        if not self.total:
            return ""
        values = [bound_column.accessor.resolve(row, quiet=True) for row in table.data]
        known = [v for v in values if v not in (None, "")]
        if not known:
            return ""
        total = sum(known, Decimal("0"))
        return format_number(total, _decimals(total))


class DateColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return date_format(value, "d.m.Y")

    def value(self, value):
        return value


def _link(record):
    return record["url"]


class RegionTable(tables.Table):
    name = tables.Column("Region", linkify=_link, footer="I alt")
    code = CodeColumn("DST-kode")
    clusters = NumberColumn("Klynger", total=True)
    municipalities = NumberColumn("Kommuner", total=True)
    funding_population = NumberColumn("Finansierende indbyggertal", total=True)

    class Meta:
        order_by = "code"


class RegionClusterTable(tables.Table):
    name = tables.Column("Klynge", linkify=_link, footer="I alt")
    municipalities = NumberColumn("Kommuner", total=True)
    funders = NumberColumn("Heraf finansierende", total=True)
    funding_population = NumberColumn("Finansierende indbyggertal", total=True)
    reference_date = DateColumn("Opgørelsesdato")

    class Meta:
        order_by = "name"


class ClusterMemberTable(tables.Table):
    code = CodeColumn("Kode")
    name = tables.Column("Kommune", linkify=_link, footer="I alt")
    kind_label = tables.Column("Deltagelse", order_by=("kind", "name"))
    mark = tables.Column("Tabel 2", default="")
    funding_share = NumberColumn("Finansieringsandel")
    population = NumberColumn("Indbyggertal", total=True)
    funding_part = NumberColumn("Heraf finansierende", total=True)

    class Meta:
        order_by = "name"

    def render_funding_share(self, value):
        return format_number(value * 100, 4) + " %"


class Table2Table(tables.Table):
    region = tables.Column("Region", order_by=("region_code", "name"), footer="I alt")
    name = tables.Column("Klynge", linkify=_link)
    municipalities = tables.Column("Kommuner (markering som i tabel 2)", orderable=False)
    count = NumberColumn("Antal kommuner", total=True)

    class Meta:
        order_by = "region"


class MunicipalityMembershipTable(tables.Table):
    year = CodeColumn("År")
    region = tables.Column("Region")
    cluster = tables.Column("Klynge", linkify=_link)
    kind_label = tables.Column("Deltagelse")
    mark = tables.Column("Tabel 2", default="")
    funding_share = NumberColumn("Finansieringsandel")

    class Meta:
        order_by = ("-year", "cluster")

    def render_funding_share(self, value):
        return format_number(value * 100, 4) + " %"


class MunicipalityPopulationTable(tables.Table):
    quarter = tables.Column("Kvartal")
    reference_date = DateColumn("Opgørelsesdato")
    population = NumberColumn("Indbyggertal")
    source = tables.Column("Kildefil")

    class Meta:
        order_by = "-reference_date"
