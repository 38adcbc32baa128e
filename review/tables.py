"""Tables of the review app (django-tables2: sortable, paginated, exportable)."""
import django_tables2 as tables
from django.template.defaultfilters import truncatewords
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

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
        # The rows in one pass (``tbody_html``); the header, pagination and an empty page as django-tables2's.
        template_name = "review/collection_table.html"

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

    def tbody_html(self):
        """The page's ``<tbody>`` as django-tables2's template renders it (same cells, same bytes), in one
        pass over the records: no bound row, cell, attribute dict or signature lookup per cell.

        The cells follow the columns above (tests/review/test_collection_rows.py compares the two)."""
        default = self.default
        decision_default = self.columns["current_decision"].default
        parts = [TBODY_START]
        for index, row in enumerate(self.paginated_rows):
            record = row.record
            initiative = record.initiative
            cells = (
                format_html('<a href="{}">{}</a>', record.get_absolute_url(), initiative.name)
                if initiative.name else default,
                initiative.cluster.region.name or default,
                initiative.cluster.name or default,
                initiative.area.name or default,
                self.render_year(record.year) if record.year is not None else default,
                record.get_status_display() if record.status else default,
                self.render_current_decision(record.current_decision) if record.current_decision else decision_default,
                self.render_challenge(record.challenge) if record.challenge else default,
                self.render_result(record.result) if record.result else self.columns["result"].default,
            )
            parts.append(ROW_START.format("even" if index % 2 == 0 else "odd"))
            parts.extend(CELL.format(conditional_escape(cell)) for cell in cells)
            parts.append(ROW_END)
        parts.append(TBODY_END)
        return mark_safe("".join(parts))  # noqa: S308 - every cell escaped above


# django_tables2/bootstrap5.html's tbody block, with its whitespace (the page's HTML unchanged).
TBODY_START = "\n                <tbody >\n                "
ROW_START = "\n                    \n                    <tr class=\"{}\">\n                        "
CELL = "\n                            <td >{}</td>\n                        "
ROW_END = "\n                    </tr>\n                    \n                "
TBODY_END = "\n                </tbody>\n            "


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
