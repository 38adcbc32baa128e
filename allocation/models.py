"""Allocation rounds: a pot split between the municipal and the regional side, as data."""
from django.db import models
from django.db.models import Q
from django.urls import reverse


class PopulationBasis(models.TextChoices):
    FUNDING_POPULATION = "funding_population", "Klyngernes finansierende indbyggertal"
    MUNICIPALITY_QUARTER = "municipality_quarter", "Kommunernes indbyggertal (FOLK1A-kvartal)"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Kladde"
    PUBLISHED = "published", "Offentliggjort"


class AllocationRound(models.Model):
    year = models.PositiveSmallIntegerField("år")
    name = models.CharField("navn", max_length=120)
    slug = models.SlugField(unique=True)
    pot = models.DecimalField("pulje i alt (kr.)", max_digits=14, decimal_places=0)
    municipal_pot = models.DecimalField("kommunal andel (kr.)", max_digits=14, decimal_places=0)
    regional_pot = models.DecimalField("regional andel (kr.)", max_digits=14, decimal_places=0)
    population_basis = models.CharField(
        "befolkningsgrundlag", max_length=24, choices=PopulationBasis.choices,
        default=PopulationBasis.FUNDING_POPULATION,
    )
    reference_date = models.DateField("opgørelsesdato for indbyggertal")
    status = models.CharField("status", max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", verbose_name="kopieret fra", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "name"]
        verbose_name = "fordelingsrunde"
        verbose_name_plural = "fordelingsrunder"
        constraints = [
            models.CheckConstraint(
                condition=Q(municipal_pot__gte=0) & Q(regional_pot__gte=0), name="round_pots_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(pot=models.F("municipal_pot") + models.F("regional_pot")), name="round_pot_split_sums"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED

    def get_absolute_url(self):
        return reverse("allocation:round_detail", args=[self.slug])
