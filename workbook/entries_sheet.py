"""Regnskab planned: the rows read (``workbook.entries_read``) compared with the ledger; nothing is written.

Row by row, by the row's "Portal-nr." (the id of the entry it was exported from):

- the same content as its entry: unchanged, skipped;
- no Portal-nr.: a new entry; equal to an entry booked by an earlier upload of this very file
  (same sha256, not reversed): unchanged; equal to another standing entry, or to an earlier row of the file,
  a warning ("ser ud til at være bogført allerede"), booked only when the user accepts it;
- other content than its entry: changed, booked as a reversal of the old entry plus a new one;
- a Portal-nr. of an entry reversed since (the row was changed by an earlier upload of the same
  file) with the content of a standing entry: unchanged, that entry is the correction;
- a standing entry whose number is in no row is "ikke i filen" (removed): reversed only with
  ``reverse_removed``. So is one whose row is cleared but for its Portal-nr. (a user who clears a row
  instead of deleting it): never an error, whatever the number left behind. A file without any Portal-nr. (rows typed into the blank template) has no
  removed rows: it does not know the ledger's rows.

A Portal-nr. that is not a whole number, names no entry of this cluster-year (another cluster-year's,
or one the user may not see: the same answer, nothing is told about it), names a reversed entry or a
reversal, or stands in two rows, is an error at its cell. Rows to be booked go through the accounts'
own rules (``check_entry_rows``); each ``EntryProblem.field`` is shown at its column.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Entry
from accounts.parties import party_key
from accounts.services import check_entry_rows, entries_create_bulk, entry_reverse
from klyngeportal.formats import format_kr
from workbook import layout as L
from workbook.entries_read import LETTERS, REF, Known, Lookups, SheetRows, cell_of, entry_key, read_entries
from workbook.plan import Action, SheetPlan
from workbook.safety import Problem

__all__ = ["FIELD_COLUMN", "EntriesPlan", "Known", "Lookups", "SheetRows", "cell_of", "entry_key", "plan_entries",
           "read_entries"]

# EntryProblem.field -> the column it is shown at ("party" is the party's three fields).
FIELD_COLUMN = {
    "initiative": "initiative", "initiative_id": "initiative", "party": "party", "party_kind": "party",
    "municipality": "party", "municipality_id": "party", "region": "party", "region_id": "party",
    "booking_date": "booking_date", "kind": "kind", "amount": "amount", "account_code": "account_code",
    "voucher": "voucher", "text": "text", "cost_kind": "cost_kind",
}


# --- planning ------------------------------------------------------------------

@dataclass
class EntriesPlan(SheetPlan):
    """Regnskab's plan: rows to book in one bulk booking, entries to reverse, the effect on the totals."""

    book: list[dict] = field(default_factory=list)
    reverse: list[int] = field(default_factory=list)
    # (initiative_id, party key, kind) -> the change of the sum of standing entries
    delta: dict[tuple, Decimal] = field(default_factory=lambda: defaultdict(lambda: Decimal("0.00")))

    def apply(self, user, batch) -> list[Entry]:
        """Reverse, then book in bulk (into ``batch``); through the accounts' services only."""
        for entry in Entry.objects.filter(pk__in=self.reverse).select_related("cluster_year"):
            entry_reverse(entry=entry, by=user, text=f"Tilbageført ved indlæsning af {batch.filename}",
                          import_batch=batch)
        if not self.book:
            return []
        return entries_create_bulk(cluster_year=batch.cluster_year, rows=self.book, created_by=user,
                                   import_batch=batch)

    @property
    def has_changes(self) -> bool:
        return bool(self.book or self.reverse)


def _ref_number(value) -> int | None:
    """The Portal-nr. as a positive whole number, or None for anything else (text, a fraction, a date)."""
    number = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal) and value == int(value):
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    return number if number is not None and number > 0 else None


def _describe(row: dict, lookups: Lookups, names: dict[int, str], labels: dict[str, str]) -> str:
    kind = L.KIND_LABELS.get(row["kind"], row["kind"])
    party = labels.get(party_key(row["party_kind"], row["municipality_id"], row["region_id"]), "")
    return (f"{row['booking_date']:%d.%m.%Y} {names.get(row['initiative_id'], '')}, {party}: "
            f"{kind} {format_kr(row['amount'], 2)} {row['text']}".strip())


def plan_entries(out: SheetRows, lookups: Lookups, *, reverse_removed: bool = False,
                 accepted: frozenset | set = frozenset()) -> EntriesPlan:
    """Compare the rows read with the ledger; nothing is written. ``accepted``: warning cells ("Regnskab!A7")."""
    plan = EntriesPlan(L.SHEET_ENTRIES)
    for problem in out.problems:
        plan.error(problem)
    known = lookups.known
    names = {i.pk: i.name for i in lookups.initiatives.values()}
    labels = lookups.party_labels
    referenced: dict[int, int] = {}  # entry id -> row number
    claimed: set[int] = set()  # standing entries a row without number looks like
    seen: dict[tuple, int] = {}  # key -> row number of a new row
    to_book: list[tuple[str, dict, int | None]] = []  # (kind, row, entry id to reverse)
    for row in out.rows:
        number = row["row_number"]
        key = out.keys.get(number)
        raw = out.refs.get(number)
        if raw is not None:
            ref = _ref_number(raw)
            cell = cell_of(REF, number)
            if ref is None:
                plan.error(Problem(L.SHEET_ENTRIES, cell, f"Portal-nr. skal være et helt tal (fandt «{raw}»). "
                                   "Slet cellen, hvis rækken er ny."))
                continue
            if ref in referenced:
                plan.error(Problem(L.SHEET_ENTRIES, cell, f"Portal-nr. {ref} står også i række {referenced[ref]}. "
                                   "En kopieret række er ny: slet dens Portal-nr."))
                continue
            if ref in known.dead and key is not None and key in known.by_key:
                # the row as corrected by an earlier upload of this file: its correction stands
                claimed.add(known.by_key[key])
                plan.count("unchanged")
                continue
            if ref in known.dead:
                plan.error(Problem(L.SHEET_ENTRIES, cell, f"Postering {ref} er tilbageført og kan ikke rettes. "
                                   "Slet cellens Portal-nr., hvis rækken skal bogføres som ny."))
                continue
            if ref not in known.live:
                plan.error(Problem(L.SHEET_ENTRIES, cell, f"Portal-nr. {ref} er ikke en postering i "
                                   f"{lookups.cluster_year.cluster.name} {lookups.cluster_year.year}. "
                                   "Slet cellen, hvis rækken er ny."))
                continue
            referenced[ref] = number
            if number in out.flagged:
                continue  # its errors are listed already
            if key == known.live[ref]:
                plan.count("unchanged")
                continue
            to_book.append(("changed", row, ref))
            continue
        if number in out.flagged:
            continue
        warning = None
        if key is not None and key in known.same_file and known.same_file[key] not in claimed:
            claimed.add(known.same_file[key])  # booked from this very file by an earlier upload of it
            plan.count("unchanged")
            continue
        if key is not None and key in known.by_key:
            claimed.add(known.by_key[key])
            warning = "Rækken ser ud til at være bogført allerede (samme indhold som en postering i portalen)."
        elif key is not None and key in seen:
            warning = f"Rækken er identisk med række {seen[key]} i filen."
        if key is not None:
            seen.setdefault(key, number)
        if warning:
            problem = Problem(L.SHEET_ENTRIES, cell_of(None, number),
                              f"{warning} Den bogføres kun, hvis du vælger det.")
            plan.warn(problem)
            if f"{problem.sheet}!{problem.cell}" not in accepted:
                continue
        to_book.append(("new", row, None))

    # The accounts' own rules for every row to be booked (no writes), at their cells.
    _, entry_problems = check_entry_rows(cluster_year=lookups.cluster_year, rows=[r for _, r, _ in to_book])
    refused = set()
    for p in entry_problems:
        column = FIELD_COLUMN.get(p.field) if p.field else None
        plan.error(Problem(L.SHEET_ENTRIES, cell_of(column, p.row_number) if p.row_number else "", p.message))
        refused.add(p.row_number)
    for kind, row, ref in to_book:
        if row["row_number"] in refused:
            continue
        description = _describe(row, lookups, names, labels)
        if ref is not None:
            plan.reverse.append(ref)
            _add_delta(plan, known.live[ref], -1)
            description = f"Række {row['row_number']}: postering {ref} tilbageføres og bogføres som {description}"
        else:
            description = f"Række {row['row_number']}: ny postering {description}"
        plan.book.append(row)
        plan.count(kind)
        _add_delta(plan, out.keys[row["row_number"]], 1)
        plan.act(Action(description, _in_bulk, kind=kind))

    # A file that knows the ledger's rows (a Portal-nr. in a row, or a row cleared but for its Portal-nr.,
    # which is how Excel users delete a row): which of them it left out.
    if referenced or out.cleared:
        for pk, key in known.live.items():
            if pk in referenced or pk in claimed:
                continue
            plan.count("removed")
            if reverse_removed:
                plan.reverse.append(pk)
                _add_delta(plan, key, -1)
                plan.act(Action(f"Postering {pk} er ikke i filen og tilbageføres.", _in_bulk, kind="removed"))
    plan.problems.sort(key=_position)
    return plan


def _in_bulk(user):
    """Regnskab's actions are applied together by ``EntriesPlan.apply`` (one bulk booking)."""
    return None


def _add_delta(plan: EntriesPlan, key: tuple, sign: int) -> None:
    initiative_id, party, _, kind, amount, *_ = key
    plan.delta[(initiative_id, party, kind)] += sign * amount


def _position(p: Problem):
    """Row by row, then column by column, as the user reads the sheet."""
    letters = "".join(ch for ch in (p.cell or "") if ch.isalpha())
    digits = "".join(ch for ch in (p.cell or "") if ch.isdigit())
    return (int(digits) if digits else 0, LETTERS.index(letters) if letters in LETTERS else 0)
