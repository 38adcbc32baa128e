"""Tables of the accounts pages (django-tables2): sortable, paginated, exportable."""
from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import BudgetLine, Entry
from accounts.tables_body import OnePassBodyMixin, UrlOfRow, choice_labels, display, text_cell
from klyngeportal.exports import MONEY
from klyngeportal.formats import format_number


class EntryTable(OnePassBodyMixin, tables.Table):
    # Plain columns formatted in Python: a DateColumn renders a small template per cell.
    # Every sort ends with the id: rows that tie (an entry and its reversal on one date) keep one order
    # from page to page, so that paging shows each row once.
    booking_date = tables.Column(verbose_name="Dato", order_by=("booking_date", "id"))
    # Classes of the cells: static/accounts/accounts.css fits the list in 1280 px (wrap, min widths, nowrap).
    # The names come as columns of the list's query (``accounts.selectors.entries.entry_filter_base``).
    initiative = tables.Column(verbose_name="Indsats", accessor="initiative_name", order_by=("initiative__name", "id"),
                               attrs={"td": {"class": "initiative wrap"}})
    # Shown under the initiative's name on the page (``render_initiative``); its own column in the download.
    area = tables.Column(verbose_name="Område", accessor="area_name",
                         order_by=("initiative__area__sort_order", "id"), visible=False)
    party = tables.Column(verbose_name="Part", accessor="party_label",
                          order_by=("party_kind", "municipality__name", "id"))
    # The page shows the kind with the cost kind under it (``kinds``); the download keeps them apart.
    kind = tables.Column(verbose_name="Art", visible=False, order_by=("kind", "id"))
    cost_kind = tables.Column(verbose_name="Omkostningstype", visible=False, order_by=("cost_kind", "id"))
    kinds = tables.Column(verbose_name="Art og type", accessor="kind", order_by=("kind", "cost_kind", "id"),
                          exclude_from_export=True)
    amount = tables.Column(verbose_name="Beløb", order_by=("amount", "id"),
                           attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    account_code = tables.Column(verbose_name="Konto", order_by=("account_code", "id"),
                                 attrs={"td": {"class": "code wrap"}})
    voucher = tables.Column(verbose_name="Bilag", order_by=("voucher", "id"), attrs={"td": {"class": "code wrap"}})
    text = tables.Column(verbose_name="Tekst", order_by=("text", "id"), attrs={"td": {"class": "text wrap"}})
    # The page shows who and when in one column (``created``); the download keeps them apart.
    created_by = tables.Column(verbose_name="Oprettet af", accessor="created_by_username",
                               order_by=("created_by__username", "id"), visible=False)
    created_at = tables.Column(verbose_name="Oprettet", visible=False, order_by=("created_at", "id"))
    created = tables.Column(verbose_name="Oprettet", accessor="created_at", order_by=("created_at", "id"),
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
        template_name = "accounts/includes/one_pass_table.html"
        per_page = 50
        empty_text = "Ingen posteringer."
        row_attrs = {"data-entry": lambda record: record.pk}

    export_kinds = {"amount": MONEY}  # how klyngeportal.exports writes the columns it cannot tell by type
    row_key = "data-entry"

    def __init__(self, *args, may_edit: bool = False, **kwargs):
        self.may_edit = may_edit
        super().__init__(*args, **kwargs)

    def cell_writers(self):
        """The page's cells as ``render_*`` writes them (``accounts.tables_body``: one pass, no template a cell)."""
        kinds, cost_kinds = choice_labels(Entry, "kind"), choice_labels(Entry, "cost_kind")
        reverse_url = UrlOfRow("accounts:entry_reverse")
        zone = timezone.get_current_timezone()

        def initiative(r):
            name = r.initiative_name
            return text_cell(name) and f'{escape(name)}<br><small class="muted">{escape(r.area_name)}</small>'

        def kind(r):
            if r.kind in (None, ""):
                return None
            return (f'{escape(display(kinds, r.kind))}<br>'
                    f'<small class="muted">{escape(display(cost_kinds, r.cost_kind))}</small>')

        def created(r):
            if r.created_at is None:
                return None
            return (f'{escape(r.created_by_username or "")}<br>'
                    f'<small class="muted">{r.created_at.astimezone(zone):%d.%m.%Y %H:%M}</small>')

        def actions(r):
            if not self.may_edit or r.reverses_id or r.reversal_id:
                return ""
            return (f'<a class="button small secondary" href="{reverse_url(r.cluster_year_id, r.pk)}">'
                    "Tilbagefør</a>")

        return {
            "booking_date": lambda r: None if r.booking_date is None else f"{r.booking_date:%d.%m.%Y}",
            "initiative": initiative,
            "party": lambda r: text_cell(r.party_label),
            "kinds": kind,
            "amount": lambda r: None if r.amount is None else format_number(r.amount, 2),
            "account_code": lambda r: text_cell(r.account_code),
            "voucher": lambda r: text_cell(r.voucher),
            "text": lambda r: text_cell(r.text),
            "created": created,
            "state": self.render_state,
            "actions": actions,
        }

    def render_booking_date(self, value):
        return dateformat.format(value, "d.m.Y")

    def value_booking_date(self, value):
        return value  # a date: klyngeportal.exports writes dd.mm.åååå (CSV) or a typed date (xlsx)

    def render_initiative(self, value, record):
        return format_html('{}<br><small class="muted">{}</small>', value, record.area_name)

    def value_initiative(self, value):
        return value

    def render_created_at(self, value):
        return dateformat.format(timezone.localtime(value), "d.m.Y H:i")

    def render_created(self, value, record):
        return format_html('{}<br><small class="muted">{}</small>', record.created_by_username or "",
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


class BudgetLineTable(OnePassBodyMixin, tables.Table):
    """The budget lines of a cluster-year: initiative, area, source, party, budget; «Ret» for who may edit."""

    # Every sort ends with the id (rows that tie keep one order from page to page).
    # The initiative's sort is the default order (initiative, source, party) in full.
    initiative = tables.Column(verbose_name="Indsats", accessor="initiative__name",
                               order_by=("initiative__name", "source", "party_kind", "municipality__name", "id"))
    area = tables.Column(verbose_name="Område", accessor="initiative__area__name",
                         order_by=("initiative__area__sort_order", "initiative__name", "source", "party_kind",
                                   "municipality__name", "id"))
    source = tables.Column(verbose_name="Kilde", order_by=("source", "id"))
    party = tables.Column(verbose_name="Part", accessor="party_label",
                          order_by=("party_kind", "municipality__name", "id"))
    amount = tables.Column(verbose_name="Budget", order_by=("amount", "id"),
                           attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = BudgetLine
        fields = ()
        sequence = ("initiative", "area", "source", "party", "amount", "actions")
        order_by = ("initiative", "source", "party")
        attrs = {"class": "table budget-lines"}
        template_name = "accounts/includes/one_pass_table.html"
        per_page = 50
        empty_text = "Ingen budgetlinjer."
        row_attrs = {"data-budget-line": lambda record: record.pk}

    export_kinds = {"amount": MONEY}
    row_key = "data-budget-line"

    def __init__(self, *args, may_edit: bool = False, **kwargs):
        self.may_edit = may_edit
        super().__init__(*args, **kwargs)

    def cell_writers(self):
        """The page's cells as django-tables2 writes them (``accounts.tables_body``: one pass, no template a cell)."""
        sources = choice_labels(BudgetLine, "source")
        edit_url = UrlOfRow("accounts:budget_edit")

        def actions(r):
            if not self.may_edit:
                return ""
            return f'<a class="button small secondary" href="{edit_url(r.cluster_year_id, r.pk)}">Ret</a>'

        return {
            "initiative": lambda r: text_cell(r.initiative.name),
            "area": lambda r: text_cell(r.initiative.area.name),
            "source": lambda r: None if r.source in (None, "") else escape(display(sources, r.source)),
            "party": lambda r: text_cell(r.party_label),
            "amount": lambda r: None if r.amount is None else format_number(r.amount, 2),
            "actions": actions,
        }

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
