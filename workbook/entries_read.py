"""Regnskab read: each row translated to what the accounts take (no queries beyond ``Lookups.load``).

Formulas and error values are refused per cell; every label (initiative, area, party, kind, cost
kind) is looked up once per distinct text; amounts and dates are read as the Danish user typed
them. A label that names nothing is a problem at its cell. The Portal-nr. column is read as it
stands; ``workbook.entries_sheet`` says what it means.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from operator import attrgetter
from typing import NamedTuple

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
DATE, INITIATIVE, AREA, PARTY, ACCOUNT, KIND, COST_KIND, AMOUNT, TEXT, VOUCHER = (
    L.ENTRY_COL[key] for key in ("booking_date", "initiative", "area", "party", "account_code", "kind", "cost_kind",
                                 "amount", "text", "voucher"))
LABEL_COLUMNS = ("initiative", "area", "party", "kind", "cost_kind")  # read together (``Lookups.labels``)
_VALUE, _TYPE = attrgetter("value"), attrgetter("data_type")
_REFUSED_TYPES = frozenset(("f", "e"))  # a formula, an error value: refused at the cell
_LOOKS_COMPUTED = frozenset(("=", "#"))  # how a formula («=SUM(…)») and an error value («#REF!») read as values
_UNREAD = object()  # a date cell that could not be read
KEY_AMOUNT = 4  # the amount's place in an entry_key


def cell_of(column: str | None, row_number: int) -> str:
    return f"{LETTERS[L.ENTRY_COL[column]] if column else 'A'}{row_number}"


class Known:
    """The cluster-year's entries as the planner compares them; one query (two with ``sha256``).

    ``live``: id -> entry_key, for entries that stand (in the ledger's order); ``dead``: reversed entries
    and reversals; ``by_key``: entry_key -> the first standing entry's id; ``same_file``: entry_key -> a
    standing entry booked by an earlier (not reversed) import of this very file. The last two are worked
    out when first asked for: a file whose rows all carry their Portal-nr. never needs them.
    """

    def __init__(self, live: dict[int, tuple] | None = None, dead: set[int] | None = None,
                 same_file_ids: list[int] | None = None):
        self.live = {} if live is None else live
        self.dead = set() if dead is None else dead
        self._same_file_ids = same_file_ids or []  # standing entries of earlier imports of this file

    @cached_property
    def by_key(self) -> dict[tuple, int]:
        return {key: pk for pk, key in reversed(self.live.items())}  # the first id of a key wins

    @cached_property
    def same_file(self) -> dict[tuple, int]:
        same_file: dict[tuple, int] = {}
        for pk in self._same_file_ids:
            if pk in self.live:
                same_file.setdefault(self.live[pk], pk)
        return same_file

    @classmethod
    def load(cls, cluster_year: ClusterYear, sha256: str | None = None) -> Known:
        if cluster_year.pk is None:
            return cls()
        batches = set()
        if sha256:
            batches = set(ImportBatch.objects.filter(cluster_year=cluster_year, sha256=sha256,
                                                     reversed_at__isnull=True).values_list("id", flat=True))
        rows = Entry.objects.filter(cluster_year=cluster_year).values_list(
            "id", "reverses_id", "import_batch_id", *KEY_FIELDS)
        live, dead, same_file_ids, parties = {}, set(), [], {}
        for (pk, reverses_id, batch_id, initiative_id, kind_of_party, mid, rid, booking_date, kind, amount, account,
             voucher, text, cost_kind) in rows.iterator(chunk_size=5000):
            if reverses_id is not None:
                dead.add(pk)
                dead.add(reverses_id)
                continue
            party = parties.get((kind_of_party, mid, rid))
            if party is None:
                party = parties[(kind_of_party, mid, rid)] = party_key(kind_of_party, mid, rid)
            live[pk] = entry_key(initiative_id, party, booking_date, kind, amount, account, voucher, text, cost_kind)
            if batch_id in batches:
                same_file_ids.append(pk)
        for pk in dead:
            live.pop(pk, None)  # the order of the others stays the ledger's
        return cls(live, dead, same_file_ids)


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
        # a row's five label cells (all text or empty) -> what they mean together (``labels``)
        self.label_rows: dict[tuple, Labels] = {}

    def read(self, column: str, value):
        """(the cell's text, what it means): for an area its lookup key, else the initiative, party or value."""
        cache, function = self.readers[column]
        return once(cache, value, function)

    def labels(self, values: tuple) -> Labels:
        """What a row's label cells (``LABEL_COLUMNS``' values) mean, with the problems at their cells.

        The same five texts recur row after row: worked out once per combination of texts (only text
        and empty cells are remembered, as ``once`` does: 1, 1.0 and True are equal as keys).
        """
        try:
            return self.label_rows[values]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: read it, do not remember it
            return self._labels(values)
        answer = self._labels(values)
        if all(value is None or type(value) is str for value in values):
            self.label_rows[values] = answer
        return answer

    def _labels(self, values: tuple) -> Labels:
        cy = self.cluster_year
        v = dict(zip(LABEL_COLUMNS, values, strict=True))
        problems = []
        name, initiative = self.read("initiative", v["initiative"])
        if name and initiative is None:
            problems.append(("initiative", f"Indsatsen «{name}» findes ikke i {cy.cluster.name}. "
                                           "Vælg en indsats fra listen."))
        area, area_key = self.read("area", v["area"])
        if area and initiative is not None and area_key != label_key(initiative.area.name):
            problems.append(("area", f"Indsatsen «{initiative.name}» hører til området «{initiative.area.name}», "
                                     f"ikke «{area}»."))
        party_text, party = self.read("party", v["party"])
        if party_text and party is None:
            problems.append(("party", f"Parten «{party_text}» hører ikke til {cy.cluster.name} i {cy.year}. "
                                      "Vælg en kommune eller regionen fra listen."))
        later = []  # the problems of the columns right of Konto (Art, Omkostningstype)
        chosen = {}
        for column, message in (
            ("kind", "Art skal være Udgift eller Indtægt"),
            ("cost_kind", "Omkostningstype skal være Udvikling, Sekretariatsbetjening eller Drift"),
        ):
            text, chosen[column] = self.read(column, v[column])
            if text and chosen[column] is None:
                later.append((column, f"{message} (fandt «{text}»)."))
        return Labels(initiative.pk if initiative else None, party, party.key if party else None, chosen["kind"],
                      chosen["cost_kind"], tuple(problems), tuple(later))

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


class Labels(NamedTuple):
    """What a row's label cells mean: ids and values for the accounts (None where a label names nothing),
    and the problems as (column, Danish message), those left of Konto and those right of it."""

    initiative_id: int | None
    party: Party | None
    party_key: str | None
    kind: str | None
    cost_kind: str | None
    problems: tuple
    later_problems: tuple


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


def _header_problems(out: SheetRows, values: tuple | None) -> list[Problem]:
    values = values or ()
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


def _translate(out: SheetRows, lookups: Lookups, row_number: int, v: tuple) -> None:
    """One row's values (``COLUMNS``' order) to what the accounts take; a label that names nothing is a
    problem at its cell. Row by row, so the common cells are read inline: a date cell, text, a number."""
    problem = out.problem
    booking_date = v[DATE]
    if type(booking_date) is datetime:
        booking_date = booking_date.date()
    elif is_empty(booking_date):
        booking_date = None
    else:
        try:
            booking_date = date_value(booking_date, lookups.cluster_year.year)
        except ValueError as exc:
            problem("booking_date", row_number, str(exc))
            booking_date = _UNREAD

    labels = lookups.labels((v[INITIATIVE], v[AREA], v[PARTY], v[KIND], v[COST_KIND]))
    for column, message in labels.problems:
        problem(column, row_number, message)
    account = v[ACCOUNT]
    if type(account) is str:
        account = account.strip()
    elif isinstance(account, datetime | date):
        problem("account_code", row_number, "Excel har gjort kontonummeret til en dato. Formatér cellen "
                                            "som tekst og skriv kontoen igen (fx 4.62.82).")
        account = ""
    else:
        account = text_value(account)
    for column, message in labels.later_problems:
        problem(column, row_number, message)

    amount = v[AMOUNT]
    if is_empty(amount):
        amount = None
    else:
        try:
            amount = amount_value(amount)
        except NumberProblem as exc:
            problem("amount", row_number, exc.message)
            amount = None

    text, voucher = v[TEXT], v[VOUCHER]
    text = text.strip() if type(text) is str else text_value(text)
    voucher = voucher.strip() if type(voucher) is str else text_value(voucher)
    party = labels.party
    row = {"row_number": row_number, "booking_date": booking_date, "initiative_id": labels.initiative_id,
           "party_kind": party.kind if party else "", "municipality_id": party.municipality_id if party else None,
           "region_id": party.region_id if party else None, "account_code": account, "kind": labels.kind,
           "cost_kind": labels.cost_kind, "amount": amount, "text": text, "voucher": voucher}
    if booking_date is _UNREAD:
        del row["booking_date"]  # as the row has always had it: no date where the date could not be read
    ref = None
    if out.has_ref_column:
        ref = v[REF_INDEX]
        if not is_empty(ref):
            out.refs[row_number] = ref
    out.rows.append(row)
    if row_number not in out.flagged and booking_date and amount is not None and party:
        key = entry_key(labels.initiative_id, labels.party_key, booking_date, labels.kind, amount, account, voucher,
                        text, labels.cost_kind)
        known = lookups.known.live.get(ref) if type(ref) is int else None
        if known == key:
            # The row as its entry stands (most rows of an export): it keeps the entry's own key and amount,
            # equal to its own, so that the rows of an unchanged file add no objects for the collector to walk.
            key, row["amount"] = known, known[KEY_AMOUNT]
        out.keys[row_number] = key


def _blank(values: tuple) -> bool:
    """Whether every cell but the Portal-nr. is empty."""
    return all(is_empty(v) for i, v in enumerate(values) if i != REF_INDEX)


def read_entries(ws, lookups: Lookups) -> SheetRows:
    """Read Regnskab: formulas and error values refused per cell, every other row translated.

    First as values only: openpyxl makes no cell object per value then (a fifth of the read). A formula
    reads as text beginning with «=», an error value as text beginning with «#»; at the first such text
    the sheet is read again with each cell's type, so that a formula or an error value is told from
    text that only looks like one (a voucher «#4711»).
    """
    out = _read_entries(ws, lookups, typed=False)
    return _read_entries(ws, lookups, typed=True) if out is None else out


def _read_entries(ws, lookups: Lookups, *, typed: bool) -> SheetRows | None:
    """The sheet read once; None (values only) at a text that may be a formula or an error value."""
    out = SheetRows()
    ws.reset_dimensions()  # do not trust the file's own idea of its size
    rows = ws.iter_rows(min_row=1, max_col=len(COLUMNS), values_only=not typed)
    header = next(rows, None)
    if typed and header is not None:
        header = tuple(map(_VALUE, header))
    out.problems = _header_problems(out, header)
    if out.problems:
        return out
    width = len(COLUMNS)
    for row_number, cells in enumerate(rows, start=L.FIRST_DATA_ROW):
        values = tuple(map(_VALUE, cells)) if typed else cells
        if len(values) < width:  # openpyxl pads every row to max_col; a short one is read as padded
            values += (None,) * (width - len(values))
        first = values[0]
        if (first is None or type(first) is str) and _blank(values):
            if out.has_ref_column and not is_empty(values[REF_INDEX]):
                out.cleared[row_number] = values[REF_INDEX]  # cleared instead of deleted (Excel)
            continue
        if row_number > MAX_ROWS:
            out.problem(None, row_number, f"Arket har flere end {MAX_ROWS:,} rækker; del filen op.".replace(",", "."))
            break
        if not typed:
            if any(type(value) is str and value[:1] in _LOOKS_COMPUTED for value in values):
                return None
        elif not _REFUSED_TYPES.isdisjoint(map(_TYPE, cells)):
            for key, cell in zip(COLUMNS, cells, strict=False):
                if cell.data_type == "f":
                    out.problem(key, row_number, "Cellen indeholder en formel. Formler beregnes ikke ved "
                                                 "indlæsning: skriv selve værdien (kopiér og indsæt som værdi).")
                elif cell.data_type == "e":
                    out.problem(key, row_number, f"Cellen indeholder fejlværdien {cell.value}.")
            continue
        _translate(out, lookups, row_number, values)
    return out
