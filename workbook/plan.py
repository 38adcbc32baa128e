"""What an upload of the template would do, sheet by sheet: the preview, and what "Indlæs" books.

Each sheet the importer reads (Regnskab, Budget, Videreførelse) is planned by a function that
reads the sheet and the ledger and changes nothing. It returns a ``SheetPlan``: the counts the
preview shows, the problems (sheet, cell, Danish reason) and the actions to apply. Applying is a
separate step, run by the importer for every sheet inside one transaction under the cluster-year's
lock (``accounts.services.cluster_year_lock``), so that everything is booked or nothing.

The counts are the ones the preview, ``import_accounts --json`` and the tests read:
new, unchanged, changed, removed (known to the portal, not in the file), warnings, errors.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbook.safety import Problem

COUNT_KEYS = ("new", "unchanged", "changed", "removed", "warnings", "errors")
COUNT_LABELS = {
    "new": "nye",
    "unchanged": "uændrede",
    "changed": "ændrede",
    "removed": "ikke i filen",
    "warnings": "advarsler",
    "errors": "fejl",
}


@dataclass
class Action:
    """One change "Indlæs" makes: a Danish line for the preview, and the call that makes it.

    ``apply`` takes the user who books and returns what it created (entries, budget lines, ...)
    or None; it must go through the accounts' services, never write a model directly.
    """
    description: str
    apply: Callable[[object], object]
    kind: str = "new"  # one of COUNT_KEYS except warnings/errors


@dataclass
class SheetPlan:
    sheet: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    problems: list[Problem] = field(default_factory=list)   # errors: any one and nothing is booked
    warnings: list[Problem] = field(default_factory=list)   # shown; booked only when the user accepts
    actions: list[Action] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    def error(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.counts["errors"] += 1

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)
        self.counts["warnings"] += 1

    def act(self, action: Action) -> None:
        self.actions.append(action)

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            **{key: self.counts[key] for key in COUNT_KEYS},
            "problems": [problem_json(p, "error") for p in self.problems]
            + [problem_json(p, "warning") for p in self.warnings],
        }


def problem_json(problem: Problem, level: str) -> dict:
    return {"level": level, "sheet": problem.sheet, "cell": problem.cell, "message": problem.message}
