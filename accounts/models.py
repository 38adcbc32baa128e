"""The cluster accounts (klyngeregnskab).

The money stays in each municipality's and region's own books; these models
bring together, per cluster and year, what was funded, budgeted and spent, by
whom, on which initiative and area. Ledger entries are append-only: a
correction is a reversal linked to the original plus a new entry.

The ledger's core models stay together here (parties, cluster-years, initiatives, funding, entries,
confirmations, commitments); the budget, the entries' sums and the import's records have modules of
their own, imported at the end.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from klyngeportal.formats import format_kr, local_time

MONEY = {"max_digits": 14, "decimal_places": 2}


class PartyKind(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommune"
    REGION = "region", "Region"
    MUNICIPALITIES_JOINTLY = "municipalities", "Klyngens kommuner samlet"


def party_constraints(prefix: str, allow_joint: bool) -> list[models.CheckConstraint]:
    """Exactly one of municipality/region is set, matching party_kind."""
    allowed = (
        (Q(party_kind="municipality") & Q(municipality__isnull=False) & Q(region__isnull=True))
        | (Q(party_kind="region") & Q(region__isnull=False) & Q(municipality__isnull=True))
    )
    if allow_joint:
        allowed |= Q(party_kind="municipalities") & Q(municipality__isnull=True) & Q(region__isnull=True)
    return [models.CheckConstraint(condition=allowed, name=f"{prefix}_party_consistent")]


class PartyFields(models.Model):
    """Who: a municipality, the region, or (for proposed start-up funds) the cluster's municipalities jointly."""

    party_kind = models.CharField("part", max_length=16, choices=PartyKind.choices)
    municipality = models.ForeignKey(
        "geography.Municipality", verbose_name="kommune", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    region = models.ForeignKey(
        "geography.Region", verbose_name="region", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def party(self):
        """The row's party (accounts.parties.Party)."""
        from accounts.parties import Party

        return Party.of(self)

    @property
    def party_label(self) -> str:
        return self.party.label

    @property
    def party_key(self) -> str:
        """A stable key for grouping by party: 'm:101', 'r:1084' or 'joint'."""
        from accounts.parties import party_key

        return party_key(self.party_kind, self.municipality_id, self.region_id)


class InitiativeArea(models.Model):
    """Initiative areas are data per year (2022: section A's five areas and 'Andet')."""

    year = models.PositiveSmallIntegerField("år")
    name = models.CharField("navn", max_length=120)
    sort_order = models.PositiveSmallIntegerField("rækkefølge", default=0)

    class Meta:
        ordering = ["year", "sort_order", "name"]
        verbose_name = "indsatsområde"
        verbose_name_plural = "indsatsområder"
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="area_unique_per_year")]

    def __str__(self):
        return self.name


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Kladde"
    SUBMITTED = "submitted", "Indsendt"
    RETURNED = "returned", "Sendt retur"
    APPROVED = "approved", "Godkendt"


class BudgetControl(models.TextChoices):
    """What happens when an entry would take an initiative's or a party's spend above its budget."""

    STOP = "stop", "Stop"
    WARN = "warn", "Advar"
    NONE = "none", "Ingen kontrol"


class ClusterYear(models.Model):
    """One cluster's accounts for one year: the unit of review and of the year close."""

    cluster = models.ForeignKey(
        "geography.Cluster", verbose_name="sundhedsklynge", on_delete=models.PROTECT, related_name="years",
    )
    year = models.PositiveSmallIntegerField("år")
    status = models.CharField(
        "status", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    closed_at = models.DateTimeField("årsafsluttet", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="årsafsluttet af",
        on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    budget_control = models.CharField(
        "budgetkontrol", max_length=8, choices=BudgetControl.choices, default=BudgetControl.WARN
    )
    large_entry_share = models.DecimalField(
        "stor postering, andel af finansieringen (%)", max_digits=5, decimal_places=2, default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100.00"))],
    )
    # When the «Oprindeligt budget» was taken (the first submission); later budget changes are revisions.
    original_budget_at = models.DateTimeField("oprindeligt budget fastlagt", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "cluster__region__code", "cluster__name"]
        verbose_name = "klyngeregnskab"
        verbose_name_plural = "klyngeregnskaber"
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique")]

    def __str__(self):
        return f"{self.cluster.name} ({self.cluster.region.name}) {self.year}"

    def get_absolute_url(self):
        return reverse("accounts:cluster_year_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class StatusChange(models.Model):
    """Every move of a cluster-year: review transitions, year close and reopening."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Indsendt"
        RETURN = "return", "Sendt retur"
        APPROVE = "approve", "Godkendt"
        REOPEN_REVIEW = "reopen_review", "Genåbnet efter godkendelse"
        CLOSE_YEAR = "close_year", "Året afsluttet"
        REOPEN_YEAR = "reopen_year", "Året genåbnet"

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="status_changes",
    )
    action = models.CharField("handling", max_length=16, choices=Action.choices)
    from_status = models.CharField("fra status", max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField("til status", max_length=16, choices=ReviewStatus.choices)
    comment = models.TextField("kommentar", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="foretaget af", on_delete=models.PROTECT, related_name="+",
    )
    at = models.DateTimeField("tidspunkt", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "statusændring"
        verbose_name_plural = "statusændringer"

    def __str__(self):
        return f"{self.get_action_display()} ({local_time(self.at)})" if self.at else self.get_action_display()


class InitiativeQuerySet(models.QuerySet):
    def running_in(self, year: int):
        """The one definition of «the initiative runs in this year»."""
        return self.filter(first_year__lte=year, last_year__gte=year)


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", "Planlagt"
    ACTIVE = "active", "I gang"
    COMPLETED = "completed", "Afsluttet"
    STOPPED = "stopped", "Stoppet"


class Initiative(models.Model):
    """An initiative (indsats) of a cluster, running over one or more years."""

    class Responsible(models.TextChoices):
        MUNICIPALITY = "municipality", "En kommune"
        REGION = "region", "Regionen"
        CLUSTER = "cluster", "Klyngen i fællesskab"

    cluster = models.ForeignKey(
        "geography.Cluster", verbose_name="sundhedsklynge", on_delete=models.PROTECT, related_name="initiatives",
    )
    first_year = models.PositiveSmallIntegerField("første år")
    last_year = models.PositiveSmallIntegerField("sidste år")
    name = models.CharField("navn", max_length=200)
    area = models.ForeignKey(InitiativeArea, verbose_name="indsatsområde", on_delete=models.PROTECT)
    description = models.TextField("beskrivelse", blank=True)
    responsible = models.CharField(
        "ansvarlig", max_length=16, choices=Responsible.choices, default=Responsible.CLUSTER
    )
    responsible_municipality = models.ForeignKey(
        "geography.Municipality", verbose_name="ansvarlig kommune", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    status = models.CharField(
        "status", max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.PLANNED
    )
    history = HistoricalRecords()

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "name"]
        verbose_name = "indsats"
        verbose_name_plural = "indsatser"
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="initiative_unique_name_in_cluster"),
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="initiative_years"),
            models.CheckConstraint(
                condition=Q(responsible="municipality", responsible_municipality__isnull=False)
                | (~Q(responsible="municipality") & Q(responsible_municipality__isnull=True)),
                name="initiative_responsible_municipality",
            ),
        ]

    def __str__(self):
        return self.name

    def runs_in(self, year: int) -> bool:
        """As ``Initiative.objects.running_in(year)``, for one loaded initiative."""
        return self.first_year is not None and self.last_year is not None and self.first_year <= year <= self.last_year


class FundingSource(models.TextChoices):
    STARTUP = "startup", "Opstartsmidler"
    LOCAL = "local", "Decentrale midler"
    CARRYOVER = "carryover", "Videreført fra forrige år"


class FundingLine(PartyFields):
    """Money available to a cluster-year from one source and party: allocated and actually paid."""

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.CASCADE, related_name="funding_lines",
    )
    source = models.CharField("kilde", max_length=16, choices=FundingSource.choices)
    allocated = models.DecimalField("tildelt", null=True, blank=True, **MONEY)
    paid = models.DecimalField("indbetalt", **MONEY)
    text = models.CharField("tekst", max_length=200, blank=True)
    allocation_round = models.ForeignKey(
        "allocation.AllocationRound", verbose_name="fordelingsrunde",
        on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_from = models.OneToOneField(
        "CarryOverCommitment", verbose_name="videreført efter tilsagn",
        on_delete=models.PROTECT, null=True, blank=True, related_name="funding_line"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster_year", "source", "party_kind", "id"]
        verbose_name = "finansieringslinje"
        verbose_name_plural = "finansieringslinjer"
        constraints = [
            *party_constraints("funding", allow_joint=True),
            models.CheckConstraint(condition=Q(paid__gte=0), name="funding_paid_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.party_label}"

    @property
    def difference(self):
        """Paid minus allocated (None without an allocated amount)."""
        return None if self.allocated is None else self.paid - self.allocated


class EntryKind(models.TextChoices):
    EXPENSE = "expense", "Udgift"
    INCOME = "income", "Indtægt"


def signed_amount(kind: str, amount):
    """The one rule of net spend: an expense counts up, an income counts down (amount may be øre)."""
    return amount if kind == EntryKind.EXPENSE else -amount


def signed_amount_expression(field_name: str = "amount"):
    """``signed_amount`` in SQL, for aggregates over entries."""
    return models.Case(
        models.When(kind=EntryKind.EXPENSE, then=models.F(field_name)),
        default=-models.F(field_name),
    )


class CostKind(models.TextChoices):
    DEVELOPMENT = "development", "Udvikling"
    SECRETARIAT = "secretariat", "Sekretariatsbetjening"
    RUNNING = "running", "Drift"


class ImportBatch(models.Model):
    """One imported Excel template: its entries can be reversed as a whole, never deleted."""

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.PROTECT, related_name="import_batches",
    )
    filename = models.CharField("filnavn", max_length=255)
    sha256 = models.CharField("kontrolsum (SHA-256)", max_length=64)
    rows = models.PositiveIntegerField("rækker")
    total = models.DecimalField("beløb i alt", **MONEY)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="indlæst af", on_delete=models.PROTECT, related_name="+",
    )
    imported_at = models.DateTimeField("indlæst", auto_now_add=True)
    reversed_at = models.DateTimeField("tilbageført", null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tilbageført af",
        on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "import"
        verbose_name_plural = "importer"

    def __str__(self):
        return self.filename


class Entry(PartyFields):
    """A ledger entry as booked in one party's own books. Never edited or deleted."""

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.PROTECT, related_name="entries",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name="indsats", on_delete=models.PROTECT, related_name="entries",
    )
    booking_date = models.DateField("bogføringsdato")
    kind = models.CharField("art", max_length=8, choices=EntryKind.choices)
    # Signed: ordinary entries are positive; a reversal carries the negated amount.
    amount = models.DecimalField("beløb", **MONEY)
    account_code = models.CharField("konto", max_length=40)
    voucher = models.CharField("bilag", max_length=60, blank=True)
    text = models.CharField("tekst", max_length=255, blank=True)
    cost_kind = models.CharField("omkostningstype", max_length=16, choices=CostKind.choices)
    reverses = models.OneToOneField(
        "self", verbose_name="tilbagefører", on_delete=models.PROTECT,
        null=True, blank=True, related_name="reversed_by",
    )
    import_batch = models.ForeignKey(
        ImportBatch, verbose_name="import",
        on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oprettet af", on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        ordering = ["booking_date", "id"]
        verbose_name = "postering"
        verbose_name_plural = "posteringer"
        constraints = [
            *party_constraints("entry", allow_joint=False),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="entry_amount_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["cluster_year", "booking_date"], name="entry_cy_date"),
            models.Index(fields=["cluster_year", "initiative"], name="entry_cy_initiative"),
        ]

    def __str__(self):
        return f"{self.booking_date:%d.%m.%Y} {self.get_kind_display()} {format_kr(self.amount, 2)} ({self.text})"

    @property
    def signed_spend(self):
        """Net spend contribution: expenses count up, income counts down."""
        return signed_amount(self.kind, self.amount)


class EntryConfirmation(models.Model):
    """An explicit confirmation that booked an entry (or one import) past a warning: who, when, and why.

    Written once, with the entry or the import, never changed. ``overruns`` lists what was confirmed, as
    ``accounts.services.budget_control.Overrun.as_json`` gives it (kind, label, budget, spend after, over).
    """

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.PROTECT, related_name="confirmations",
    )
    entry = models.OneToOneField(
        Entry, verbose_name="postering",
        on_delete=models.PROTECT, null=True, blank=True, related_name="confirmation"
    )
    import_batch = models.OneToOneField(
        ImportBatch, verbose_name="import", on_delete=models.PROTECT, null=True, blank=True,
        related_name="confirmation",
    )
    overruns = models.JSONField("bekræftede overskridelser", default=list)
    text = models.TextField("tekst", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="bekræftet af", on_delete=models.PROTECT, related_name="+",
    )
    confirmed_at = models.DateTimeField("bekræftet", auto_now_add=True)

    class Meta:
        ordering = ["confirmed_at", "id"]
        verbose_name = "bekræftelse af postering"
        verbose_name_plural = "bekræftelser af posteringer"
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False, import_batch__isnull=True)
                | Q(entry__isnull=True, import_batch__isnull=False),
                name="confirmation_entry_or_import",
            ),
        ]

    def __str__(self):
        return f"Bekræftet af {self.confirmed_by} ({local_time(self.confirmed_at)})" if self.confirmed_at else "Bekræftelse"


class CarryOverCommitment(PartyFields):
    """A party's commitment to headroom under its next-year expenditure ceiling for its unspent money."""

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name="klyngeregnskab", on_delete=models.PROTECT, related_name="commitments",
    )
    amount = models.DecimalField("beløb", **MONEY)
    committed_by = models.CharField("tilsagn givet af", max_length=200)
    committed_on = models.DateField("tilsagnsdato")
    note = models.TextField("bemærkning", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="registreret af", on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField("registreret", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster_year", "party_kind", "id"]
        verbose_name = "tilsagn om videreførelse"
        verbose_name_plural = "tilsagn om videreførelse"
        constraints = [
            *party_constraints("commitment", allow_joint=False),
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_positive"),
            models.UniqueConstraint(
                fields=["cluster_year", "municipality"],
                condition=Q(party_kind="municipality"), name="commitment_one_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["cluster_year", "region"],
                condition=Q(party_kind="region"), name="commitment_one_per_region",
            ),
        ]

    def __str__(self):
        return f"Tilsagn {self.party_label}: {format_kr(self.amount, 2)}"



# The budget (lines, the original, revisions, phasing), the entries' sums kept by the database, and what an
# import changed besides the ledger (insert-only records of budget and commitments): modules of their own,
# part of this app's models, in this order (the sums after the entries).
from accounts.models_budget import BudgetLine, BudgetMonth, BudgetRevision, OriginalBudgetLine  # noqa: E402, F401
from accounts.models_import import ImportChange  # noqa: E402, F401
from accounts.models_totals import EntryTotal  # noqa: E402, F401
