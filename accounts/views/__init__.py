"""Pages of the cluster accounts. Thin: scope from users.access, reads from selectors, writes via services.

Split by noun; every view keeps its name here, so ``accounts.urls`` and callers are unchanged.
"""
from accounts.views.budget import BudgetLineListView, budget_list
from accounts.views.cluster_years import cluster_year_detail, cluster_year_list, cluster_year_open, history
from accounts.views.common import DEFAULT_YEAR, perms_for, refusal_page
from accounts.views.entries import EntryListView, entry_create, entry_reverse
from accounts.views.planning import (
    budget_create,
    budget_edit,
    funding_create,
    funding_edit,
    funding_propose,
    funding_split,
    initiative_create,
    initiative_edit,
)
from accounts.views.year_close import carryover, year_close, year_reopen
from klyngeportal.forms_flow import apply_errors

__all__ = [
    "BudgetLineListView", "DEFAULT_YEAR", "EntryListView", "apply_errors", "budget_create", "budget_edit", "budget_list", "carryover",
    "cluster_year_detail", "cluster_year_list", "cluster_year_open", "entry_create", "entry_reverse",
    "funding_create", "funding_edit", "funding_propose", "funding_split", "history", "initiative_create",
    "initiative_edit", "perms_for", "refusal_page", "year_close", "year_reopen",
]
