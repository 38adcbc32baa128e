"""The budget control of an Excel import: the same rule as a typed entry, over every row the import books.

``import_control(cluster_year, entries, sheets, known)`` measures the Regnskab rows the import would
book (new and changed rows, in the file's order) with ``accounts.services.budget_control``:

- the spend is the ledger's after the plan's reversals (changed rows' old entries, removed rows);
- the budget is the one after the import: the Budget sheet's planned changes (``BudgetPlan.budget_delta``).

Then, by the cluster-year's control: under «Stop» a row that overruns a budget is an error at its
amount cell, with the figures; under «Advar» (and for a large entry in every setting) the preview lists
the overruns and one confirmation, «Jeg bekræfter overskridelserne», covers the whole import. The
commit refuses without it (``OverrunsNotConfirmed``) and records it with the import batch
(``confirmation_record``). Seven queries (``BudgetState.load``), whatever the number of rows; none when no row is to be booked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import BudgetControl, signed_amount
from accounts.services.budget_control import BUDGET_KINDS, BudgetState, Overrun, overruns
from workbook import layout as L
from workbook.entries_read import cell_of
from workbook.safety import ImportRefused, Problem

ZERO = Decimal("0.00")
CONFIRM_LABEL = "Jeg bekræfter overskridelserne"
NOT_CONFIRMED = (f"Indlæsningen overskrider budgettet eller grænsen for en enkelt postering. Sæt flueben i "
                 f"«{CONFIRM_LABEL}» for at indlæse filen; intet er gemt.")
STOPPED = "Budgetkontrollen står på «Stop»: rækken bogføres ikke."


@dataclass
class ImportControl:
    """The overruns of an import's rows, and which of them stop it or need the one confirmation."""

    control: str
    control_label: str
    found: list[Overrun] = field(default_factory=list)

    @property
    def stopped(self) -> list[Overrun]:
        return [o for o in self.found if o.kind in BUDGET_KINDS] if self.control == BudgetControl.STOP else []

    @property
    def to_confirm(self) -> list[Overrun]:
        stopped = self.stopped
        return [o for o in self.found if o not in stopped]

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.to_confirm)

    def rows(self) -> list[tuple[str, Overrun]]:
        """(cell, overrun) for the preview: each at its row's amount cell."""
        return [(cell_of("amount", o.row_number) if o.row_number else "", o) for o in self.found]

    def as_json(self) -> dict:
        return {"control": self.control, "needs_confirmation": self.needs_confirmation,
                "overruns": [{**o.as_json(), "sheet": L.SHEET_ENTRIES, "cell": cell, "message": o.message,
                              "stopped": o in self.stopped} for cell, o in self.rows()]}

    def confirmed(self, confirm: bool) -> list[Overrun]:
        """The overruns to record with the import ([] if none); raises when they are not confirmed."""
        if self.to_confirm and not confirm:
            raise OverrunsNotConfirmed(self)
        return self.to_confirm


class OverrunsNotConfirmed(ImportRefused):
    """"Indlæs" without «Jeg bekræfter overskridelserne» while rows overrun: nothing is booked."""

    def __init__(self, control: ImportControl):
        super().__init__([Problem("", "", NOT_CONFIRMED)] + [
            Problem(L.SHEET_ENTRIES, cell, o.message) for cell, o in control.rows() if o in control.to_confirm])
        self.control = control


def _state_after(state: BudgetState, entries, sheets, known) -> BudgetState:
    """The state the rows are booked into: the plan's reversals out, the Budget sheet's changes in."""
    for pk in entries.reverse:
        initiative_id, party, _, kind, amount, *_ = known.live[pk]
        spend = signed_amount(kind, amount)
        state.initiative_spend[initiative_id] = state.initiative_spend.get(initiative_id, ZERO) - spend
        state.party_spend[party] = state.party_spend.get(party, ZERO) - spend
    for sheet in sheets:
        for (initiative_id, party), delta in getattr(sheet, "budget_delta", {}).items():
            state.initiative_budget[initiative_id] = state.initiative_budget.get(initiative_id, ZERO) + delta
            state.party_budget[party] = state.party_budget.get(party, ZERO) + delta
    return state


def import_control(cluster_year, entries, sheets, known) -> ImportControl:
    """Plan the control of Regnskab's rows to book; a «Stop» overrun becomes an error at its cell."""
    found = []
    if entries.book:  # nothing to book, nothing to measure: the budget state is not loaded
        found = overruns(_state_after(BudgetState.load(cluster_year), entries, sheets, known), entries.book)
    control = ImportControl(cluster_year.budget_control, cluster_year.get_budget_control_display(), found)
    for cell, overrun in control.rows():
        if overrun in control.stopped:
            entries.error(Problem(L.SHEET_ENTRIES, cell, f"{STOPPED} {overrun.message}"))
    if control.stopped:
        entries.problems.sort(key=_position)
    return control


def _position(p: Problem) -> tuple[int, int, str]:
    letters = "".join(ch for ch in p.cell or "" if ch.isalpha())
    digits = "".join(ch for ch in p.cell or "" if ch.isdigit())
    return int(digits) if digits else 0, len(letters), letters
