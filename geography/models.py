"""Regions, municipalities, clusters, memberships per year and populations.

The cluster map and every population belong to a year or a reference date:
2023 and later maps may differ, so nothing here is fixed in code.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from simple_history.models import HistoricalRecords

from klyngeportal.formats import format_inhabitants


class Region(models.Model):
    code = models.PositiveSmallIntegerField("DST-kode", unique=True)
    name = models.CharField("navn", max_length=60, unique=True)
    slug = models.SlugField("kortnavn (i adressen)", unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "region"
        verbose_name_plural = "regioner"

    def __str__(self):
        return f"Region {self.name}"

    def get_absolute_url(self):
        return reverse("geography:region_detail", args=[self.slug])


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField("kommunekode", unique=True)
    name = models.CharField("navn", max_length=60, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="region", on_delete=models.PROTECT, related_name="municipalities",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"

    def __str__(self):
        return f"{self.name} Kommune"

    def get_absolute_url(self):
        return reverse("geography:municipality_detail", args=[self.code])


class Cluster(models.Model):
    """A health cluster. Identified by region and name: three names repeat across regions."""

    region = models.ForeignKey(
        Region, verbose_name="region", on_delete=models.PROTECT, related_name="clusters",
    )
    name = models.CharField("navn", max_length=80)
    slug = models.SlugField("kortnavn (i adressen)")

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = "sundhedsklynge"
        verbose_name_plural = "sundhedsklynger"
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="cluster_unique_name_in_region"),
            models.UniqueConstraint(fields=["region", "slug"], name="cluster_unique_slug_in_region"),
        ]

    def __str__(self):
        return f"{self.name} ({self.region.name})"

    def get_absolute_url(self):
        return reverse("geography:cluster_detail", args=[self.region.slug, self.slug])


class MembershipKind(models.TextChoices):
    FUNDING = "funding", "Politisk og administrativ deltagelse, finansierer klyngen"
    SHARED_FUNDING = "shared_funding", "Politisk og administrativ deltagelse, delt finansiering (*)"
    ADMIN_ONLY = "admin_only", "Alene administrativ deltagelse, ingen finansiering (**)"
    POLITICAL_ADMIN_NO_FUNDING = (
        "political_admin_no_funding",
        "Politisk og administrativ deltagelse, ingen finansiering (***)",
    )


FUNDING_KINDS = (MembershipKind.FUNDING, MembershipKind.SHARED_FUNDING)


class Membership(models.Model):
    """A municipality's participation in a cluster in one year (Table 2)."""

    year = models.PositiveSmallIntegerField("år")
    cluster = models.ForeignKey(
        Cluster, verbose_name="sundhedsklynge", on_delete=models.PROTECT, related_name="memberships",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="kommune", on_delete=models.PROTECT, related_name="memberships",
    )
    kind = models.CharField("deltagelse", max_length=32, choices=MembershipKind.choices)
    table2_mark = models.CharField("markering i tabel 2", max_length=3, blank=True)
    # Only for shared funders (København): the part of the municipality's
    # population that funds this cluster. Unknown until derived or set: never a silent 50/50.
    funding_share = models.DecimalField(
        "finansieringsandel", max_digits=13, decimal_places=12, null=True, blank=True
    )

    # København's shares are set through allocation.shares.shares_save, which records who set them.
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "cluster__region__code", "cluster__name", "municipality__name"]
        verbose_name = "medlemskab"
        verbose_name_plural = "medlemskaber"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "cluster", "municipality"], name="membership_unique_per_year"
            ),
            models.UniqueConstraint(
                fields=["year", "municipality"],
                condition=Q(kind="funding"),
                name="membership_one_funding_cluster_per_year",
            ),
            models.CheckConstraint(
                condition=Q(funding_share__isnull=True) | Q(kind="shared_funding"),
                name="membership_share_only_when_shared",
            ),
            models.CheckConstraint(
                condition=Q(funding_share__isnull=True)
                | (Q(funding_share__gte=0) & Q(funding_share__lte=1)),
                name="membership_share_between_0_and_1",
            ),
        ]

    def __str__(self):
        return f"{self.municipality.name} i {self.cluster} ({self.year})"

    @property
    def funds_cluster(self) -> bool:
        return self.kind in FUNDING_KINDS

    def clean(self):
        errors = {}
        if self.cluster_id and self.municipality_id:
            if self.cluster.region_id != self.municipality.region_id:
                errors["cluster"] = "Klyngen og kommunen skal ligge i samme region."
            if self.kind in FUNDING_KINDS:
                others = Membership.objects.filter(
                    year=self.year, municipality_id=self.municipality_id, kind__in=FUNDING_KINDS
                ).exclude(pk=self.pk)
                if self.kind == MembershipKind.FUNDING and others.exists():
                    errors["kind"] = (
                        f"{self.municipality.name} finansierer allerede en anden klynge i {self.year}."
                    )
                if self.kind == MembershipKind.SHARED_FUNDING and others.filter(
                    kind=MembershipKind.FUNDING
                ).exists():
                    errors["kind"] = (
                        f"{self.municipality.name} finansierer allerede en klynge fuldt ud i {self.year}."
                    )
        if self.funding_share is not None and self.kind != MembershipKind.SHARED_FUNDING:
            errors["funding_share"] = "Kun en delt finansiering (*) har en finansieringsandel."
        if errors:
            raise ValidationError(errors)


def shared_share_problems(year: int) -> list[str]:
    """Shared funders whose shares are set but do not sum to exactly 1."""
    problems = []
    rows = (
        Membership.objects.filter(year=year, kind=MembershipKind.SHARED_FUNDING)
        .values("municipality__name")
        .annotate(total=Sum("funding_share"), n=models.Count("id"), n_set=models.Count("funding_share"))
    )
    for row in rows:
        if row["n_set"] == 0:
            continue  # not set yet: allowed, and shown as unknown
        if row["n_set"] != row["n"]:
            problems.append(
                f"{row['municipality__name']}: kun {row['n_set']} af {row['n']} andele er sat for {year}; "
                "sættes én, skal alle sættes, og de skal summere til 1."
            )
        elif row["total"] != Decimal("1"):
            total = format(Decimal(row["total"]).normalize(), "f").replace(".", ",")
            problems.append(f"{row['municipality__name']}: andelene for {year} summerer til {total}, ikke 1.")
    return problems


class ClusterFundingPopulation(models.Model):
    """A cluster's funding population on a reference date, apart from municipality populations.

    For 2022 these are the values Bilag 1, Table 1 implies (see geography/data/SOURCES.md).
    Klynge Syd and Klynge By carry København's split and so are not whole numbers.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name="sundhedsklynge", on_delete=models.PROTECT, related_name="funding_populations",
    )
    reference_date = models.DateField("opgørelsesdato")
    value = models.DecimalField(
        "finansierende indbyggertal", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    implied_min = models.DecimalField("nedre grænse", max_digits=13, decimal_places=3, null=True, blank=True)
    implied_max = models.DecimalField("øvre grænse", max_digits=13, decimal_places=3, null=True, blank=True)
    source = models.CharField("kilde", max_length=200)

    class Meta:
        ordering = ["reference_date", "cluster__region__code", "cluster__name"]
        verbose_name = "finansierende indbyggertal"
        verbose_name_plural = "finansierende indbyggertal"
        constraints = [
            models.UniqueConstraint(fields=["cluster", "reference_date"], name="funding_population_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="funding_population_not_negative"),
        ]

    def __str__(self):
        return f"{self.cluster}: {format_inhabitants(self.value)} pr. {self.reference_date:%d.%m.%Y}"


class PopulationQuarter(models.Model):
    """One loaded quarter of Statistics Denmark's FOLK1A (e.g. 2022K1 = 1 January 2022)."""

    code = models.CharField("kvartal", max_length=6, unique=True)
    reference_date = models.DateField("opgørelsesdato", unique=True)
    source_name = models.CharField("kildefil", max_length=255)
    source = models.CharField(
        "kilde", max_length=255, blank=True,
        help_text="Hvor tallene kommer fra, når det vides (fx de medfølgende referencedata).",
    )
    loaded_at = models.DateTimeField("indlæst", auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="indlæst af", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["reference_date"]
        verbose_name = "indlæst kvartal (FOLK1A)"
        verbose_name_plural = "indlæste kvartaler (FOLK1A)"

    def __str__(self):
        return self.code


class MunicipalityPopulation(models.Model):
    quarter = models.ForeignKey(
        PopulationQuarter, verbose_name="kvartal", on_delete=models.CASCADE, related_name="populations",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="kommune", on_delete=models.PROTECT, related_name="populations",
    )
    population = models.PositiveIntegerField("indbyggertal")

    class Meta:
        ordering = ["quarter", "municipality__code"]
        verbose_name = "indbyggertal"
        verbose_name_plural = "indbyggertal"
        constraints = [
            models.UniqueConstraint(fields=["quarter", "municipality"], name="population_unique_per_quarter"),
            models.CheckConstraint(condition=Q(population__gte=0), name="population_not_negative"),
        ]

    def __str__(self):
        return f"{self.municipality.name} {self.quarter.code}: {format_inhabitants(self.population)}"
