"""Funding of a cluster-year: start-up contributions from the allocation, local funds, the split of a joint line."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import FundingLine, FundingSource, PartyKind
from accounts.services.amounts import NOT_NEGATIVE, kr, money
from accounts.services.locking import cluster_year_lock, save_recording
from accounts.services.parties import party_of, party_problem
from geography.selectors import cluster_municipalities
from klyngeportal.formats import CENT
from users.access import require_permission

SPLIT_PREFIX = "Fordelt på kommuner"


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
    cluster_year = cluster_year_lock(cluster_year)
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
        amount = Decimal(c.amount).quantize(CENT)  # the allocation computes in whole kroner or finer
        line = FundingLine(
            cluster_year=cluster_year, source=FundingSource.STARTUP, party_kind=c.party_kind,
            municipality=c.municipality, region=c.region, allocated=amount, paid=amount,
            text="Foreslået fra fordelingen; ret indbetalt beløb til det faktisk indbetalte",
        )
        if round_ is not None:
            line.allocation_round_id = getattr(round_, "pk", round_)
        line.full_clean(validate_constraints=False)
        save_recording(line, by)
        lines.append(line)
    return lines


@transaction.atomic
def funding_line_create(*, cluster_year, by, source, party_kind, municipality=None, region=None, paid,
                        allocated=None, text="") -> FundingLine:
    """Add local funds (decentrale midler) or a start-up contribution entered by hand."""
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if source == FundingSource.CARRYOVER:
        raise ValidationError({"source": "Videreførte midler oprettes ved årsafslutningen af det forrige år."})
    problem = party_problem(
        cluster_year, party_of(party_kind, municipality, region),
        cluster_municipalities(cluster_year.cluster, cluster_year.year),
    )
    if problem:
        raise ValidationError({"party": problem})
    line = FundingLine(
        cluster_year=cluster_year, source=source, party_kind=party_kind, municipality=municipality,
        region=region, text=text,
        paid=money(paid, field="paid", label="Det indbetalte beløb", minimum=NOT_NEGATIVE),
        allocated=None if allocated in (None, "") else money(
            allocated, field="allocated", label="Det tildelte beløb", minimum=NOT_NEGATIVE,
        ),
    )
    line.full_clean()
    save_recording(line, by)
    return line


@transaction.atomic
def funding_line_update(*, line, by, paid, text=None) -> FundingLine:
    """Correct what was actually paid on a line (the allocated amount stays as allocated)."""
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    if line.source == FundingSource.CARRYOVER:
        raise ValidationError("Et videreført beløb følger tilsagnet og rettes der.")
    line.paid = money(paid, field="paid", label="Det indbetalte beløb", minimum=NOT_NEGATIVE)
    if text is not None:
        line.text = text
    line.full_clean()
    save_recording(line, by)
    return line


@transaction.atomic
def funding_split(*, line, by, amounts: dict, accept_difference: bool = False) -> list[FundingLine]:
    """Split a «municipalities jointly» start-up line into lines per municipality as actually paid.

    ``amounts`` maps funding municipalities (instances or pks) to the paid amount. The joint line stays
    for its allocated amount with paid 0, so the page shows allocated against paid and any difference.
    """
    cluster_year = cluster_year_lock(line.cluster_year)
    require_permission(by, "edit_accounts", cluster_year)
    line = FundingLine.objects.select_for_update().get(pk=line.pk)
    if line.party_kind != PartyKind.MUNICIPALITIES_JOINTLY:
        raise ValidationError("Kun en linje for klyngens kommuner samlet kan fordeles på kommuner.")
    if line.paid == 0 and line.text.startswith(SPLIT_PREFIX):
        raise ValidationError("Linjen er allerede fordelt på kommuner.")
    funders = cluster_municipalities(cluster_year.cluster, cluster_year.year, funding_only=True)
    cleaned = {}
    for key, value in amounts.items():
        pk = getattr(key, "pk", key)
        if pk not in funders:
            raise ValidationError("Kun kommuner, der finansierer klyngen, kan få en andel.")
        amount = money(value, field=None, minimum=NOT_NEGATIVE)
        if amount > 0:
            cleaned[pk] = amount
    total = sum(cleaned.values(), Decimal("0.00"))
    target = line.allocated if line.allocated is not None else line.paid
    if total != target and not accept_difference:
        raise ValidationError(
            f"Andelene summerer til {kr(total)}, men den samlede linje er {kr(target)} "
            f"(forskel {kr(total - target)})."
        )
    created = []
    for pk, amount in cleaned.items():
        new = FundingLine(
            cluster_year=cluster_year, source=line.source, party_kind=PartyKind.MUNICIPALITY,
            municipality=funders[pk], paid=amount, allocated=None, allocation_round=line.allocation_round,
            text="Andel af kommunernes samlede bidrag, som indbetalt",
        )
        new.full_clean(validate_constraints=False)
        save_recording(new, by)
        created.append(new)
    line.paid = Decimal("0.00")
    line.text = f"{SPLIT_PREFIX} (i alt {kr(total)})"
    line.full_clean()
    save_recording(line, by)
    return created
