"""Import a filled template: a preview first, then "Indlæs" books exactly what was previewed, or nothing.

Order of work, so that a bad file costs as little as possible:

1. the file itself (``workbook.safety``): name, size before a single byte is read, first bytes,
   zip contents; then openpyxl's public read-only API with ``data_only=False``, so that a formula
   in a data cell shows up as a formula and is refused, cell by cell;
2. each sheet the portal reads is planned against the ledger, writing nothing: Regnskab by
   ``workbook.entries_sheet`` (rows by their Portal-nr.: unchanged, new, changed, not in the file),
   Budget by ``workbook.budget_sheet`` and Videreførelse by ``workbook.carryover_sheet``. Each gives a
   ``workbook.plan.SheetPlan``: counts, problems with sheet and cell, warnings and actions;
3. the preview (``preview_file``) is that plan with the totals before → after (``workbook.totals``) and
   the budget control of Regnskab's rows (``workbook.import_control``: «Stop» errors at their cells,
   else one confirmation for the whole import);
4. the commit (``commit_file``) re-plans from the same bytes inside one transaction under the
   cluster-year's row lock, refuses when the ledger changed since the preview (``ledger_fingerprint``),
   and applies every sheet's actions through the accounts' services: all of it, or nothing. What Budget
   and Videreførelse changed is kept with the import batch (``accounts.models_import.ImportChange``), so
   that «Tilbagefør» undoes it too (``accounts.services.import_undo``).

A file that changes nothing is not an error: "Intet at indlæse: filen svarer til regnskabet".
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import ClusterYear, EntryKind, ImportBatch
from accounts.services import EntryRowsRefused, cluster_year_lock
from accounts.services.budget_control import confirmation_record
from accounts.services.import_undo import import_changes_record, import_state
from users.access import require_permission
from workbook import layout as L
from workbook.cells import amount_value, date_value, is_empty
from workbook.entries_sheet import (
    FIELD_COLUMN,
    EntriesPlan,
    Lookups,
    SheetRows,
    cell_of,
    plan_entries,
    read_entries,
)
from workbook.import_control import ImportControl, OverrunsNotConfirmed, import_control
from workbook.plan import COUNT_KEYS, SheetPlan
from workbook.safety import ImportRefused, Problem, check_file, file_problem, open_workbook, sha256_of
from workbook.selectors import ledger_fingerprint

__all__ = ["MAX_SHOWN_PROBLEMS", "NOTHING_TO_IMPORT", "ImportRefused", "ImportResult", "LedgerChanged", "Lookups",
           "OverrunsNotConfirmed", "Problem", "SheetRows", "WorkbookPlan", "amount_value", "check_file", "commit_file", "date_value",
           "import_workbook", "plan_workbook", "preview_file", "read_entries", "sha256_of"]

MAX_SHOWN_PROBLEMS = 1000
NOTHING_TO_IMPORT = "Intet at indlæse: filen svarer til regnskabet."
LEDGER_CHANGED = "Regnskabet er ændret siden forhåndsvisningen; indlæs filen igen."


class LedgerChanged(ImportRefused):
    """The ledger changed between the preview and "Indlæs": nothing is booked, a new preview is needed."""

    def __init__(self):
        super().__init__([Problem("", "", LEDGER_CHANGED)])


@dataclass
class WorkbookPlan:
    """The preview of a whole file: one plan per sheet read, and what the ledger looked like."""

    cluster_year: ClusterYear
    sheets: list[SheetPlan]
    lookups: Lookups
    sha256: str
    filename: str
    fingerprint: str
    reverse_removed: bool = False
    control: ImportControl | None = None  # the budget control of Regnskab's rows (None: no cluster-year yet)

    @property
    def entries(self) -> EntriesPlan:
        return self.sheets[0]

    @property
    def errors(self) -> list[Problem]:
        return [p for plan in self.sheets for p in plan.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [p for plan in self.sheets for p in plan.warnings]

    @property
    def has_changes(self) -> bool:
        return any(plan.has_changes for plan in self.sheets)

    @property
    def nothing_to_import(self) -> bool:
        return not self.errors and not self.has_changes

    def as_json(self) -> dict:
        return {"file": self.filename, "sha256": self.sha256, "reverse_removed": self.reverse_removed,
                "sheets": [plan.as_json() for plan in self.sheets],
                "actions": [{"sheet": plan.sheet, "kind": a.kind, "description": a.description}
                            for plan in self.sheets for a in plan.actions],
                "nothing_to_import": self.nothing_to_import,
                "budget_control": self.control.as_json() if self.control else None}


@dataclass
class ImportResult:
    rows: int
    total: Decimal
    expenses: Decimal
    income: Decimal
    dry_run: bool
    plan: WorkbookPlan | None = None
    batch: ImportBatch | None = None
    entries: list = field(default_factory=list)

    @property
    def net_spend(self) -> Decimal:
        return self.expenses - self.income

    @property
    def nothing_to_import(self) -> bool:
        return self.plan is not None and self.plan.nothing_to_import

    def as_json(self) -> dict:
        return {**(self.plan.as_json() if self.plan else {}), "booked": not self.dry_run and self.batch is not None,
                "import_batch": self.batch.pk if self.batch else None, "entries_booked": len(self.entries),
                "expenses": str(self.expenses), "income": str(self.income)}


# --- planning ------------------------------------------------------------------

def _data_rows(ws) -> list[tuple[int, tuple]]:
    """A sheet's data rows below its header as (row number, values), empty rows left out."""
    ws.reset_dimensions()
    return [(number, values) for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
            if not all(is_empty(v) for v in values)]


def _spend_change(entries: EntriesPlan) -> dict[str, Decimal]:
    """How much Regnskab's plan changes each party's net spend (expenses less income), by party key."""
    change: dict[str, Decimal] = {}
    for (_, key, kind), amount in entries.delta.items():
        signed = amount if kind == EntryKind.EXPENSE else -amount
        change[key] = change.get(key, Decimal("0.00")) + signed
    return change


def _other_sheets(wb, cluster_year: ClusterYear, *, reverse_removed: bool, entries: EntriesPlan) -> list[SheetPlan]:
    """Budget and Videreførelse, by their planners (``workbook.budget_sheet``, ``workbook.carryover_sheet``).

    Videreførelse is planned with Regnskab's effect on each party's spend: commitments are recorded
    after the entries, so they are held to the unspent money as it will be then."""
    plans = []
    try:
        from workbook.budget_sheet import plan_budget_sheet
    except ImportError:  # pragma: no cover - until the budget planner exists
        plan_budget_sheet = None
    try:
        from workbook.carryover_sheet import plan_carryover_sheet
    except ImportError:  # pragma: no cover
        plan_carryover_sheet = None
    for title, planner, kwargs in ((L.SHEET_BUDGET, plan_budget_sheet, {"remove_missing": reverse_removed}),
                                   (L.SHEET_CARRYOVER, plan_carryover_sheet,
                                    {"spend_change": _spend_change(entries)})):
        if planner is None or title not in wb.sheetnames:
            continue
        if cluster_year.pk is None:
            continue  # a dry run for a cluster-year not created yet: its budget and commitments come with it
        plans.append(planner(_data_rows(wb[title]), cluster_year, **kwargs))
    return plans


def plan_workbook(wb, cluster_year: ClusterYear, *, sha256: str, filename: str, reverse_removed: bool = False,
                  accepted=frozenset()) -> WorkbookPlan:
    """Plan every sheet of an opened workbook against the ledger; nothing is written."""
    if L.SHEET_ENTRIES not in wb.sheetnames:
        raise file_problem(f"Filen har intet ark med navnet «{L.SHEET_ENTRIES}». Brug skabelonen fra portalen.")
    fingerprint = ledger_fingerprint(cluster_year)
    lookups = Lookups.load(cluster_year, sha256)
    out = read_entries(wb[L.SHEET_ENTRIES], lookups)
    if out.problems and not out.rows:  # the header is wrong: nothing else is worth reading
        raise ImportRefused(out.problems)
    entries = plan_entries(out, lookups, reverse_removed=reverse_removed, accepted=frozenset(accepted))
    sheets = [entries, *_other_sheets(wb, cluster_year, reverse_removed=reverse_removed, entries=entries)]
    control = import_control(cluster_year, entries, sheets[1:], lookups.known) if cluster_year.pk else None
    if not out.rows and not any(plan.actions or plan.problems or plan.warnings for plan in sheets):
        raise ImportRefused([Problem(L.SHEET_ENTRIES, "", "Arket indeholder ingen posteringer at indlæse.")])
    return WorkbookPlan(cluster_year, sheets, lookups, sha256, Path(filename).name[:255], fingerprint,
                        reverse_removed, control)


def _plan_bytes(data: bytes, cluster_year, *, filename, reverse_removed, accepted) -> WorkbookPlan:
    fileobj = io.BytesIO(data)
    wb = open_workbook(fileobj)
    try:
        return plan_workbook(wb, cluster_year, sha256=sha256_of(fileobj), filename=filename,
                             reverse_removed=reverse_removed, accepted=accepted)
    finally:
        wb.close()


def read_upload(fileobj, filename: str, size: int) -> bytes:
    """The uploaded file's bytes, after the checks of the file itself (``check_file``)."""
    check_file(fileobj, filename, size)
    fileobj.seek(0)
    return fileobj.read()


def preview_file(*, cluster_year: ClusterYear, data: bytes, filename: str, user, reverse_removed: bool = False,
                 accepted=frozenset()) -> WorkbookPlan:
    """The preview of a checked file (``read_upload``): writes nothing, may be given an unsaved cluster-year."""
    if cluster_year.pk is not None:
        require_permission(user, "edit_accounts", cluster_year)
    return _plan_bytes(data, cluster_year, filename=filename, reverse_removed=reverse_removed, accepted=accepted)


def _sums(rows: list[dict]) -> tuple[Decimal, Decimal]:
    expenses = sum((r["amount"] for r in rows if r["kind"] == EntryKind.EXPENSE), Decimal("0.00"))
    income = sum((r["amount"] for r in rows if r["kind"] == EntryKind.INCOME), Decimal("0.00"))
    return expenses, income


def commit_file(*, cluster_year: ClusterYear, data: bytes, filename: str, user, reverse_removed: bool = False,
                accepted=frozenset(), fingerprint: str | None = None, confirm_overruns: bool = False) -> ImportResult:
    """Book what the preview of ``data`` showed: one transaction under the cluster-year's lock, all or nothing.

    With ``fingerprint`` (the preview's ``ledger_fingerprint``) the commit refuses with ``LedgerChanged``
    when the ledger changed since. Raises ImportRefused on any error. A file that changes nothing books
    nothing and returns a result with ``nothing_to_import``. Rows that overrun a budget (under «Advar»)
    or are large entries are booked only with ``confirm_overruns`` (else ``OverrunsNotConfirmed``); the
    confirmation is recorded with the import batch.
    """
    with transaction.atomic():
        cluster_year = cluster_year_lock(cluster_year)
        require_permission(user, "edit_accounts", cluster_year)
        if fingerprint is not None and ledger_fingerprint(cluster_year) != fingerprint:
            raise LedgerChanged()
        plan = _plan_bytes(data, cluster_year, filename=filename, reverse_removed=reverse_removed,
                           accepted=accepted)
        if plan.errors:
            raise ImportRefused(plan.errors)
        confirmed = plan.control.confirmed(confirm_overruns)
        expenses, income = _sums(plan.entries.book)
        result = ImportResult(rows=len(plan.entries.book), total=expenses + income, expenses=expenses,
                              income=income, dry_run=False, plan=plan)
        if not plan.has_changes:
            return result
        batch = ImportBatch(cluster_year=cluster_year, filename=plan.filename, sha256=plan.sha256,
                            rows=result.rows, total=result.total, imported_by=user)
        batch.full_clean()
        batch.save()
        result.batch = batch
        try:
            result.entries = plan.entries.apply(user, batch)
            _apply_other_sheets(plan, batch, user)
            if confirmed:
                confirmation_record(cluster_year=cluster_year, by=user, found=confirmed, import_batch=batch)
        except EntryRowsRefused as exc:  # the accounts said no after all: nothing stays booked
            raise ImportRefused([Problem(L.SHEET_ENTRIES, cell_of(FIELD_COLUMN.get(p.field), p.row_number)
                                         if p.row_number else "", p.message) for p in exc.problems]) from exc
        except ValidationError as exc:
            raise ImportRefused([_located(message) for message in exc.messages]) from exc
        return result


def _apply_other_sheets(plan: WorkbookPlan, batch: ImportBatch, user) -> None:
    """Budget's and Videreførelse's actions; what they changed (old and new values) is kept with the batch,
    so that undoing the import can put it back (``accounts.services.import_undo``)."""
    actions = [action for sheet in plan.sheets[1:] for action in sheet.actions]
    if not actions:
        return
    before = import_state(batch.cluster_year)
    for action in actions:
        action.apply(user)
    import_changes_record(batch, before, import_state(batch.cluster_year))


def _located(message: str) -> Problem:
    """A service's refusal as a problem; «Ark!C7: …» (as the sheet planners word it) names its cell."""
    match = re.match(r"^([^!:]+)!([A-Z]+\d+): (.*)$", message, re.DOTALL)
    return Problem(match.group(1), match.group(2), match.group(3)) if match else Problem("", "", message)


def import_workbook(*, cluster_year: ClusterYear, fileobj, filename: str, size: int, user, dry_run: bool = False,
                    reverse_removed: bool = False, accepted=frozenset(), confirm_overruns: bool = False) -> ImportResult:
    """Check, plan and (unless dry_run) book a filled template in one go. Raises ImportRefused; then nothing is saved.

    A dry run writes nothing at all, and may be given a cluster-year that is not saved yet.
    """
    data = read_upload(fileobj, filename, size)
    if cluster_year.pk is None and not dry_run:
        raise ValueError("Only a dry run can check against a cluster-year that is not saved.")
    if not dry_run:
        return commit_file(cluster_year=cluster_year, data=data, filename=filename, user=user,
                           reverse_removed=reverse_removed, accepted=accepted, confirm_overruns=confirm_overruns)
    plan = preview_file(cluster_year=cluster_year, data=data, filename=filename, user=user,
                        reverse_removed=reverse_removed, accepted=accepted)
    if plan.errors:
        raise ImportRefused(plan.errors)
    expenses, income = _sums(plan.entries.book)
    return ImportResult(rows=len(plan.entries.book), total=expenses + income, expenses=expenses, income=income,
                        dry_run=True, plan=plan)


def counts_line(plan: SheetPlan) -> str:
    """«2 nye, 15 uændrede, …» for a sheet (the preview's and the command's words)."""
    from workbook.plan import COUNT_LABELS

    return ", ".join(f"{plan.counts[key]} {COUNT_LABELS[key]}" for key in COUNT_KEYS)
