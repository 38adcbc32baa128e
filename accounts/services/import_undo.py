"""Undo a whole Excel import: its entries, budget lines, commitments and new initiatives, or nothing.

When an import is committed, ``import_state`` is read before and after its budget and commitment actions
and ``import_changes_record`` keeps the difference (``accounts.models_import.ImportChange``: old and new
values per budget line, commitment and new initiative; insert-only).

``import_batch_undo`` (one transaction under the cluster-year's lock) then

1. refuses, changing nothing, when the status no longer allows changes of the accounts (the browser's
   rule, ``users.access``), when a later booking reversed one of the import's entries, or when a budget
   line or commitment the import touched no longer stands as the import left it (undoing would
   overwrite the later change): each refusal in Danish, naming the line;
2. reverses the import's entries and books the ones it reversed again (``accounts.services.entries``);
3. puts every budget line back through the browser's services (``budget_line_remove`` /
   ``budget_line_update`` / ``budget_line_set``, ``budget_phasing_set``): each an ordinary recorded
   change, with a budget revision after the first submission, reason «Tilbageført indlæsning nr. N»;
4. puts every commitment back (``commitment_remove`` / ``commitment_record``);
5. removes the initiatives the import created when nothing refers to them any more; else keeps them
   and says why.

``import_undo_plan`` is step 1 without writing: what the confirm page lists.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import BudgetLine, BudgetMonth, CarryOverCommitment, Entry, ImportBatch, Initiative
from accounts.models_import import ImportChange
from accounts.parties import party_key
from accounts.services.amounts import kr
from accounts.services.budget import budget_line_remove, budget_line_set, budget_line_update
from accounts.services.entries import batch_entries_problem, reverse_batch_entries
from accounts.services.locking import cluster_year_lock
from accounts.services.phasing import budget_phasing_set
from accounts.services.year_close import commitment_record, commitment_remove
from klyngeportal.formats import format_number
from users.access import permission_problem, role_may

REFUSED = "Importen kan ikke tilbageføres"
ALREADY = "Importen er allerede tilbageført."
Kind = ImportChange.Kind


# --- what the import changed -------------------------------------------------------------------

@dataclass
class ImportState:
    """The cluster-year's budget lines, commitments and the cluster's initiatives, as JSON-able values."""

    lines: dict[tuple, dict] = field(default_factory=dict)  # (initiative id, source, party key) -> value
    line_rows: dict[tuple, BudgetLine] = field(default_factory=dict)
    commitments: dict[str, dict] = field(default_factory=dict)  # party key -> value
    commitment_rows: dict[str, CarryOverCommitment] = field(default_factory=dict)
    initiatives: dict[int, str] = field(default_factory=dict)  # id -> name


def _line_key(initiative_id, source, party_key) -> tuple:
    return (initiative_id, source, party_key)


def _line_label(line: BudgetLine) -> str:
    return f"{line.initiative.name} · {line.get_source_display()} · {line.party_label}"


def _commitment_value(c: CarryOverCommitment) -> dict:
    return {"amount": str(c.amount), "committed_by": c.committed_by, "committed_on": c.committed_on.isoformat(),
            "note": c.note}


def import_state(cluster_year) -> ImportState:
    """Four queries: budget lines, their stored months, commitments, the cluster's initiatives."""
    state = ImportState()
    months: dict[int, dict[str, str]] = {}
    for row in BudgetMonth.objects.filter(budget_line__cluster_year_id=cluster_year.pk).values(
            "budget_line_id", "month", "amount"):
        months.setdefault(row["budget_line_id"], {})[str(row["month"])] = str(row["amount"])
    for line in (BudgetLine.objects.filter(cluster_year_id=cluster_year.pk)
                 .select_related("initiative", "municipality", "region")):
        key = _line_key(line.initiative_id, line.source, line.party_key)
        state.lines[key] = {"amount": str(line.amount), "months": months.get(line.pk)}
        state.line_rows[key] = line
    for c in CarryOverCommitment.objects.filter(cluster_year_id=cluster_year.pk).select_related(
            "municipality", "region"):
        state.commitments[c.party_key] = _commitment_value(c)
        state.commitment_rows[c.party_key] = c
    state.initiatives = dict(Initiative.objects.filter(cluster_id=cluster_year.cluster_id).values_list("id", "name"))
    return state


def _party(row) -> dict:
    return {"party_kind": row.party_kind, "municipality_id": row.municipality_id, "region_id": row.region_id}


def import_changes_record(batch: ImportBatch, before: ImportState, after: ImportState) -> list[ImportChange]:
    """Keep what the import changed between ``before`` and ``after`` (one insert)."""
    changes = []
    for key in sorted(before.lines.keys() | after.lines.keys(), key=str):
        old, new = before.lines.get(key), after.lines.get(key)
        if old != new:
            line = after.line_rows.get(key) or before.line_rows[key]
            changes.append(ImportChange(import_batch=batch, kind=Kind.BUDGET_LINE, initiative_ref=line.initiative_id,
                                        source=line.source, label=_line_label(line)[:400], old=old, new=new,
                                        **_party(line)))
    for key in sorted(before.commitments.keys() | after.commitments.keys()):
        old, new = before.commitments.get(key), after.commitments.get(key)
        if old != new:
            c = after.commitment_rows.get(key) or before.commitment_rows[key]
            changes.append(ImportChange(import_batch=batch, kind=Kind.COMMITMENT, label=c.party_label[:400],
                                        old=old, new=new, **_party(c)))
    for pk in sorted(after.initiatives.keys() - before.initiatives.keys()):
        changes.append(ImportChange(import_batch=batch, kind=Kind.INITIATIVE, initiative_ref=pk,
                                    label=after.initiatives[pk][:400], new={"name": after.initiatives[pk]},
                                    party_kind=""))
    return ImportChange.objects.bulk_create(changes)


# --- the undo ------------------------------------------------------------------------------------

def _count(n: int, one: str, many: str) -> str:
    return f"{format_number(n)} {one if n == 1 else many}"


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _months(value: dict | None) -> dict[int, Decimal] | None:
    return None if value is None else {int(m): Decimal(a) for m, a in value.items()}


def _line_now(change: ImportChange) -> tuple:
    return _line_key(change.initiative_ref, change.source,
                     party_key(change.party_kind, change.municipality_id, change.region_id))


def _commitment_now(change: ImportChange) -> str:
    return party_key(change.party_kind, change.municipality_id, change.region_id)


def _describe_line(change: ImportChange) -> str:
    old, new = change.old, change.new
    if old is None:
        return f"Budgetlinjen «{change.label}» ({kr(_money(new['amount']))}), som importen oprettede, fjernes."
    if new is None:
        return f"Budgetlinjen «{change.label}», som importen fjernede, genskabes med {kr(_money(old['amount']))}"
    if old["amount"] == new["amount"]:
        return f"Budgetlinjen «{change.label}» får sin fordeling på måneder fra før importen tilbage."
    return (f"Budgetlinjen «{change.label}» ændres tilbage fra {kr(_money(new['amount']))} "
            f"til {kr(_money(old['amount']))}")


def _describe_commitment(change: ImportChange) -> str:
    old, new = change.old, change.new
    if old is None:
        return f"Tilsagnet for {change.label} ({kr(_money(new['amount']))}), som importen registrerede, fjernes."
    on = datetime.date.fromisoformat(old["committed_on"])
    if new is None:
        return (f"Tilsagnet for {change.label}, som importen fjernede, registreres igen: {kr(_money(old['amount']))} "
                f"givet af {old['committed_by']} den {on:%d.%m.%Y}.")
    return (f"Tilsagnet for {change.label} sættes tilbage til tilsagnet fra før importen: {kr(_money(old['amount']))} "
            f"givet af {old['committed_by']} den {on:%d.%m.%Y}.")


def _conflict(change: ImportChange, now: dict | None) -> str | None:
    """Why the thing no longer stands as the import left it (None: it does), naming it."""
    new = change.new
    if now == new:
        return None
    line = change.kind == Kind.BUDGET_LINE
    name = f"Budgetlinjen «{change.label}»" if line else f"Tilsagnet for {change.label}"
    if new is None:
        found = f"er oprettet igen efter importen (nu {kr(_money(now['amount']))})"
    elif now is None:
        found = "er fjernet efter importen"
    elif now["amount"] != new["amount"]:
        found = (f"er ændret efter importen (importen satte {kr(_money(new['amount']))}, "
                 f"nu {kr(_money(now['amount']))})")
    elif line:
        found = "har fået en anden fordeling på måneder efter importen"
    else:
        found = "er registreret på ny efter importen (givet af, dato eller bemærkning er ændret)"
    where = "Ret den i stedet på budgetsiden." if line else "Ret det i stedet under videreførelse."
    return f"{name} {found}; en tilbageførsel ville overskrive den senere ændring. {where}"


@dataclass
class UndoPlan:
    """What undoing an import would do, and why it cannot (``problems``, in Danish; empty: it can)."""

    batch: ImportBatch
    entries: int = 0  # the import's entries that get a reversal
    rebook: int = 0  # the entries it reversed, booked again
    budget: list[ImportChange] = field(default_factory=list)
    commitments: list[ImportChange] = field(default_factory=list)
    initiatives: list[ImportChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    state: ImportState | None = None

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def refusals(self) -> list[str]:
        """The problems as the refusal's messages: «Importen kan ikke tilbageføres: …» each."""
        return [p if p == ALREADY else f"{REFUSED}: {p}" for p in self.problems]

    @property
    def budget_lines(self) -> list[str]:
        return [_describe_line(c) for c in self.budget]

    @property
    def commitment_lines(self) -> list[str]:
        return [_describe_commitment(c) for c in self.commitments]

    @property
    def initiative_lines(self) -> list[str]:
        return [f"Indsatsen «{c.label}», som importen oprettede, fjernes, hvis intet andet bruger den."
                for c in self.initiatives]


def _status_problem(by, cluster_year) -> str | None:
    """The Danish reason the status (or a closed year) refuses; PermissionDenied for a role without access."""
    problem = permission_problem(by, "edit_accounts", cluster_year)
    if problem and not role_may(by, "edit_accounts", cluster_year.cluster):
        raise PermissionDenied(problem)
    return problem


def import_undo_plan(*, import_batch: ImportBatch, by) -> UndoPlan:
    """What ``import_batch_undo`` would do now, writing nothing (a fixed number of queries)."""
    batch, cluster_year = import_batch, import_batch.cluster_year
    plan = UndoPlan(batch)
    status = _status_problem(by, cluster_year)  # first: a role without the right is refused whatever the batch
    if batch.reversed_at:
        plan.problems.append(ALREADY)
        return plan
    if status:
        plan.problems.append(status)
    plan.entries = Entry.objects.filter(import_batch=batch, reverses__isnull=True, reversed_by__isnull=True).count()
    plan.rebook = Entry.objects.filter(reversed_by__import_batch=batch).count()
    entries = batch_entries_problem(batch, rebook=plan.rebook > 0)
    if entries:
        plan.problems.append(entries)
    changes = list(ImportChange.objects.filter(import_batch=batch).order_by("id"))
    plan.budget = [c for c in changes if c.kind == Kind.BUDGET_LINE]
    plan.commitments = [c for c in changes if c.kind == Kind.COMMITMENT]
    plan.initiatives = [c for c in changes if c.kind == Kind.INITIATIVE]
    if plan.budget or plan.commitments or plan.initiatives:
        plan.state = state = import_state(cluster_year)
        for change in plan.budget:
            problem = _conflict(change, state.lines.get(_line_now(change)))
            if problem:
                plan.problems.append(problem)
        for change in plan.commitments:
            problem = _conflict(change, state.commitments.get(_commitment_now(change)))
            if problem:
                plan.problems.append(problem)
    return plan


@dataclass
class ImportUndone:
    """What ``import_batch_undo`` did."""

    batch: ImportBatch
    reversals: list = field(default_factory=list)
    rebooked: int = 0
    budget: list[ImportChange] = field(default_factory=list)
    commitments: list[ImportChange] = field(default_factory=list)
    initiatives_removed: list[str] = field(default_factory=list)
    initiatives_kept: list[str] = field(default_factory=list)  # Danish sentences: which, and why

    @property
    def message(self) -> str:
        """What was undone, in Danish (the result page's message)."""
        parts = [_count(len(self.reversals), "modpostering", "modposteringer")]
        if self.rebooked:
            parts.append(_count(self.rebooked, "erstattet postering", "erstattede posteringer") + " bogført igen")
        if self.budget:
            parts.append(_count(len(self.budget), "budgetlinje", "budgetlinjer") + " sat tilbage")
        if self.commitments:
            parts.append(_count(len(self.commitments), "tilsagn", "tilsagn") + " sat tilbage")
        if self.initiatives_removed:
            parts.append("nye indsatser fjernet: " + ", ".join(f"«{name}»" for name in self.initiatives_removed))
        text = f"Importen {self.batch.filename} er tilbageført: {', '.join(parts)}."
        return " ".join([text, *self.initiatives_kept])


def _undo_line(change: ImportChange, state: ImportState, *, by, reason: str) -> None:
    key = _line_now(change)
    old = change.old
    try:
        if old is None:
            budget_line_remove(line=state.line_rows[key], by=by, reason=reason)
        elif change.new is None:
            budget_line_set(cluster_year=change.import_batch.cluster_year, by=by,
                            initiative=Initiative.objects.get(pk=change.initiative_ref), source=change.source,
                            party_kind=change.party_kind, municipality=change.municipality_id,
                            region=change.region_id, amount=_money(old["amount"]), reason=reason,
                            months=_months(old["months"]))
        else:
            line = state.line_rows[key]
            if _money(old["amount"]) != line.amount:
                budget_line_update(line=line, by=by, amount=_money(old["amount"]), reason=reason,
                                   months=_months(old["months"]))
            else:
                budget_phasing_set(line=line, by=by, months=_months(old["months"]))
    except (ValidationError, Initiative.DoesNotExist) as exc:
        messages = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "indsatsen findes ikke længere"
        raise ValidationError(f"{REFUSED}: budgetlinjen «{change.label}» kan ikke sættes tilbage: {messages}") from exc


def _undo_commitment(change: ImportChange, state: ImportState, *, by) -> None:
    old = change.old
    try:
        if old is None:
            commitment_remove(commitment=state.commitment_rows[_commitment_now(change)], by=by,
                              reason=f"Tilbageført indlæsning nr. {change.import_batch_id}")
        else:
            commitment_record(cluster_year=change.import_batch.cluster_year, by=by, party_kind=change.party_kind,
                              municipality=change.municipality_id, region=change.region_id,
                              amount=_money(old["amount"]), committed_by=old["committed_by"],
                              committed_on=datetime.date.fromisoformat(old["committed_on"]), note=old["note"],
                              replace=change.new is not None)
    except ValidationError as exc:
        raise ValidationError(f"{REFUSED}: tilsagnet for {change.label} kan ikke sættes tilbage: "
                              f"{'; '.join(exc.messages)}") from exc


def _users_of(initiative: Initiative) -> list[str]:
    """What refers to the initiative now (the names of those kinds of rows); history rows do not count."""
    found = []
    for relation in initiative._meta.related_objects:
        if relation.many_to_many or relation.on_delete is models.DO_NOTHING:
            continue
        model = relation.related_model
        if model._default_manager.filter(**{relation.field.name: initiative}).exists():
            found.append(str(model._meta.verbose_name_plural))
    return found


def _undo_initiative(change: ImportChange, *, by, undone: ImportUndone) -> None:
    initiative = Initiative.objects.filter(pk=change.initiative_ref).first()
    if initiative is None:
        return
    users = _users_of(initiative)
    if users:
        undone.initiatives_kept.append(
            f"Indsatsen «{initiative.name}», som importen oprettede, er bevaret, fordi den nu bruges af: "
            f"{', '.join(users)}.")
        return
    initiative._history_user = by
    initiative._change_reason = f"Tilbageført indlæsning nr. {change.import_batch_id}"
    initiative.delete()
    undone.initiatives_removed.append(initiative.name)


@transaction.atomic
def import_batch_undo(*, import_batch, by) -> ImportUndone:
    """Undo everything the import did, in one transaction, or refuse (ValidationError in Danish) changing nothing."""
    cluster_year = cluster_year_lock(import_batch.cluster_year)
    batch = ImportBatch.objects.select_for_update().get(pk=import_batch.pk)
    batch.cluster_year = cluster_year
    plan = import_undo_plan(import_batch=batch, by=by)
    if plan.problems:
        raise ValidationError(plan.refusals)
    undone = ImportUndone(batch, budget=plan.budget, commitments=plan.commitments)
    undone.reversals, undone.rebooked = reverse_batch_entries(batch, cluster_year=cluster_year, by=by)
    reason = f"Tilbageført indlæsning nr. {batch.pk} ({batch.filename})"
    for change in plan.budget:
        change.import_batch = batch
        _undo_line(change, plan.state, by=by, reason=reason)
    for change in plan.commitments:
        change.import_batch = batch
        _undo_commitment(change, plan.state, by=by)
    for change in plan.initiatives:
        _undo_initiative(change, by=by, undone=undone)
    batch.reversed_at = timezone.now()
    batch.reversed_by = by
    batch.save(update_fields=["reversed_at", "reversed_by"])
    return undone
