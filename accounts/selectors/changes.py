"""What changed in a cluster-year's accounts since the SSU last sent them back (issue 13 part 7).

``changes_since_return(cluster_year)`` finds the last «Sendt retur» (``StatusChange`` with action
``return``) and reads what was recorded after it: entries booked and reversed, budget revisions and
carry-over commitments (recorded, changed or removed, from the commitments' history). A fixed number of
queries whatever the number of entries: one without a return, five with one (the return, the entries'
totals, the latest entries, the revisions, the commitments' history; four when nothing was booked since the
return: no list of entries to read). The lists show the latest ``SHOWN`` rows; the totals count them all.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Round

from accounts.models import BudgetRevision, CarryOverCommitment, Entry, EntryKind, StatusChange
from accounts.parties import Party
from accounts.selectors.totals import from_cents

SHOWN = 50  # rows listed per kind; the totals cover every row


def _cents(condition: Q) -> Sum:
    return Sum(Cast(Round(F("amount") * 100), output_field=BigIntegerField()), filter=condition)


@dataclass
class CommitmentChange:
    """One recorded, changed or removed carry-over commitment (a row of the commitments' history)."""

    at: datetime.datetime
    action: str  # "Registreret", "Ændret", "Fjernet", or the change's reason (a replacement: "Erstattet")
    party_label: str
    amount: Decimal
    committed_by: str
    committed_on: datetime.date
    by: object


@dataclass
class ChangesSinceReturn:
    returned: StatusChange | None
    entries: list[Entry] = field(default_factory=list)  # the latest first, at most SHOWN
    entry_count: int = 0
    reversal_count: int = 0
    expenses: Decimal = Decimal("0.00")  # signed sums: a reversal of an expense counts down
    income: Decimal = Decimal("0.00")
    revisions: list[BudgetRevision] = field(default_factory=list)  # the latest first, at most SHOWN
    revisions_cut: bool = False
    commitments: list[CommitmentChange] = field(default_factory=list)

    @property
    def net_spend(self) -> Decimal:
        return self.expenses - self.income

    @property
    def booked_count(self) -> int:
        return self.entry_count - self.reversal_count

    @property
    def entries_cut(self) -> bool:
        return self.entry_count > len(self.entries)

    @property
    def is_empty(self) -> bool:
        return not (self.entry_count or self.revisions or self.commitments)


_HISTORY_ACTIONS = {"+": "Registreret", "~": "Ændret", "-": "Fjernet"}


def changes_since_return(cluster_year, *, limit: int = SHOWN, status_changes=None) -> ChangesSinceReturn:
    """The changes recorded after the last return (1 query without a return, else 5; 4 if no entry since).

    ``status_changes``: the cluster-year's status changes in order (``at``, ``id``) with ``by``, if the page
    has read them already (the review panel's): the last return is found among them, one query less.
    """
    if status_changes is None:
        returned = (
            StatusChange.objects.filter(cluster_year=cluster_year, action=StatusChange.Action.RETURN)
            .select_related("by").order_by("-at", "-id").first()
        )
    else:
        returned = next((c for c in reversed(status_changes) if c.action == StatusChange.Action.RETURN), None)
    if returned is None:
        return ChangesSinceReturn(returned=None)
    since = returned.at
    entries = Entry.objects.filter(cluster_year=cluster_year, created_at__gt=since)
    totals = entries.aggregate(
        n=Count("pk"), reversals=Count("pk", filter=Q(reverses__isnull=False)),
        expenses=_cents(Q(kind=EntryKind.EXPENSE)), income=_cents(Q(kind=EntryKind.INCOME)),
    )
    # The list shows whether a row is a reversal (``reverses_id``), not the entry it reverses: no join for it.
    # Nothing booked since the return (the totals count 0): nothing to list, no query for the list.
    listed = list(
        entries.select_related("initiative", "municipality", "region", "created_by")
        .order_by("-created_at", "-id")[:limit]
    ) if totals["n"] else []
    revisions = list(
        BudgetRevision.objects.filter(cluster_year=cluster_year, at__gt=since)
        .select_related("initiative", "municipality", "region", "by").order_by("-at", "-id")[: limit + 1]
    )
    history = list(
        CarryOverCommitment.history.filter(cluster_year=cluster_year, history_date__gt=since)
        .select_related("municipality", "region", "history_user").order_by("-history_date", "-history_id")[:limit]
    )
    commitments = [
        CommitmentChange(
            at=h.history_date, action=h.history_change_reason or _HISTORY_ACTIONS.get(h.history_type, ""),
            party_label=_party_label(h), amount=h.amount, committed_by=h.committed_by,
            committed_on=h.committed_on, by=h.history_user,
        )
        for h in history
    ]
    return ChangesSinceReturn(
        returned=returned, entries=listed, entry_count=totals["n"], reversal_count=totals["reversals"],
        expenses=from_cents(totals["expenses"]), income=from_cents(totals["income"]),
        revisions=revisions[:limit], revisions_cut=len(revisions) > limit, commitments=commitments,
    )


def _party_label(historical) -> str:
    return Party.of(historical).label  # the historical row carries party_kind, municipality and region
