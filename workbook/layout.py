"""The fixed layout of the budget-and-accounts template, shared by the builder and the importer.

Sheet names, column headers and the names of the lists are part of the file
format: a file exported today must import tomorrow, so change them only
together with the importer.
"""
from accounts.models import CostKind, EntryKind, FundingSource

SHEET_GUIDE = "Vejledning"
SHEET_BUDGET = "Budget"
SHEET_ENTRIES = "Regnskab"
SHEET_FOLLOWUP = "Opfølgning"
SHEET_CARRYOVER = "Videreførelse"
SHEET_LISTS = "Lister"
SHEET_NAMES = [SHEET_GUIDE, SHEET_BUDGET, SHEET_ENTRIES, SHEET_FOLLOWUP, SHEET_CARRYOVER, SHEET_LISTS]

# Regnskab: one row per entry, headers in row 1, data from row 2.
ENTRY_COLUMNS = [
    # (key, header, width)
    ("booking_date", "Dato", 12),
    ("initiative", "Indsats", 40),
    ("area", "Indsatsområde", 30),
    ("party", "Part", 26),
    ("account_code", "Konto", 16),
    ("kind", "Art", 10),
    ("cost_kind", "Omkostningstype", 22),
    ("amount", "Beløb", 16),
    ("text", "Tekst", 40),
    ("voucher", "Bilag", 14),
    # The entry's id in the portal, written by the export and locked: how an upload knows the row
    # (empty, and locked, in rows the user adds).
    ("portal_ref", "Portal-nr.", 11),
]
ENTRY_HEADERS = [header for _, header, _ in ENTRY_COLUMNS]
ENTRY_COL = {key: index for index, (key, _, _) in enumerate(ENTRY_COLUMNS)}  # 0-based
FIRST_DATA_ROW = 2

BUDGET_COLUMNS = [
    ("initiative", "Indsats", 40),
    ("area", "Indsatsområde", 30),
    ("source", "Kilde", 26),
    ("party", "Part", 26),
    ("amount", "Budget", 16),
    # Optional phasing: the line's amount per month. All empty: spread equally over the year; filled, the
    # twelve must sum to Budget exactly (an empty month is 0).
    *[(f"month_{n}", name, 11) for n, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"), start=1)],
]
BUDGET_MONTH_KEYS = [f"month_{n}" for n in range(1, 13)]
BUDGET_HEADERS = [header for _, header, _ in BUDGET_COLUMNS]

CARRYOVER_COLUMNS = [
    ("party", "Part", 28),
    ("paid", "Indbetalt", 16),
    ("spend", "Forbrug", 16),
    ("unspent", "Uforbrugt", 16),
    ("commitment", "Tilsagn om videreførelse", 22),
    ("committed_by", "Tilsagn givet af", 28),
    ("committed_on", "Tilsagnsdato", 14),
    ("note", "Bemærkning", 40),
]

# Lister: one column per list; each list has a defined name used by the dropdowns.
LIST_INITIATIVES = "Liste_Indsatser"
LIST_AREAS = "Liste_Indsatsomraader"
LIST_PARTIES = "Liste_Parter"
LIST_KINDS = "Liste_Art"
LIST_COST_KINDS = "Liste_Omkostningstype"
LIST_SOURCES = "Liste_Kilde"
# (defined name, column letter, header)
LIST_COLUMNS = [
    (LIST_INITIATIVES, "A", "Indsatser"),
    (None, "B", "Indsatsens område"),
    (LIST_AREAS, "D", "Indsatsområder"),
    (LIST_PARTIES, "F", "Parter"),
    (LIST_KINDS, "H", "Art"),
    (LIST_COST_KINDS, "I", "Omkostningstype"),
    (LIST_SOURCES, "J", "Kilde"),
]

KIND_LABELS = {value: label for value, label in EntryKind.choices}
COST_KIND_LABELS = {value: label for value, label in CostKind.choices}
SOURCE_LABELS = {value: label for value, label in FundingSource.choices}

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "dd.mm.yyyy"  # dd.mm.åååå, as everywhere in the portal
TEXT_FORMAT = "@"

# Characters that make Excel treat typed text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")

