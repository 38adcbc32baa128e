"""Every table download of the portal, CSV and xlsx, written by one set of rules.

Every CSV and xlsx the portal serves goes through this module: the
django-tables2 lists (``TableDownloadMixin`` / ``table_download``), the
allocation and its reconciliation (``csv_response`` / ``xlsx_response``) and the
commands' ``--csv`` (``csv_text``). A new export therefore cannot forget a rule:

- CSV opens right in Danish Excel: ``;`` separated, UTF-8 with BOM, CRLF line
  ends, dates dd.mm.åååå, amounts with a decimal comma and no thousands
  separator (``-1234,50``), whole numbers without decimals.
- xlsx: numbers are numbers (``#,##0.00`` for money, ``#,##0`` for whole
  numbers), dates are dates (dd.mm.yyyy), the header row is bold and frozen.
- Values are Danish: a model choice (``TextChoices`` member) is written as its
  label, True/False as Ja/Nej.
- Text is inert: a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is never a formula. CSV prefixes it with ``'``; xlsx writes it
  with ``write_string`` and Excel's quote prefix. Only text is touched: a
  negative amount stays a number.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import xlsxwriter
from django.db.models import Choices
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header

FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DELIMITER = ";"
# OWASP "CSV injection": a cell starting with one of these is read as a formula by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
INERT_PREFIX = "'"

# Column kinds
AUTO = "auto"          # by the value's type: int whole, Decimal with the decimals it has, date, text
TEXT = "text"
MONEY = "money"        # kroner and øre: two decimals
WHOLE = "whole"        # whole numbers: inhabitants, whole kroner, counts
DECIMAL = "decimal"    # a fraction with ``places`` decimals (shares, keys)
CODE = "code"          # a number that is a code or a year: never a thousands separator
DATE = "date"
DATETIME = "datetime"

XLSX_DATE = "dd.mm.yyyy"
XLSX_DATETIME = "dd.mm.yyyy hh:mm"
XLSX_MONEY = "#,##0.00"
XLSX_WHOLE = "#,##0"
XLSX_CODE = "0"
XLSX_MAX_TEXT = 32767  # Excel's limit of characters in a cell
HIGHLIGHT_FILL = "#FFF3DC"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column of a download: its Danish header and how its values are written."""

    header: str
    kind: str = AUTO
    places: int | None = None  # DECIMAL: fixed decimals (None: as many as the value has)
    width: int | None = None   # xlsx column width in characters (None: from the header)


@dataclass
class Sheet:
    """A sheet of an xlsx (a CSV is one sheet): columns, rows and, optionally, a style per row.

    ``style(row)`` returns a set of ``"bold"`` and ``"highlight"`` (or None) for a row of the xlsx.
    """

    title: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence]
    style: Callable[[Sequence], Iterable[str] | None] | None = None

    def column_specs(self) -> list[Column]:
        return [c if isinstance(c, Column) else Column(str(c)) for c in self.columns]


# --- values -------------------------------------------------------------------

def inert(text: str) -> str:
    """Text a spreadsheet will not read as a formula (CSV): a formula trigger gets a leading quote."""
    return INERT_PREFIX + text if text.startswith(FORMULA_TRIGGERS) else text


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _plain_value(value):
    """Lazy strings, model choices and booleans as the Danish text they stand for; None as None."""
    if value is None:
        return None
    if isinstance(value, Choices):
        return str(value.label)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return force_str(value, strings_only=True)


def _places(value: Decimal, column: Column) -> int:
    if column.kind == MONEY:
        return 2
    if column.kind in (WHOLE, CODE):
        return 0
    if column.kind == DECIMAL and column.places is not None:
        return column.places
    return max(0, -value.as_tuple().exponent) if value.is_finite() else 0


def _decimal(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_value(value, column: Column | None = None) -> str:
    """One cell as CSV text, by the rules above."""
    column = column or Column("")
    value = _plain_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return ""
        places = _places(value, column)
        return f"{_decimal(value, places):.{places}f}".replace(".", ",")
    return inert(str(value))


def csv_text(columns: Sequence[Column | str], rows: Iterable[Sequence]) -> str:
    """The whole CSV as text, starting with the BOM."""
    specs = Sheet("", columns, ()).column_specs()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([inert(c.header) for c in specs])
    for row in rows:
        writer.writerow([csv_value(v, c) for v, c in zip(row, specs, strict=True)])
    return buffer.getvalue()


# --- xlsx -------------------------------------------------------------------------

class _Formats:
    """XlsxWriter formats made once per combination of number format, bold, highlight and quote prefix."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.cache = {}
        self.header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def get(self, num_format: str | None, styles: frozenset, quote: bool = False):
        key = (num_format, styles, quote)
        if key not in self.cache:
            props = {}
            if num_format:
                props["num_format"] = num_format
            if "bold" in styles:
                props["bold"] = True
            if "highlight" in styles:
                props.update(bg_color=HIGHLIGHT_FILL, pattern=1)
            if quote:
                props["quote_prefix"] = True
            self.cache[key] = self.workbook.add_format(props) if props else None
        return self.cache[key]


def _number_format(places: int, column: Column) -> str:
    if column.kind == CODE:
        return XLSX_CODE
    if places == 0:
        return XLSX_WHOLE
    if places == 2:
        return XLSX_MONEY
    return "0." + "0" * places if column.kind == DECIMAL else "#,##0." + "0" * places


def _write_cell(sheet, row: int, col: int, value, column: Column, formats: _Formats, styles: frozenset) -> None:
    value = _plain_value(value)
    if value is None or (isinstance(value, str) and value == ""):
        fmt = formats.get(None, styles)
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, _local(value), formats.get(XLSX_DATETIME, styles))
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, value, formats.get(XLSX_DATE, styles))
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats.get(XLSX_CODE if column.kind == CODE else XLSX_WHOLE, styles))
    elif isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            return
        places = _places(number, column)
        number = _decimal(number, places)
        excel = int(number) if places == 0 else float(number)
        sheet.write_number(row, col, excel, formats.get(_number_format(places, column), styles))
    else:
        text = str(value)[:XLSX_MAX_TEXT]
        # write_string: never a formula; the quote prefix keeps it text when the user edits the cell.
        sheet.write_string(row, col, text, formats.get(None, styles, quote=is_formula_like(text)))


def _sheet_title(title: str, taken: set[str]) -> str:
    base = SHEET_TITLE_FORBIDDEN.sub(" ", title).strip("' ")[:31] or "Ark"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(sheets: Sheet | Sequence[Sheet]) -> bytes:
    """An .xlsx of one or more sheets: bold, frozen header with a filter; typed numbers and dates."""
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    formats = _Formats(workbook)
    taken: set[str] = set()
    for spec in sheets:
        columns = spec.column_specs()
        sheet = workbook.add_worksheet(_sheet_title(spec.title, taken))
        for col, column in enumerate(columns):
            sheet.write_string(0, col, column.header, formats.header)
            sheet.set_column(col, col, column.width or max(12, min(60, len(column.header) + 4)))
        row_index = 0
        for row_index, row in enumerate(spec.rows, start=1):
            styles = frozenset((spec.style(row) if spec.style else None) or ())
            for col, (value, column) in enumerate(zip(row, columns, strict=True)):
                _write_cell(sheet, row_index, col, value, column, formats, styles)
        sheet.freeze_panes(1, 0)
        if columns:
            sheet.autofilter(0, 0, row_index, len(columns) - 1)
    workbook.close()
    return buffer.getvalue()


# --- responses -------------------------------------------------------------------

def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _with_extension(filename: str, fmt: str) -> str:
    return filename if filename.endswith(f".{fmt}") else f"{filename}.{fmt}"


def csv_response(filename: str, columns: Sequence[Column | str], rows: Iterable[Sequence]) -> HttpResponse:
    return _attachment(csv_text(columns, rows).encode("utf-8"), CSV_CONTENT_TYPE, _with_extension(filename, "csv"))


def xlsx_response(filename: str, sheets: Sheet | Sequence[Sheet]) -> HttpResponse:
    return _attachment(xlsx_bytes(sheets), XLSX_CONTENT_TYPE, _with_extension(filename, "xlsx"))


def download(fmt: str, filename: str, sheets: Sheet | Sequence[Sheet]) -> HttpResponse:
    """The sheets as an xlsx, or the first sheet as a CSV."""
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    if fmt == "csv":
        return csv_response(filename, sheets[0].columns, sheets[0].rows)
    if fmt == "xlsx":
        return xlsx_response(filename, sheets)
    raise ValueError(f"Ukendt format: {fmt!r}")


# --- django-tables2 ----------------------------------------------------------------

def table_sheet(table, *, title: str = "Data", kinds: dict[str, str] | None = None,
                exclude_columns: Iterable[str] = ()) -> Sheet:
    """A django-tables2 table as a sheet: the columns' Danish verbose names, the cells' values.

    The values are those of ``Table.as_values()``: a ``value_<column>`` method where the table has
    one, else the rendered cell without HTML. ``kinds`` (column name -> kind) overrides the kind
    found from the value's type, e.g. ``{"year": CODE}``; a table may also declare ``export_kinds``.
    """
    exclude = tuple(exclude_columns)
    kinds = {**getattr(table, "export_kinds", {}), **(kinds or {})}
    names = [
        column.name for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude)
    ]
    values = table.as_values(exclude_columns=exclude)
    headers = next(values)
    columns = [Column(force_str(header), kinds.get(name, AUTO)) for name, header in zip(names, headers, strict=True)]
    return Sheet(title, columns, values)


def table_download(table, fmt: str, filename: str, **kwargs) -> HttpResponse:
    """A django-tables2 table (all its rows, not one page) as a CSV or xlsx download."""
    return download(fmt, filename, table_sheet(table, **kwargs))


class TableDownloadMixin:
    """For a ``SingleTableMixin`` view: ``?_export=csv`` or ``?_export=xlsx`` downloads the table.

    The same attributes as django-tables2's ``ExportMixin`` (``export_formats``, ``export_name``,
    ``export_trigger_param``, ``exclude_columns``, ``get_export_filename``) so that
    ``{% export_url %}`` works, but the file is written here. Only ``export_formats`` are served:
    another value of the parameter shows the page.
    """

    export_formats: tuple[str, ...] = ("csv",)
    export_name = "tabel"
    export_title = "Data"
    export_trigger_param = "_export"
    export_kinds: dict[str, str] = {}
    exclude_columns: tuple[str, ...] = ()

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.export_name}.{export_format}"

    def get_export_format(self) -> str | None:
        fmt = self.request.GET.get(self.export_trigger_param)
        return fmt if fmt in self.export_formats and fmt in FORMATS else None

    def render_to_response(self, context, **kwargs):
        fmt = self.get_export_format()
        if fmt is not None:
            table = self.get_table(**self.get_table_kwargs())
            return table_download(
                table, fmt, self.get_export_filename(fmt), title=self.export_title, kinds=self.export_kinds,
                exclude_columns=self.exclude_columns,
            )
        return super().render_to_response(context, **kwargs)
