"""Plan the Budget sheet of an upload: budget lines per initiative × funding source × party.

``plan_budget_sheet`` reads the sheet's rows and the cluster-year and changes nothing. Per line:

- a row whose amount equals the portal's line is unchanged; one with another amount changes it
  (``budget_line_update``), amount 0 removes it (``budget_line_remove``);
- a row for a line the portal does not have is new (``budget_line_set``); amount 0 there is nothing;
- a line of the portal that no row names counts «ikke i filen» (removed) and is removed only
  with ``remove_missing``;
- an initiative the cluster does not have is created (``initiative_create``) in the area the row
  gives, listed first in the preview as «Ny indsats: …».

Every change obeys the status rule of the browser (``users.access``: no budget change after
submission unless returned); a refused change is an error at its row with the Danish reason.
Every problem names its cell. Nothing here writes: each Action's ``apply(user)`` calls a service.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from accounts import services
from accounts.models import BudgetLine, BudgetMonth, FundingSource, Initiative
from accounts.services.amounts import kr
from accounts.services.phasing import budget_phasing_set, equal_spread
from klyngeportal.formats import NumberProblem
from workbook import layout as L
from workbook.cells import amount_value, is_empty
from workbook.labels import area_labels, cell, party_labels, read_label, source_labels, status_problem
from workbook.plan import Action, SheetPlan
from workbook.safety import Problem

ZERO = Decimal("0.00")
IMPORT_REASON = "Indlæst fra Excel-skabelonen"
SOURCE_LABELS = dict(FundingSource.choices)


@dataclass
class BudgetRow:
    row_number: int
    initiative: Initiative | None  # None: a new initiative, named by ``new_key``
    new_key: str
    name: str
    source: str
    party: object
    amount: Decimal
    months: dict[int, Decimal] | None = None  # the Jan..Dec columns when any is filled (an empty month is 0)

    @property
    def key(self) -> tuple:
        ref = ("id", self.initiative.pk) if self.initiative is not None else ("new", self.new_key)
        return ref, self.source, self.party.key

    @property
    def label(self) -> str:
        return f"{self.name} · {SOURCE_LABELS[self.source]} · {self.party.label}"


@dataclass
class BudgetPlan(SheetPlan):
    """Budget's plan; ``budget_delta``: how the planned changes move the budget per (initiative id, party key)
    (the budget control of the import measures Regnskab's rows against the budget after the import)."""

    budget_delta: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    def move(self, initiative_id: int | None, party: str, amount: Decimal) -> None:
        if initiative_id is not None:  # a new initiative has no entries in the ledger yet
            key = (initiative_id, party)
            self.budget_delta[key] = self.budget_delta.get(key, ZERO) + amount


def _line_label(line: BudgetLine) -> str:
    return f"{line.initiative.name} · {line.get_source_display()} · {line.party_label}"


class _Reader:
    """The labels of the cluster-year, loaded once; ``read`` turns one row into a BudgetRow or problems."""

    def __init__(self, cluster_year, lines):
        self.cy = cluster_year
        self.initiatives = {
            read_label(i.name)[1]: i
            for i in Initiative.objects.filter(cluster_id=cluster_year.cluster_id).select_related("area")
        }
        self.parties = party_labels(cluster_year, extra=[line.party for line in lines])
        self.sources = source_labels()
        self.areas = area_labels(cluster_year.year)
        self.new_initiatives: dict[str, tuple[str, object, int]] = {}  # key -> (name, area, first row)

    def read(self, plan: SheetPlan, row_number: int, values) -> BudgetRow | None:
        cy, problems = self.cy, []

        def problem(key: str, message: str) -> None:
            problems.append(Problem(L.SHEET_BUDGET, cell(L.BUDGET_COLUMNS, key, row_number), message))

        name, name_key = read_label(values[0])
        area_text, area_key = read_label(values[1])
        initiative = self.initiatives.get(name_key) if name else None
        if not name:
            problem("initiative", "Angiv indsatsen.")
        elif initiative is not None:
            if area_text and area_key != read_label(initiative.area.name)[1]:
                problem("area", f"Indsatsen «{initiative.name}» hører til området «{initiative.area.name}», "
                                f"ikke «{area_text}».")
        else:
            self._new_initiative(problem, row_number, name, name_key, area_text, area_key)

        source_text, source_key = read_label(values[2])
        source = self.sources.get(source_key) if source_text else None
        if source is None:
            problem("source", f"Kilden «{source_text}» findes ikke. Vælg {', '.join(SOURCE_LABELS.values())}."
                    if source_text else "Angiv finansieringskilden.")
        party_text, party_key = read_label(values[3])
        party = self.parties.get(party_key) if party_text else None
        if party is None:
            problem("party", f"Parten «{party_text}» hører ikke til {cy.cluster.name} i {cy.year}. "
                             "Vælg en kommune eller regionen fra listen." if party_text else "Angiv parten.")
        amount = None
        if is_empty(values[4]):
            problem("amount", "Budgettet mangler. Skriv 0 for at fjerne linjen.")
        else:
            try:
                amount = amount_value(values[4])
            except NumberProblem as exc:
                problem("amount", exc.message)
            else:
                if amount < 0:
                    problem("amount", "Budgettet må ikke være negativt.")
        months = self._months(problem, values, amount)
        for p in problems:
            plan.error(p)
        if problems:
            return None
        return BudgetRow(row_number, initiative, name_key, initiative.name if initiative else name, source,
                         party, amount, months)

    @staticmethod
    def _months(problem, values, amount) -> dict[int, Decimal] | None:
        """The phasing of the row's Jan..Dec cells: None when all are empty; else the twelve must sum to Budget."""
        cells = values[5:5 + len(L.BUDGET_MONTH_KEYS)]
        if all(is_empty(v) for v in cells):
            return None
        months: dict[int, Decimal] = {}
        for number, (key, value) in enumerate(zip(L.BUDGET_MONTH_KEYS, cells, strict=True), start=1):
            try:
                months[number] = ZERO if is_empty(value) else amount_value(value)
            except NumberProblem as exc:
                problem(key, exc.message)
                return None
            if months[number] < 0:
                problem(key, "Et månedsbeløb må ikke være negativt.")
                return None
        total = sum(months.values(), ZERO)
        if amount is not None and total != amount:
            problem(L.BUDGET_MONTH_KEYS[-1], f"Månederne summer til {kr(total)}, men budgettet er {kr(amount)}. "
                                             "Fordel hele beløbet, øre for øre, eller lad månederne stå tomme.")
            return None
        return months

    def _new_initiative(self, problem, row_number, name, name_key, area_text, area_key) -> None:
        cy = self.cy
        known = self.new_initiatives.get(name_key)
        area = self.areas.get(area_key) if area_text else None
        if known is not None:
            if area_text and area is not None and area.pk != known[1].pk:
                problem("area", f"Den nye indsats «{name}» har området «{known[1].name}» i række {known[2]}.")
            return
        if not area_text:
            problem("area", f"Indsatsen «{name}» findes ikke i {cy.cluster.name}. Angiv dens indsatsområde, "
                            "så oprettes den ved indlæsningen.")
        elif area is None:
            problem("area", f"Indsatsområdet «{area_text}» findes ikke i {cy.year}. Vælg et fra listen.")
        else:
            self.new_initiatives[name_key] = (name, area, row_number)


def _create_initiative(cluster_year, name, area, created, key, user):
    created[key] = services.initiative_create(
        cluster_year=cluster_year, by=user, name=name, area=area,
        responsible=Initiative.Responsible.CLUSTER, status=Initiative._meta.get_field("status").default,
    )
    return created[key]


def _set_line(cluster_year, row: BudgetRow, created, user):
    initiative = row.initiative if row.initiative is not None else created[row.new_key]
    return services.budget_line_set(
        cluster_year=cluster_year, by=user, initiative=initiative, source=row.source,
        party_kind=row.party.kind, municipality=row.party.municipality_id, region=row.party.region_id,
        amount=row.amount, reason=IMPORT_REASON, months=row.months,
    )


def _update_line(line, amount, user, months=None):
    return services.budget_line_update(line=line, by=user, amount=amount, reason=IMPORT_REASON, months=months)


def _phase_line(line, months, user):
    return budget_phasing_set(line=line, by=user, months=months)


def _remove_line(line, reason, user):
    services.budget_line_remove(line=line, by=user, reason=reason)


def _phasing_changes(row: BudgetRow, line: BudgetLine, stored: dict[int, dict[int, Decimal]]) -> bool:
    """Whether the row's months change the line's phasing (empty months leave it as it is)."""
    if row.months is None:
        return False
    current = stored.get(line.pk)
    if current is None or len(current) != 12:
        return [row.months[m] for m in range(1, 13)] != equal_spread(line.amount)
    return row.months != current


def plan_budget_sheet(rows, cluster_year, *, remove_missing: bool) -> BudgetPlan:
    """The plan of Budget's data rows: ``rows`` = [(row number, (Indsats, Indsatsområde, Kilde, Part, Budget))].

    Counts are of budget lines (a new initiative is listed, not counted). A fixed number of queries.
    """
    plan = BudgetPlan(L.SHEET_BUDGET)
    lines = {}
    for line in (BudgetLine.objects.filter(cluster_year=cluster_year)
                 .select_related("initiative__area", "municipality", "region").order_by("id")):
        lines[(("id", line.initiative_id), line.source, line.party_key)] = line
    reader = _Reader(cluster_year, lines.values())
    stored: dict[int, dict[int, Decimal]] = {}
    for month in BudgetMonth.objects.filter(budget_line__cluster_year=cluster_year).values(
            "budget_line_id", "month", "amount"):
        stored.setdefault(month["budget_line_id"], {})[month["month"]] = month["amount"]
    refusal = status_problem("edit_accounts", cluster_year)
    created: dict[str, Initiative] = {}
    seen: dict[tuple, int] = {}
    needed_new: set[str] = set()
    changes: list[Action] = []

    def refuse(row: BudgetRow) -> bool:
        """Whether the change of the row is refused: by the status, or an initiative not running in the year
        (a line as recorded reads back unchanged either way)."""
        if refusal:
            plan.error(Problem(L.SHEET_BUDGET, cell(L.BUDGET_COLUMNS, "amount", row.row_number),
                               f"{refusal} Budgetlinjen «{row.label}» kan ikke ændres."))
            return True
        if row.initiative is not None and not row.initiative.runs_in(cluster_year.year):
            plan.error(Problem(L.SHEET_BUDGET, cell(L.BUDGET_COLUMNS, "initiative", row.row_number),
                               f"Indsatsen «{row.name}» kører ikke i {cluster_year.year}; dens budget kan ikke ændres."))
            return True
        return False

    for row_number, values in rows:
        values = (tuple(values) + (None,) * len(L.BUDGET_COLUMNS))[:len(L.BUDGET_COLUMNS)]
        if all(is_empty(v) for v in values):
            continue
        row = reader.read(plan, row_number, values)
        if row is None:
            continue
        if row.key in seen:
            plan.error(Problem(L.SHEET_BUDGET, cell(L.BUDGET_COLUMNS, "initiative", row_number),
                               f"Samme indsats, kilde og part som række {seen[row.key]}: skriv budgettet på én række."))
            continue
        seen[row.key] = row_number
        line = lines.get(row.key)
        if line is None:
            if row.amount == ZERO:
                plan.count("unchanged")
                continue
            plan.count("new")
            if refuse(row):
                continue
            if row.initiative is None:
                needed_new.add(row.new_key)
            plan.move(getattr(row.initiative, "pk", None), row.party.key, row.amount)
            changes.append(Action(f"Nyt budget: {row.label}: {kr(row.amount)}",
                                  partial(_set_line, cluster_year, row, created), "new"))
        elif row.amount == line.amount and not _phasing_changes(row, line, stored):
            plan.count("unchanged")
        elif row.amount == line.amount:
            plan.count("changed")
            if refuse(row):
                continue
            changes.append(Action(f"Periodisering ændres: {row.label}", partial(_phase_line, line, row.months),
                                  "changed"))
        else:
            plan.count("changed")
            if refuse(row):
                continue
            plan.move(line.initiative_id, line.party_key, row.amount - line.amount)
            if row.amount == ZERO:
                changes.append(Action(f"Budget fjernes (beløb 0): {row.label}, var {kr(line.amount)}",
                                      partial(_remove_line, line, "Fjernet ved indlæsning (beløb 0)"), "changed"))
            else:
                changes.append(Action(f"Budget ændres: {row.label}: {kr(line.amount)} → {kr(row.amount)}",
                                      partial(_update_line, line, row.amount, months=row.months), "changed"))

    for key, line in lines.items():
        if key in seen:
            continue
        plan.count("removed")
        if not remove_missing:
            continue
        if refusal:
            plan.error(Problem(L.SHEET_BUDGET, "", f"{refusal} Budgetlinjen «{_line_label(line)}» kan ikke fjernes."))
            continue
        plan.move(line.initiative_id, line.party_key, -line.amount)
        changes.append(Action(f"Budget fjernes (ikke i filen): {_line_label(line)}, var {kr(line.amount)}",
                              partial(_remove_line, line, "Fjernet ved indlæsning (ikke i filen)"), "removed"))

    for key, (name, area, _) in reader.new_initiatives.items():
        if key in needed_new:
            plan.act(Action(f"Ny indsats: «{name}» (indsatsområde {area.name}; ansvarlig: klyngen i fællesskab)",
                            partial(_create_initiative, cluster_year, name, area, created, key), "new"))
    for action in changes:
        plan.act(action)
    return plan
