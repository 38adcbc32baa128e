"""Reads that feed the accounts pages: a constant number of aggregate queries, whatever the data size.

``accounts.selectors.totals`` is the one family of money totals per cluster-year (sums in whole øre,
so SQLite and PostgreSQL give the same krone); ``overview`` gives the same figures for many
cluster-years at once; ``entries`` is the entry list's base queryset. Nobody outside accounts sums money.
"""
from accounts.selectors.entries import entry_filter_base
from accounts.selectors.overview import YearFigures, cluster_year_figures, cluster_years_with_totals
from accounts.selectors.totals import (
    CENT,
    OVERHEAD_KINDS,
    OVERHEAD_THRESHOLD,
    ZERO,
    ClusterYearSummary,
    CostKindRow,
    JointSplit,
    MoneyRow,
    cents_sum,
    cluster_year_summary,
    from_cents,
    money_total,
    unspent_by_party,
)

__all__ = [
    "CENT", "OVERHEAD_KINDS", "OVERHEAD_THRESHOLD", "ZERO", "ClusterYearSummary", "CostKindRow", "JointSplit",
    "MoneyRow", "YearFigures", "cents_sum", "cluster_year_figures", "cluster_year_summary",
    "cluster_years_with_totals", "entry_filter_base", "from_cents", "money_total", "unspent_by_party",
]
