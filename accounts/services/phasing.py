"""The phasing of a budget line over the twelve months of its year.

No stored months means «spread equally»: ``equal_spread`` gives each month the amount / 12 rounded down
to the øre and the last month the remainder, so the months always sum to the amount exactly. Stored
months (``BudgetMonth``) must sum to the line's amount exactly, øre for øre; a change of the line's
amount drops them (the line is spread equally again until phased anew).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import BudgetLine, BudgetMonth
from accounts.services.amounts import NOT_NEGATIVE, kr, money
from accounts.services.locking import cluster_year_lock
from users.access import require_permission

MONTHS = tuple(range(1, 13))
QUARTERS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")


def equal_spread(amount: Decimal, parts: int = 12) -> list[Decimal]:
    """``amount`` in ``parts`` equal parts rounded down to the øre; the last part takes the remainder."""
    amount = Decimal(amount).quantize(CENT)
    share = (amount / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def line_months(amount: Decimal, stored: Mapping[int, Decimal] | None) -> list[Decimal]:
    """The twelve monthly amounts of a line: the stored months when they are complete and sum, else equal."""
    if stored and len(stored) == 12 and sum(stored.values(), ZERO) == amount:
        return [stored[m] for m in MONTHS]
    return equal_spread(amount)


def quarters_to_months(quarters: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Each quarter spread equally over its three months (the quarter's last month takes the remainder)."""
    months: dict[int, Decimal] = {}
    for quarter, in_quarter in QUARTERS.items():
        for month, value in zip(in_quarter, equal_spread(quarters.get(quarter, ZERO), 3), strict=True):
            months[month] = value
    return months


def phasing_problem(amount: Decimal, months: Mapping[int, Decimal]) -> str | None:
    """None if the months are the twelve months and sum to the amount exactly, else the Danish reason."""
    if set(months) != set(MONTHS):
        return "Angiv et beløb for hver af årets 12 måneder."
    total = sum(months.values(), ZERO)
    if total != amount:
        return (f"Månederne summer til {kr(total)}, men budgetlinjen er {kr(amount)}: "
                f"forskellen er {kr(amount - total)}. Fordel hele beløbet, øre for øre.")
    return None


def _write(line: BudgetLine, months: Mapping[int, Decimal]) -> None:
    BudgetMonth.objects.filter(budget_line=line).delete()
    BudgetMonth.objects.bulk_create([BudgetMonth(budget_line=line, month=m, amount=months[m]) for m in MONTHS])


def store_months(line: BudgetLine, months: Mapping[int, Decimal] | None) -> None:
    """Store a checked phasing for a line inside the caller's transaction (None or equal: no rows)."""
    if months is None:
        BudgetMonth.objects.filter(budget_line=line).delete()
        return
    problem = phasing_problem(line.amount, months)
    if problem:
        raise ValidationError({"months": problem})
    if [months[m] for m in MONTHS] == equal_spread(line.amount):
        BudgetMonth.objects.filter(budget_line=line).delete()  # equal is the default: nothing to store
    else:
        _write(line, months)


@transaction.atomic
def budget_phasing_set(*, line: BudgetLine, by, months: Mapping[int, Decimal] | None) -> BudgetLine:
    """Spread a budget line over the months (``months`` = {1..12: amount}); None spreads it equally."""
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if months is not None:
        months = {int(m): money(v, field="months", label="Beløbet", minimum=NOT_NEGATIVE)
                  for m, v in months.items()}
    store_months(line, months)
    return line


def stored_months(lines: Iterable[BudgetLine]) -> dict[int, dict[int, Decimal]]:
    """The stored months per budget line id (one query)."""
    result: dict[int, dict[int, Decimal]] = {}
    for row in BudgetMonth.objects.filter(budget_line__in=list(lines)).values("budget_line_id", "month", "amount"):
        result.setdefault(row["budget_line_id"], {})[row["month"]] = row["amount"]
    return result
