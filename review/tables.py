"""Tables of the review app (django-tables2: sortable, paginated, exportable)."""
import django_tables2 as tables
from django.template.defaultfilters import truncatewords

from klyngeportal.exports import CODE
from review.models import Evaluation, SpreadingChoice


class CollectionTable(tables.Table):
    initiative = tables.Column("Indsats", accessor="initiative__name", linkify=lambda record: record.get_absolute_url())
    region = tables.Column("Region", accessor="initiative__cluster__region__name",
                           order_by=("initiative__cluster__region__code",))
    cluster = tables.Column("Klynge", accessor="initiative__cluster__name")
    area = tables.Column("Indsatsområde", accessor="initiative__area__name")
    year = tables.Column("År")
    status = tables.Column("Evaluering")
    current_decision = tables.Column("Udbredelse", default="Ingen beslutning endnu")
    challenge = tables.Column("Udfordring", orderable=False)
    result = tables.Column("Resultat", orderable=False, default="")

    class Meta:
        model = Evaluation
        fields = ()
        sequence = ("initiative", "region", "cluster", "area", "year", "status", "current_decision",
                    "challenge", "result")
        empty_text = "Ingen evalueringer matcher filtrene."
        attrs = {"class": "table collection"}

    export_kinds = {"year": CODE}  # klyngeportal.exports: a year is a number without thousands separator

    def render_year(self, value):
        return str(value)  # a year, not an amount: no thousands separator

    def value_year(self, value):
        return value  # the download keeps the year a number

    def render_current_decision(self, value):
        return SpreadingChoice(value).label

    def value_current_decision(self, value):
        return SpreadingChoice(value).label if value else ""

    def render_challenge(self, value):
        return truncatewords(value, 25)

    def render_result(self, value):
        return truncatewords(value, 25)

    def value_challenge(self, value):
        return value

    def value_result(self, value):
        return value

    def value_status(self, record):
        return record.get_status_display()


class CollectionExportTable(CollectionTable):
    """The export carries all five questions in full."""

    success_criteria = tables.Column("Succeskriterier")
    measurement = tables.Column("Hvordan måles succes")
    measured_when = tables.Column("Hvornår måles succes")
    follow_up_responsible = tables.Column("Ansvarlig for opfølgning")
    decision_reasons = tables.Column("Begrundelse for beslutning", accessor="decision_reasons", default="")

    class Meta(CollectionTable.Meta):
        sequence = ("initiative", "region", "cluster", "area", "year", "status", "current_decision",
                    "decision_reasons", "challenge", "success_criteria", "measurement", "measured_when",
                    "follow_up_responsible", "result")
