"""Writes to the cluster accounts: one function per action.

Every function is keyword-only, validates (``full_clean`` or the same rules in
bulk), runs inside a transaction and records who acted. Permissions come from
``users.access`` only. Ledger entries are never edited or deleted: a
correction is a reversal (``entry_reverse``) plus a new entry.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    MONEY,
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    CostKind,
    Entry,
    EntryKind,
    FundingLine,
    FundingSource,
    ImportBatch,
    Initiative,
    PartyKind,
    StatusChange,
)
from accounts.validators import account_code_problem
from geography.models import FUNDING_KINDS, Membership, Municipality
from users.access import PERMISSIONS, has_permission, require_permission, role_of

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
BULK_BATCH_SIZE = 2000


# --- cluster-years ---------------------------------------------------------

def cluster_year_get_or_create(*, cluster, year: int) -> ClusterYear:
    """The cluster's accounts for the year, created as a draft when missing (safe under concurrency)."""
    existing = ClusterYear.objects.filter(cluster=cluster, year=year).select_related("cluster__region").first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            cluster_year = ClusterYear(cluster=cluster, year=year)
            cluster_year.full_clean(validate_constraints=False)
            cluster_year.save()
            return cluster_year
    except IntegrityError:
        return ClusterYear.objects.select_related("cluster__region").get(cluster=cluster, year=year)


def _save(obj, by, **kwargs) -> None:
    """Save and record who did it in the object's history (also outside a web request)."""
    if by is not None:
        obj._history_user = by
    obj.save(**kwargs)


def _lock(cluster_year: ClusterYear) -> ClusterYear:
    """Re-read the cluster-year under a row lock, so a concurrent close or status move is serialised."""
    return ClusterYear.objects.select_for_update(of=("self",)).select_related("cluster__region").get(pk=cluster_year.pk)


# --- parties ---------------------------------------------------------------

def member_municipalities(cluster, year: int, *, funding_only: bool = False) -> dict[int, Municipality]:
    """The cluster's municipalities in the year (the latest loaded map year not after it), by pk."""
    qs = Membership.objects.filter(cluster=cluster, year__lte=year).select_related("municipality")
    if funding_only:
        qs = qs.filter(kind__in=FUNDING_KINDS)
    rows = list(qs.order_by("-year", "municipality__name"))
    if not rows:
        return {}
    map_year = rows[0].year
    return {m.municipality_id: m.municipality for m in rows if m.year == map_year}


def party_problem(cluster_year: ClusterYear, party_kind, municipality_id, region_id, members) -> str | None:
    """None if the party is one of the cluster's municipalities or its region, else a Danish message."""
    if party_kind == PartyKind.MUNICIPALITY:
        if not municipality_id:
            return "Vælg kommunen."
        if region_id:
            return "En postering hører til enten en kommune eller regionen, ikke begge."
        if municipality_id not in members:
            return f"Kommunen deltager ikke i {cluster_year.cluster.name} i {cluster_year.year}."
        return None
    if party_kind == PartyKind.REGION:
        if municipality_id:
            return "En postering hører til enten en kommune eller regionen, ikke begge."
        if region_id != cluster_year.cluster.region_id:
            return f"Kun Region {cluster_year.cluster.region.name} hører til {cluster_year.cluster.name}."
        return None
    return "Vælg en kommune eller regionen som part."


def _money(value, *, label: str = "Beløbet", positive: bool = True) -> tuple[Decimal | None, str | None]:
    if value is None or value == "":
        return None, f"{label} mangler."
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return None, f"{label} «{value}» er ikke et tal."
    if not amount.is_finite():
        return None, f"{label} «{value}» er ikke et tal."
    if amount != amount.quantize(CENT):
        return None, f"{label} må højst have to decimaler (øre)."
    if positive and amount <= 0:
        return None, f"{label} skal være større end 0."
    if abs(amount) >= MAX_AMOUNT:
        return None, f"{label} er for stort."
    return amount.quantize(CENT), None


# --- ledger entries --------------------------------------------------------

@dataclass
class EntryContext:
    """What validating entries for one cluster-year needs, loaded once (no per-row queries)."""

    cluster_year: ClusterYear
    initiatives: dict[int, Initiative]
    members: dict[int, Municipality]
    members_by_code: dict[int, Municipality] = field(default_factory=dict)

    @classmethod
    def load(cls, cluster_year: ClusterYear) -> EntryContext:
        year = cluster_year.year
        initiatives = {
            i.pk: i
            for i in Initiative.objects.filter(
                cluster_id=cluster_year.cluster_id, first_year__lte=year, last_year__gte=year
            )
        }
        members = member_municipalities(cluster_year.cluster, year)
        return cls(cluster_year, initiatives, members, {m.code: m for m in members.values()})


def _pk(row: dict, name: str):
    """A row may carry a model instance (`initiative`) or a key (`initiative_id`)."""
    value = row.get(name)
    if value is not None and value != "":
        return getattr(value, "pk", value)
    return row.get(f"{name}_id") or None


def _build_entry(ctx: EntryContext, row: dict, created_by, import_batch) -> tuple[Entry | None, list[str]]:
    """Validate one row against the rules; returns the unsaved entry or the Danish problems."""
    cy = ctx.cluster_year
    problems: list[str] = []

    initiative_id = _pk(row, "initiative")
    try:
        initiative_id = int(initiative_id) if initiative_id is not None else None
    except (TypeError, ValueError):
        initiative_id = None
    initiative = ctx.initiatives.get(initiative_id) if initiative_id else None
    if initiative_id is None:
        problems.append("Vælg en indsats.")
    elif initiative is None:
        problems.append(f"Indsatsen hører ikke til {cy.cluster.name} eller kører ikke i {cy.year}.")

    party_kind = row.get("party_kind") or ""
    municipality_id = _pk(row, "municipality")
    if municipality_id is None and row.get("municipality_code"):
        member = ctx.members_by_code.get(_int_or_none(row["municipality_code"]))
        municipality_id = member.pk if member else -1
    region_id = _pk(row, "region")
    if region_id is None and row.get("region_code"):
        region_id = cy.cluster.region_id if _int_or_none(row["region_code"]) == cy.cluster.region.code else -1
    municipality_id = _int_or_none(municipality_id)
    region_id = _int_or_none(region_id)
    problem = party_problem(cy, party_kind, municipality_id, region_id, ctx.members)
    if problem:
        problems.append(problem)

    booking_date = row.get("booking_date")
    if isinstance(booking_date, datetime.datetime):
        booking_date = booking_date.date()
    if not isinstance(booking_date, datetime.date):
        problems.append("Bogføringsdato mangler eller er ugyldig.")
    elif booking_date.year != cy.year:
        problems.append(
            f"Bogføringsdatoen {booking_date:%d.%m.%Y} ligger ikke i regnskabsåret {cy.year}."
        )

    kind = row.get("kind")
    if kind not in EntryKind.values:
        problems.append("Arten skal være udgift eller indtægt.")
    cost_kind = row.get("cost_kind")
    if cost_kind not in CostKind.values:
        problems.append("Vælg omkostningstype: udvikling, sekretariatsbetjening eller drift.")

    amount, amount_problem = _money(row.get("amount"))
    if amount_problem:
        problems.append(amount_problem)

    account_code = (row.get("account_code") or "").strip()
    if party_kind in (PartyKind.MUNICIPALITY, PartyKind.REGION):
        account_problem = account_code_problem(account_code, party_kind)
        if account_problem:
            problems.append(account_problem)

    voucher = (row.get("voucher") or "").strip()
    text = (row.get("text") or "").strip()
    if len(voucher) > 60:
        problems.append("Bilagsreferencen må højst være 60 tegn.")
    if len(text) > 255:
        problems.append("Teksten må højst være 255 tegn.")
    if len(account_code) > 40:
        problems.append("Kontonummeret må højst være 40 tegn.")

    if problems:
        return None, problems
    entry = Entry(
        cluster_year=cy,
        initiative=initiative,
        party_kind=party_kind,
        municipality=ctx.members.get(municipality_id) if party_kind == PartyKind.MUNICIPALITY else None,
        region=cy.cluster.region if party_kind == PartyKind.REGION else None,
        booking_date=booking_date,
        kind=kind,
        amount=amount,
        account_code=account_code,
        voucher=voucher,
        text=text,
        cost_kind=cost_kind,
        created_by=created_by,
        import_batch=import_batch,
    )
    return entry, []


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1


def _check_batch(cluster_year: ClusterYear, import_batch) -> None:
    if import_batch is not None and import_batch.cluster_year_id != cluster_year.pk:
        raise ValidationError("Importen hører til et andet klyngeregnskab.")


@transaction.atomic
def entry_create(
    *, cluster_year, initiative, party_kind, municipality=None, region=None, booking_date, kind, amount,
    account_code, voucher="", text="", cost_kind, created_by, import_batch=None,
) -> Entry:
    """Book one entry. Raises PermissionDenied (access, status, closed year) or ValidationError (Danish)."""
    cluster_year = _lock(cluster_year)
    require_permission(created_by, "edit_accounts", cluster_year)
    _check_batch(cluster_year, import_batch)
    ctx = EntryContext.load(cluster_year)
    row = {
        "initiative": initiative, "party_kind": party_kind, "municipality": municipality, "region": region,
        "booking_date": booking_date, "kind": kind, "amount": amount, "account_code": account_code,
        "voucher": voucher, "text": text, "cost_kind": cost_kind,
    }
    entry, problems = _build_entry(ctx, row, created_by, import_batch)
    if problems:
        raise ValidationError(problems)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entries_create_bulk(*, cluster_year, rows: list[dict], created_by, import_batch=None) -> list[Entry]:
    """Book many entries at once (the Excel import): all or nothing, a fixed number of queries.

    Each row is a dict with the keyword names of ``entry_create`` (instances or ``*_id`` keys; also
    ``municipality_code``/``region_code`` as DST codes). An optional ``row_number`` is used in the
    messages. Raises one ValidationError listing every problem as «Række N: ...».
    """
    cluster_year = _lock(cluster_year)
    require_permission(created_by, "edit_accounts", cluster_year)
    _check_batch(cluster_year, import_batch)
    if not rows:
        return []
    ctx = EntryContext.load(cluster_year)
    entries, errors = [], []
    for index, row in enumerate(rows, start=1):
        entry, problems = _build_entry(ctx, row, created_by, import_batch)
        if problems:
            number = row.get("row_number", index)
            errors.extend(f"Række {number}: {p}" for p in problems)
        else:
            entries.append(entry)
    if errors:
        raise ValidationError(errors)
    return Entry.objects.bulk_create(entries, batch_size=BULK_BATCH_SIZE)


@transaction.atomic
def entry_reverse(*, entry, by, text: str = "") -> Entry:
    """Reverse an entry: same fields, negated amount, linked by ``reverses``. Both rows stay."""
    cluster_year = _lock(entry.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ValidationError("En tilbageførsel kan ikke tilbageføres; bogfør i stedet en ny postering.")
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError("Posteringen er allerede tilbageført.")
    label = entry.voucher or f"postering {entry.pk}"
    reversal = Entry(
        cluster_year=cluster_year,
        initiative_id=entry.initiative_id,
        party_kind=entry.party_kind,
        municipality_id=entry.municipality_id,
        region_id=entry.region_id,
        booking_date=entry.booking_date,
        kind=entry.kind,
        amount=-entry.amount,
        account_code=entry.account_code,
        voucher=entry.voucher,
        text=(text.strip() or f"Tilbageførsel af {label}: {entry.text}")[:255],
        cost_kind=entry.cost_kind,
        reverses=entry,
        created_by=by,
    )
    reversal.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError as exc:  # a concurrent reversal won the race (OneToOne reverses)
        raise ValidationError("Posteringen er allerede tilbageført.") from exc
    return reversal


@transaction.atomic
def import_batch_reverse(*, import_batch, by) -> list[Entry]:
    """Reverse every entry of an import that is not reversed yet; mark the import as reversed."""
    cluster_year = _lock(import_batch.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    batch = ImportBatch.objects.select_for_update().get(pk=import_batch.pk)
    if batch.reversed_at:
        raise ValidationError("Importen er allerede tilbageført.")
    originals = list(
        Entry.objects.filter(import_batch=batch, reverses__isnull=True, reversed_by__isnull=True)
    )
    reversals = [
        Entry(
            cluster_year=cluster_year, initiative_id=e.initiative_id, party_kind=e.party_kind,
            municipality_id=e.municipality_id, region_id=e.region_id, booking_date=e.booking_date,
            kind=e.kind, amount=-e.amount, account_code=e.account_code, voucher=e.voucher,
            text=f"Tilbageførsel af import {batch.filename}"[:255], cost_kind=e.cost_kind,
            reverses=e, created_by=by,
        )
        for e in originals
    ]
    created = Entry.objects.bulk_create(reversals, batch_size=BULK_BATCH_SIZE)
    batch.reversed_at = timezone.now()
    batch.reversed_by = by
    batch.save(update_fields=["reversed_at", "reversed_by"])
    return created


# --- initiatives -----------------------------------------------------------

def _initiative_check(cluster_year, initiative: Initiative, members) -> None:
    errors = {}
    if Initiative.objects.filter(cluster_id=cluster_year.cluster_id, name__iexact=initiative.name).exclude(
        pk=initiative.pk
    ).exists():
        errors["name"] = "Klyngen har allerede en indsats med det navn."
    if initiative.area_id and initiative.area.year != cluster_year.year:
        errors["area"] = f"Vælg et indsatsområde for {cluster_year.year}."
    if initiative.first_year and initiative.last_year is not None:
        if not (initiative.first_year <= cluster_year.year <= initiative.last_year):
            errors["first_year"] = f"Indsatsen skal køre i {cluster_year.year}."
    if initiative.responsible == Initiative.Responsible.MUNICIPALITY:
        if initiative.responsible_municipality_id not in members:
            errors["responsible_municipality"] = "Den ansvarlige kommune skal deltage i klyngen."
    else:
        initiative.responsible_municipality = None
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_create(*, cluster_year, by, name, area, description="", responsible, responsible_municipality=None,
                      status, first_year=None, last_year=None) -> Initiative:
    cluster_year = _lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    initiative = Initiative(
        cluster=cluster_year.cluster, name=(name or "").strip(), area=area, description=description,
        responsible=responsible, responsible_municipality=responsible_municipality, status=status,
        first_year=first_year or cluster_year.year, last_year=last_year or first_year or cluster_year.year,
    )
    _initiative_check(cluster_year, initiative, member_municipalities(cluster_year.cluster, cluster_year.year))
    initiative.full_clean()
    _save(initiative, by)
    return initiative


@transaction.atomic
def initiative_update(*, initiative, cluster_year, by, **fields) -> Initiative:
    cluster_year = _lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if initiative.cluster_id != cluster_year.cluster_id:
        raise PermissionDenied("Indsatsen hører til en anden klynge.")
    allowed = {"name", "area", "description", "responsible", "responsible_municipality", "status",
               "first_year", "last_year"}
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(key)
        setattr(initiative, key, value)
    _initiative_check(cluster_year, initiative, member_municipalities(cluster_year.cluster, cluster_year.year))
    initiative.full_clean()
    _save(initiative, by)
    return initiative


# --- funding ---------------------------------------------------------------

def _startup_contributions(cluster, year):
    """The allocation's proposal for the cluster-year, or None when the allocation cannot give one yet."""
    try:
        from allocation.selectors import startup_contributions
    except ImportError:
        return None
    return startup_contributions(cluster, year)


@transaction.atomic
def funding_propose(*, cluster_year, by) -> list[FundingLine]:
    """Create the start-up contribution lines from the published allocation (once).

    Paid starts equal to allocated; the secretariat corrects it to what was actually paid.
    """
    cluster_year = _lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if cluster_year.funding_lines.filter(source=FundingSource.STARTUP).exists():
        raise ValidationError("Opstartsmidlerne er allerede foreslået for dette regnskab.")
    contributions = _startup_contributions(cluster_year.cluster, cluster_year.year)
    if not contributions:
        raise ValidationError(
            f"Der er ingen offentliggjort fordeling af opstartsmidler for {cluster_year.year} at foreslå fra."
        )
    lines = []
    for c in contributions:
        round_ = getattr(c, "round", None)
        amount = Decimal(c.amount).quantize(CENT)
        line = FundingLine(
            cluster_year=cluster_year, source=FundingSource.STARTUP, party_kind=c.party_kind,
            municipality=c.municipality, region=c.region, allocated=amount, paid=amount,
            text="Foreslået fra fordelingen; ret indbetalt beløb til det faktisk indbetalte",
        )
        if round_ is not None:
            line.allocation_round_id = getattr(round_, "pk", round_)
        line.full_clean(validate_constraints=False)
        _save(line, by)
        lines.append(line)
    return lines


def _funding_party_check(cluster_year, party_kind, municipality, region, *, funders) -> None:
    problem = party_problem(
        cluster_year, party_kind, getattr(municipality, "pk", None), getattr(region, "pk", None), funders
    )
    if problem:
        raise ValidationError({"party": problem})


@transaction.atomic
def funding_line_create(*, cluster_year, by, source, party_kind, municipality=None, region=None, paid,
                        allocated=None, text="") -> FundingLine:
    """Add local funds (decentrale midler) or a start-up contribution entered by hand."""
    cluster_year = _lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if source == FundingSource.CARRYOVER:
        raise ValidationError({"source": "Videreførte midler oprettes ved årsafslutningen af det forrige år."})
    _funding_party_check(
        cluster_year, party_kind, municipality, region,
        funders=member_municipalities(cluster_year.cluster, cluster_year.year),
    )
    line = FundingLine(
        cluster_year=cluster_year, source=source, party_kind=party_kind, municipality=municipality,
        region=region, paid=paid, allocated=allocated, text=text,
    )
    line.full_clean()
    _save(line, by)
    return line


@transaction.atomic
def funding_line_update(*, line, by, paid, text=None) -> FundingLine:
    """Correct what was actually paid on a line (the allocated amount stays as allocated)."""
    cluster_year = _lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if line.source == FundingSource.CARRYOVER:
        raise ValidationError("Et videreført beløb følger tilsagnet og rettes der.")
    line.paid = paid
    if text is not None:
        line.text = text
    line.full_clean()
    _save(line, by)
    return line


@transaction.atomic
def funding_split(*, line, by, amounts: dict, accept_difference: bool = False) -> list[FundingLine]:
    """Split a «municipalities jointly» start-up line into lines per municipality as actually paid.

    ``amounts`` maps funding municipalities (instances or pks) to the paid amount. The joint line stays
    for its allocated amount with paid 0, so the page shows allocated against paid and any difference.
    """
    cluster_year = _lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line = FundingLine.objects.select_for_update().get(pk=line.pk)
    if line.party_kind != PartyKind.MUNICIPALITIES_JOINTLY:
        raise ValidationError("Kun en linje for klyngens kommuner samlet kan fordeles på kommuner.")
    if line.paid == 0 and line.text.startswith("Fordelt på kommuner"):
        raise ValidationError("Linjen er allerede fordelt på kommuner.")
    funders = member_municipalities(cluster_year.cluster, cluster_year.year, funding_only=True)
    cleaned = {}
    for key, value in amounts.items():
        pk = getattr(key, "pk", key)
        if pk not in funders:
            raise ValidationError("Kun kommuner, der finansierer klyngen, kan få en andel.")
        amount, problem = _money(value, positive=False)
        if problem or amount < 0:
            raise ValidationError(problem or "Beløbet må ikke være negativt.")
        if amount > 0:
            cleaned[pk] = amount
    total = sum(cleaned.values(), Decimal("0.00"))
    target = line.allocated if line.allocated is not None else line.paid
    if total != target and not accept_difference:
        raise ValidationError(
            f"Andelene summerer til {_kr(total)}, men den samlede linje er {_kr(target)} "
            f"(forskel {_kr(total - target)})."
        )
    created = []
    for pk, amount in cleaned.items():
        new = FundingLine(
            cluster_year=cluster_year, source=line.source, party_kind=PartyKind.MUNICIPALITY,
            municipality=funders[pk], paid=amount, allocated=None, allocation_round=line.allocation_round,
            text="Andel af kommunernes samlede bidrag, som indbetalt",
        )
        new.full_clean(validate_constraints=False)
        _save(new, by)
        created.append(new)
    line.paid = Decimal("0.00")
    line.text = f"Fordelt på kommuner (i alt {_kr(total)})"
    line.full_clean()
    _save(line, by)
    return created


def _kr(value: Decimal) -> str:
    from klyngeportal.formats import format_kr

    return format_kr(value, 2)


# --- budget ----------------------------------------------------------------

@transaction.atomic
def budget_line_set(*, cluster_year, by, initiative, source, party_kind, municipality=None, region=None,
                    amount) -> BudgetLine:
    """Create or update the budget for one initiative, source and party."""
    cluster_year = _lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    year = cluster_year.year
    if initiative.cluster_id != cluster_year.cluster_id or not (initiative.first_year <= year <= initiative.last_year):
        raise ValidationError({"initiative": f"Indsatsen hører ikke til klyngen eller kører ikke i {year}."})
    problem = party_problem(
        cluster_year, party_kind, getattr(municipality, "pk", None), getattr(region, "pk", None),
        member_municipalities(cluster_year.cluster, year),
    )
    if problem:
        raise ValidationError({"party": problem})
    lookup = {"cluster_year": cluster_year, "initiative": initiative, "source": source, "party_kind": party_kind}
    if party_kind == PartyKind.MUNICIPALITY:
        lookup["municipality"] = municipality
    else:
        lookup["region"] = region
    value, problem = _money(amount, positive=False)
    if problem or value < 0:
        raise ValidationError({"amount": problem or "Budgettet må ikke være negativt."})
    line = BudgetLine.objects.filter(**lookup).first() or BudgetLine(**lookup)
    line.amount = value
    # The party and the one-line-per-initiative-source-party rules are checked above (and by the database).
    line.full_clean(validate_constraints=False)
    _save(line, by)
    return line


@transaction.atomic
def budget_line_update(*, line, by, amount) -> BudgetLine:
    cluster_year = _lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line.amount = amount
    line.full_clean()
    _save(line, by)
    return line


# --- carry-over and year close ---------------------------------------------

@transaction.atomic
def commitment_record(*, cluster_year, by, party_kind, municipality=None, region=None, amount,
                      committed_by, committed_on, note="") -> CarryOverCommitment:
    """Record (or change) a party's commitment to headroom for its unspent money; amount <= unspent."""
    from accounts.selectors import unspent_by_party

    cluster_year = _lock(cluster_year)
    require_permission(by, "close_year", cluster_year)
    problem = party_problem(
        cluster_year, party_kind, getattr(municipality, "pk", None), getattr(region, "pk", None),
        member_municipalities(cluster_year.cluster, cluster_year.year),
    )
    if problem:
        raise ValidationError({"party": problem})
    key = f"m:{municipality.pk}" if party_kind == PartyKind.MUNICIPALITY else f"r:{region.pk}"
    unspent = unspent_by_party(cluster_year).get(key, Decimal("0.00"))
    amount_value, amount_problem = _money(amount)
    if amount_problem:
        raise ValidationError({"amount": amount_problem})
    if amount_value > unspent:
        raise ValidationError({"amount": f"Beløbet kan højst være det uforbrugte beløb, {_kr(unspent)}."})
    lookup = {"cluster_year": cluster_year, "party_kind": party_kind}
    lookup.update({"municipality": municipality} if party_kind == PartyKind.MUNICIPALITY else {"region": region})
    commitment = CarryOverCommitment.objects.filter(**lookup).first() or CarryOverCommitment(**lookup)
    commitment.amount = amount_value
    commitment.committed_by = committed_by
    commitment.committed_on = committed_on
    commitment.note = note
    commitment.recorded_by = by
    commitment.full_clean()
    _save(commitment, by)
    return commitment


def _may_close_role(user, cluster_year) -> bool:
    """The role and scope part of «close_year», whatever the status (a closed year is left alone)."""
    return role_of(user) in PERMISSIONS["close_year"][0] and has_permission(user, "view_accounts", cluster_year)


@transaction.atomic
def year_close(*, cluster_year, by) -> ClusterYear:
    """Close the year: record it, and carry each committed amount to next year's funding.

    Idempotent: a closed year is left as it is and nothing is created twice (the OneToOne
    ``carried_from`` makes a second carry-over line impossible in the database). Returns next year.
    """
    from accounts.selectors import unspent_by_party

    cluster_year = _lock(cluster_year)
    if cluster_year.is_closed:
        if not _may_close_role(by, cluster_year):
            raise PermissionDenied("Du har ikke adgang til denne handling.")
    else:
        require_permission(by, "close_year", cluster_year)
        unspent = unspent_by_party(cluster_year)
        too_much = [
            c for c in cluster_year.commitments.select_related("municipality", "region")
            if c.amount > unspent.get(c.party_key, Decimal("0.00"))
        ]
        if too_much:
            raise ValidationError([
                f"{c.party_label}: tilsagnet {_kr(c.amount)} er større end det uforbrugte beløb "
                f"{_kr(unspent.get(c.party_key, Decimal('0.00')))}."
                for c in too_much
            ])
        cluster_year.closed_at = timezone.now()
        cluster_year.closed_by = by
        _save(cluster_year, by, update_fields=["closed_at", "closed_by"])
        StatusChange.objects.create(
            cluster_year=cluster_year, action=StatusChange.Action.CLOSE_YEAR,
            from_status=cluster_year.status, to_status=cluster_year.status, by=by,
            comment=f"Året {cluster_year.year} afsluttet",
        )
    next_year = cluster_year_get_or_create(cluster=cluster_year.cluster, year=cluster_year.year + 1)
    text = f"Videreført fra {cluster_year.year}"
    for commitment in cluster_year.commitments.all():
        line = FundingLine.objects.filter(carried_from=commitment).first()
        if line is None:
            line = FundingLine(
                cluster_year=next_year, source=FundingSource.CARRYOVER, party_kind=commitment.party_kind,
                municipality_id=commitment.municipality_id, region_id=commitment.region_id,
                allocated=None, paid=commitment.amount, text=text, carried_from=commitment,
            )
            line.full_clean(validate_constraints=False, validate_unique=False)
            try:
                with transaction.atomic():
                    _save(line, by)
            except IntegrityError:
                pass  # created by a concurrent close: the database keeps one
        elif line.paid != commitment.amount and not next_year.is_closed:
            line.paid = commitment.amount  # the commitment changed while the year was reopened
            _save(line, by, update_fields=["paid"])
    return next_year


@transaction.atomic
def year_reopen(*, cluster_year, by, reason: str) -> ClusterYear:
    """Reopen a closed year (administrators only, with a reason); recorded as a status change."""
    cluster_year = _lock(cluster_year)
    require_permission(by, "reopen_year", cluster_year)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Angiv en begrundelse for genåbningen."})
    if not cluster_year.is_closed:
        raise ValidationError(f"Året {cluster_year.year} er ikke afsluttet.")
    cluster_year.closed_at = None
    cluster_year.closed_by = None
    _save(cluster_year, by, update_fields=["closed_at", "closed_by"])
    StatusChange.objects.create(
        cluster_year=cluster_year, action=StatusChange.Action.REOPEN_YEAR,
        from_status=cluster_year.status, to_status=cluster_year.status, by=by, comment=reason,
    )
    return cluster_year
