"""Regnskab read: each row translated to what the accounts take (no queries beyond ``Lookups.load``).

Formulas and error values are refused per cell; every label (initiative, area, party, kind, cost
kind) is looked up once per distinct text; amounts and dates are read as the Danish user typed
them. A label that names nothing is a problem at its cell. The Portal-nr. column is read as it
stands; ``workbook.entries_sheet`` says what it means.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from openpyxl.utils import get_column_letter

from accounts.models import ClusterYear, CostKind, Entry, EntryKind, ImportBatch, Initiative
from accounts.parties import Party, party_key
from accounts.selectors.duplicates import KEY_FIELDS, entry_key  # the one rule of «bogført allerede»
from klyngeportal.formats import NumberProblem
from workbook import layout as L
from workbook.cells import amount_value, date_value, is_empty, label_key, once, text_value
from workbook.labels import party_labels
from workbook.safety import Problem

MAX_ROWS = 200_000
REF = "portal_ref"
COLUMNS = [key for key, _, _ in L.ENTRY_COLUMNS]
REF_INDEX = L.ENTRY_COL[REF]
LETTERS = [get_column_letter(i) for i in range(1, len(COLUMNS) + 1)]


def cell_of(column: str | None, row_number: int) -> str:
    return f"{LETTERS[L.ENTRY_COL[column]] if column else 'A'}{row_number}"


@dataclass
class Known:
    """The cluster-year's entries as the planner compares them; one query (two with ``sha256``)."""

    live: dict[int, tuple] = field(default_factory=dict)  # id -> entry_key, for entries that stand
    dead: set[int] = field(default_factory=set)  # reversed entries and reversals
    by_key: dict[tuple, int] = field(default_factory=dict)  # entry_key -> the first standing entry's id
    # entry_key -> a standing entry booked by an earlier (not reversed) import of this very file
    same_file: dict[tuple, int] = field(default_factory=dict)

    @classmethod
    def load(cls, cluster_year: ClusterYear, sha256: str | None = None) -> Known:
        known = cls()
        if cluster_year.pk is None:
            return known
        batches = set()
        if sha256:
            batches = set(ImportBatch.objects.filter(cluster_year=cluster_year, sha256=sha256,
                                                     reversed_at__isnull=True).values_list("id", flat=True))
        rows = Entry.objects.filter(cluster_year=cluster_year).values_list(
            "id", "reverses_id", "import_batch_id", *KEY_FIELDS)
        keys = {}
        for pk, reverses_id, batch_id, initiative_id, kind_of_party, mid, rid, *rest in rows.iterator(
                chunk_size=5000):
            if reverses_id is not None:
                known.dead.update((pk, reverses_id))
            else:
                keys[pk] = (entry_key(initiative_id, party_key(kind_of_party, mid, rid), *rest), batch_id)
        for pk, (key, batch_id) in keys.items():
            if pk not in known.dead:
                known.live[pk] = key
                known.by_key.setdefault(key, pk)
                if batch_id in batches:
                    known.same_file.setdefault(key, pk)
        return known


@dataclass
class Lookups:
    """What the labels of a cluster-year mean, and its entries; loaded once (four queries)."""

    cluster_year: ClusterYear
    initiatives: dict[str, Initiative]
    parties: dict[str, Party]
    kinds: dict[str, str]
    cost_kinds: dict[str, str]
    known: Known = field(default_factory=Known)

    def __post_init__(self):
        if not isinstance(self.known, Known):
            self.known = Known()
        # per column: what each distinct text means, worked out once (``workbook.cells.once``)
        self.readers = {"initiative": ({}, partial(_label_value, self.initiatives)), "area": ({}, _text_and_key),
                        "party": ({}, partial(_label_value, self.parties)),
                        "kind": ({}, partial(_label_value, self.kinds)),
                        "cost_kind": ({}, partial(_label_value, self.cost_kinds))}

    def read(self, column: str, value):
        """(the cell's text, what it means): for an area its lookup key, else the initiative, party or value."""
        cache, function = self.readers[column]
        return once(cache, value, function)

    @property
    def party_labels(self) -> dict[str, str]:
        labels = {}
        for party in self.parties.values():
            labels.setdefault(party.key, party.label)
        return labels

    @classmethod
    def load(cls, cluster_year: ClusterYear, sha256: str | None = None) -> Lookups:
        # Every initiative of the cluster by name: whether it runs in the year is the accounts' rule.
        initiatives = {
            label_key(i.name): i for i in Initiative.objects.filter(cluster_id=cluster_year.cluster_id).select_related("area")
        }
        parties = party_labels(cluster_year)
        kinds = {label_key(label): value for value, label in EntryKind.choices}
        kinds.update({label_key(value): value for value in EntryKind.values})
        kinds["indtaegt"] = EntryKind.INCOME
        cost_kinds = {label_key(label): value for value, label in CostKind.choices}
        cost_kinds.update({label_key(value): value for value in CostKind.values})
        return cls(cluster_year, initiatives, parties, kinds, cost_kinds, Known.load(cluster_year, sha256))


def _text_and_key(value) -> tuple[str, str]:
    text = text_value(value)
    return text, label_key(text)


def _label_value(choices: dict, value):
    """(the cell's text, what it names in ``choices`` or None)."""
    text = text_value(value)
    return text, (choices.get(label_key(text)) if text else None)


# --- reading -------------------------------------------------------------------

@dataclass
class SheetRows:
    """Regnskab as rows for the accounts, with the problems found while translating them."""

    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # row number -> the columns that already have a problem (the services' word on them is left out)
    flagged: dict[int, set] = field(default_factory=dict)
    keys: dict[int, tuple] = field(default_factory=dict)  # row number -> entry_key, for clean rows
    refs: dict[int, object] = field(default_factory=dict)  # row number -> the Portal-nr. cell's value
    # row number -> the Portal-nr. of a row whose other cells are all cleared: the user deleted the entry
    cleared: dict[int, object] = field(default_factory=dict)
    has_ref_column: bool = False

    def problem(self, column: str | None, row_number: int, message: str) -> None:
        self.problems.append(Problem(L.SHEET_ENTRIES, cell_of(column, row_number), message))
        self.flagged.setdefault(row_number, set()).add(column)


def _header_problems(out: SheetRows, header) -> list[Problem]:
    values = [getattr(c, "value", None) for c in (header or ())]
    problems = []
    for index, (key, expected, _) in enumerate(L.ENTRY_COLUMNS):
        got = values[index] if index < len(values) else None
        if key == REF and is_empty(got):
            continue  # a file from before the Portal-nr. column: every row is new
        if label_key(got or "") != label_key(expected):
            problems.append(Problem(L.SHEET_ENTRIES, f"{LETTERS[index]}1",
                                    f"Overskriften skal være «{expected}» (fandt «{got or ''}»). "
                                    "Brug skabelonen fra portalen uden at flytte kolonner."))
        elif key == REF:
            out.has_ref_column = True
    return problems


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
    if out.has_ref_column and not is_empty(v.get(REF)):
        out.refs[row_number] = v[REF]
    out.rows.append(row)
    if row_number not in out.flagged and row["booking_date"] and row["amount"] is not None and party:
        out.keys[row_number] = entry_key(row["initiative_id"], party.key, row["booking_date"], row["kind"],
                                         row["amount"], row["account_code"], row["voucher"], row["text"],
                                         row["cost_kind"])


def read_entries(ws, lookups: Lookups) -> SheetRows:
    """Read Regnskab: formulas and error values refused per cell, every other row translated."""
    out = SheetRows()
    ws.reset_dimensions()  # do not trust the file's own idea of its size
    rows = ws.iter_rows(min_row=1, max_col=len(COLUMNS))
    out.problems = _header_problems(out, next(rows, None))
    if out.problems:
        return out
    for row_number, cells in enumerate(rows, start=L.FIRST_DATA_ROW):
        values = [cell.value for cell in cells]
        if all(is_empty(v) for i, v in enumerate(values) if i != REF_INDEX):
            if out.has_ref_column and REF_INDEX < len(values) and not is_empty(values[REF_INDEX]):
                out.cleared[row_number] = values[REF_INDEX]  # cleared instead of deleted (Excel)
            continue
        if row_number > MAX_ROWS:
            out.problem(None, row_number, f"Arket har flere end {MAX_ROWS:,} rækker; del filen op.".replace(",", "."))
            break
        bad_cells = False
        for key, cell in zip(COLUMNS, cells, strict=False):
            if cell.data_type == "f":
                out.problem(key, row_number, "Cellen indeholder en formel. Formler beregnes ikke ved indlæsning: "
                                             "skriv selve værdien (kopiér og indsæt som værdi).")
                bad_cells = True
            elif cell.data_type == "e":
                out.problem(key, row_number, f"Cellen indeholder fejlværdien {cell.value}.")
                bad_cells = True
        if not bad_cells:
            _translate(out, lookups, row_number, dict(zip(COLUMNS, values, strict=False)))
    return out


