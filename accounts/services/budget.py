"""The budget of a cluster-year: one amount per initiative, funding source and party.

The budget as it stands at the first submission is the «Oprindeligt budget» (``budget_original_snapshot``,
called by review.workflow). Every later change of a line (new, changed, removed) is a ``BudgetRevision``:
who, when, why, old → new. A change of a line's amount drops its stored phasing (accounts.services.phasing)
unless the caller gives new months.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import BudgetLine, BudgetRevision, OriginalBudgetLine
from accounts.services.amounts import NOT_NEGATIVE, money
from accounts.services.locking import cluster_year_lock, save_recording
from accounts.services.parties import party_of, party_problem
from accounts.services.phasing import store_months
from geography.selectors import cluster_municipalities
from users.access import require_permission

REASON_MAX = 2000


def _party_fields(line) -> dict:
    return {"party_kind": line.party_kind, "municipality_id": line.municipality_id, "region_id": line.region_id}


def _revise(cluster_year, line: BudgetLine, *, old: Decimal | None, new: Decimal | None, by, reason: str) -> None:
    """Record a revision when the original budget is taken already and the amount changes."""
    if cluster_year.original_budget_at is None or old == new:
        return
    BudgetRevision.objects.create(
        cluster_year_id=cluster_year.pk, initiative_id=line.initiative_id, source=line.source, **_party_fields(line),
        old_amount=old, new_amount=new, reason=(reason or "").strip()[:REASON_MAX], by=by,
    )


def _months_after_change(line: BudgetLine, old: Decimal | None, months: Mapping[int, Decimal] | None) -> None:
    if months is not None:
        store_months(line, months)
    elif old is not None and old != line.amount:
        store_months(line, None)  # the old phasing no longer sums: spread equally again


@transaction.atomic
def budget_line_set(*, cluster_year, by, initiative, source, party_kind, municipality=None, region=None,
                    amount, reason: str = "", months: Mapping[int, Decimal] | None = None) -> BudgetLine:
    """Create or update the budget for one initiative, source and party (and, optionally, its months)."""
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
    old = line.amount if line.pk else None
    line.amount = value
    # The party and the one-line-per-initiative-source-party rules are checked above (and by the database).
    line.full_clean(validate_constraints=False)
    save_recording(line, by)
    _revise(cluster_year, line, old=old, new=value, by=by, reason=reason)
    _months_after_change(line, old, months)
    return line


@transaction.atomic
def budget_line_update(*, line, by, amount, reason: str = "",
                       months: Mapping[int, Decimal] | None = None) -> BudgetLine:
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    old = BudgetLine.objects.filter(pk=line.pk).values_list("amount", flat=True).first()
    line.amount = money(amount, field="amount", label="Budgettet", minimum=NOT_NEGATIVE)
    line.full_clean()
    save_recording(line, by)
    _revise(cluster_year, line, old=old, new=line.amount, by=by, reason=reason)
    _months_after_change(line, old, months)
    return line


@transaction.atomic
def budget_line_remove(*, line, by, reason: str = "") -> None:
    """Remove one budget line (initiative, source, party) under the same rules as a change.

    The history keeps the line: simple-history records the deletion with ``by`` as its user and
    the time, and the line's last amount in that version; after submission a revision records it too.
    """
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    old = BudgetLine.objects.filter(pk=line.pk).values_list("amount", flat=True).first()
    _revise(cluster_year, line, old=old, new=None, by=by, reason=reason)
    line._history_user = by
    if reason:
        line._change_reason = reason
    line.delete()


def budget_original_snapshot(cluster_year) -> bool:
    """Take the «Oprindeligt budget» once: a copy of every budget line as it stands now.

    Called inside the submission's transaction with the cluster-year locked (review.workflow). Returns
    False when the original budget was taken already (a resubmission keeps the first).
    """
    if cluster_year.original_budget_at is not None:
        return False
    OriginalBudgetLine.objects.bulk_create([
        OriginalBudgetLine(cluster_year_id=cluster_year.pk, initiative_id=line.initiative_id, source=line.source,
                           amount=line.amount, **_party_fields(line))
        for line in BudgetLine.objects.filter(cluster_year_id=cluster_year.pk).order_by("pk")
    ])
    cluster_year.original_budget_at = timezone.now()
    cluster_year.save(update_fields=["original_budget_at"])
    return True
