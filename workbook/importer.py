"""Import a filled template: safety checks, labels to ids, the accounts' rules, one all-or-nothing save.

Order of work, so that a bad file costs as little as possible:

1. the file itself (``workbook.safety``): name, size before a single byte is read,
   first bytes, zip contents; then openpyxl's public read-only API with
   ``data_only=False``, so that a formula in a data cell shows up as a formula
   and is refused, cell by cell (never evaluated, nor its cached value trusted);
2. every row of Regnskab is translated from what a user types to what the
   accounts take: initiative name → initiative, party label → ``Party``, kind and
   cost-kind labels → values, an amount → Decimal (``parse_danish_number``), a
   date cell → date. A label that names nothing is a problem at its cell;
3. the rows go to the accounts' own rules (``accounts.services.entries``):
   ``check_entry_rows`` when something is already wrong or for a dry run,
   else ``entries_create_bulk``. Each ``EntryProblem.field`` is mapped back to its
   column, so the user sees sheet, cell and the Danish reason. The importer
   makes no check of its own that the services make;
4. duplicates (of a standing entry, or of another row of the file) are refused;
   any problem anywhere and nothing is saved. A clean file is saved in one
   transaction under the cluster-year's row lock: an ImportBatch and its entries.

Only Regnskab is read. Budget, Opfølgning and Videreførelse are for the
secretariat's own planning; budgets and commitments are registered in the portal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.db import transaction
from openpyxl.utils import get_column_letter

from accounts.models import ClusterYear, CostKind, EntryKind, ImportBatch, Initiative
from accounts.parties import Party, party_key
from accounts.services import EntryRowsRefused, check_entry_rows, cluster_year_lock, entries_create_bulk
from geography.selectors import cluster_municipalities
from klyngeportal.formats import CENT, NumberProblem
from users.access import require_permission
from workbook import layout as L
from workbook.cells import amount_value, date_value, is_empty, label_key, once, text_value
from workbook.safety import ImportRefused, Problem, check_file, file_problem, open_workbook, sha256_of
from workbook.selectors import live_entries

__all__ = ["MAX_ROWS", "MAX_SHOWN_PROBLEMS", "ImportRefused", "ImportResult", "Lookups", "Problem",
           "amount_value", "check_file", "date_value", "import_workbook", "read_entries", "sha256_of"]

MAX_ROWS = 200_000
MAX_SHOWN_PROBLEMS = 1000


@dataclass
class ImportResult:
    rows: int
    total: Decimal
    expenses: Decimal
    income: Decimal
    dry_run: bool
    batch: ImportBatch | None = None
    entries: list = field(default_factory=list)

    @property
    def net_spend(self) -> Decimal:
        return self.expenses - self.income


# --- labels of the cluster-year -------------------------------------------------

@dataclass
class Lookups:
    """What the labels of a cluster-year mean, and its standing entries (for duplicates); loaded once."""

    cluster_year: ClusterYear
    initiatives: dict[str, Initiative]
    parties: dict[str, Party]
    kinds: dict[str, str]
    cost_kinds: dict[str, str]
    existing: set

    def __post_init__(self):
        # per column: what each distinct text means, worked out once (``workbook.cells.once``)
        self.readers = {"initiative": ({}, partial(_label_value, self.initiatives)), "area": ({}, _text_and_key),
                        "party": ({}, partial(_label_value, self.parties)),
                        "kind": ({}, partial(_label_value, self.kinds)),
                        "cost_kind": ({}, partial(_label_value, self.cost_kinds))}

    def read(self, column: str, value):
        """(the cell's text, what it means): for an area its lookup key, else the initiative, party or value."""
        cache, function = self.readers[column]
        return once(cache, value, function)

    @classmethod
    def load(cls, cluster_year: ClusterYear) -> Lookups:
        """Three queries (two for a cluster-year not saved yet)."""
        # Every initiative of the cluster by name: whether it runs in the year is the accounts' rule.
        initiatives = {
            label_key(i.name): i for i in Initiative.objects.filter(cluster_id=cluster_year.cluster_id).select_related("area")
        }
        parties: dict[str, Party] = {}
        for municipality in cluster_municipalities(cluster_year.cluster, cluster_year.year).values():
            party = Party.municipality(municipality)
            for label in (municipality.name, f"{municipality.name} Kommune", f"{municipality.name}s Kommune"):
                parties[label_key(label)] = party
        region = Party.region(cluster_year.cluster.region)
        for label in (region.label, cluster_year.cluster.region.name):
            parties[label_key(label)] = region
        kinds = {label_key(label): value for value, label in EntryKind.choices}
        kinds.update({label_key(value): value for value in EntryKind.values})
        kinds["indtaegt"] = EntryKind.INCOME
        cost_kinds = {label_key(label): value for value, label in CostKind.choices}
        cost_kinds.update({label_key(value): value for value in CostKind.values})
        existing = set()
        if cluster_year.pk is not None:
            existing = {
                _entry_key(initiative_id, party_key(kind_of_party, mid, rid), *rest)
                for initiative_id, kind_of_party, mid, rid, *rest in live_entries(cluster_year).values_list(
                    "initiative_id", "party_kind", "municipality_id", "region_id", "booking_date", "kind",
                    "amount", "account_code", "voucher", "text", "cost_kind",
                )
            }
        return cls(cluster_year, initiatives, parties, kinds, cost_kinds, existing)


def _entry_key(initiative_id, key, booking_date, kind, amount, account_code, voucher, text, cost_kind):
    """What makes two entries the same, for the duplicate check (the party by its key)."""
    return (initiative_id, key, booking_date, kind, Decimal(amount).quantize(CENT), account_code.strip(),
            voucher.strip(), text.strip(), cost_kind)


# --- rows ----------------------------------------------------------------------

# EntryProblem.field -> the column it is shown at ("party" is the party's three fields).
FIELD_COLUMN = {
    "initiative": "initiative", "initiative_id": "initiative", "party": "party", "party_kind": "party",
    "municipality": "party", "municipality_id": "party", "region": "party", "region_id": "party",
    "booking_date": "booking_date", "kind": "kind", "amount": "amount", "account_code": "account_code",
    "voucher": "voucher", "text": "text", "cost_kind": "cost_kind",
}
LETTERS = [get_column_letter(i) for i in range(1, len(L.ENTRY_COLUMNS) + 1)]


def _cell(column: str | None, row_number: int) -> str:
    return f"{LETTERS[L.ENTRY_COL[column]] if column else 'A'}{row_number}"


@dataclass
class SheetRows:
    """Regnskab as rows for the accounts, with the problems found while translating them."""

    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # row number -> the columns that already have a problem (the services' word on them is left out)
    flagged: dict[int, set] = field(default_factory=dict)
    keys: dict[int, tuple] = field(default_factory=dict)  # row number -> duplicate key, for clean rows

    def problem(self, column: str | None, row_number: int, message: str) -> None:
        self.problems.append(Problem(L.SHEET_ENTRIES, _cell(column, row_number), message))
        self.flagged.setdefault(row_number, set()).add(column)


def _header_problems(header) -> list[Problem]:
    values = [getattr(c, "value", None) for c in (header or ())]
    problems = []
    for index, expected in enumerate(L.ENTRY_HEADERS):
        got = values[index] if index < len(values) else None
        if label_key(got or "") != label_key(expected):
            problems.append(Problem(L.SHEET_ENTRIES, f"{LETTERS[index]}1",
                                    f"Overskriften skal være «{expected}» (fandt «{got or ''}»). "
                                    "Brug skabelonen fra portalen uden at flytte kolonner."))
    return problems


def _text_and_key(value) -> tuple[str, str]:
    text = text_value(value)
    return text, label_key(text)


def _label_value(choices: dict, value):
    """(the cell's text, what it names in ``choices`` or None)."""
    text = text_value(value)
    return text, (choices.get(label_key(text)) if text else None)


def _translate(out: SheetRows, lookups: Lookups, row_number: int, v: dict) -> None:
    """One row's labels to ids; a label that names nothing is a problem at its cell."""
    cy = lookups.cluster_year
    row: dict = {"row_number": row_number}

    try:
        row["booking_date"] = None if is_empty(v["booking_date"]) else date_value(v["booking_date"], cy.year)
    except ValueError as exc:
        out.problem("booking_date", row_number, str(exc))

    name, initiative = lookups.read("initiative", v["initiative"])
    if name and initiative is None:
        out.problem("initiative", row_number,
                    f"Indsatsen «{name}» findes ikke i {cy.cluster.name}. Vælg en indsats fra listen.")
    row["initiative_id"] = initiative.pk if initiative else None
    area, area_key = lookups.read("area", v["area"])
    if area and initiative is not None and area_key != label_key(initiative.area.name):
        out.problem("area", row_number,
                    f"Indsatsen «{initiative.name}» hører til området «{initiative.area.name}», ikke «{area}».")

    party_text, party = lookups.read("party", v["party"])
    if party_text and party is None:
        out.problem("party", row_number, f"Parten «{party_text}» hører ikke til {cy.cluster.name} i {cy.year}. "
                                         "Vælg en kommune eller regionen fra listen.")
    row.update(party_kind=party.kind if party else "", municipality_id=party.municipality_id if party else None,
               region_id=party.region_id if party else None)

    account = v["account_code"]
    if isinstance(account, datetime | date):
        out.problem("account_code", row_number, "Excel har gjort kontonummeret til en dato. Formatér cellen "
                                                "som tekst og skriv kontoen igen (fx 4.62.82).")
    row["account_code"] = "" if isinstance(account, datetime | date) else text_value(account)

    for column, message in (
        ("kind", "Art skal være Udgift eller Indtægt"),
        ("cost_kind", "Omkostningstype skal være Udvikling, Sekretariatsbetjening eller Drift"),
    ):
        text, row[column] = lookups.read(column, v[column])
        if text and row[column] is None:
            out.problem(column, row_number, f"{message} (fandt «{text}»).")

    row["amount"] = None
    if not is_empty(v["amount"]):
        try:
            row["amount"] = amount_value(v["amount"])
        except NumberProblem as exc:
            out.problem("amount", row_number, exc.message)

    row["text"], row["voucher"] = text_value(v["text"]), text_value(v["voucher"])
    out.rows.append(row)
    if row_number not in out.flagged and row["booking_date"] and row["amount"] is not None and party:
        out.keys[row_number] = _entry_key(row["initiative_id"], party.key, row["booking_date"], row["kind"],
                                          row["amount"], row["account_code"], row["voucher"], row["text"],
                                          row["cost_kind"])


def read_entries(ws, lookups: Lookups) -> SheetRows:
    """Read Regnskab: formulas and error values refused per cell, every other row translated."""
    out = SheetRows()
    width = len(L.ENTRY_COLUMNS)
    ws.reset_dimensions()  # do not trust the file's own idea of its size
    rows = ws.iter_rows(min_row=1, max_col=width)
    out.problems = _header_problems(next(rows, None))
    if out.problems:
        return out
    columns = [key for key, _, _ in L.ENTRY_COLUMNS]
    for row_number, cells in enumerate(rows, start=L.FIRST_DATA_ROW):
        values = [cell.value for cell in cells]
        if all(is_empty(v) for v in values):
            continue
        if row_number > MAX_ROWS:
            out.problem(None, row_number, f"Arket har flere end {MAX_ROWS:,} rækker; del filen op.".replace(",", "."))
            break
        bad_cells = False
        for key, cell in zip(columns, cells, strict=False):
            if cell.data_type == "f":
                out.problem(key, row_number, "Cellen indeholder en formel. Formler beregnes ikke ved indlæsning: "
                                             "skriv selve værdien (kopiér og indsæt som værdi).")
                bad_cells = True
            elif cell.data_type == "e":
                out.problem(key, row_number, f"Cellen indeholder fejlværdien {cell.value}.")
                bad_cells = True
        if not bad_cells:
            _translate(out, lookups, row_number, dict(zip(columns, values, strict=False)))
    return out


def _duplicates(out: SheetRows, lookups: Lookups, refused_rows: set[int]) -> list[Problem]:
    """Clean rows identical to a standing entry or to an earlier clean row of the file."""
    problems, seen = [], {}
    for row_number, key in out.keys.items():
        if row_number in refused_rows:
            continue
        if key in lookups.existing:
            problems.append(Problem(L.SHEET_ENTRIES, f"A{row_number}",
                                    "Rækken er identisk med en postering, der allerede er bogført (dublet). "
                                    "Slet rækken, eller ret den, hvis det er en ny postering."))
        elif key in seen:
            problems.append(Problem(L.SHEET_ENTRIES, f"A{row_number}",
                                    f"Rækken er identisk med række {seen[key]} i filen (dublet)."))
        else:
            seen[key] = row_number
    return problems


def _service_problems(out: SheetRows, entry_problems) -> list[Problem]:
    """The accounts' problems at their cells, leaving out a column that already has the importer's word."""
    problems = []
    for p in entry_problems:
        column = FIELD_COLUMN.get(p.field) if p.field else None
        if p.row_number is not None and column in out.flagged.get(p.row_number, ()):
            continue
        if p.row_number is None:
            problems.append(Problem(L.SHEET_ENTRIES, "", p.message))
        else:
            problems.append(Problem(L.SHEET_ENTRIES, _cell(column, p.row_number), p.message))
    return problems


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Row by row, then column by column, as the user reads the sheet."""
    def position(p: Problem):
        match = re.match(r"^([A-Z]+)(\d+)$", p.cell or "")
        return (int(match.group(2)), LETTERS.index(match.group(1))) if match else (0, 0)

    return sorted(problems, key=position)


# --- the whole import -----------------------------------------------------------

def _check(out: SheetRows, lookups: Lookups) -> list[Problem]:
    """Every problem of the rows: the importer's, the accounts' (no writes) and the duplicates."""
    _, entry_problems = check_entry_rows(cluster_year=lookups.cluster_year, rows=out.rows)
    refused = {p.row_number for p in entry_problems} | set(out.flagged)
    return _ordered(out.problems + _service_problems(out, entry_problems) + _duplicates(out, lookups, refused))


def import_workbook(*, cluster_year: ClusterYear, fileobj, filename: str, size: int, user,
                    dry_run: bool = False) -> ImportResult:
    """Check and (unless dry_run) save a filled template. Raises ImportRefused; then nothing is saved.

    A dry run writes nothing at all, and may be given a cluster-year that is not saved yet.
    """
    check_file(fileobj, filename, size)
    digest = sha256_of(fileobj)
    if cluster_year.pk is None and not dry_run:
        raise ValueError("Only a dry run can check against a cluster-year that is not saved.")
    wb = open_workbook(fileobj)
    try:
        if L.SHEET_ENTRIES not in wb.sheetnames:
            raise file_problem(f"Filen har intet ark med navnet «{L.SHEET_ENTRIES}». Brug skabelonen fra portalen.")
        with transaction.atomic():
            if cluster_year.pk is not None:
                cluster_year = cluster_year_lock(cluster_year)
            require_permission(user, "edit_accounts", cluster_year)
            earlier = None if cluster_year.pk is None else (
                cluster_year.import_batches.filter(sha256=digest, reversed_at__isnull=True).first()
            )
            if earlier is not None:
                raise file_problem(
                    f"Præcis samme fil er allerede indlæst ({earlier.filename}, "
                    f"{earlier.imported_at:%d-%m-%Y %H:%M}). Tilbagefør den import først, hvis den skal indlæses igen."
                )
            lookups = Lookups.load(cluster_year)
            out = read_entries(wb[L.SHEET_ENTRIES], lookups)
            if not out.problems and not out.rows:
                raise ImportRefused([Problem(L.SHEET_ENTRIES, "", "Arket indeholder ingen posteringer at indlæse.")])
            if out.problems and not out.rows:  # the header is wrong: nothing to hand on
                raise ImportRefused(out.problems)
            if dry_run or out.problems or _duplicates(out, lookups, set()):
                problems = _check(out, lookups)
                if problems:
                    raise ImportRefused(problems)
            rows = out.rows
            # (An amount still missing here is refused by entries_create_bulk below, with nothing saved.)
            expenses = sum((r["amount"] or 0 for r in rows if r["kind"] == EntryKind.EXPENSE), Decimal("0.00"))
            income = sum((r["amount"] or 0 for r in rows if r["kind"] == EntryKind.INCOME), Decimal("0.00"))
            result = ImportResult(rows=len(rows), total=expenses + income, expenses=expenses, income=income,
                                  dry_run=dry_run)
            if dry_run:
                return result
            batch = ImportBatch(cluster_year=cluster_year, filename=Path(filename).name[:255], sha256=digest,
                                rows=len(rows), total=result.total, imported_by=user)
            batch.full_clean()
            batch.save()
            try:
                result.entries = entries_create_bulk(
                    cluster_year=cluster_year, rows=rows, created_by=user, import_batch=batch
                )
            except EntryRowsRefused as exc:
                raise ImportRefused(_ordered(_service_problems(out, exc.problems))) from exc
            result.batch = batch
            return result
    finally:
        wb.close()
