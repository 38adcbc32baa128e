"""Plan the Videreførelse sheet of an upload: each party's commitment to carry unspent money over.

Only the input columns are read (``layout.CARRYOVER_COLUMNS``: «Tilsagn om videreførelse»,
«Tilsagn givet af», «Tilsagnsdato», «Bemærkning», by the party in column A); Indbetalt, Forbrug
and Uforbrugt are the portal's figures and Excel's formulas. Per party:

- the same commitment as the portal's is unchanged;
- a commitment where the party has none is new (``commitment_record``);
- another commitment where the party has one is «changed»: the preview says «erstatter tilsagn på
  X kr.», and only then does applying pass ``replace=True``;
- a party row without a commitment where the portal has one counts «ikke i filen» (removed); the
  commitment stays (the portal has no removal of a commitment; it is replaced by a new one).

A commitment never exceeds the party's unspent money (``accounts.selectors.unspent_by_party``,
the service's rule): a larger one is an error at its cell, and the service checks it again when
the plan is applied. Every change obeys the status rule of the year close (``close_year``).
"""
from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import CarryOverCommitment
from accounts.selectors import unspent_by_party
from accounts.services.amounts import kr
from klyngeportal.formats import NumberProblem
from workbook import layout as L
from workbook.cells import amount_value, date_value, is_empty, text_value
from workbook.labels import cell, party_labels, read_label, status_problem
from workbook.plan import Action, SheetPlan
from workbook.safety import Problem

ZERO = Decimal("0.00")
COLUMNS = [key for key, _, _ in L.CARRYOVER_COLUMNS]
INPUTS = ("commitment", "committed_by", "committed_on", "note")


def _describe(c) -> str:
    return f"{kr(c.amount)} givet af {c.committed_by} den {c.committed_on:%d.%m.%Y}"


def _record(cluster_year, party, fields, replace, where, user):
    """The service's call; a refusal (e.g. more than unspent, after Regnskab's rows were booked)
    names the cell it comes from."""
    try:
        return services.commitment_record(
            cluster_year=cluster_year, by=user, party_kind=party.kind, municipality=party.municipality_id,
            region=party.region_id, replace=replace, **fields,
        )
    except ValidationError as exc:
        messages = "; ".join(exc.messages)
        raise ValidationError(f"{L.SHEET_CARRYOVER}!{where}: {messages}", code="commitment") from exc


def _unspent_after(cluster_year, spend_change) -> dict[str, Decimal]:
    """Each party's unspent money (``unspent_by_party``) after the same upload's Regnskab rows."""
    unspent = unspent_by_party(cluster_year)
    for key, change in (spend_change or {}).items():
        unspent[key] = unspent.get(key, ZERO) - change
    return unspent


def plan_carryover_sheet(rows, cluster_year, *, spend_change=None) -> SheetPlan:
    """The plan of Videreførelse's rows: ``rows`` = [(row number, values in CARRYOVER_COLUMNS' order)].

    ``spend_change`` (party key -> Decimal, optional): how much the same upload's Regnskab changes each
    party's net spend (expenses minus income booked, less those reversed), so that a commitment is
    checked against the unspent money as it will be when the commitments are recorded, after the entries.
    """
    plan = SheetPlan(L.SHEET_CARRYOVER)
    existing = {
        c.party_key: c
        for c in CarryOverCommitment.objects.filter(cluster_year=cluster_year).select_related("municipality", "region")
    }
    parties = party_labels(cluster_year, extra=[c.party for c in existing.values()])
    unspent: dict[str, Decimal] | None = None  # read when the first commitment is measured against it
    refusal = status_problem("close_year", cluster_year)
    seen: dict[str, int] = {}

    for row_number, values in rows:
        v = dict(zip(COLUMNS, (tuple(values) + (None,) * len(COLUMNS))[:len(COLUMNS)], strict=True))
        problems: list[Problem] = []

        def problem(key: str, message: str, row_number=row_number, problems=problems) -> None:
            problems.append(Problem(L.SHEET_CARRYOVER, cell(L.CARRYOVER_COLUMNS, key, row_number), message))

        label, key = read_label(v["party"])
        party = parties.get(key) if label else None
        if all(is_empty(v[k]) for k in INPUTS):
            if party is not None:
                if party.key in seen:
                    continue
                seen[party.key] = row_number
                if party.key in existing:
                    plan.count("removed")
            continue  # a party without a commitment, or a line of text below the parties
        if party is None:
            problem("party", f"Parten «{label}» hører ikke til {cluster_year.cluster.name} i {cluster_year.year}."
                    if label else "Angiv parten for tilsagnet.")
        elif party.key in seen:
            problem("party", f"{party.label} har allerede et tilsagn i række {seen[party.key]}: ét tilsagn pr. part.")
        fields = {"note": text_value(v["note"]), "committed_by": text_value(v["committed_by"])}
        try:
            fields["amount"] = amount_value(v["commitment"])
            if fields["amount"] <= ZERO:
                problem("commitment", "Tilsagnet skal være større end 0.")
        except NumberProblem as exc:
            problem("commitment", "Angiv tilsagnets beløb." if exc.code == "required" else exc.message)
        if not fields["committed_by"]:
            problem("committed_by", "Angiv, hvem der har givet tilsagnet.")
        try:
            fields["committed_on"] = date_value(v["committed_on"], cluster_year.year)
        except ValueError as exc:
            problem("committed_on", str(exc))
        else:
            if fields["committed_on"] is None:
                problem("committed_on", f"Angiv tilsagnets dato, fx 15-12-{cluster_year.year}.")
        if party is not None:
            seen.setdefault(party.key, row_number)
        if problems:
            for p in problems:
                plan.error(p)
            continue

        old = existing.get(party.key)
        if old is not None and (old.amount, old.committed_by.strip(), old.committed_on, old.note.strip()) == (
            fields["amount"], fields["committed_by"], fields["committed_on"], fields["note"]
        ):
            plan.count("unchanged")  # as recorded, even if spending has since passed it (the close checks that)
            continue
        where = cell(L.CARRYOVER_COLUMNS, "commitment", row_number)
        if unspent is None:
            unspent = _unspent_after(cluster_year, spend_change)
        most = unspent.get(party.key, ZERO)
        if fields["amount"] > most:
            plan.error(Problem(L.SHEET_CARRYOVER, where,
                               f"Beløbet kan højst være det uforbrugte beløb, {kr(most)}"))  # «kr.» ends it
            continue
        kind = "new" if old is None else "changed"
        plan.count(kind)
        if refusal:
            plan.error(Problem(L.SHEET_CARRYOVER, where, f"{refusal} Tilsagnet for {party.label} kan ikke registreres."))
            continue
        new = f"{kr(fields['amount'])} givet af {fields['committed_by']} den {fields['committed_on']:%d.%m.%Y}"
        description = (f"Nyt tilsagn: {party.label}: {new}" if old is None else
                       f"Tilsagn ændres: {party.label}: {new}; erstatter tilsagn på {_describe(old)}")
        plan.act(Action(description, partial(_record, cluster_year, party, fields, old is not None, where), kind))
    return plan
