"""Writing a sheet with XlsxWriter's public API: named formats, a row cursor, and the structure lock.

Text is always written with ``write_string``: text that Excel would read as a
formula (starting with =, +, - or @) stays text, with the quote prefix.
XlsxWriter has no workbook protection, so the structure lock
(``<workbookProtection lockStructure="1"/>``, ECMA-376 part 1, 18.2.29) is put
into ``xl/workbook.xml`` after XlsxWriter has written the file (``lock_structure``).
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from workbook import layout as L

HEADER_FILL = "#DDE4EE"
FORMULA_FILL = "#F2F2F2"
# Input rows offered below the data in the filled export, and in the blank template.
SPARE_ROWS = 500
LAST_ROW = 1048575  # zero-based: row 1,048,576, the last row of a sheet
PIXELS_PER_CHARACTER = 7  # Calibri 11's digit width: a width of 40 is stored as 40, as Excel does

STYLES = {
    "header": {"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "text_wrap": True, "valign": "top"},
    "title": {"bold": True, "font_size": 14},
    "text": {"text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
    "locked": {},
    "input": {"locked": False},
    "input_text": {"locked": False, "num_format": L.TEXT_FORMAT},
    "input_date": {"locked": False, "num_format": L.DATE_FORMAT},
    "input_money": {"locked": False, "num_format": L.MONEY_FORMAT},
    "money": {"num_format": L.MONEY_FORMAT},
    # The entry's id in the portal. Unlocked, because Excel sorts a protected sheet's rows and deletes them only
    # when none of their cells is locked; typing is refused by the column's validation instead (builder).
    "portal_ref": {"locked": False, "num_format": "0", "font_color": "#595959"},
    "formula_money": {"num_format": L.MONEY_FORMAT, "bg_color": FORMULA_FILL, "pattern": 1},
    "total_money": {"num_format": L.MONEY_FORMAT, "bg_color": FORMULA_FILL, "pattern": 1, "bold": True},
}


PRINT_FOOTER_SHEET = "Ark: "  # the footer's «Ark: Regnskab», then «Side 2 af 5»
PROTECTION_OPTIONS = {"format_columns": True, "format_rows": True, "autofilter": True, "sort": True,
                      "insert_rows": True, "delete_rows": True}


class Styles:
    """The workbook's formats by name; ``quoted`` gives the same format with the quote prefix."""

    def __init__(self, wb):
        self.wb = wb
        self.formats = {name: wb.add_format(props) for name, props in STYLES.items()}
        self.quoted_formats = {}

    def __getitem__(self, name: str):
        return self.formats[name]

    def quoted(self, name: str):
        fmt = self.quoted_formats.get(name)
        if fmt is None:
            fmt = self.quoted_formats[name] = self.wb.add_format({**STYLES[name], "quote_prefix": True})
        return fmt


class Sheet:
    """One worksheet with a row cursor; ``put`` writes a value by its type, never as a formula."""

    def __init__(self, wb, styles: Styles, name: str):
        self.ws = wb.add_worksheet(name)
        self.styles = styles
        self.row = 0  # zero-based index of the next row

    def put(self, row: int, col: int, value, style: str = "locked") -> None:
        ws = self.ws
        if value is None or value == "":
            if style != "locked":
                ws.write_blank(row, col, None, self.styles[style])
        elif isinstance(value, str):
            fmt = self.styles.quoted(style) if value.startswith(L.FORMULA_TRIGGERS) else self.styles[style]
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, self.styles[style])
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(row, col, float(value), self.styles[style])
        elif isinstance(value, (date, datetime)):
            ws.write_datetime(row, col, value, self.styles["input_date" if style == "input" else style])
        else:
            ws.write_string(row, col, str(value), self.styles[style])

    def append(self, cells) -> int:
        """Write (value, style) pairs (or None for an empty cell) as the next row; its 1-based number."""
        for col, cell in enumerate(cells):
            if cell is not None:
                value, style = cell
                self.put(self.row, col, value, style)
        self.row += 1
        return self.row

    def formula(self, row: int, col: int, text: str, style: str) -> None:
        # No cached result (value ""): LibreOffice then calculates on load, as Excel does.
        self.ws.write_formula(row, col, text, self.styles[style], "")

    def setup(self, widths, *, freeze_row: int | None = 1, column_styles=None, protect: bool = True) -> None:
        column_styles = column_styles or {}
        for index, width in enumerate(widths):
            style = column_styles.get(index)
            self.ws.set_column_pixels(index, index, width * PIXELS_PER_CHARACTER,
                                      self.styles[style] if style else None)
        if freeze_row:
            self.ws.freeze_panes(freeze_row, 0)
        self.print_setup(repeat_to=freeze_row)
        if protect:
            # Users may still widen columns, format rows, filter, sort, and insert and delete rows.
            self.ws.protect("", PROTECTION_OPTIONS)

    def print_setup(self, *, repeat_to: int | None) -> None:
        """Print on A4 landscape, every column on one page's width (as many pages down as needed),
        the rows above ``repeat_to`` (the header) on every page, the sheet's name and the page in the footer."""
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        if repeat_to:
            ws.repeat_rows(0, repeat_to - 1)
        ws.set_footer(f"&L{PRINT_FOOTER_SHEET}&A&RSide &P af &N")

    def list_validation(self, col: int, list_name: str, label: str) -> None:
        self.ws.data_validation(L.FIRST_DATA_ROW - 1, col, LAST_ROW, col, {
            "validate": "list", "source": f"={list_name}", "ignore_blank": True, "dropdown": True,
            "error_title": "Ugyldig værdi", "error_message": f"Vælg {label} fra listen (arket Lister).",
        })


def quote_sheetname(name: str) -> str:
    """A sheet name in a reference, always quoted (as the file has always had it: 'Budget'!$E:$E)."""
    return "'" + name.replace("'", "''") + "'"


# --- the structure lock --------------------------------------------------------

STRUCTURE_LOCK = b'<workbookProtection lockStructure="1"/>'
# Re-packing deflates every part a second time: level 3 takes half the CPU of zlib's default (6) for a
# file about a sixth larger (20,000 entries: 0.15 s against 0.29 s, 1.27 MB against 1.09 MB).
REPACK_LEVEL = 3


def lock_structure(xlsx: bytes, out) -> None:
    """Copy the package to `out`, with the workbook's structure locked (no password).

    The element goes right before ``<bookViews>``, its place in CT_Workbook's sequence.
    """
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/workbook.xml":
                if content.count(b"<bookViews>") != 1:
                    raise ValueError("xl/workbook.xml has no single <bookViews> to put the structure lock before")
                content = content.replace(b"<bookViews>", STRUCTURE_LOCK + b"<bookViews>")
            target.writestr(info, content, compresslevel=REPACK_LEVEL)
