"""The budget of a cluster-year: its lines (with their history), the original budget taken at the first
submission, the revisions after it, and the phasing of a line over the months.

Part of ``accounts.models`` (imported at its end, so ``from accounts.models import BudgetLine`` serves).
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import MONEY, ClusterYear, FundingSource, Initiative, PartyFields, party_constraints


class BudgetLine(PartyFields):
    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="budget_lines",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="indsats", on_delete=models.PROTECT, related_name="budget_lines",
    )
    source = models.CharField("kilde", max_length=16, choices=FundingSource.choices)
    amount = models.DecimalField("budget", **MONEY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster_year", "initiative__name", "id"]
        verbose_name = "budgetlinje"
        verbose_name_plural = "budgetlinjer"
        constraints = [
            *party_constraints("budget", allow_joint=False),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
            # Conditional unique constraints, because NULLs never clash in a plain one.
            models.UniqueConstraint(
                fields=["cluster_year", "initiative", "source", "municipality"],
                condition=Q(party_kind="municipality"), name="budget_line_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["cluster_year", "initiative", "source", "region"],
                condition=Q(party_kind="region"), name="budget_line_unique_region",
            ),
        ]

    def __str__(self):
        return f"Budget {self.initiative}: {self.party_label}"


class OriginalBudgetLine(PartyFields):
    """The budget as it stood when the accounts were first submitted: the «Oprindeligt budget». Never changed.

    One row per budget line at that moment (``accounts.services.budget.budget_original_snapshot``); a line
    added later has no row here (its original budget is 0), a line removed later keeps its row.
    """

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="original_budget_lines",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="indsats", on_delete=models.PROTECT, related_name="+",
    )
    source = models.CharField("kilde", max_length=16, choices=FundingSource.choices)
    amount = models.DecimalField("oprindeligt budget", **MONEY)

    class Meta:
        ordering = ["cluster_year", "initiative__name", "id"]
        verbose_name = "oprindelig budgetlinje"
        verbose_name_plural = "oprindelige budgetlinjer"
        constraints = [*party_constraints("original_budget", allow_joint=False)]

    def __str__(self):
        return f"Oprindeligt budget {self.initiative}: {self.party_label}"


class BudgetRevision(PartyFields):
    """One change of a budget line after the original budget was taken: who, when, why, old → new.

    Append-only (klyngeportal.ledger_guard). ``old_amount`` is empty for a new line, ``new_amount`` for a
    removed one; the line's initiative, source and party (its key) are copied so the revision outlives it.
    """

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.PROTECT, related_name="budget_revisions",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="indsats", on_delete=models.PROTECT, related_name="+",
    )
    source = models.CharField("kilde", max_length=16, choices=FundingSource.choices)
    old_amount = models.DecimalField("før", null=True, blank=True, **MONEY)
    new_amount = models.DecimalField("efter", null=True, blank=True, **MONEY)
    reason = models.TextField("begrundelse", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="foretaget af", on_delete=models.PROTECT, related_name="+",
    )
    at = models.DateTimeField("tidspunkt", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "budgetrevision"
        verbose_name_plural = "budgetrevisioner"
        constraints = [
            *party_constraints("budget_revision", allow_joint=False),
            models.CheckConstraint(
                condition=Q(old_amount__isnull=False) | Q(new_amount__isnull=False), name="budget_revision_change",
            ),
        ]

    def __str__(self):
        return f"Budgetrevision {self.initiative}: {self.party_label}"

    @property
    def difference(self):
        return (self.new_amount or 0) - (self.old_amount or 0)


class BudgetMonth(models.Model):
    """The phasing of one budget line: its amount in one month. No rows for a line: spread equally."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name="budgetlinje", on_delete=models.CASCADE, related_name="months",
    )
    month = models.PositiveSmallIntegerField(
        "måned", validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    amount = models.DecimalField("beløb", **MONEY)

    class Meta:
        ordering = ["budget_line", "month"]
        verbose_name = "budget pr. måned"
        verbose_name_plural = "budget pr. måned"
        constraints = [
            models.UniqueConstraint(fields=["budget_line", "month"], name="budget_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budget_month_range"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_month_not_negative"),
        ]

    def __str__(self):
        return f"{self.budget_line} måned {self.month}"
