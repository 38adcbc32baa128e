"""Budget control: what an entry would do to the budgets, before it is booked.

One home for the rule. ``BudgetState.load(cluster_year)`` reads the cluster-year's budget and spend per
initiative and per party from ``accounts.selectors.cluster_year_summary`` (no second family of sums);
``overruns(state, rows)`` is pure: it walks prospective rows in order, adding each row's net spend to a
running total, and returns what each row would overrun:

- ``initiative``: the row takes its initiative's net spend above the initiative's budget;
- ``party``: the row takes its party's net spend (all initiatives) above the party's budget;
- ``large_entry``: the row's amount is above ``large_entry_share`` % of the cluster-year's funding
  (paid, or allocated while nothing is paid); a plausibility check, confirmed in every setting.

A row that lowers spend (an income, a reversal) never overruns; a row that ends exactly at the budget
does not either; one øre above does. What then happens is ``decide``'s answer by ``ClusterYear.budget_control``:

- «Ingen kontrol»: budgets are not checked (a large entry still needs confirmation);
- «Advar»: booked only with ``confirmed=True``; the confirmation is recorded (``EntryConfirmation``);
- «Stop»: a budget overrun is refused with the figures (``BudgetStopped``); a large entry can be confirmed.

The Excel import calls the same two functions: ``state = BudgetState.load(cy)`` once, then
``overruns(state, rows)`` over all its checked rows (dicts with ``initiative_id``, ``party_kind``,
``municipality_id``, ``region_id``, ``kind``, ``amount`` and ``row_number``, or unsaved ``Entry`` objects as
``check_entry_rows`` returns them): each ``Overrun`` names its ``row_number``, so the preview can mark the
rows, and ``decide(state, found, confirmed=...)`` with one confirmation for the whole import, recorded by
``confirmation_record(..., import_batch=batch)``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import BudgetControl, ClusterYear, EntryConfirmation, ReviewStatus, signed_amount
from accounts.parties import party_key
from accounts.selectors import cluster_year_summary
from accounts.services.amounts import kr, money
from accounts.services.locking import cluster_year_lock, save_recording
from klyngeportal.formats import format_number
from users.access import require_permission

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

INITIATIVE, PARTY, LARGE_ENTRY = "initiative", "party", "large_entry"
BUDGET_KINDS = (INITIATIVE, PARTY)


@dataclass(frozen=True)
class Overrun:
    """What one prospective row would overrun: ``limit`` is the budget (or the large-entry limit)."""

    kind: str
    key: str
    label: str
    limit: Decimal
    spend_after: Decimal
    row_number: int | None = None
    amount: Decimal = ZERO

    @property
    def over(self) -> Decimal:
        return (self.amount if self.kind == LARGE_ENTRY else self.spend_after) - self.limit

    @property
    def message(self) -> str:
        if self.kind == INITIATIVE:
            text = (f"Indsatsen «{self.label}»: forbruget bliver {kr(self.spend_after)} mod et budget på "
                    f"{kr(self.limit)} (overskridelse {kr(self.over)}).")
        elif self.kind == PARTY:
            text = (f"{self.label}: partens forbrug bliver {kr(self.spend_after)} mod partens budget på "
                    f"{kr(self.limit)} (overskridelse {kr(self.over)}).")
        else:
            text = (f"Posteringen på {kr(self.amount)} er større end grænsen for en enkelt postering, "
                    f"{self.label} ({kr(self.limit)}).")
        return f"Række {self.row_number}: {text}" if self.row_number is not None else text

    def as_json(self) -> dict:
        return {"kind": self.kind, "key": self.key, "label": self.label, "limit": str(self.limit),
                "spend_after": str(self.spend_after), "over": str(self.over), "row_number": self.row_number,
                "amount": str(self.amount)}


@dataclass
class BudgetState:
    """Budget and net spend per initiative (by id) and per party (by key), with the control's settings."""

    control: str
    large_entry_share: Decimal
    funding: Decimal
    initiative_budget: dict[int, Decimal] = field(default_factory=dict)
    initiative_spend: dict[int, Decimal] = field(default_factory=dict)
    party_budget: dict[str, Decimal] = field(default_factory=dict)
    party_spend: dict[str, Decimal] = field(default_factory=dict)
    labels: dict[tuple[str, object], str] = field(default_factory=dict)

    @property
    def large_entry_limit(self) -> Decimal | None:
        """The largest amount of one entry without confirmation (None without funding to measure against)."""
        if self.funding <= 0:
            return None
        return (self.funding * self.large_entry_share / HUNDRED).quantize(Decimal("0.01"))

    @classmethod
    def load(cls, cluster_year: ClusterYear, summary=None) -> BudgetState:
        """From the cluster-year's summary (``cluster_year_summary``: seven queries, or none if given)."""
        summary = summary or cluster_year_summary(cluster_year)
        totals = summary.totals
        state = cls(
            control=cluster_year.budget_control, large_entry_share=cluster_year.large_entry_share,
            funding=totals.paid if totals.paid > 0 else totals.allocated,
        )
        for row in summary.by_initiative:
            state.initiative_budget[row.obj.pk] = row.budget
            state.initiative_spend[row.obj.pk] = row.spend
            state.labels[(INITIATIVE, row.obj.pk)] = row.label
        for row in summary.by_party:
            state.party_budget[row.key] = row.budget
            state.party_spend[row.key] = row.spend
            state.labels[(PARTY, row.key)] = row.label
        return state


def _facts(row) -> tuple[int | None, str, str, Decimal, int | None]:
    """(initiative id, party key, kind, amount, row number) of a dict row or an unsaved Entry."""
    get = row.get if isinstance(row, dict) else (lambda name, default=None: getattr(row, name, default))
    initiative = get("initiative_id") or getattr(get("initiative"), "pk", get("initiative"))
    key = party_key(get("party_kind"), get("municipality_id") or getattr(get("municipality"), "pk", None),
                    get("region_id") or getattr(get("region"), "pk", None))
    return initiative, key, get("kind"), Decimal(get("amount")), get("row_number")


def overruns(state: BudgetState, rows: Iterable) -> list[Overrun]:
    """What each row, booked after the ones before it, would overrun (pure: no query, ``state`` unchanged)."""
    initiative_spend = dict(state.initiative_spend)
    party_spend = dict(state.party_spend)
    limit = state.large_entry_limit
    found: list[Overrun] = []
    for row in rows:
        initiative, key, kind, amount, number = _facts(row)
        spend = signed_amount(kind, amount)
        if limit is not None and abs(amount) > limit:
            found.append(Overrun(LARGE_ENTRY, "", f"{format_number(state.large_entry_share, 2)} % af "
                                                 f"finansieringen {kr(state.funding)}", limit, ZERO, number, amount))
        for kind_name, spends, budgets, target in (
            (INITIATIVE, initiative_spend, state.initiative_budget, initiative),
            (PARTY, party_spend, state.party_budget, key),
        ):
            after = spends.get(target, ZERO) + spend
            spends[target] = after
            budget = budgets.get(target, ZERO)
            if spend > 0 and after > budget and state.control != BudgetControl.NONE:
                label = state.labels.get((kind_name, target), str(target))
                found.append(Overrun(kind_name, str(target), label, budget, after, number, amount))
    return found


class BudgetStopped(ValidationError):
    """Refused: the control is «Stop» and rows overrun a budget. ``overruns`` holds the figures."""

    def __init__(self, found: list[Overrun]):
        super().__init__(
            {"amount": ["Budgetkontrollen står på «Stop»: posteringen bogføres ikke."] + [o.message for o in found]},
            code="budget_stop",
        )
        self.overruns = found


class ConfirmationNeeded(ValidationError):
    """Not booked yet: the rows overrun (budget under «Advar», or a large entry); book again confirmed."""

    def __init__(self, found: list[Overrun]):
        super().__init__(
            {"confirm": ["Bekræft for at bogføre: " + " ".join(o.message for o in found)]},
            code="needs_confirmation",
        )
        self.overruns = found


def decide(state: BudgetState, found: list[Overrun], *, confirmed: bool) -> list[Overrun]:
    """The overruns to record with the booking ([] when nothing needs confirming); raises when refused.

    «Stop» refuses budget overruns whatever ``confirmed`` says (``BudgetStopped``); anything else found
    needs ``confirmed`` (``ConfirmationNeeded``).
    """
    if not found:
        return []
    if state.control == BudgetControl.STOP:
        stopped = [o for o in found if o.kind in BUDGET_KINDS]
        if stopped:
            raise BudgetStopped(stopped)
    if not confirmed:
        raise ConfirmationNeeded(found)
    return found


def confirmation_record(*, cluster_year, by, found: list[Overrun], entry=None, import_batch=None):
    """Record who confirmed which overruns, with the entry or the import (inside the booking's transaction)."""
    return EntryConfirmation.objects.create(
        cluster_year=cluster_year, entry=entry, import_batch=import_batch, confirmed_by=by,
        overruns=[o.as_json() for o in found], text=" ".join(o.message for o in found)[:2000],
    )


def budget_control_set(*, cluster_year, by, budget_control: str, large_entry_share) -> ClusterYear:
    """Set the cluster-year's budget control and large-entry share (the secretariat, while a draft)."""
    with transaction.atomic():
        cluster_year = cluster_year_lock(cluster_year)
        require_permission(by, "edit_accounts", cluster_year)
        if cluster_year.status != ReviewStatus.DRAFT:
            raise ValidationError("Budgetkontrollen kan kun ændres, mens regnskabet er en kladde.")
        if budget_control not in BudgetControl.values:
            raise ValidationError({"budget_control": "Vælg Stop, Advar eller Ingen kontrol."})
        share = money(large_entry_share, field="large_entry_share", label="Andelen")
        if share > HUNDRED:
            raise ValidationError({"large_entry_share": "Andelen kan højst være 100 %."})
        cluster_year.budget_control = budget_control
        cluster_year.large_entry_share = share
        cluster_year.full_clean()
        save_recording(cluster_year, by, update_fields=["budget_control", "large_entry_share"])
    return cluster_year
