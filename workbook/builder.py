"""Build the budget-and-accounts template with openpyxl in write-only (streaming) mode.

The same builder makes the blank template (the cluster's lists, no figures)
and the filled export of a cluster-year. Design:

- Regnskab and Budget hold values only; every total lives in Opfølgning and
  Videreførelse as SUMIFS formulas that Excel (or LibreOffice) recalculates.
- Input cells (and whole input columns, through column styles) are unlocked;
  headers, lists and formulas are locked and the sheets are protected
  without a password (a guard against slips, not a secret).
- Text that Excel would read as a formula (starting with =, +, - or @) is
  written as a string cell with the quote prefix, so it is shown as text.
"""
from __future__ import annotations

from copy import copy
from datetime import date
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from workbook import layout as L
from workbook.selectors import TemplateData, entry_rows, template_data

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
FORMULA_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(bold=True, size=14)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
# Input rows offered below the data in the filled export, and in the blank template.
SPARE_ROWS = 500
MAX_ROW = 1048576


class Styler:
    """Prototype cells whose style arrays are copied onto new cells: fast in streaming mode."""

    def __init__(self, ws):
        self.ws = ws
        self.protos = {}

    def define(self, name, **attrs):
        cell = WriteOnlyCell(self.ws)
        for key, value in attrs.items():
            setattr(cell, key, value)
        self.protos[name] = cell

    def cell(self, value, style: str | None = None):
        cell = WriteOnlyCell(self.ws)
        if style:
            cell._style = copy(self.protos[style]._style)
        if value == "":
            value = None
        if isinstance(value, str) and value.startswith(L.FORMULA_TRIGGERS):
            cell.value = value
            cell.data_type = "s"  # never a formula
            cell.quotePrefix = True
        else:
            cell.value = value
        return cell

    def formula(self, text: str, style: str | None = None):
        cell = WriteOnlyCell(self.ws, value=text)
        if style:
            cell._style = copy(self.protos[style]._style)
        return cell


class _Row(tuple):
    """A row of plain values for `_FastRows` (a tuple subclass, so openpyxl's own code never sees it)."""


class _FastRows:
    """Stream rows of plain values straight into a write-only sheet's XML.

    openpyxl (without lxml) builds and serialises an element tree for every cell,
    which is most of the export's time at 20,000 entries. For the ordinary values of
    Regnskab (text, a date in a date column, a Decimal or int, empty) this writes the
    very bytes openpyxl writes for the same cells; style ids are taken the first time
    a style is met, in cell order, so styles.xml comes out the same too. A row with
    any other value (an error code, an illegal character, a datetime, ...) is handed
    to openpyxl unchanged, through `Styler.cell` as before.
    """

    def __init__(self, ws, styler: Styler, styles: list[str | None]):
        self.ws = ws
        self.styler = styler
        self.styles = styles
        self.letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
        self.style_ids: dict[tuple[str | None, bool], str] = {}
        self.wb = ws.parent
        # The sheet's writer and row stream exist once a first row is appended (the header).
        writer = ws._writer
        self._values_to_row = ws._values_to_row
        self._write_row = writer.write_row
        ws._values_to_row = self.values_to_row
        writer.write_row = self.write_row

    def append(self, values) -> None:
        self.ws.append(_Row(values))

    def values_to_row(self, values, row_idx):
        if type(values) is _Row:
            return values
        return self._values_to_row(values, row_idx)

    def _style_id(self, index: int, value, quoted: bool) -> str:
        key = (self.styles[index], quoted)
        sid = self.style_ids.get(key)
        if sid is None:
            sid = self.style_ids[key] = f"{self.styler.cell(value, self.styles[index]).style_id}"
        return sid

    def _cell_xml(self, index: int, coordinate: str, value) -> str | None:
        """The XML openpyxl writes for this styled cell, or None if it is not an ordinary value."""
        if value is None or value == "":
            return f'<c r="{coordinate}" s="{self._style_id(index, None, False)}" t="n" />'
        kind = type(value)
        if kind is str:
            if value in ERROR_CODES or len(value) > 32767 or ILLEGAL_CHARACTERS_RE.search(value):
                return None
            sid = self._style_id(index, value, value.startswith(L.FORMULA_TRIGGERS))
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            stripped = value.strip()
            space = ' xml:space="preserve"' if stripped and stripped != value else ""
            return f'<c r="{coordinate}" s="{sid}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if kind is Decimal or kind is int:
            if kind is Decimal and not value.is_finite():
                return None
            return f'<c r="{coordinate}" s="{self._style_id(index, None, False)}" t="n"><v>{safe_string(value)}</v></c>'
        if kind is date and self.styles[index] == "input_date" and not self.wb.iso_dates:
            serial = safe_string(to_excel(value, self.wb.epoch))
            return f'<c r="{coordinate}" s="{self._style_id(index, None, False)}" t="n"><v>{serial}</v></c>'
        return None

    def write_row(self, xf, row, row_idx):
        if type(row) is not _Row:
            return self._write_row(xf, row, row_idx)
        if row_idx in self.ws.row_dimensions:
            return self._fallback(xf, row, row_idx)
        number = str(row_idx)
        parts = [f'<row r="{number}">']
        for index, value in enumerate(row):
            xml = self._cell_xml(index, self.letters[index] + number, value)
            if xml is None:
                return self._fallback(xf, row, row_idx)
            parts.append(xml)
        parts.append("</row>")
        xf._file("".join(parts))

    def _fallback(self, xf, row, row_idx):
        cells = [self.styler.cell(value, style) for value, style in zip(row, self.styles, strict=True)]
        self._write_row(xf, self._values_to_row(cells, row_idx), row_idx)


def _header(styler: Styler, headers):
    return [styler.cell(h, "header") for h in headers]


def _setup_sheet(ws, widths, *, freeze: str | None = "A2", protect=True):
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if freeze:
        ws.freeze_panes = freeze
    if protect:
        ws.protection.sheet = True
        # Users may still widen columns, format and filter; not insert or delete.
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.autoFilter = False
        ws.protection.sort = False
        ws.protection.selectLockedCells = False
        ws.protection.selectUnlockedCells = False


def _unlock_column(ws, letter: str, number_format: str | None = None):
    dim = ws.column_dimensions[letter]
    dim.protection = UNLOCKED
    if number_format:
        dim.number_format = number_format


def _list_validation(ws, list_name: str, column: str, label: str, last_row: int = MAX_ROW):
    dv = DataValidation(
        type="list", formula1=list_name, allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorTitle="Ugyldig værdi",
        error=f"Vælg {label} fra listen (arket Lister).",
    )
    dv.add(f"{column}{L.FIRST_DATA_ROW}:{column}{last_row}")
    ws.data_validations.append(dv)


def _styles(ws) -> Styler:
    s = Styler(ws)
    s.define("header", font=HEADER_FONT, fill=HEADER_FILL, protection=LOCKED,
             alignment=Alignment(wrap_text=True, vertical="top"))
    s.define("title", font=TITLE_FONT, protection=LOCKED)
    s.define("text", protection=LOCKED, alignment=Alignment(wrap_text=True, vertical="top"))
    s.define("bold", font=HEADER_FONT, protection=LOCKED)
    s.define("input", protection=UNLOCKED)
    s.define("input_text", protection=UNLOCKED, number_format=L.TEXT_FORMAT)
    s.define("input_date", protection=UNLOCKED, number_format=L.DATE_FORMAT)
    s.define("input_money", protection=UNLOCKED, number_format=L.MONEY_FORMAT)
    s.define("money", protection=LOCKED, number_format=L.MONEY_FORMAT)
    s.define("formula_money", protection=LOCKED, number_format=L.MONEY_FORMAT, fill=FORMULA_FILL)
    s.define("total_money", protection=LOCKED, number_format=L.MONEY_FORMAT, fill=FORMULA_FILL,
             font=HEADER_FONT)
    s.define("locked", protection=LOCKED)
    return s


def _list_range(letter: str, count: int) -> str:
    last = L.FIRST_DATA_ROW + max(count, 1) - 1
    return f"{quote_sheetname(L.SHEET_LISTS)}!${letter}${L.FIRST_DATA_ROW}:${letter}${last}"


def _col(key: str, columns) -> str:
    for index, (k, _, _) in enumerate(columns, start=1):
        if k == key:
            return get_column_letter(index)
    raise KeyError(key)


def _full(sheet: str, letter: str) -> str:
    return f"{quote_sheetname(sheet)}!${letter}:${letter}"


def _criterion(ref: str, text: str) -> str:
    """A SUMIFS criterion matching `text` exactly: the cell itself, unless the text holds
    wildcards (* ? ~) or starts like a comparison (< > =); then an escaped literal."""
    if not any(ch in text for ch in "*?~") and not text.startswith(("<", ">", "=")):
        return ref
    escaped = text.replace("~", "~~").replace("*", "~*").replace("?", "~?").replace('"', '""')
    return f'"={escaped}"' if text.startswith(("<", ">", "=")) else f'"{escaped}"'


# --- sheets ------------------------------------------------------------------

def _guide(wb, data: TemplateData, blank: bool):
    ws = wb.create_sheet(L.SHEET_GUIDE)
    _setup_sheet(ws, [110], freeze=None)
    s = _styles(ws)
    cy = data.cluster_year
    what = "Tom skabelon" if blank else f"Udfyldt eksport pr. {timezone.localtime():%d-%m-%Y %H:%M}"
    lines = [
        ("title", f"Budget- og regnskabsskabelon: {data.cluster.name} (Region {data.cluster.region.name}) {data.year}"),
        ("text", f"{what}. Klyngeregnskabets status i portalen: "
                 f"{cy.get_status_display() if cy else 'ikke oprettet endnu'}."),
        ("text", ""),
        ("bold", "Sådan udfylder du skabelonen"),
        ("text", "1. Regnskab: én række pr. postering, som den er bogført i kommunens eller regionens egne bøger: "
                 "dato, indsats, part (hvem der har bogført), konto, art (udgift eller indtægt), omkostningstype, "
                 "beløb, tekst og bilagsnummer. Beløb skrives positive; en indtægt angives med Art = Indtægt."),
        ("text", f"2. Datoen skal ligge i {data.year}. Kontoen skal have formen fra partens kontoplan "
                 "(kommunal fx 4.62.82 eller 4.62.82.1.01; regional fx 1.10.11 eller 1.10.11.4.5). "
                 "Konto-kolonnen er formateret som tekst, så Excel ikke gør kontonumre til datoer."),
        ("text", "3. Indsats, indsatsområde, part, art, omkostningstype og kilde vælges fra rullelisterne "
                 "(arket Lister). Indsatsområdet kan udelades; udfyldes det, skal det passe til indsatsen."),
        ("text", "4. Budget: budget pr. indsats, finansieringskilde og part. Videreførelse: indbetalt, forbrug og "
                 "uforbrugt pr. part samt partens tilsagn om videreførelse."),
        ("text", "5. Opfølgning beregnes af Excel (budget, forbrug og afvigelse pr. indsats, pr. indsatsområde og "
                 "pr. part). Formelcellerne er låste; arkene er beskyttet uden adgangskode."),
        ("text", "6. Indlæsning i portalen: kun arket Regnskab indlæses, og kun nye rækker (en række, der er "
                 "identisk med en eksisterende postering, afvises som dublet). Er der blot én fejl, gemmes "
                 "intet, og du får en liste med ark, celle og problem. Formler i dataceller beregnes ikke, men "
                 "afvises: skriv værdien. En indlæsning kan senere tilbageføres samlet (modposteringer; intet "
                 "slettes). Budget og videreførelse registreres i portalen."),
        ("text", ""),
        ("bold", "Regler for midlerne (afsnit A og D)"),
        ("text", "Afsnit A: Reglerne gælder både opstartsmidlerne og decentrale midler, som kommuner og regioner "
                 "prioriterer til projekter i klyngerne. Midlerne skal primært anvendes til udviklingsinitiativer "
                 "og ikke til sekretariatsbetjening eller drift; angiv derfor omkostningstypen for hver postering."),
        ("text", "Indsatsområder i 2022: borgere med kroniske sygdomme, akutområdet, borgere med psykiske lidelser, "
                 "unge med mental mistrivsel og de sårbare ældre. Hvilke konkrete indsatser, der varetages, "
                 "besluttes i klyngen."),
        ("text", "Afsnit D: Sundhedssamarbejdsudvalget i hver region følger op på de igangsatte indsatser og "
                 "anvendelsen af midlerne. Der er ingen særskilt statslig regnskabsopfølgning; klyngeregnskabet "
                 "udarbejdes lokalt i klyngen, og denne skabelon er den foreslåede budget- og regnskabsskabelon."),
        ("text", "Midlerne bliver i kommunernes og regionens egne regnskaber: hver part bogfører på sine egne "
                 "konti. Uforbrugte bidrag for 2022 kan videreføres til 2023, hvis parten giver tilsagn om "
                 "råderum under sit udgiftsloft for 2023."),
    ]
    for style, text in lines:
        ws.append([s.cell(text, style)])


def _lists(wb, data: TemplateData):
    ws = wb.create_sheet(L.SHEET_LISTS)
    widths = {"A": 40, "B": 30, "C": 3, "D": 34, "E": 3, "F": 28, "G": 3, "H": 10, "I": 22, "J": 26}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _setup_sheet(ws, [], freeze="A2")
    s = _styles(ws)
    columns = {
        "A": [i.name for i in data.initiatives],
        "B": [i.area.name for i in data.initiatives],
        "D": data.areas,
        "F": [p.label for p in data.parties],
        "H": list(L.KIND_LABELS.values()),
        "I": list(L.COST_KIND_LABELS.values()),
        "J": list(L.SOURCE_LABELS.values()),
    }
    headers = {letter: header for _, letter, header in L.LIST_COLUMNS}
    letters = [get_column_letter(i) for i in range(1, 11)]
    ws.append([s.cell(headers[x], "header") if x in headers else None for x in letters])
    height = max(len(v) for v in columns.values())
    for index in range(height):
        ws.append([
            s.cell(columns[x][index], "locked") if x in columns and index < len(columns[x]) else None
            for x in letters
        ])
    for name, letter, _ in L.LIST_COLUMNS:
        if name:
            wb.defined_names[name] = DefinedName(name, attr_text=_list_range(letter, len(columns[letter])))


def _budget(wb, data: TemplateData):
    ws = wb.create_sheet(L.SHEET_BUDGET)
    _setup_sheet(ws, [w for _, _, w in L.BUDGET_COLUMNS])
    for letter in "ABCD":
        _unlock_column(ws, letter)
    _unlock_column(ws, "E", L.MONEY_FORMAT)
    _list_validation(ws, L.LIST_INITIATIVES, "A", "en indsats")
    _list_validation(ws, L.LIST_AREAS, "B", "et indsatsområde")
    _list_validation(ws, L.LIST_SOURCES, "C", "en finansieringskilde")
    _list_validation(ws, L.LIST_PARTIES, "D", "en part")
    s = _styles(ws)
    ws.append(_header(s, L.BUDGET_HEADERS))
    for initiative, area, source, party, amount in data.budget_rows:
        ws.append([s.cell(initiative, "input"), s.cell(area, "input"), s.cell(source, "input"),
                   s.cell(party, "input"), s.cell(amount, "input_money")])
    for _ in range(SPARE_ROWS // 5):
        ws.append([s.cell(None, "input")] * 4 + [s.cell(None, "input_money")])


def _entries(wb, data: TemplateData, blank: bool) -> int:
    ws = wb.create_sheet(L.SHEET_ENTRIES)
    _setup_sheet(ws, [w for _, _, w in L.ENTRY_COLUMNS])
    column_styles = {
        "booking_date": ("input_date", L.DATE_FORMAT),
        "account_code": ("input_text", L.TEXT_FORMAT),
        "amount": ("input_money", L.MONEY_FORMAT),
    }
    styles = []
    for index, (key, _, _) in enumerate(L.ENTRY_COLUMNS, start=1):
        style, number_format = column_styles.get(key, ("input", None))
        _unlock_column(ws, get_column_letter(index), number_format)
        styles.append(style)
    col = {key: _col(key, L.ENTRY_COLUMNS) for key, _, _ in L.ENTRY_COLUMNS}
    _list_validation(ws, L.LIST_INITIATIVES, col["initiative"], "en indsats")
    _list_validation(ws, L.LIST_AREAS, col["area"], "et indsatsområde")
    _list_validation(ws, L.LIST_PARTIES, col["party"], "en part")
    _list_validation(ws, L.LIST_KINDS, col["kind"], "Udgift eller Indtægt")
    _list_validation(ws, L.LIST_COST_KINDS, col["cost_kind"], "en omkostningstype")
    dates = DataValidation(
        type="date", operator="between",
        formula1=f"DATE({data.year},1,1)", formula2=f"DATE({data.year},12,31)",
        allow_blank=True, showErrorMessage=True, errorTitle="Ugyldig dato",
        error=f"Datoen skal ligge i {data.year}.",
    )
    dates.add(f"{col['booking_date']}{L.FIRST_DATA_ROW}:{col['booking_date']}{MAX_ROW}")
    ws.data_validations.append(dates)
    amounts = DataValidation(
        type="decimal", operator="greaterThan", formula1="0", allow_blank=True, showErrorMessage=True,
        errorTitle="Ugyldigt beløb", error="Beløbet skal være et positivt tal (indtægter angives med Art).",
    )
    amounts.add(f"{col['amount']}{L.FIRST_DATA_ROW}:{col['amount']}{MAX_ROW}")
    ws.data_validations.append(amounts)
    s = _styles(ws)
    ws.append(_header(s, L.ENTRY_HEADERS))
    fast = _FastRows(ws, s, styles)
    count = 0
    if not blank and data.cluster_year is not None:
        for row in entry_rows(data.cluster_year, data.initiatives, data.parties):
            fast.append(row)
            count += 1
    empty = (None,) * len(styles)
    for _ in range(SPARE_ROWS):
        fast.append(empty)
    return count


def _followup(wb, data: TemplateData):
    ws = wb.create_sheet(L.SHEET_FOLLOWUP)
    _setup_sheet(ws, [40, 30, 18, 18, 18], freeze="A4")
    s = _styles(ws)
    reg = {key: _col(key, L.ENTRY_COLUMNS) for key, _, _ in L.ENTRY_COLUMNS}
    bud = {key: _col(key, L.BUDGET_COLUMNS) for key, _, _ in L.BUDGET_COLUMNS}
    amount = _full(L.SHEET_ENTRIES, reg["amount"])
    kind = _full(L.SHEET_ENTRIES, reg["kind"])
    expense, income = L.KIND_LABELS["expense"], L.KIND_LABELS["income"]
    state = {"row": 0}

    def append(cells) -> int:
        ws.append(cells)
        state["row"] += 1
        return state["row"]

    def spend(criteria_column: str, ref: str) -> str:
        col = _full(L.SHEET_ENTRIES, reg[criteria_column])
        return (f"SUMIFS({amount},{col},{ref},{kind},\"{expense}\")"
                f"-SUMIFS({amount},{col},{ref},{kind},\"{income}\")")

    def budget(criteria_column: str, ref: str) -> str:
        return (f"SUMIFS({_full(L.SHEET_BUDGET, bud['amount'])},"
                f"{_full(L.SHEET_BUDGET, bud[criteria_column])},{ref})")

    def section(headers, labels, formulas):
        """A header, one row per label with budget/spend/deviation formulas, and a total row."""
        append([s.cell(h, "header") for h in headers])
        first = state["row"] + 1
        for label, extra in labels:
            row = state["row"] + 1
            ref = _criterion(f"$A{row}", label)
            budget_formula, spend_formula = formulas(ref)
            append([
                s.cell(label, "locked"), s.cell(extra, "locked") if extra else None,
                s.formula(f"={budget_formula}", "formula_money"),
                s.formula(f"={spend_formula}", "formula_money"),
                s.formula(f"=C{row}-D{row}", "formula_money"),
            ])
        last = state["row"]
        if last < first:
            append([s.cell("(ingen)", "locked")])
            last = first
        append([s.cell("I alt", "bold"), None,
                *[s.formula(f"=SUM({c}{first}:{c}{last})", "total_money") for c in "CDE"]])
        return first, last

    append([s.cell(f"Opfølgning: {data.cluster.name} {data.year}", "title")])
    append([s.cell("Beregnes af Excel ud fra arkene Budget og Regnskab. Forbrug = udgifter minus "
                   "indtægter; afvigelse = budget minus forbrug.", "text")])
    # Section 1: per initiative; the area totals are summed from it, so that an entry
    # counts under its initiative's area whatever is typed in Regnskab's area column.
    first, last = section(
        ("Indsats", "Indsatsområde", "Budget", "Forbrug", "Afvigelse"),
        [(i.name, i.area.name) for i in data.initiatives],
        lambda ref: (budget("initiative", ref), spend("initiative", ref)),
    )
    append([])
    section(
        ("Indsatsområde", "", "Budget", "Forbrug", "Afvigelse"),
        [(area, None) for area in data.areas],
        lambda ref: (f"SUMIFS(C${first}:C${last},$B${first}:$B${last},{ref})",
                     f"SUMIFS(D${first}:D${last},$B${first}:$B${last},{ref})"),
    )
    append([])
    section(
        ("Part", "", "Budget", "Forbrug", "Afvigelse"),
        [(party.label, None) for party in data.parties],
        lambda ref: (budget("party", ref), spend("party", ref)),
    )


def _carryover(wb, data: TemplateData):
    ws = wb.create_sheet(L.SHEET_CARRYOVER)
    _setup_sheet(ws, [w for _, _, w in L.CARRYOVER_COLUMNS])
    for letter in "EFGH":
        _unlock_column(ws, letter, L.MONEY_FORMAT if letter == "E" else L.DATE_FORMAT if letter == "G" else None)
    s = _styles(ws)
    ws.append(_header(s, [h for _, h, _ in L.CARRYOVER_COLUMNS]))
    reg = {key: _col(key, L.ENTRY_COLUMNS) for key, _, _ in L.ENTRY_COLUMNS}
    amount = _full(L.SHEET_ENTRIES, reg["amount"])
    kind = _full(L.SHEET_ENTRIES, reg["kind"])
    party_col = _full(L.SHEET_ENTRIES, reg["party"])
    expense, income = L.KIND_LABELS["expense"], L.KIND_LABELS["income"]
    row = 1
    for party in data.parties:
        row += 1
        ref = _criterion(f"$A{row}", party.label)
        commitment = data.commitments.get(party.key)
        ws.append([
            s.cell(party.label, "locked"),
            s.cell(data.paid_by_party.get(party.key), "money"),
            s.formula(f"=SUMIFS({amount},{party_col},{ref},{kind},\"{expense}\")"
                      f"-SUMIFS({amount},{party_col},{ref},{kind},\"{income}\")", "formula_money"),
            s.formula(f"=B{row}-C{row}", "formula_money"),
            s.cell(commitment.amount if commitment else None, "input_money"),
            s.cell(commitment.committed_by if commitment else None, "input"),
            s.cell(commitment.committed_on if commitment else None, "input_date"),
            s.cell(commitment.note if commitment else None, "input"),
        ])
    if data.joint_paid:
        ws.append([])
        ws.append([s.cell("Indbetalt af klyngens kommuner samlet (ikke fordelt på parter)", "text"),
                   s.cell(data.joint_paid, "money")])


# --- entry points ----------------------------------------------------------

def build_workbook(data: TemplateData, out, *, blank: bool) -> int:
    """Write the workbook to `out` (a path or a binary file object); returns the number of entries."""
    wb = Workbook(write_only=True)
    _guide(wb, data, blank)
    _budget(wb, data)
    count = _entries(wb, data, blank)
    _followup(wb, data)
    _carryover(wb, data)
    _lists(wb, data)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.save(out)
    return count


def export_filename(cluster, year: int, *, blank: bool) -> str:
    stem = f"{cluster.region.slug}-{cluster.slug}-{year}"
    if blank:
        return f"skabelon-{stem}.xlsx"
    return f"klyngeregnskab-{stem}-{date.today():%Y%m%d}.xlsx"


def build_for(*, cluster, year: int, cluster_year=None, blank: bool, out) -> int:
    data = template_data(cluster=cluster, year=year, cluster_year=cluster_year, blank=blank)
    return build_workbook(data, out, blank=blank)
