"""Ledger entries: the one place that validates a row, books it, and reverses it.

``check_entry_rows`` holds every rule of an entry (the form, ``entry_create``,
``entries_create_bulk`` and the Excel import all go through it); each problem
names the field it is about, so a form or a spreadsheet cell can show it where
it belongs. Entries are never edited or deleted: a correction is a reversal
plus a new entry.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import ClusterYear, CostKind, Entry, EntryKind, Initiative, PartyKind
from accounts.services import budget_control
from accounts.services.locking import cluster_year_lock
from accounts.services.parties import party_of, party_problem
from accounts.validators import account_code_problem
from geography.models import Municipality
from geography.selectors import cluster_municipalities
from klyngeportal.formats import NumberMode, NumberProblem, parse_danish_number
from users.access import require_permission

BULK_BATCH_SIZE = 2000
MIN_AMOUNT = Decimal("0.01")
MAX_LENGTH = {"voucher": (60, "Bilagsreferencen"), "text": (255, "Teksten"), "account_code": (40, "Kontonummeret")}
KINDS, COST_KINDS = tuple(EntryKind.values), tuple(CostKind.values)  # the enums build a new list per use


@dataclass(frozen=True)
class EntryProblem:
    """One problem of one row: ``field`` is the row key it is about ("party" for the party), None for the row."""

    row_number: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"Række {self.row_number}: {self.message}" if self.row_number is not None else self.message


class EntryRowsRefused(ValidationError):
    """Rows refused by ``entries_create_bulk``: messages «Række N: …», and the problems themselves."""

    def __init__(self, problems: list[EntryProblem]):
        super().__init__([str(p) for p in problems])
        self.problems = problems


@dataclass
class EntryContext:
    """What validating entries for one cluster-year needs, loaded once (no per-row queries)."""

    cluster_year: ClusterYear
    initiatives: dict[int, Initiative]
    members: dict[int, Municipality]
    members_by_code: dict[int, Municipality] = field(default_factory=dict)
    # Answers per distinct value, so that a rule is worked out once per value, not once per row.
    parties: dict = field(default_factory=dict)
    account_problems: dict = field(default_factory=dict)

    @classmethod
    def load(cls, cluster_year: ClusterYear) -> EntryContext:
        year = cluster_year.year
        initiatives = {i.pk: i for i in Initiative.objects.filter(cluster_id=cluster_year.cluster_id).running_in(year)}
        members = cluster_municipalities(cluster_year.cluster, year)
        return cls(cluster_year, initiatives, members, {m.code: m for m in members.values()})


def _pk(row: dict, name: str):
    """A row may carry a model instance (`initiative`) or a key (`initiative_id`)."""
    value = row.get(name)
    if value is not None and value != "":
        return getattr(value, "pk", value)
    return row.get(f"{name}_id") or None


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1


def _row_party(ctx: EntryContext, row: dict):
    """The row's party; DST codes (``municipality_code``/``region_code``) are accepted as well as pks."""
    cy = ctx.cluster_year
    municipality_id = _pk(row, "municipality")
    if municipality_id is None and row.get("municipality_code"):
        member = ctx.members_by_code.get(_int_or_none(row["municipality_code"]))
        municipality_id = member.pk if member else -1
    region_id = _pk(row, "region")
    if region_id is None and row.get("region_code"):
        region_id = cy.cluster.region_id if _int_or_none(row["region_code"]) == cy.cluster.region.code else -1
    return party_of(row.get("party_kind") or "", _int_or_none(municipality_id), _int_or_none(region_id))


def _check_row(ctx: EntryContext, row: dict, number: int | None) -> tuple[dict | None, list[EntryProblem]]:
    """Validate one row against the rules; the entry's field values, or the problems with their fields."""
    cy = ctx.cluster_year
    problems: list[EntryProblem] = []

    def problem(field_name: str | None, message: str) -> None:
        problems.append(EntryProblem(number, field_name, message))

    initiative_id = _int_or_none(_pk(row, "initiative"))
    if initiative_id == -1:
        initiative_id = None  # not a key at all: as if none was chosen
    initiative = ctx.initiatives.get(initiative_id) if initiative_id else None
    if initiative_id is None:
        problem("initiative", "Vælg en indsats.")
    elif initiative is None:
        problem("initiative", f"Indsatsen hører ikke til {cy.cluster.name} eller kører ikke i {cy.year}.")

    party, party_message = _party_answer(ctx, row)
    if party_message:
        problem("party", party_message)

    booking_date = row.get("booking_date")
    if isinstance(booking_date, datetime.datetime):
        booking_date = booking_date.date()
    if not isinstance(booking_date, datetime.date):
        problem("booking_date", "Bogføringsdato mangler eller er ugyldig.")
    elif booking_date.year != cy.year:
        problem("booking_date", f"Bogføringsdatoen {booking_date:%d.%m.%Y} ligger ikke i regnskabsåret {cy.year}.")

    kind = row.get("kind")
    if kind not in KINDS:
        problem("kind", "Arten skal være udgift eller indtægt.")
    cost_kind = row.get("cost_kind")
    if cost_kind not in COST_KINDS:
        problem("cost_kind", "Vælg omkostningstype: udvikling, sekretariatsbetjening eller drift.")

    amount = row.get("amount")
    try:
        amount = parse_danish_number("" if amount is None else amount, mode=NumberMode.MONEY, minimum=MIN_AMOUNT)
    except NumberProblem as exc:
        problem("amount", exc.message)

    texts = {name: (row.get(name) or "").strip() for name in MAX_LENGTH}
    if party.kind in (PartyKind.MUNICIPALITY, PartyKind.REGION):
        code_key = (texts["account_code"], party.kind)
        if code_key not in ctx.account_problems:
            ctx.account_problems[code_key] = account_code_problem(*code_key)
        if ctx.account_problems[code_key]:
            problem("account_code", ctx.account_problems[code_key])
    for name, (limit, label) in MAX_LENGTH.items():
        if len(texts[name]) > limit:
            problem(name, f"{label} må højst være {limit} tegn.")

    if problems:
        return None, problems
    is_municipality, is_region = party.kind == PartyKind.MUNICIPALITY, party.kind == PartyKind.REGION
    return {
        "initiative_id": initiative.pk, "party_kind": party.kind,
        "municipality_id": party.municipality_id if is_municipality else None,
        "region_id": cy.cluster.region_id if is_region else None,
        "booking_date": booking_date, "kind": kind, "amount": amount, "cost_kind": cost_kind, **texts,
    }, []


def _party_answer(ctx: EntryContext, row: dict):
    """The row's party and its problem (None if fine), worked out once per distinct party of the rows."""
    key = (row.get("party_kind"), _pk(row, "municipality"), row.get("municipality_code"), _pk(row, "region"),
           row.get("region_code"))
    try:
        answer = ctx.parties.get(key)
    except TypeError:  # an unhashable value: no shortcut, the same answer
        key, answer = None, None
    if answer is None:
        party = _row_party(ctx, row)
        answer = (party, party_problem(ctx.cluster_year, party, ctx.members))
        if key is not None:
            ctx.parties[key] = answer
    return answer


def _entry_of(ctx: EntryContext, values: dict) -> Entry:
    """The unsaved entry of a checked row, with its cluster-year, initiative and party rows attached."""
    cy = ctx.cluster_year
    return Entry(
        cluster_year=cy, initiative=ctx.initiatives[values["initiative_id"]], party_kind=values["party_kind"],
        municipality=ctx.members.get(values["municipality_id"]) if values["municipality_id"] else None,
        region=cy.cluster.region if values["region_id"] else None,
        **{name: values[name] for name in ("booking_date", "kind", "amount", "cost_kind", *MAX_LENGTH)},
    )


def _check_rows(ctx: EntryContext, rows, *, numbered: bool) -> tuple[list[dict], list[EntryProblem]]:
    """The checked rows (field values by attribute name) and the problems of the others."""
    checked, problems = [], []
    for index, row in enumerate(rows, start=1):
        number = row.get("row_number", index) if numbered else row.get("row_number")
        values, row_problems = _check_row(ctx, row, number)
        if row_problems:
            problems.extend(row_problems)
        else:
            checked.append(values)
    return checked, problems


def check_entry_rows(*, cluster_year: ClusterYear, rows) -> tuple[list[Entry], list[EntryProblem]]:
    """Check rows against every rule of an entry, without writing anything.

    Each row is a dict with the keyword names of ``entry_create`` (instances or ``*_id`` keys; also
    ``municipality_code``/``region_code`` as DST codes) and an optional ``row_number`` (else its
    position, from 1). Returns the unsaved entries of the good rows and the problems of the others.
    Two queries (the year's initiatives and the cluster's members), however many rows.
    """
    ctx = EntryContext.load(cluster_year)
    checked, problems = _check_rows(ctx, rows, numbered=True)
    return [_entry_of(ctx, values) for values in checked], problems


def _check_batch(cluster_year: ClusterYear, import_batch) -> None:
    if import_batch is not None and import_batch.cluster_year_id != cluster_year.pk:
        raise ValidationError("Importen hører til et andet klyngeregnskab.")


@transaction.atomic
def entry_create(
    *, cluster_year, initiative, party_kind, municipality=None, region=None, booking_date, kind, amount,
    account_code, voucher="", text="", cost_kind, created_by, import_batch=None, confirmed: bool = False,
) -> Entry:
    """Book one entry. Raises PermissionDenied (access, status, closed year) or ValidationError (Danish).

    The ValidationError is keyed by field (``party`` for the party), as ``EntryProblem.field``. Then the
    budget control (``accounts.services.budget_control``): an entry that overruns a budget is refused
    under «Stop» (``BudgetStopped``, on ``amount``); under «Advar», and for a large entry, it is booked
    only with ``confirmed=True`` (else ``ConfirmationNeeded``, on ``confirm``), and the confirmation is
    recorded with the entry.
    """
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(created_by, "edit_accounts", cluster_year)
    _check_batch(cluster_year, import_batch)
    row = {
        "initiative": initiative, "party_kind": party_kind, "municipality": municipality, "region": region,
        "booking_date": booking_date, "kind": kind, "amount": amount, "account_code": account_code,
        "voucher": voucher, "text": text, "cost_kind": cost_kind,
    }
    ctx = EntryContext.load(cluster_year)
    checked, problems = _check_rows(ctx, [row], numbered=False)
    if problems:
        errors: dict[str, list[str]] = {}
        for p in problems:
            errors.setdefault(p.field or NON_FIELD_ERRORS, []).append(p.message)
        raise ValidationError(errors)
    state = budget_control.BudgetState.load(cluster_year)
    found = budget_control.decide(state, budget_control.overruns(state, checked), confirmed=confirmed)
    entry = _entry_of(ctx, checked[0])
    entry.created_by = created_by
    entry.import_batch = import_batch
    entry.full_clean()
    entry.save()
    if found:
        budget_control.confirmation_record(cluster_year=cluster_year, by=created_by, found=found, entry=entry)
    return entry


@transaction.atomic
def entries_create_bulk(*, cluster_year, rows: list[dict], created_by, import_batch=None) -> list[Entry]:
    """Book many entries at once (the Excel import): all or nothing, a fixed number of queries.

    Rows as for ``check_entry_rows``. Raises ``EntryRowsRefused`` listing every problem as «Række N: ...».
    """
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(created_by, "edit_accounts", cluster_year)
    _check_batch(cluster_year, import_batch)
    if not rows:
        return []
    checked, problems = _check_rows(EntryContext.load(cluster_year), rows, numbered=True)
    if problems:
        raise EntryRowsRefused(problems)
    common = {"id": None, "cluster_year_id": cluster_year.pk, "reverses_id": None, "created_by_id": created_by.pk,
              "import_batch_id": import_batch.pk if import_batch is not None else None, "created_at": timezone.now()}
    # Each entry once, as its column values in the model's order: no model instance per row before the insert.
    attnames = [f.attname for f in Entry._meta.concrete_fields]
    rows_of_values = [[merged[name] for name in attnames] for merged in ({**common, **v} for v in checked)]
    if connection.vendor == "postgresql":
        return _copy_entries(attnames, rows_of_values)
    entries = [Entry(*values) for values in rows_of_values]
    return Entry.objects.bulk_create(entries, batch_size=BULK_BATCH_SIZE)


def _copy_entries(attnames: list[str], rows_of_values: list[list]) -> list[Entry]:
    """PostgreSQL: the rows with ids taken from the table's sequence, in one COPY (psycopg's ``Cursor.copy``).

    Two statements however many rows; the entries come back as ``Entry.from_db`` of the values written.
    """
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(rows_of_values)])
        ids = sorted(pk for (pk,) in cursor.fetchall())
    id_index = attnames.index("id")
    columns = ", ".join(connection.ops.quote_name(Entry._meta.get_field(name).column) for name in attnames)
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for pk, values in zip(ids, rows_of_values, strict=True):
            values[id_index] = pk
            copy.write_row(values)
    return [Entry.from_db(connection.alias, attnames, values) for values in rows_of_values]


def _reversal_of(entry: Entry, *, cluster_year, by, text: str) -> Entry:
    return Entry(
        cluster_year=cluster_year, initiative_id=entry.initiative_id, party_kind=entry.party_kind,
        municipality_id=entry.municipality_id, region_id=entry.region_id, booking_date=entry.booking_date,
        kind=entry.kind, amount=-entry.amount, account_code=entry.account_code, voucher=entry.voucher,
        text=text[:255], cost_kind=entry.cost_kind, reverses=entry, created_by=by,
    )


def _rebooking_of(entry: Entry, *, by) -> Entry:
    """A new entry equal to ``entry`` (booked again when the import that reversed it is undone)."""
    return Entry(
        cluster_year_id=entry.cluster_year_id, initiative_id=entry.initiative_id, party_kind=entry.party_kind,
        municipality_id=entry.municipality_id, region_id=entry.region_id, booking_date=entry.booking_date,
        kind=entry.kind, amount=entry.amount, account_code=entry.account_code, voucher=entry.voucher,
        text=entry.text, cost_kind=entry.cost_kind, created_by=by,
    )


@transaction.atomic
def entry_reverse(*, entry, by, text: str = "", import_batch=None) -> Entry:
    """Reverse an entry: same fields, negated amount, linked by ``reverses``. Both rows stay.

    ``import_batch``: the import that reverses it (a changed or removed row of a workbook), recorded on
    the reversal when it is inserted (entries are never updated), so that undoing the import re-books it.
    """
    cluster_year = cluster_year_lock(entry.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if import_batch is not None:
        _check_batch(cluster_year, import_batch)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ValidationError("En tilbageførsel kan ikke tilbageføres; bogfør i stedet en ny postering.")
    if Entry.objects.filter(reverses=entry).exists():
        raise ValidationError("Posteringen er allerede tilbageført.")
    label = entry.voucher or f"postering {entry.pk}"
    reversal = _reversal_of(
        entry, cluster_year=cluster_year, by=by, text=text.strip() or f"Tilbageførsel af {label}: {entry.text}",
    )
    reversal.import_batch = import_batch
    reversal.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError as exc:  # a concurrent reversal won the race (OneToOne reverses)
        raise ValidationError("Posteringen er allerede tilbageført.") from exc
    return reversal


REBOOK_REFUSED = (
    "Nogle af importens posteringer er siden tilbageført eller rettet, så "
    "de posteringer, importen erstattede, ville tælle dobbelt, hvis de blev bogført igen. "
    "Ret i stedet regnskabet med enkelte posteringer."
)


def batch_entries_problem(batch, *, rebook: bool) -> str | None:
    """Why the import's entries cannot be undone (None: they can): a later booking reversed one of them while
    the import reversed others (``rebook``), which booking again would count twice."""
    if rebook and Entry.objects.filter(import_batch=batch, reverses__isnull=True, reversed_by__isnull=False).exists():
        return REBOOK_REFUSED
    return None


def reverse_batch_entries(batch, *, cluster_year, by) -> tuple[list[Entry], int]:
    """The ledger part of undoing an import (inside ``import_batch_undo``'s transaction and checks): a reversal
    of each of its entries not reversed yet, and the entries it reversed booked again, equal to the originals.
    Returns the reversals and how many were booked again."""
    rebook = list(Entry.objects.filter(reversed_by__import_batch=batch).order_by("pk"))
    originals = Entry.objects.filter(import_batch=batch, reverses__isnull=True, reversed_by__isnull=True)
    text = f"Tilbageførsel af import {batch.filename}"
    reversals = [_reversal_of(e, cluster_year=cluster_year, by=by, text=text) for e in originals]
    created = Entry.objects.bulk_create(reversals, batch_size=BULK_BATCH_SIZE)
    if rebook:
        Entry.objects.bulk_create([_rebooking_of(e, by=by) for e in rebook], batch_size=BULK_BATCH_SIZE)
    return created, len(rebook)


def import_batch_reverse(*, import_batch, by) -> list[Entry]:
    """Undo a whole import (``accounts.services.import_undo.import_batch_undo``: its entries, budget lines,
    commitments and new initiatives, or nothing); returns the reversals of its entries."""
    from accounts.services.import_undo import import_batch_undo

    return import_batch_undo(import_batch=import_batch, by=by).reversals
