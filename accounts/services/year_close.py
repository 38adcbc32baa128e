"""The end of a year: commitments for unspent money, the close that carries them over, and the reopening."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    CarryOverCommitment,
    ClusterYear,
    FundingLine,
    FundingSource,
    ReviewStatus,
    StatusChange,
)
from accounts.selectors import unspent_by_party
from accounts.services.amounts import kr, money
from accounts.services.cluster_years import cluster_year_get_or_create
from accounts.services.locking import cluster_year_lock, save_recording
from accounts.services.parties import party_of, party_problem
from geography.selectors import cluster_municipalities
from users.access import NO_ACCESS, permission_problem, require_permission, role_may, role_of
from users.models import Role

ZERO = Decimal("0.00")


def commitment_exists_error(commitment: CarryOverCommitment) -> ValidationError:
    """The Danish refusal of a second commitment for a party that has one (code ``commitment_exists``)."""
    return ValidationError(
        f"{commitment.party_label} har allerede et tilsagn på {kr(commitment.amount)} givet af "
        f"{commitment.committed_by} den {commitment.committed_on:%d.%m.%Y}. Det eksisterende tilsagn "
        f"erstattes kun, når du bekræfter det.",
        code="commitment_exists",
    )


@transaction.atomic
def commitment_record(*, cluster_year, by, party_kind, municipality=None, region=None, amount,
                      committed_by, committed_on, note="", replace: bool = False) -> CarryOverCommitment:
    """Record a party's commitment to headroom for its unspent money; amount <= unspent.

    A party has at most one commitment per year. When it has one, the new commitment replaces it
    only with ``replace=True`` (the caller has confirmed it); else a ValidationError with code
    ``commitment_exists`` names the existing one. A replacement is a change in the commitment's
    history (reason «Erstattet»), with the old values kept in the earlier version.
    """
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "close_year", cluster_year)
    party = party_of(party_kind, municipality, region)
    problem = party_problem(cluster_year, party, cluster_municipalities(cluster_year.cluster, cluster_year.year))
    if problem:
        raise ValidationError({"party": problem})
    unspent = unspent_by_party(cluster_year).get(party.key, ZERO)
    amount_value = money(amount, field="amount")
    if amount_value > unspent:
        raise ValidationError({"amount": f"Beløbet kan højst være det uforbrugte beløb, {kr(unspent)}"})
    lookup = {"cluster_year": cluster_year, **party.lookup()}
    commitment = CarryOverCommitment.objects.filter(**lookup).first()
    if commitment is None:
        commitment = CarryOverCommitment(**lookup)
    elif not replace:
        raise commitment_exists_error(commitment)
    else:
        commitment._change_reason = "Erstattet"
        commitment.recorded_at = timezone.now()  # registered anew; the earlier version keeps the old time
    commitment.amount = amount_value
    commitment.committed_by = committed_by
    commitment.committed_on = committed_on
    commitment.note = note
    commitment.recorded_by = by
    commitment.full_clean()
    save_recording(commitment, by)
    return commitment


@transaction.atomic
def commitment_remove(*, commitment, by, reason: str = "") -> None:
    """Remove a party's commitment (when the import that recorded it is undone), under the rules of recording one.

    The history keeps it: simple-history records the deletion with ``by``, the time and ``reason``. A commitment
    already carried over to next year's funding stays (its funding line refers to it).
    """
    cluster_year = cluster_year_lock(commitment.cluster_year)
    require_permission(by, "close_year", cluster_year)
    if FundingLine.objects.filter(carried_from_id=commitment.pk).exists():
        raise ValidationError(f"Tilsagnet for {commitment.party_label} er videreført til næste års finansiering "
                              "og kan ikke fjernes.")
    commitment._history_user = by
    if reason:
        commitment._change_reason = reason
    commitment.delete()


def _record_close(cluster_year: ClusterYear, by, *, comment: str) -> None:
    unspent = unspent_by_party(cluster_year)
    too_much = [
        c for c in cluster_year.commitments.select_related("municipality", "region")
        if c.amount > unspent.get(c.party_key, ZERO)
    ]
    if too_much:
        raise ValidationError([
            f"{c.party_label}: tilsagnet {kr(c.amount)} er større end det uforbrugte beløb "
            f"{kr(unspent.get(c.party_key, ZERO))}."
            for c in too_much
        ])
    cluster_year.closed_at = timezone.now()
    cluster_year.closed_by = by
    save_recording(cluster_year, by, update_fields=["closed_at", "closed_by"])
    StatusChange.objects.create(
        cluster_year=cluster_year, action=StatusChange.Action.CLOSE_YEAR,
        from_status=cluster_year.status, to_status=cluster_year.status, by=by, comment=comment,
    )


def _carry_over(cluster_year: ClusterYear, next_year: ClusterYear, by) -> None:
    """One carry-over line per commitment (the OneToOne ``carried_from`` keeps it one in the database)."""
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
                    save_recording(line, by)
            except IntegrityError:
                pass  # created by a concurrent close: the database keeps one
        elif line.paid != commitment.amount and not next_year.is_closed:
            line.paid = commitment.amount  # the commitment changed while the year was reopened
            save_recording(line, by, update_fields=["paid"])


def close_problem(user, cluster_year) -> str | None:
    """Why the user may not close the year now (None if they may); the reason in Danish.

    On top of the access table (``close_year``): a secretariat closes only accounts the SSU has approved;
    an administrator may close before the approval, giving a reason (``year_close(reason=...)``).
    """
    problem = permission_problem(user, "close_year", cluster_year)
    if problem or cluster_year.status == ReviewStatus.APPROVED or role_of(user) == Role.ADMIN:
        return problem
    return (f"Året kan først afsluttes, når SSU har godkendt regnskabet; det har status "
            f"«{cluster_year.get_status_display()}». Indsend regnskabet til godkendelse, eller bed en "
            f"administrator om at afslutte året med en begrundelse.")


@transaction.atomic
def year_close(*, cluster_year, by, reason: str = "") -> ClusterYear:
    """Close the year: record it, and carry each committed amount to next year's funding.

    A secretariat closes once the SSU has approved the accounts; an administrator may close before, with
    a ``reason`` that is recorded on the status change (``close_problem``). Idempotent: a closed year is
    left as it is and nothing is created twice (the OneToOne ``carried_from`` makes a second carry-over
    line impossible in the database). Returns next year.
    """
    cluster_year = cluster_year_lock(cluster_year)
    if cluster_year.is_closed:
        # Closing again only completes the carry-over; it needs the role, not an open year.
        if not role_may(by, "close_year", cluster_year.cluster):
            raise PermissionDenied(NO_ACCESS)
    else:
        problem = close_problem(by, cluster_year)
        if problem:
            raise PermissionDenied(problem)
        comment = f"Året {cluster_year.year} afsluttet"
        if cluster_year.status != ReviewStatus.APPROVED:
            reason = (reason or "").strip()
            if not reason:
                raise ValidationError({"reason": (
                    f"Regnskabet er ikke godkendt af SSU (status «{cluster_year.get_status_display()}»): "
                    "angiv en begrundelse for at afslutte året alligevel.")})
            comment += (f" før SSU's godkendelse (status «{cluster_year.get_status_display()}»). "
                        f"Begrundelse: {reason}")
        _record_close(cluster_year, by, comment=comment)
    next_year = cluster_year_get_or_create(cluster=cluster_year.cluster, year=cluster_year.year + 1)
    _carry_over(cluster_year, next_year, by)
    return next_year


@transaction.atomic
def year_reopen(*, cluster_year, by, reason: str) -> ClusterYear:
    """Reopen a closed year (administrators only, with a reason); recorded as a status change."""
    cluster_year = cluster_year_lock(cluster_year)
    require_permission(by, "reopen_year", cluster_year)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Angiv en begrundelse for genåbningen."})
    if not cluster_year.is_closed:
        raise ValidationError(f"Året {cluster_year.year} er ikke afsluttet.")
    cluster_year.closed_at = None
    cluster_year.closed_by = None
    save_recording(cluster_year, by, update_fields=["closed_at", "closed_by"])
    StatusChange.objects.create(
        cluster_year=cluster_year, action=StatusChange.Action.REOPEN_YEAR,
        from_status=cluster_year.status, to_status=cluster_year.status, by=by, comment=reason,
    )
    return cluster_year
