"""When an entry looks booked already: the one rule, for the entry form and the Excel import.

Two entries are the same when every field a user types is the same (the party by its key, the
amount to the øre, account, voucher and text without surrounding spaces). Only standing entries
count: a reversed entry and its reversal are not «booked».
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef

from accounts.models import Entry
from accounts.parties import party_key
from klyngeportal.formats import CENT

# The fields of ``entry_key``, as Entry's columns (the party as its three columns).
KEY_FIELDS = ("initiative_id", "party_kind", "municipality_id", "region_id", "booking_date", "kind",
              "amount", "account_code", "voucher", "text", "cost_kind")
DUPLICATE_MESSAGE = "ser ud til at være bogført allerede (samme indhold som en postering i portalen)"


def entry_key(initiative_id, key, booking_date, kind, amount, account_code, voucher, text, cost_kind):
    """What makes two entries the same (the party by its key)."""
    return (initiative_id, key, booking_date, kind, Decimal(amount).quantize(CENT), (account_code or "").strip(),
            (voucher or "").strip(), (text or "").strip(), cost_kind)


def standing_duplicate(cluster_year, *, initiative, party_kind, municipality=None, region=None, booking_date, kind,
                       amount, account_code, voucher="", text="", cost_kind) -> int | None:
    """The id of the first standing entry of the cluster-year with the same ``entry_key``, or None. One query.

    The database narrows by the exact columns; the texts are compared as ``entry_key`` compares them.
    """
    wanted = entry_key(getattr(initiative, "pk", initiative),
                       party_key(party_kind, getattr(municipality, "pk", municipality), getattr(region, "pk", region)),
                       booking_date, kind, amount, account_code, voucher, text, cost_kind)
    candidates = (
        Entry.objects.filter(cluster_year=cluster_year, initiative_id=wanted[0], booking_date=booking_date, kind=kind,
                             amount=wanted[4], cost_kind=cost_kind, reverses__isnull=True)
        .exclude(Exists(Entry.objects.filter(reverses=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", *KEY_FIELDS)
    )
    for pk, initiative_id, kind_of_party, mid, rid, *rest in candidates:
        if entry_key(initiative_id, party_key(kind_of_party, mid, rid), *rest) == wanted:
            return pk
    return None
