"""Reads for the allocation pages and for other apps: rounds, their computed result, contributions.

- ``computation``: the rounds, a round's inputs loaded in a fixed number of queries, the engine run on them;
- ``contributions``: the API the accounts use (``startup_contributions``, ``ContributionLine``);
- ``rows``: presentation rows (Table 1's layout, two rounds side by side).

Every name is re-exported here: ``from allocation.selectors import compute_round`` keeps working.
"""
from allocation.selectors.computation import (
    Computation,
    compute,
    compute_round,
    load_computation,
    published_round,
    quarter_code,
    round_by_slug,
    rounds,
    table_order,
)
from allocation.selectors.contributions import ContributionLine, startup_contributions
from allocation.selectors.rows import CompareRow, ResultRow, compare, result_rows

__all__ = [
    "CompareRow",
    "Computation",
    "ContributionLine",
    "ResultRow",
    "compare",
    "compute",
    "compute_round",
    "load_computation",
    "published_round",
    "quarter_code",
    "result_rows",
    "round_by_slug",
    "rounds",
    "startup_contributions",
    "table_order",
]
