"""Build the budget-and-accounts template with XlsxWriter, through its public API only.

The same builder makes the blank template (the cluster's lists, no figures)
and the filled export of a cluster-year. Design:

- Regnskab and Budget hold values only; every total lives in Opfølgning and
  Videreførelse as SUMIFS formulas that Excel (or LibreOffice) recalculates
  (XlsxWriter asks for a full calculation on load).
- Input cells (and whole input columns, through column formats) are unlocked;
  headers, lists and formulas are locked and the sheets are protected
  without a password (a guard against slips, not a secret).
- Text is never a formula, and the workbook's structure is locked: see ``workbook.xlsx``.

XlsxWriter was chosen over openpyxl's write-only mode by measurement: see
docs/benchmark.md (the workbook section) and ``bench/bench_workbook.py``.
"""
from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from django.utils import timezone
from xlsxwriter.utility import xl_col_to_name

from klyngeportal.formats import format_kr
from workbook import layout as L
from workbook.selectors import TemplateData, entry_rows, template_data
from workbook.xlsx import LAST_ROW, SPARE_ROWS, Sheet, Styles, lock_structure, quote_sheetname


def _list_range(letter: str, count: int) -> str:
    last = L.FIRST_DATA_ROW + max(count, 1) - 1
    return f"{quote_sheetname(L.SHEET_LISTS)}!${letter}${L.FIRST_DATA_ROW}:${letter}${last}"


def _col(key: str, columns) -> str:
    for index, (k, _, _) in enumerate(columns):
        if k == key:
            return xl_col_to_name(index)
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

def _guide(sheet: Sheet, data: TemplateData, blank: bool):
    sheet.setup([110, 20, 20, 20, 20], freeze_row=None)
    cy, year = data.cluster_year, data.year
    what = "Tom skabelon" if blank else f"Udfyldt eksport pr. {timezone.localtime():%d.%m.%Y %H:%M}"
    carried = data.carried_in
    lines = [
        ("title", f"Budget- og regnskabsskabelon: {data.cluster.name} (Region {data.cluster.region.name}) {year}"),
        ("text", f"{what}. Klyngeregnskabets status i portalen: "
                 f"{cy.get_status_display() if cy else 'ikke oprettet endnu'}."),
        ("text", ""),
        ("bold", "Sådan udfylder du skabelonen"),
        ("text", "1. Regnskab: én række pr. postering, som den er bogført i kommunens eller regionens egne bøger: "
                 "dato, indsats, part (hvem der har bogført), konto, art (udgift eller indtægt), omkostningstype, "
                 "beløb, tekst og bilagsnummer. Beløb skrives som positive tal; en indtægt angives med Art = Indtægt. "
                 "Den sidste kolonne, Portal-nr., er postens nummer i portalen: den er låst og udfyldes af "
                 "portalen; i nye rækker står den tom."),
        ("text", f"2. Datoen skal ligge i {year} (01.01.{year}–31.12.{year}). Kontoen skal have formen fra "
                 "partens kontoplan (kommunal fx 4.62.82 eller 4.62.82.1.01; regional fx 1.10.11 eller "
                 "1.10.11.4.5). Konto-kolonnen er formateret som tekst, så Excel ikke gør kontonumre til datoer."),
        ("text", "3. Indsats, indsatsområde, part, art, omkostningstype og kilde vælges fra rullelisterne "
                 "(arket Lister). Indsatsområdet kan udelades; udfyldes det, skal det passe til indsatsen."),
        ("text", "4. Budget: ét beløb pr. indsats, finansieringskilde og part. Et budget på 0 fjerner linjen. "
                 "En indsats, som portalen ikke kender, oprettes ved indlæsningen i det indsatsområde, du skriver. "
                 "Videreførelse: indbetalt, forbrug og uforbrugt pr. part samt partens tilsagn om videreførelse "
                 "(beløb, givet af, dato); et tilsagn kan højst være det uforbrugte beløb."),
        ("text", "5. Opfølgning beregnes af Excel (budget, forbrug og afvigelse pr. indsats, pr. indsatsområde og "
                 "pr. part). Formelcellerne er låste; arkene er beskyttet uden adgangskode (sortering, filtre og "
                 "indsættelse og sletning af rækker er tilladt)."),
        ("text", "6. Indlæsning i portalen: Regnskab, Budget og Videreførelse indlæses, og du ser altid en "
                 "forhåndsvisning først: antal nye, uændrede, ændrede og slettede rækker pr. ark og hver fejl med "
                 "ark, celle og problem. En uændret række springes over; en ændret række bliver en tilbageførsel "
                 "af den gamle postering plus en ny; en række, der er slettet i filen, vises som «ikke i filen» og "
                 "tilbageføres kun, hvis du beder om det. Et nyt tilsagn for en part, der har et, erstatter det "
                 "gamle, som forhåndsvisningen viser. Først når du trykker «Indlæs», gemmes alt på én gang, eller "
                 "intet. Samme fil to gange indlæser intet anden gang. Formler i dataceller beregnes ikke, men "
                 "afvises: skriv værdien. En indlæsning kan senere tilbageføres samlet (modposteringer; intet "
                 "slettes)."),
        ("text", ""),
        ("bold", "Regler for midlerne (afsnit A og D)"),
        ("text", "Afsnit A: Reglerne gælder både opstartsmidlerne og decentrale midler, som kommuner og regioner "
                 "prioriterer til projekter i klyngerne. Midlerne skal primært anvendes til udviklingsinitiativer "
                 "og ikke til sekretariatsbetjening eller drift; angiv derfor omkostningstypen for hver postering."),
        ("text", f"Indsatsområder i {year}: {', '.join(data.areas) or 'ingen registreret'}. Hvilke konkrete "
                 "indsatser, der varetages, besluttes i klyngen."),
        ("text", "Afsnit D: Sundhedssamarbejdsudvalget i hver region følger op på de igangsatte indsatser og "
                 "anvendelsen af midlerne. Der er ingen særskilt statslig regnskabsopfølgning; klyngeregnskabet "
                 "udarbejdes lokalt i klyngen, og denne skabelon er den foreslåede budget- og regnskabsskabelon."),
        ("text", "Midlerne bliver i kommunernes og regionens egne regnskaber: hver part bogfører på sine egne "
                 f"konti. Uforbrugte bidrag for {year} kan videreføres til {year + 1}, hvis parten giver tilsagn "
                 f"om råderum under sit udgiftsloft for {year + 1}."),
    ]
    if carried:
        lines.append(("text", f"Videreført fra {year - 1}: {format_kr(carried, 2)} indgår i Indbetalt på arket "
                              "Videreførelse og kan budgetteres med kilden «Videreført fra forrige år»."))
    for style, text in lines:
        sheet.append([(text, style)])
    if not blank and cy is not None:
        _guide_warnings(sheet, data)
    if data.budget_figures:
        _guide_budget_figures(sheet, data)


def _guide_warnings(sheet: Sheet, data: TemplateData) -> None:
    """The cluster-year's warnings, as the portal's pages list them (``cluster_year_warnings``), text wrapped."""
    sheet.append([("", "text")])
    if not data.warnings:
        sheet.append([("Ingen advarsler", "bold")])
        sheet.append([("Portalens kontroller finder intet at advare om i regnskabet pr. eksporten.", "text")])
        return
    sheet.append([("Advarsler", "bold")])
    sheet.append([(f"Portalens kontroller, som klyngeregnskabets side og sundhedssamarbejdsudvalget ser dem "
                   f"({len(data.warnings)} pr. eksporten):", "text")])
    for warning in data.warnings:
        sheet.append([(f"• {warning.text}", "text")])


def _guide_budget_figures(sheet: Sheet, data: TemplateData) -> None:
    """Oprindeligt budget (at the first submission), korrigeret budget (now), forbrug and rest, as values."""
    cy = data.cluster_year
    when = (f"fastlagt ved første indsendelse {timezone.localtime(cy.original_budget_at):%d.%m.%Y}"
            if cy is not None and cy.original_budget_at else "regnskabet er ikke indsendt: det aktuelle budget")
    sheet.append([("", "text")])
    sheet.append([("Oprindeligt og korrigeret budget", "bold")])
    sheet.append([(f"Oprindeligt budget: {when}. Korrigeret budget: budgettet nu, med senere revisioner. "
                   "Forbrug er netto (udgifter minus indtægter); Rest = korrigeret budget − forbrug.", "text")])
    sheet.append([(h, "header") for h in ("Pr. indsatsområde, indsats og part", "Oprindeligt budget",
                                          "Korrigeret budget", "Forbrug", "Rest")])
    for group, label, original, revised, spend, rest in data.budget_figures:
        sheet.append([(f"{group}: {label}" if group != "I alt" else "I alt", "text"),
                      (original, "money"), (revised, "money"), (spend, "money"), (rest, "money")])


def _lists(wb, sheet: Sheet, data: TemplateData):
    widths = {"A": 40, "B": 30, "C": 3, "D": 34, "E": 3, "F": 28, "G": 3, "H": 10, "I": 22, "J": 26}
    sheet.setup(list(widths.values()))
    columns = {
        "A": [i.name for i in data.initiatives],
        "B": [i.area.name for i in data.initiatives],
        "D": data.areas,
        "F": [p.label for p in data.parties],
        "H": list(L.KIND_LABELS.values()),
        "I": list(L.COST_KIND_LABELS.values()),
        "J": list(L.SOURCE_LABELS.values()),
    }
    letters = list(widths)
    headers = {letter: header for _, letter, header in L.LIST_COLUMNS}
    sheet.append([(headers[x], "header") if x in headers else None for x in letters])
    for letter, values in columns.items():
        col = letters.index(letter)
        for offset, value in enumerate(values):
            sheet.put(L.FIRST_DATA_ROW - 1 + offset, col, value)
    for name, letter, _ in L.LIST_COLUMNS:
        if name:
            wb.define_name(name, "=" + _list_range(letter, len(columns[letter])))


def _budget(sheet: Sheet, data: TemplateData):
    months = len(L.BUDGET_MONTH_KEYS)
    sheet.setup([w for _, _, w in L.BUDGET_COLUMNS],
                column_styles={0: "input", 1: "input", 2: "input", 3: "input", 4: "input_money",
                               **{5 + n: "input_money" for n in range(months)}})
    sheet.list_validation(0, L.LIST_INITIATIVES, "en indsats")
    sheet.list_validation(1, L.LIST_AREAS, "et indsatsområde")
    sheet.list_validation(2, L.LIST_SOURCES, "en finansieringskilde")
    sheet.list_validation(3, L.LIST_PARTIES, "en part")
    sheet.append([(h, "header") for h in L.BUDGET_HEADERS])
    phased = data.budget_row_months or [None] * len(data.budget_rows)
    for (initiative, area, source, party, amount), line_months in zip(data.budget_rows, phased, strict=True):
        sheet.append([(initiative, "input"), (area, "input"), (source, "input"), (party, "input"),
                      (amount, "input_money"), *[(m, "input_money") for m in (line_months or [None] * months)]])
    for _ in range(SPARE_ROWS // 5):
        sheet.append([(None, "input")] * 4 + [(None, "input_money")] * (1 + months))


ENTRY_STYLES = {"booking_date": "input_date", "account_code": "input_text", "amount": "input_money",
                "portal_ref": "portal_ref"}
# Portal-nr. cannot be typed: a custom validation that no typed value passes. Sorting, filtering and deleting
# rows move or drop the reference with its row, which is what the import reads; a number copied to another
# row, or one of another cluster-year, is refused by the import at its cell.
PORTAL_REF_VALIDATION = {
    "validate": "custom", "value": "=FALSE", "ignore_blank": True,
    "error_title": "Portal-nr. sættes af portalen",
    "error_message": "Portal-nr. kan ikke skrives. Lad feltet være tomt i nye rækker; portalen sætter det.",
}


def _entries(sheet: Sheet, data: TemplateData, blank: bool) -> int:
    styles = [ENTRY_STYLES.get(key, "input") for key, _, _ in L.ENTRY_COLUMNS]
    sheet.setup([w for _, _, w in L.ENTRY_COLUMNS], column_styles=dict(enumerate(styles)))
    col = {key: index for index, (key, _, _) in enumerate(L.ENTRY_COLUMNS)}
    sheet.list_validation(col["initiative"], L.LIST_INITIATIVES, "en indsats")
    sheet.list_validation(col["area"], L.LIST_AREAS, "et indsatsområde")
    sheet.list_validation(col["party"], L.LIST_PARTIES, "en part")
    sheet.list_validation(col["kind"], L.LIST_KINDS, "Udgift eller Indtægt")
    sheet.list_validation(col["cost_kind"], L.LIST_COST_KINDS, "en omkostningstype")
    ws, first = sheet.ws, L.FIRST_DATA_ROW - 1
    ws.data_validation(first, col["booking_date"], LAST_ROW, col["booking_date"], {
        "validate": "date", "criteria": "between",
        "minimum": f"=DATE({data.year},1,1)", "maximum": f"=DATE({data.year},12,31)",
        "ignore_blank": True, "error_title": "Ugyldig dato", "error_message": f"Datoen skal ligge i {data.year}.",
    })
    ws.data_validation(first, col["amount"], LAST_ROW, col["amount"], {
        "validate": "decimal", "criteria": ">", "value": 0, "ignore_blank": True,
        "error_title": "Ugyldigt beløb",
        "error_message": "Beløbet skal være et positivt tal (indtægter angives med Art).",
    })
    ws.data_validation(first, col["portal_ref"], LAST_ROW, col["portal_ref"], PORTAL_REF_VALIDATION)
    sheet.append([(h, "header") for h in L.ENTRY_HEADERS])
    count = 0
    if not blank and data.cluster_year is not None:
        count = _entry_values(sheet, data)
    for _ in range(SPARE_ROWS):
        sheet.append([(None, style) for style in styles])
    return count


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, for dates after 1 March 1900


def _entry_values(sheet: Sheet, data: TemplateData) -> int:
    """The entries, one row each: the hot loop of the export, so each column's write is chosen once.

    Columns by position (layout.ENTRY_COLUMNS): 0 date, 1-6 and 8-9 text, 7 amount, 10 the entry's id
    (Portal-nr., a whole number that cannot be typed). A date is written as what Excel stores for it, its serial day
    number in the date format (the same cell as ``write_datetime`` writes), worked out once per distinct date.
    """
    ws, styles = sheet.ws, sheet.styles
    write_string, write_blank, write_number = ws.write_string, ws.write_blank, ws.write_number
    date_fmt, money_fmt, text_fmt = styles["input_date"], styles["input_money"], styles["input_text"]
    plain, quoted, quoted_text = styles["input"], styles.quoted("input"), styles.quoted("input_text")
    ref_col, ref_fmt = L.ENTRY_COL["portal_ref"], styles["portal_ref"]
    text_columns = [(index, text_fmt if index == L.ENTRY_COL["account_code"] else plain,
                     quoted_text if index == L.ENTRY_COL["account_code"] else quoted)
                    for index in range(len(L.ENTRY_COLUMNS)) if index not in (0, 7, ref_col)]
    triggers = L.FORMULA_TRIGGERS
    serials: dict[date, int] = {}
    row = sheet.row
    for values in entry_rows(data.cluster_year, data.initiatives, data.parties):
        day = values[0]
        serial = serials.get(day)
        if serial is None:
            serial = serials[day] = (day - EXCEL_EPOCH).days
        write_number(row, 0, serial, date_fmt)
        for index, fmt, quoted_fmt in text_columns:
            text = values[index]
            if not text:
                write_blank(row, index, None, fmt)
            else:
                write_string(row, index, text, quoted_fmt if text.startswith(triggers) else fmt)
        write_number(row, 7, float(values[7]), money_fmt)
        write_number(row, ref_col, values[ref_col], ref_fmt)
        row += 1
    count = row - sheet.row
    sheet.row = row
    return count


def _followup(sheet: Sheet, data: TemplateData):
    sheet.setup([40, 30, 18, 18, 18], freeze_row=3)
    reg = {key: _col(key, L.ENTRY_COLUMNS) for key, _, _ in L.ENTRY_COLUMNS}
    bud = {key: _col(key, L.BUDGET_COLUMNS) for key, _, _ in L.BUDGET_COLUMNS}
    amount = _full(L.SHEET_ENTRIES, reg["amount"])
    kind = _full(L.SHEET_ENTRIES, reg["kind"])
    expense, income = L.KIND_LABELS["expense"], L.KIND_LABELS["income"]

    def spend(criteria_column: str, ref: str) -> str:
        col = _full(L.SHEET_ENTRIES, reg[criteria_column])
        return (f"SUMIFS({amount},{col},{ref},{kind},\"{expense}\")"
                f"-SUMIFS({amount},{col},{ref},{kind},\"{income}\")")

    def budget(criteria_column: str, ref: str) -> str:
        return (f"SUMIFS({_full(L.SHEET_BUDGET, bud['amount'])},"
                f"{_full(L.SHEET_BUDGET, bud[criteria_column])},{ref})")

    def section(headers, labels, formulas):
        """A header, one row per label with budget/spend/deviation formulas, and a total row."""
        sheet.append([(h, "header") for h in headers])
        first = sheet.row + 1
        for label, extra in labels:
            row = sheet.row + 1
            budget_formula, spend_formula = formulas(_criterion(f"$A{row}", label))
            sheet.formula(row - 1, 2, f"={budget_formula}", "formula_money")
            sheet.formula(row - 1, 3, f"={spend_formula}", "formula_money")
            sheet.formula(row - 1, 4, f"=C{row}-D{row}", "formula_money")
            sheet.append([(label, "locked"), (extra, "locked") if extra else None])
        last = sheet.row
        if last < first:
            sheet.append([("(ingen)", "locked")])
            last = first
        total = sheet.row
        for col, letter in enumerate("CDE", start=2):
            sheet.formula(total, col, f"=SUM({letter}{first}:{letter}{last})", "total_money")
        sheet.append([("I alt", "bold")])
        return first, last

    sheet.append([(f"Opfølgning: {data.cluster.name} {data.year}", "title")])
    sheet.append([("Beregnes af Excel ud fra arkene Budget og Regnskab. Forbrug = udgifter minus "
                   "indtægter; afvigelse = budget minus forbrug.", "text")])
    # Section 1: per initiative; the area totals are summed from it, so that an entry
    # counts under its initiative's area whatever is typed in Regnskab's area column.
    first, last = section(
        ("Indsats", "Indsatsområde", "Budget", "Forbrug", "Afvigelse"),
        [(i.name, i.area.name) for i in data.initiatives],
        lambda ref: (budget("initiative", ref), spend("initiative", ref)),
    )
    sheet.append([])
    section(
        ("Indsatsområde", "", "Budget", "Forbrug", "Afvigelse"),
        [(area, None) for area in data.areas],
        lambda ref: (f"SUMIFS(C${first}:C${last},$B${first}:$B${last},{ref})",
                     f"SUMIFS(D${first}:D${last},$B${first}:$B${last},{ref})"),
    )
    sheet.append([])
    section(
        ("Part", "", "Budget", "Forbrug", "Afvigelse"),
        [(party.label, None) for party in data.parties],
        lambda ref: (budget("party", ref), spend("party", ref)),
    )


def _carryover(sheet: Sheet, data: TemplateData):
    sheet.setup([w for _, _, w in L.CARRYOVER_COLUMNS],
                column_styles={4: "input_money", 5: "input", 6: "input_date", 7: "input"})
    sheet.append([(h, "header") for _, h, _ in L.CARRYOVER_COLUMNS])
    reg = {key: _col(key, L.ENTRY_COLUMNS) for key, _, _ in L.ENTRY_COLUMNS}
    amount = _full(L.SHEET_ENTRIES, reg["amount"])
    kind = _full(L.SHEET_ENTRIES, reg["kind"])
    party_col = _full(L.SHEET_ENTRIES, reg["party"])
    expense, income = L.KIND_LABELS["expense"], L.KIND_LABELS["income"]
    for party in data.parties:
        row = sheet.row + 1
        ref = _criterion(f"$A{row}", party.label)
        commitment = data.commitments.get(party.key)
        sheet.formula(row - 1, 2, f"=SUMIFS({amount},{party_col},{ref},{kind},\"{expense}\")"
                                  f"-SUMIFS({amount},{party_col},{ref},{kind},\"{income}\")", "formula_money")
        sheet.formula(row - 1, 3, f"=B{row}-C{row}", "formula_money")
        sheet.append([
            (party.label, "locked"),
            (data.paid_by_party.get(party.key), "money"),
            None, None,
            (commitment.amount if commitment else None, "input_money"),
            (commitment.committed_by if commitment else None, "input"),
            (commitment.committed_on if commitment else None, "input_date"),
            (commitment.note if commitment else None, "input"),
        ])
    if data.joint_paid:
        sheet.append([])
        sheet.append([("Indbetalt af klyngens kommuner samlet (ikke fordelt på parter)", "text"),
                      (data.joint_paid, "money")])


# --- entry points ----------------------------------------------------------

def build_workbook(data: TemplateData, out, *, blank: bool) -> int:
    """Write the workbook to `out` (a path or a binary file object); returns the number of entries."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    styles = Styles(wb)
    sheets = {name: Sheet(wb, styles, name) for name in L.SHEET_NAMES}
    _guide(sheets[L.SHEET_GUIDE], data, blank)
    _budget(sheets[L.SHEET_BUDGET], data)
    count = _entries(sheets[L.SHEET_ENTRIES], data, blank)
    _followup(sheets[L.SHEET_FOLLOWUP], data)
    _carryover(sheets[L.SHEET_CARRYOVER], data)
    _lists(wb, sheets[L.SHEET_LISTS], data)
    wb.close()
    lock_structure(buffer.getvalue(), out)
    return count


def export_filename(cluster, year: int, *, blank: bool) -> str:
    stem = f"{cluster.region.slug}-{cluster.slug}-{year}"
    if blank:
        return f"skabelon-{stem}.xlsx"
    return f"klyngeregnskab-{stem}-{date.today():%Y%m%d}.xlsx"


def build_for(*, cluster, year: int, cluster_year=None, blank: bool, out) -> int:
    data = template_data(cluster=cluster, year=year, cluster_year=cluster_year, blank=blank)
    return build_workbook(data, out, blank=blank)
