"""The budget of a cluster-year: one amount per initiative, funding source and party."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import BudgetLine
from accounts.services.amounts import NOT_NEGATIVE, money
from accounts.services.locking import cluster_year_lock, save_recording
from accounts.services.parties import party_of, party_problem
from geography.selectors import cluster_municipalities
from users.access import require_permission


@transaction.atomic
def budget_line_set(*, cluster_year, by, initiative, source, party_kind, municipality=None, region=None,
                    amount) -> BudgetLine:
    """Create or update the budget for one initiative, source and party."""
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    year = cluster_year.year
    if initiative.cluster_id != cluster_year.cluster_id or not initiative.runs_in(year):
        raise ValidationError({"initiative": f"Indsatsen hører ikke til klyngen eller kører ikke i {year}."})
    party = party_of(party_kind, municipality, region)
    problem = party_problem(cluster_year, party, cluster_municipalities(cluster_year.cluster, year))
    if problem:
        raise ValidationError({"party": problem})
    value = money(amount, field="amount", label="Budgettet", minimum=NOT_NEGATIVE)
    lookup = {"cluster_year": cluster_year, "initiative": initiative, "source": source, **party.lookup()}
    line = BudgetLine.objects.filter(**lookup).first() or BudgetLine(**lookup)
    line.amount = value
    # The party and the one-line-per-initiative-source-party rules are checked above (and by the database).
    line.full_clean(validate_constraints=False)
    save_recording(line, by)
    return line


@transaction.atomic
def budget_line_update(*, line, by, amount) -> BudgetLine:
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line.amount = money(amount, field="amount", label="Budgettet", minimum=NOT_NEGATIVE)
    line.full_clean()
    save_recording(line, by)
    return line


@transaction.atomic
def budget_line_remove(*, line, by, reason: str = "") -> None:
    """Remove one budget line (initiative, source, party) under the same rules as a change.

    The history keeps the line: simple-history records the deletion with ``by`` as its user and
    the time, and the line's last amount in that version.
    """
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line._history_user = by
    if reason:
        line._change_reason = reason
    line.delete()
