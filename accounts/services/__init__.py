"""Writes to the cluster accounts: one function per action, split by noun.

Every function is keyword-only, validates (``full_clean`` or the same rules in
bulk), runs inside a transaction, locks the cluster-year row
(``cluster_year_lock``) and records who acted. Permissions come from
``users.access`` only. Ledger entries are never edited or deleted: a
correction is a reversal (``entry_reverse``) plus a new entry.

``from accounts import services; services.entry_create(...)`` and
``from accounts.services import entry_create`` both work for every name below.
"""
from accounts.services.budget import budget_line_remove, budget_line_set, budget_line_update
from accounts.services.cluster_years import cluster_year_get_or_create
from accounts.services.entries import (
    BULK_BATCH_SIZE,
    EntryContext,
    EntryProblem,
    EntryRowsRefused,
    check_entry_rows,
    entries_create_bulk,
    entry_create,
    entry_reverse,
    import_batch_reverse,
)
from accounts.services.funding import funding_line_create, funding_line_update, funding_propose, funding_split
from accounts.services.initiatives import initiative_create, initiative_update
from accounts.services.locking import cluster_year_lock, save_recording
from accounts.services.parties import party_of, party_problem
from accounts.services.year_close import commitment_record, year_close, year_reopen

__all__ = [
    "BULK_BATCH_SIZE",
    "EntryContext",
    "EntryProblem",
    "EntryRowsRefused",
    "budget_line_remove",
    "budget_line_set",
    "budget_line_update",
    "check_entry_rows",
    "cluster_year_get_or_create",
    "cluster_year_lock",
    "commitment_record",
    "entries_create_bulk",
    "entry_create",
    "entry_reverse",
    "funding_line_create",
    "funding_line_update",
    "funding_propose",
    "funding_split",
    "import_batch_reverse",
    "initiative_create",
    "initiative_update",
    "party_of",
    "party_problem",
    "save_recording",
    "year_close",
    "year_reopen",
]
