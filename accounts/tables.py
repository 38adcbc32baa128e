"""Tables of the accounts pages (django-tables2): sortable, paginated, exportable."""
import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import BudgetLine, Entry
from klyngeportal.exports import MONEY
from klyngeportal.formats import format_number


class EntryTable(tables.Table):
    # Plain columns formatted in Python: a DateColumn renders a small template per cell.
    booking_date = tables.Column(verbose_name="Dato")
    # Classes of the cells: static/accounts/accounts.css fits the list in 1280 px (wrap, min widths, nowrap).
    initiative = tables.Column(verbose_name="Indsats", accessor="initiative__name", order_by=("initiative__name",),
                               attrs={"td": {"class": "initiative wrap"}})
    # Shown under the initiative's name on the page (``render_initiative``); its own column in the download.
    area = tables.Column(verbose_name="Område", accessor="initiative__area__name",
                         order_by=("initiative__area__sort_order",), visible=False)
    party = tables.Column(verbose_name="Part", accessor="party_label",
                          order_by=("party_kind", "municipality__name"))
    # The page shows the kind with the cost kind under it (``kinds``); the download keeps them apart.
    kind = tables.Column(verbose_name="Art", visible=False)
    cost_kind = tables.Column(verbose_name="Omkostningstype", visible=False)
    kinds = tables.Column(verbose_name="Art og type", accessor="kind", order_by=("kind", "cost_kind"),
                          exclude_from_export=True)
    amount = tables.Column(verbose_name="Beløb", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    account_code = tables.Column(verbose_name="Konto", attrs={"td": {"class": "code wrap"}})
    voucher = tables.Column(verbose_name="Bilag", attrs={"td": {"class": "code wrap"}})
    text = tables.Column(verbose_name="Tekst", attrs={"td": {"class": "text wrap"}})
    # The page shows who and when in one column (``created``); the download keeps them apart.
    created_by = tables.Column(verbose_name="Oprettet af", accessor="created_by__username", visible=False)
    created_at = tables.Column(verbose_name="Oprettet", visible=False)
    created = tables.Column(verbose_name="Oprettet", accessor="created_at", order_by=("created_at",),
                            exclude_from_export=True)
    state = tables.Column(verbose_name="Status", empty_values=(), orderable=False, attrs={"td": {"class": "state"}})
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True,
                            attrs={"td": {"class": "row-actions"}})

    class Meta:
        model = Entry
        fields = ()
        sequence = ("booking_date", "initiative", "area", "party", "kind", "cost_kind", "kinds", "amount", "account_code",
                    "voucher", "text", "created_by", "created_at", "created", "state", "actions")
        order_by = ("-booking_date",)
        attrs = {"class": "table entries"}
        template_name = "accounts/includes/entry_table.html"
        per_page = 50
        empty_text = "Ingen posteringer."
        row_attrs = {"data-entry": lambda record: record.pk}

    export_kinds = {"amount": MONEY}  # how klyngeportal.exports writes the columns it cannot tell by type

    def __init__(self, *args, may_edit: bool = False, **kwargs):
        self.may_edit = may_edit
        super().__init__(*args, **kwargs)

    def body_html(self):
        """The page's rows as HTML, cell by cell through the same ``render_*`` methods as django-tables2.

        django-tables2 resolves, inspects and templates each cell (most of the page's time); the entry
        list has fixed columns, so its body is written here. ``accounts/includes/entry_table.html`` uses it.
        """
        columns = [(column.name, column.attrs["td"].as_html(), column.default) for column in self.columns]
        rows = []
        for index, record in enumerate(row.record for row in self.page.object_list):
            cells = []
            for name, attrs, default in columns:
                value = self._cell(name, record)
                cells.append(format_html("<td {}>{}</td>", attrs, default if value in (None, "") and name not in
                                         ("state", "actions") else value))
            rows.append(format_html('<tr data-entry="{}" class="{}">{}</tr>', record.pk,
                                    "odd" if index % 2 else "even", mark_safe("".join(cells))))
        return mark_safe("\n".join(rows))

    def _cell(self, name: str, record):
        if name == "booking_date":
            return self.render_booking_date(record.booking_date)
        if name == "initiative":
            return self.render_initiative(record.initiative.name, record)
        if name == "party":
            return record.party_label
        if name == "kinds":
            return self.render_kinds(record)
        if name == "amount":
            return self.render_amount(record.amount)
        if name in ("account_code", "voucher", "text"):
            return getattr(record, name)
        if name == "created":
            return self.render_created(record.created_at, record)
        if name == "state":
            return self.render_state(record)
        if name == "actions":
            return self.render_actions(record)
        raise KeyError(f"EntryTable.body_html kender ikke kolonnen {name}")

    def render_booking_date(self, value):
        return dateformat.format(value, "d.m.Y")

    def value_booking_date(self, value):
        return value  # a date: klyngeportal.exports writes dd.mm.åååå (CSV) or a typed date (xlsx)

    def render_initiative(self, value, record):
        return format_html('{}<br><small class="muted">{}</small>', value, record.initiative.area.name)

    def value_initiative(self, value):
        return value

    def render_created_at(self, value):
        return dateformat.format(timezone.localtime(value), "d.m.Y H:i")

    def render_created(self, value, record):
        return format_html('{}<br><small class="muted">{}</small>', record.created_by.username if record.created_by else "",
                           dateformat.format(timezone.localtime(value), "d.m.Y H:i"))

    def value_created_at(self, value):
        return value

    def render_amount(self, value):
        return format_number(value, 2)

    def value_amount(self, value):
        return value  # a Decimal: klyngeportal.exports writes 1234,50 (CSV) or a number (xlsx)

    def render_kinds(self, record):
        return format_html('{}<br><small class="muted">{}</small>', record.get_kind_display(),
                           record.get_cost_kind_display())

    def value_kind(self, record):
        return record.get_kind_display()

    def value_cost_kind(self, record):
        return record.get_cost_kind_display()

    def render_state(self, record):
        if record.reverses_id:
            return mark_safe('<span class="badge warn">Tilbageførsel</span>')
        if record.reversal_id:
            return mark_safe('<span class="badge">Tilbageført</span>')
        return ""

    def value_state(self, record):
        if record.reverses_id:
            return f"Tilbageførsel af {record.reverses_id}"
        if record.reversal_id:
            return f"Tilbageført af {record.reversal_id}"
        return ""

    def render_actions(self, record):
        if not self.may_edit or record.reverses_id or record.reversal_id:
            return ""
        url = reverse("accounts:entry_reverse", args=[record.cluster_year_id, record.pk])
        return format_html('<a class="button small secondary" href="{}">Tilbagefør</a>', url)


class BudgetLineTable(tables.Table):
    """The budget lines of a cluster-year: initiative, area, source, party, budget; «Ret» for who may edit."""

    initiative = tables.Column(verbose_name="Indsats", accessor="initiative__name", order_by=("initiative__name",))
    area = tables.Column(verbose_name="Område", accessor="initiative__area__name",
                         order_by=("initiative__area__sort_order", "initiative__name"))
    source = tables.Column(verbose_name="Kilde")
    party = tables.Column(verbose_name="Part", accessor="party_label",
                          order_by=("party_kind", "municipality__name"))
    amount = tables.Column(verbose_name="Budget", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = BudgetLine
        fields = ()
        sequence = ("initiative", "area", "source", "party", "amount", "actions")
        order_by = ("initiative", "source", "party")
        attrs = {"class": "table budget-lines"}
        per_page = 50
        empty_text = "Ingen budgetlinjer."
        row_attrs = {"data-budget-line": lambda record: record.pk}

    export_kinds = {"amount": MONEY}

    def __init__(self, *args, may_edit: bool = False, **kwargs):
        self.may_edit = may_edit
        super().__init__(*args, **kwargs)

    def render_amount(self, value):
        return format_number(value, 2)

    def value_amount(self, value):
        return value

    def value_source(self, record):
        return record.get_source_display()

    def render_actions(self, record):
        if not self.may_edit:
            return ""
        url = reverse("accounts:budget_edit", args=[record.cluster_year_id, record.pk])
        return format_html('<a class="button small secondary" href="{}">Ret</a>', url)
