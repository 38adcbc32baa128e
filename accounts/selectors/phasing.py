"""Budget over the months of the year against spend, and the «Prognose» of spend at year end.

Built on ``cluster_year_summary`` (accounts.selectors.totals): one more query, the stored months of the
budget lines (``BudgetMonth``); a line without stored months is spread equally (accounts.services.phasing).

The forecast method, stated on the page (``FORECAST_METHOD``): net spend booked so far plus the phased
budget of the months after the current one. For a past year that is the spend booked; for a future year
the budget. It is computed for every row of the summary (initiative, area, party, totals), so the
carry-over page can show the unspent money the forecast implies per party.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import BudgetMonth
from accounts.selectors.totals import ZERO, ClusterYearSummary
from accounts.services.phasing import MONTH_NAMES, line_months

FORECAST_METHOD = (
    "Prognose = forbrug bogført til dato + det periodiserede budget for månederne efter indeværende måned "
    "(budgetlinjer uden periodisering er fordelt ligeligt over årets 12 måneder)."
)


@dataclass
class Phasing:
    year: int
    months_passed: int  # 0..12: the months up to and including the current one
    budget_by_month: list[Decimal]
    spend_by_month: list[Decimal]
    forecast: Decimal
    forecast_unspent: Decimal
    method: str = FORECAST_METHOD

    @property
    def month_names(self) -> tuple[str, ...]:
        return MONTH_NAMES

    @staticmethod
    def _cumulative(values: list[Decimal]) -> list[Decimal]:
        total, result = ZERO, []
        for value in values:
            total += value
            result.append(total)
        return result

    @property
    def cumulative_budget(self) -> list[Decimal]:
        return self._cumulative(self.budget_by_month)

    @property
    def cumulative_spend(self) -> list[Decimal]:
        return self._cumulative(self.spend_by_month)

    @property
    def budget_to_date(self) -> Decimal:
        return sum(self.budget_by_month[: self.months_passed], ZERO)


def months_passed(year: int, today: datetime.date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def cluster_year_phasing(summary: ClusterYearSummary, *, today: datetime.date | None = None) -> Phasing:
    """The monthly budget and spend of the summary's cluster-year and the forecast; fills each row's
    ``budget_after_today`` (so ``row.forecast`` and ``row.forecast_unspent`` hold). One query."""
    today = today or timezone.localdate()
    year = summary.cluster_year.year
    passed = months_passed(year, today)
    stored: dict[int, dict[int, Decimal]] = {}
    line_ids = [line_id for line_id, _, _ in summary.budget_line_targets]
    if line_ids:
        # No ordering: the model's would join the budget line, its initiative, cluster-year, cluster and region.
        stored_months = BudgetMonth.objects.filter(budget_line_id__in=line_ids).values("budget_line_id", "month", "amount")
        for row in stored_months.order_by():
            stored.setdefault(row["budget_line_id"], {})[row["month"]] = row["amount"]
    rows = {id(t): t for _, _, targets in summary.budget_line_targets for t in targets}
    rows[id(summary.totals)] = summary.totals
    for row in rows.values():
        row.budget_after_today = ZERO
    budget_by_month = [ZERO] * 12
    for line_id, amount, targets in summary.budget_line_targets:
        months = line_months(amount, stored.get(line_id))
        for index, value in enumerate(months):
            budget_by_month[index] += value
        rest = sum(months[passed:], ZERO)
        for target in targets:
            target.budget_after_today += rest
    totals = summary.totals
    return Phasing(
        year=year, months_passed=passed, budget_by_month=budget_by_month,
        spend_by_month=list(summary.spend_by_month), forecast=totals.forecast, forecast_unspent=totals.forecast_unspent,
    )
