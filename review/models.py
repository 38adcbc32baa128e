"""Follow-up and evaluation (sections C and D).

The SSU of a region reviews each cluster's accounts (the status lives on
accounts.ClusterYear, every move in accounts.StatusChange), comments on them,
reads the evaluation of each initiative and decides whether it should spread
to other clusters. Evaluations with their decisions form the national
collection of good experiences.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from klyngeportal.formats import local_time


class Comment(models.Model):
    """One message in the review thread of a cluster-year."""

    cluster_year = models.ForeignKey(
        "accounts.ClusterYear", verbose_name="klyngeregnskab", on_delete=models.CASCADE,
        related_name="review_comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="skrevet af", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("tidspunkt", auto_now_add=True)
    text = models.TextField("kommentar")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "kommentar"
        verbose_name_plural = "kommentarer"

    def __str__(self):
        return f"{self.author} {local_time(self.at)}"


class EvaluationStatus(models.TextChoices):
    PLANNED = "planned", "Planlagt"
    ONGOING = "ongoing", "I gang"
    COMPLETED = "completed", "Afsluttet"


class Evaluation(models.Model):
    """The evaluation of one initiative in one year: the five questions of section C and the result."""

    initiative = models.ForeignKey(
        "accounts.Initiative", verbose_name="indsats", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("år")
    challenge = models.TextField(
        "Hvilken udfordring skal indsatsen løse?",
    )
    success_criteria = models.TextField("Hvad er succeskriterierne?")
    measurement = models.TextField("Hvordan måles succes?")
    measured_when = models.CharField("Hvornår måles succes?", max_length=200)
    follow_up_responsible = models.CharField("Hvem er ansvarlig for opfølgningen?", max_length=200)
    result = models.TextField("resultat", blank=True)
    status = models.CharField(
        "status", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oprettet af", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="senest ændret af", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("senest ændret", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "initiative__cluster__region__code", "initiative__cluster__name", "initiative__name"]
        verbose_name = "evaluering"
        verbose_name_plural = "evalueringer"
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year"], name="evaluation_one_per_initiative_year"),
        ]

    def __str__(self):
        return f"Evaluering af {self.initiative} ({self.year})"

    def get_absolute_url(self):
        return reverse("review:evaluation_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.status == EvaluationStatus.COMPLETED and not self.result.strip():
            raise ValidationError({"result": "En afsluttet evaluering skal have et resultat."})


class SpreadingChoice(models.TextChoices):
    RECOMMENDED = "recommended", "Anbefales udbredt til andre klynger"
    NOT_RECOMMENDED = "not_recommended", "Anbefales ikke udbredt"
    MORE_EVIDENCE = "more_evidence", "Kræver mere viden"


class SpreadingDecision(models.Model):
    """The SSU's decision on spreading an evaluated initiative. The newest one is in force."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="evaluering", on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField("beslutning", max_length=16, choices=SpreadingChoice.choices)
    reasons = models.TextField("begrundelse")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="truffet af", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("tidspunkt", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        get_latest_by = ["at", "id"]
        verbose_name = "beslutning om udbredelse"
        verbose_name_plural = "beslutninger om udbredelse"

    def __str__(self):
        return f"{self.get_decision_display()} ({self.at:%d.%m.%Y})"
