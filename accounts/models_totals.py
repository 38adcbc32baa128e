"""The entries' sums kept by the database (``accounts.entry_totals`` installs the trigger).

Part of ``accounts.models`` (imported at its end, after ``Entry``: a ``dumpdata`` lists the entries
before their sums, which ``accounts.entry_totals.adopt_loaded_row`` relies on).
"""
from django.db import models

from accounts.models import ClusterYear, CostKind, EntryKind, Initiative, PartyFields


class EntryTotal(PartyFields):
    """The entries' sums per cluster-year, initiative, party, cost kind, kind and booking year.

    Kept by the database itself (``accounts.entry_totals``): a trigger on every insert into
    ``accounts_entry`` adds the new rows in the inserting transaction. Entries are insert-only, so the
    sums only grow; never written by the portal's code. Read by ``accounts.selectors.overview``.
    """

    # No index of their own: the unique key starts with the cluster-year.
    cluster_year = models.ForeignKey(ClusterYear, verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="+", db_index=False)
    initiative = models.ForeignKey(Initiative, verbose_name="indsats", on_delete=models.CASCADE, related_name="+", db_index=False)
    party_id = models.BigIntegerField("part-id")  # municipality_id or region_id: the unique key has no NULLs
    cost_kind = models.CharField("omkostningstype", max_length=16, choices=CostKind.choices)
    kind = models.CharField("art", max_length=8, choices=EntryKind.choices)
    booking_year = models.PositiveSmallIntegerField("bogføringsår")
    cents = models.BigIntegerField("sum i øre")  # the sum of the amounts in øre
    entries = models.PositiveIntegerField("posteringer")
    largest_cents = models.BigIntegerField("største beløb i øre")

    class Meta:
        verbose_name = "posteringssum"
        verbose_name_plural = "posteringssummer"
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "initiative", "party_kind", "party_id", "cost_kind", "kind", "booking_year"],
                name="entry_total_key",
            ),
        ]

    def __str__(self):
        return f"{self.cluster_year_id}/{self.initiative_id} {self.party_key} {self.cost_kind} {self.kind} {self.booking_year}"
