import django_tables2 as tables

from allocation.models import AllocationRound
from klyngeportal.exports import CODE
from klyngeportal.formats import format_number


class RoundTable(tables.Table):
    name = tables.Column("Navn", linkify=True)
    year = tables.Column("År")
    status = tables.Column("Status")
    pot = tables.Column("Pulje (kr.)", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    population_basis = tables.Column("Befolkningsgrundlag")
    based_on = tables.Column("Kopieret fra", linkify=True)

    class Meta:
        model = AllocationRound
        fields = ("name", "year", "status", "pot", "population_basis", "based_on")
        order_by = ("-year", "name")
        attrs = {"class": "table"}
        empty_text = "Der er ingen fordelingsrunder endnu (indlæs referencedata med load_reference)."

    def render_pot(self, value):
        return format_number(value)

    export_kinds = {"year": CODE}  # klyngeportal.exports: a year is a number without thousands separator

    def render_year(self, value):
        return str(value)

    def value_year(self, value):
        return value  # the download keeps the year a number

    def render_status(self, record):
        return record.get_status_display()

    def value_pot(self, value):
        return value
