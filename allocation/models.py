"""Allocation rounds: a pot split between the municipal and the regional side, as data.

A round, its keys and its weights keep their history (django-simple-history): every write
through allocation.services records who made it.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from klyngeportal.formats import format_number


class PopulationBasis(models.TextChoices):
    FUNDING_POPULATION = "funding_population", "Klyngernes finansierende indbyggertal"
    MUNICIPALITY_QUARTER = "municipality_quarter", "Kommunernes indbyggertal (FOLK1A-kvartal)"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Kladde"
    PUBLISHED = "published", "Offentliggjort"


class AllocationRound(models.Model):
    year = models.PositiveSmallIntegerField("år")
    name = models.CharField("navn", max_length=120)
    slug = models.SlugField("kortnavn (i adressen)", unique=True)
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
        "self", verbose_name="kopieret fra",
        on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)
    description = models.TextField("beskrivelse", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oprettet af", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    published_at = models.DateTimeField("offentliggjort", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="offentliggjort af", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    history = HistoricalRecords()

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
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="published"), name="round_one_published_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("allocation:round_detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


KEY = {"max_digits": 13, "decimal_places": 12}
WEIGHT = {"max_digits": 14, "decimal_places": 6}


class WithinRegionBasis(models.TextChoices):
    POPULATION = "population", "Efter indbyggertal"
    WEIGHTS = "weights", "Efter regionens egne vægte pr. klynge"


class RegionKey(models.Model):
    """A region's block-grant key for health in a round, and how it splits its amount over its clusters."""

    round = models.ForeignKey(
        AllocationRound, verbose_name="fordelingsrunde", on_delete=models.CASCADE, related_name="region_keys",
    )
    region = models.ForeignKey(
        "geography.Region", verbose_name="region", on_delete=models.PROTECT, related_name="+",
    )
    key = models.DecimalField(
        "bloktilskudsnøgle", validators=[MinValueValidator(0), MaxValueValidator(1)], **KEY
    )
    within_region = models.CharField(
        "fordeling i regionen", max_length=12, choices=WithinRegionBasis.choices,
        default=WithinRegionBasis.POPULATION,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "region__code"]
        verbose_name = "regionsnøgle"
        verbose_name_plural = "regionsnøgler"
        constraints = [
            models.UniqueConstraint(fields=["round", "region"], name="region_key_unique"),
            models.CheckConstraint(condition=Q(key__gte=0) & Q(key__lte=1), name="region_key_between_0_and_1"),
        ]

    def __str__(self):
        return f"{self.round}: {self.region.name} {format_number(self.key, 12)}"


class ClusterWeight(models.Model):
    """A region's own weight for one of its clusters (used when the region splits by weights)."""

    round = models.ForeignKey(
        AllocationRound, verbose_name="fordelingsrunde", on_delete=models.CASCADE, related_name="cluster_weights",
    )
    cluster = models.ForeignKey(
        "geography.Cluster", verbose_name="sundhedsklynge", on_delete=models.PROTECT, related_name="+",
    )
    weight = models.DecimalField("vægt", validators=[MinValueValidator(0)], **WEIGHT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "cluster__region__code", "cluster__name"]
        verbose_name = "klyngevægt"
        verbose_name_plural = "klyngevægte"
        constraints = [
            models.UniqueConstraint(fields=["round", "cluster"], name="cluster_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="cluster_weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.round}: {self.cluster} {format_number(self.weight, 6)}"


class MunicipalityWeight(models.Model):
    """A weight per municipality that multiplies its population (e.g. a socio-economic health key)."""

    round = models.ForeignKey(
        AllocationRound, verbose_name="fordelingsrunde", on_delete=models.CASCADE, related_name="municipality_weights",
    )
    municipality = models.ForeignKey(
        "geography.Municipality", verbose_name="kommune", on_delete=models.PROTECT, related_name="+",
    )
    weight = models.DecimalField("vægt", validators=[MinValueValidator(0)], **WEIGHT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "municipality__code"]
        verbose_name = "kommunevægt"
        verbose_name_plural = "kommunevægte"
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="municipality_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="municipality_weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.round}: {self.municipality.name} {format_number(self.weight, 6)}"


class RowKind(models.TextChoices):
    CLUSTER = "cluster", "Klynge"
    REGION_SUBTOTAL = "region_subtotal", "Region i alt"
    TOTAL = "total", "I alt"


class PublishedRow(models.Model):
    """One row of an officially published table (Bilag 1, Table 1 for 2022), kept as printed."""

    round = models.ForeignKey(
        AllocationRound, verbose_name="fordelingsrunde", on_delete=models.CASCADE, related_name="published_rows",
    )
    position = models.PositiveSmallIntegerField("rækkefølge")
    row_kind = models.CharField("rækketype", max_length=16, choices=RowKind.choices)
    region = models.ForeignKey(
        "geography.Region", verbose_name="region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    cluster = models.ForeignKey(
        "geography.Cluster", verbose_name="sundhedsklynge",
        on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipalities_kr = models.DecimalField("kommuner (kr.)", max_digits=14, decimal_places=0)
    region_kr = models.DecimalField("region (kr.)", max_digits=14, decimal_places=0)
    total_kr = models.DecimalField("i alt (kr.)", max_digits=14, decimal_places=0)
    source = models.CharField("kilde", max_length=200)

    class Meta:
        ordering = ["round", "position"]
        verbose_name = "offentliggjort tabelrække"
        verbose_name_plural = "offentliggjorte tabelrækker"
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="published_row_position_unique"),
            models.CheckConstraint(
                condition=(Q(row_kind="cluster") & Q(cluster__isnull=False) & Q(region__isnull=False))
                | (Q(row_kind="region_subtotal") & Q(cluster__isnull=True) & Q(region__isnull=False))
                | (Q(row_kind="total") & Q(cluster__isnull=True) & Q(region__isnull=True)),
                name="published_row_kind_matches_refs",
            ),
        ]

    def __str__(self):
        where = self.cluster or self.region or "I alt"
        return f"{self.round}: {where}"
