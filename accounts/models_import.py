"""What an Excel import changed besides the ledger: one row per budget line, commitment or initiative.

Written once when the import is committed (``accounts.services.import_undo.import_changes_record``) and
never changed (insert-only in the database: klyngeportal/ledger_guard.py). Undoing the import
(``accounts.services.entries.import_batch_reverse``) reads them to put each thing back as it stood
before, and to refuse when someone changed it after the import.

``old`` and ``new`` are the values before and after the import as JSON (amounts as strings, øre exact;
dates ISO): empty ``old`` = the import created it, empty ``new`` = the import removed it. A budget line
is named by its initiative, source and party, a commitment by its party (a removed or re-created row
gets another id), an initiative by its id.
"""
from django.db import models
from django.db.models import Q

from accounts.models import FundingSource, ImportBatch, PartyFields


class ImportChange(PartyFields):
    class Kind(models.TextChoices):
        BUDGET_LINE = "budget_line", "Budgetlinje"
        COMMITMENT = "commitment", "Tilsagn om videreførelse"
        INITIATIVE = "initiative", "Indsats"

    import_batch = models.ForeignKey(
        ImportBatch, verbose_name="import", on_delete=models.PROTECT, related_name="changes",
    )
    kind = models.CharField("art", max_length=16, choices=Kind.choices)
    # The initiative's id (a budget line's, or the new initiative's own); a plain number, so that removing
    # an initiative the import created is not held back by its record.
    initiative_ref = models.BigIntegerField("indsats-id", null=True, blank=True)
    source = models.CharField("kilde", max_length=16, choices=FundingSource.choices, blank=True)
    label = models.CharField("betegnelse", max_length=400)
    old = models.JSONField("før", null=True, blank=True)
    new = models.JSONField("efter", null=True, blank=True)

    class Meta:
        ordering = ["import_batch", "id"]
        verbose_name = "ændring ved import"
        verbose_name_plural = "ændringer ved import"
        constraints = [
            models.CheckConstraint(condition=Q(old__isnull=False) | Q(new__isnull=False),
                                   name="import_change_changes"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}"

    @property
    def action(self) -> str:
        """«created», «removed» or «changed»."""
        if self.old is None:
            return "created"
        return "removed" if self.new is None else "changed"
