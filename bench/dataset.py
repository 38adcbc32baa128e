"""A national SYNTHETIC data set for the benchmark.

Every cluster of the reference map gets, for each benchmark year, a
cluster-year with funding lines, initiatives (one year each), two budget lines
per initiative, ledger entries, evaluations of every second initiative (with a
spreading decision when completed), status moves and review comments. Every generated text, name and voucher says
BENCH, so nobody can take it for real accounts.

The set is built in two steps with the same cluster-years: first a small one
(a tenth of the initiatives, a hundredth of the entries), then topped up to
the full size. The benchmark counts each page's queries after both steps, so
it can show that the counts do not grow with the data; a third step (`grow`)
adds only volume no page should show, so that the HTML can be compared too.

Entries go in with PostgreSQL's COPY (bulk_create on SQLite); the build itself
is not what the benchmark measures.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import (
    BudgetLine,
    ClusterYear,
    Entry,
    FundingLine,
    Initiative,
    InitiativeArea,
    StatusChange,
)
from geography.models import FUNDING_KINDS, Cluster, Membership
from review.models import Comment, Evaluation, SpreadingDecision
from users.models import Role, User

FIRST_YEAR = 2022
YEARS_FULL = tuple(range(2022, 2032))  # 10 years
YEARS_SMALL = (2022, 2023)
INITIATIVES_FULL = 50  # per cluster-year
INITIATIVES_SMALL = 5
ENTRIES_FULL = 2000  # per cluster-year at scale 1
# Below this scale the run is a check of the machinery, not a measurement: fewer years and initiatives.
STRUCTURE_THRESHOLD = 0.01

# Used only when the accounts reference data has no 2022 areas yet (section A's five and "Andet").
FALLBACK_AREAS_2022 = [
    "Borgere med kroniske sygdomme",
    "Akutområdet",
    "Borgere med psykiske lidelser",
    "Unge med mental mistrivsel",
    "De sårbare ældre",
    "Andet",
]

STATUS_CYCLE = ["approved", "submitted", "returned", "draft"]
MUNICIPAL_ACCOUNTS = ["4.62.82", "4.62.82.1.01", "4.62.88", "5.32.32", "4.62.90-001"]
REGIONAL_ACCOUNTS = ["1.10.11", "1.10.11.4.5", "1.40.10", "1.10.15-45"]
COST_KINDS = ["development"] * 16 + ["secretariat"] * 2 + ["running"] * 2
REVERSAL_EVERY = 100  # every 100th entry reverses the one before it
EVALUATED_EVERY = 2  # every second initiative has an evaluation; completed ones get a spreading decision
EVALUATION_STATUSES = ["completed", "ongoing", "completed", "planned", "completed"]
DECISIONS = ["recommended", "not_recommended", "more_evidence"]


@dataclass(frozen=True)
class Plan:
    scale: float
    years: tuple[int, ...]
    initiatives: int  # per cluster-year, full step
    entries: int  # per cluster-year, full step
    small_initiatives: int
    small_entries: int

    @property
    def label(self) -> str:
        return f"{self.scale:g}"


def plan_for(scale: float) -> Plan:
    if scale <= 0:
        raise ValueError("--scale must be greater than 0")
    entries = max(1, round(ENTRIES_FULL * scale))
    if scale >= STRUCTURE_THRESHOLD:
        years, initiatives = YEARS_FULL, INITIATIVES_FULL
    else:
        years, initiatives = YEARS_SMALL, INITIATIVES_SMALL
    return Plan(
        scale=scale,
        years=years,
        initiatives=initiatives,
        entries=entries,
        small_initiatives=max(1, initiatives // 10),
        small_entries=max(1, entries // 100),
    )


@dataclass
class CY:
    """What the builder keeps per cluster-year while it fills it."""

    pk: int
    cluster: Cluster
    year: int
    municipalities: list[int]
    region_id: int
    initiatives: list[int] = field(default_factory=list)
    entries: int = 0
    last_entry: dict | None = None


@dataclass
class Dataset:
    plan: Plan
    cluster_years: list[CY]
    users: dict[str, User]
    # The cluster-year and region the pages are measured on.
    focus: CY
    counts: dict[str, int] = field(default_factory=dict)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in whole øre between low and high kroner."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


class Builder:
    def __init__(self, plan: Plan, seed: int = 2022, focus_region_code: int = 1082,
                 focus_cluster_name: str = "Aarhusklyngen"):
        self.plan = plan
        self.rng = random.Random(seed)
        self.focus_region_code = focus_region_code
        self.focus_cluster_name = focus_cluster_name
        self.now = timezone.now()
        self.next_entry_id = 1

    # --- structure -----------------------------------------------------------

    def _areas(self) -> dict[int, list[InitiativeArea]]:
        base = list(InitiativeArea.objects.filter(year=FIRST_YEAR).order_by("sort_order", "name"))
        if not base:
            InitiativeArea.objects.bulk_create(
                InitiativeArea(year=FIRST_YEAR, name=name, sort_order=i)
                for i, name in enumerate(FALLBACK_AREAS_2022)
            )
            base = list(InitiativeArea.objects.filter(year=FIRST_YEAR).order_by("sort_order", "name"))
        for year in self.plan.years:
            existing = set(InitiativeArea.objects.filter(year=year).values_list("name", flat=True))
            InitiativeArea.objects.bulk_create(
                InitiativeArea(year=year, name=a.name, sort_order=a.sort_order)
                for a in base if a.name not in existing
            )
        by_year: dict[int, list[InitiativeArea]] = {}
        for area in InitiativeArea.objects.filter(year__in=self.plan.years, name__in=[a.name for a in base]):
            by_year.setdefault(area.year, []).append(area)
        for areas in by_year.values():
            areas.sort(key=lambda a: (a.sort_order, a.name))
        return by_year

    def _memberships(self) -> None:
        """Copy the 2022 cluster map to the later benchmark years that have none."""
        base = list(Membership.objects.filter(year=FIRST_YEAR))
        for year in self.plan.years:
            if year == FIRST_YEAR or Membership.objects.filter(year=year).exists():
                continue
            Membership.objects.bulk_create(
                Membership(
                    year=year, cluster_id=m.cluster_id, municipality_id=m.municipality_id, kind=m.kind,
                    table2_mark=m.table2_mark, funding_share=m.funding_share,
                )
                for m in base
            )

    def _users(self, clusters: list[Cluster]) -> dict[str, User]:
        users: dict[str, User] = {}

        def make(key, username, role, **extra):
            user = User(
                username=username, role=role, first_name="BENCH", last_name=username,
                email=f"{username}@bench.invalid", **extra,
            )
            user.set_unusable_password()
            users[key] = user

        for cluster in clusters:
            make(f"sek:{cluster.pk}", f"bench_sek_{cluster.region.code}_{cluster.slug}",
                 Role.SECRETARIAT, cluster=cluster)
        for region_id, code in sorted({(c.region_id, c.region.code) for c in clusters}):
            make(f"ssu:{region_id}", f"bench_ssu_{code}", Role.SSU, region_id=region_id)
        make("national", "bench_national", Role.NATIONAL)
        make("admin", "bench_admin", Role.ADMIN, is_staff=True, is_superuser=True)
        User.objects.bulk_create(users.values())
        return {key: User.objects.get(username=u.username) for key, u in users.items()}

    @transaction.atomic
    def build_structure(self) -> Dataset:
        clusters = list(Cluster.objects.select_related("region").order_by("region__code", "name"))
        if not clusters:
            raise RuntimeError("No clusters: the reference data is not loaded.")
        self.areas = self._areas()
        self._memberships()
        users = self._users(clusters)
        funders: dict[tuple[int, int], list[int]] = {}
        for m in Membership.objects.filter(year__in=self.plan.years, kind__in=FUNDING_KINDS).order_by(
            "municipality__code"
        ):
            funders.setdefault((m.year, m.cluster_id), []).append(m.municipality_id)

        rows = []
        for year in self.plan.years:
            for index, cluster in enumerate(clusters):
                rows.append(ClusterYear(
                    cluster=cluster, year=year, status=STATUS_CYCLE[(index + year) % len(STATUS_CYCLE)]
                ))
        ClusterYear.objects.bulk_create(rows)
        by_key = {(cy.cluster_id, cy.year): cy for cy in ClusterYear.objects.filter(year__in=self.plan.years)}
        cys: list[CY] = []
        for year in self.plan.years:
            for cluster in clusters:
                obj = by_key[(cluster.pk, year)]
                municipalities = funders.get((year, cluster.pk)) or funders.get((FIRST_YEAR, cluster.pk)) or []
                if not municipalities:
                    raise RuntimeError(f"{cluster} has no funding municipalities in {year}.")
                cys.append(CY(obj.pk, cluster, year, municipalities, cluster.region_id))
                self._status_changes(obj, users)
        self._funding(cys)
        focus = next(
            cy for cy in cys
            if cy.year == FIRST_YEAR and cy.cluster.region.code == self.focus_region_code
            and cy.cluster.name == self.focus_cluster_name
        )
        return Dataset(plan=self.plan, cluster_years=cys, users=users, focus=focus)

    def _status_changes(self, cy: ClusterYear, users) -> None:
        sek = users[f"sek:{cy.cluster_id}"]
        ssu = users[f"ssu:{cy.cluster.region_id}"]
        moves = {
            "submitted": [("submit", "draft", "submitted", sek, "")],
            "returned": [
                ("submit", "draft", "submitted", sek, ""),
                ("return", "submitted", "returned", ssu, "BENCH: syntetisk kommentar ved retursendelse."),
            ],
            "approved": [
                ("submit", "draft", "submitted", sek, ""),
                ("approve", "submitted", "approved", ssu, "BENCH: syntetisk godkendelse."),
            ],
        }.get(cy.status, [])
        StatusChange.objects.bulk_create(
            StatusChange(cluster_year=cy, action=a, from_status=f, to_status=t, by=by, comment=c)
            for a, f, t, by, c in moves
        )
        Comment.objects.bulk_create([
            Comment(cluster_year=cy, author=ssu, text="BENCH: syntetisk spørgsmål fra SSU til regnskabet."),
            Comment(cluster_year=cy, author=sek, text="BENCH: syntetisk svar fra klyngesekretariatet."),
        ])

    def _funding(self, cys: list[CY]) -> None:
        rows = []
        for cy in cys:
            for municipality_id in cy.municipalities:
                amount = _money(self.rng, 200_000, 2_500_000)
                rows.append(FundingLine(
                    cluster_year_id=cy.pk, source="startup", party_kind="municipality",
                    municipality_id=municipality_id, allocated=amount, paid=amount,
                    text="BENCH: syntetisk opstartsbidrag",
                ))
            amount = _money(self.rng, 500_000, 4_000_000)
            rows.append(FundingLine(
                cluster_year_id=cy.pk, source="startup", party_kind="region", region_id=cy.region_id,
                allocated=amount, paid=amount - Decimal("1000.00"), text="BENCH: syntetisk regionsbidrag",
            ))
            rows.append(FundingLine(
                cluster_year_id=cy.pk, source="local", party_kind="municipality",
                municipality_id=cy.municipalities[0], allocated=None, paid=_money(self.rng, 50_000, 500_000),
                text="BENCH: syntetiske decentrale midler",
            ))
        FundingLine.objects.bulk_create(rows, batch_size=2000)

    # --- initiatives and budget lines ----------------------------------------

    @transaction.atomic
    def add_initiatives(self, data: Dataset, upto: int, only: list[CY] | None = None) -> None:
        """Give every cluster-year (or `only` these) initiatives up to `upto`, each with two budget lines."""
        statuses = ["planned", "active", "active", "completed", "stopped"]
        cys = data.cluster_years if only is None else only
        for start in range(0, len(cys), 50):
            chunk = cys[start:start + 50]
            new: list[tuple[CY, Initiative]] = []
            for cy in chunk:
                areas = self.areas[cy.year]
                for i in range(len(cy.initiatives), upto):
                    responsible = ["cluster", "region", "municipality"][i % 3]
                    new.append((cy, Initiative(
                        cluster_id=cy.cluster.pk, first_year=cy.year, last_year=cy.year,
                        name=f"BENCH indsats {cy.year} nr. {i + 1:02d}",
                        area_id=areas[i % len(areas)].pk,
                        description="BENCH: syntetisk indsats til belastningsmåling.",
                        responsible=responsible,
                        responsible_municipality_id=(
                            cy.municipalities[i % len(cy.municipalities)] if responsible == "municipality" else None
                        ),
                        status=statuses[i % len(statuses)],
                    )))
            Initiative.objects.bulk_create([obj for _, obj in new], batch_size=2000)
            budget, evaluations = [], []
            for cy, obj in new:
                cy.initiatives.append(obj.pk)
                if len(cy.initiatives) % EVALUATED_EVERY == 1:
                    evaluations.append((cy, self._evaluation(data, cy, obj, len(cy.initiatives))))
                budget.append(BudgetLine(
                    cluster_year_id=cy.pk, initiative_id=obj.pk, source="startup", party_kind="region",
                    region_id=cy.region_id, amount=_money(self.rng, 20_000, 400_000),
                ))
                budget.append(BudgetLine(
                    cluster_year_id=cy.pk, initiative_id=obj.pk, source="local", party_kind="municipality",
                    municipality_id=cy.municipalities[len(cy.initiatives) % len(cy.municipalities)],
                    amount=_money(self.rng, 10_000, 200_000),
                ))
            BudgetLine.objects.bulk_create(budget, batch_size=2000)
            Evaluation.objects.bulk_create([e for _, e in evaluations], batch_size=2000)
            SpreadingDecision.objects.bulk_create(
                [
                    SpreadingDecision(
                        evaluation=e, decision=DECISIONS[e.pk % len(DECISIONS)], by=data.users[f"ssu:{cy.region_id}"],
                        reasons="BENCH: syntetisk begrundelse for SSU's beslutning om udbredelse.",
                    )
                    for cy, e in evaluations if e.status == "completed"
                ],
                batch_size=2000,
            )

    def _evaluation(self, data: Dataset, cy: CY, initiative: Initiative, n: int) -> Evaluation:
        """Section C's five questions for one initiative, answered with synthetic text."""
        status = EVALUATION_STATUSES[n % len(EVALUATION_STATUSES)]
        sek = data.users[f"sek:{cy.cluster.pk}"]
        return Evaluation(
            initiative=initiative, year=cy.year, status=status,
            challenge=f"BENCH: syntetisk udfordring for {initiative.name}.",
            success_criteria="BENCH: syntetiske succeskriterier (færre genindlæggelser, kortere ventetid).",
            measurement="BENCH: syntetisk måling ud fra registerdata.",
            measured_when=f"BENCH: ved udgangen af {cy.year}",
            follow_up_responsible="BENCH: klyngesekretariatet",
            result="BENCH: syntetisk resultat: målet blev nået." if status == "completed" else "",
            created_by=sek, updated_by=sek,
        )

    # --- entries ---------------------------------------------------------------

    def _entry_rows(self, data: Dataset, upto: int, cys: list[CY], reversals: bool, pairs: bool = False):
        """Entries k = cy.entries .. upto - 1 of each cluster-year: every REVERSAL_EVERY-th a reversal of the
        one before; with `pairs`, every second, the others dated on the year's first day with amounts under
        100 kr. (below every other entry's), so that the pairs net to zero and sort after every other entry
        by date and by amount."""
        rng = self.rng
        for cy in cys:
            creator = data.users[f"sek:{cy.cluster.pk}"].pk
            start = datetime.date(cy.year, 1, 1)
            n_init = len(cy.initiatives)
            n_muni = len(cy.municipalities)
            first = cy.entries
            for k in range(cy.entries, upto):
                pk = self.next_entry_id
                self.next_entry_id += 1
                previous = cy.last_entry
                if pairs:
                    reverse = (k - first) % 2 == 1
                else:
                    reverse = reversals and k % REVERSAL_EVERY == REVERSAL_EVERY - 1
                if reverse and previous and previous["reverses_id"] is None:
                    row = dict(previous)
                    row.update(
                        id=pk, amount=-previous["amount"], reverses_id=previous["id"],
                        voucher=f"BENCH-T{pk:07d}", text=f"BENCH tilbageførsel af {previous['voucher']}",
                    )
                else:
                    municipal = k % 4 != 3
                    row = {
                        "id": pk,
                        "cluster_year_id": cy.pk,
                        "initiative_id": cy.initiatives[(k * 7) % n_init],
                        "booking_date": start if pairs else start + datetime.timedelta(days=(k * 11) % 365),
                        "kind": "income" if k % 10 == 9 else "expense",
                        "amount": _money(rng, 1, 99) if pairs else _money(rng, 100, 250_000),
                        "account_code": (
                            MUNICIPAL_ACCOUNTS[k % len(MUNICIPAL_ACCOUNTS)] if municipal
                            else REGIONAL_ACCOUNTS[k % len(REGIONAL_ACCOUNTS)]
                        ),
                        "voucher": f"BENCH-{pk:07d}",
                        "text": f"BENCH syntetisk postering {k + 1} ({cy.cluster.name} {cy.year})",
                        "cost_kind": COST_KINDS[k % len(COST_KINDS)],
                        "reverses_id": None,
                        "import_batch_id": None,
                        "created_by_id": creator,
                        "created_at": self.now,
                        "party_kind": "municipality" if municipal else "region",
                        "municipality_id": cy.municipalities[k % n_muni] if municipal else None,
                        "region_id": None if municipal else cy.region_id,
                    }
                cy.last_entry = row
                yield row
            cy.entries = max(cy.entries, upto)

    def _columns(self) -> list[tuple[str, str, object]]:
        """Entry's concrete columns; ones the benchmark does not know get their model default."""
        known = {
            "id", "cluster_year_id", "initiative_id", "booking_date", "kind", "amount", "account_code",
            "voucher", "text", "cost_kind", "reverses_id", "import_batch_id", "created_by_id", "created_at",
            "party_kind", "municipality_id", "region_id",
        }
        columns = []
        for f in Entry._meta.concrete_fields:
            if f.attname in known:
                columns.append((f.attname, f.column, None))
            elif f.has_default() or f.null:
                columns.append((f.attname, f.column, f.get_default() if f.has_default() else None))
            else:
                raise RuntimeError(f"The benchmark does not know the required field Entry.{f.attname}; add it to bench/dataset.py.")
        return columns

    def add_entries(self, data: Dataset, upto: int, only: list[CY] | None = None, reversals: bool = True,
                    pairs: bool = False) -> int:
        """Top every cluster-year (or `only` these) up to `upto` entries (with `pairs`: in pairs of an entry
        and its reversal, see _entry_rows). Returns the number of rows written."""
        cys = data.cluster_years if only is None else only
        # Past the highest id in the table: the portal itself may have booked entries since the last call
        # (the Excel step's commit does).
        last = Entry.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next_entry_id = max(self.next_entry_id, (last or 0) + 1)
        columns = self._columns()
        written = 0
        with transaction.atomic():
            if connection.vendor == "postgresql":
                table = Entry._meta.db_table
                names = ", ".join(connection.ops.quote_name(column) for _, column, _ in columns)
                connection.ensure_connection()
                with connection.connection.cursor() as cursor:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in self._entry_rows(data, upto, cys, reversals, pairs):
                            copy.write_row([row.get(a, d) for a, _, d in columns])
                            written += 1
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
            else:
                batch = []
                for row in self._entry_rows(data, upto, cys, reversals, pairs):
                    batch.append(Entry(**row))
                    if len(batch) >= 5000:
                        Entry.objects.bulk_create(batch)
                        written += len(batch)
                        batch = []
                Entry.objects.bulk_create(batch)
                written += len(batch)
        return written

    def grow(self, data: Dataset) -> dict[str, int]:
        """The third step: volume that must change no measured page, not even its figures. Every cluster-year
        gets as many entries again, in pairs of an entry and its reversal (net zero), dated on the year's
        first day with amounts under 100 kr., so that in the focus cluster-year they come after its first
        page both by date and by amount; the cluster-years of the other years get as many initiatives again
        (with budget lines and evaluations). The focus year's initiatives stay: its region's and the
        allocation's pages list them."""
        others = [cy for cy in data.cluster_years if cy is not data.focus]
        other_years = [cy for cy in others if cy.year != data.focus.year]
        initiatives = sum(len(cy.initiatives) for cy in other_years)
        self.add_initiatives(data, 2 * self.plan.initiatives, only=other_years)
        added = {"initiatives": sum(len(cy.initiatives) for cy in other_years) - initiatives}
        added["other_entries"] = self.add_entries(data, 2 * self.plan.entries, only=others, pairs=True)
        added["focus_entries"] = self.add_entries(data, 2 * self.plan.entries, only=[data.focus], pairs=True)
        self.analyze()
        return added

    def clear_entries(self, cy: CY) -> None:
        """Remove a cluster-year's entries (only for the benchmark's own Excel round trip).

        The ledger is append-only in the database; the benchmark's own throw-away database
        is emptied through the guard's maintenance block, as the flush command does.
        """
        from klyngeportal import ledger_guard

        with ledger_guard.maintenance(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Entry._meta.db_table} WHERE cluster_year_id = %s", [cy.pk])
        cy.entries, cy.last_entry = 0, None

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def table_counts() -> dict[str, int]:
    from allocation.models import AllocationRound

    return {
        "clusters": Cluster.objects.count(),
        "cluster-years": ClusterYear.objects.count(),
        "initiatives": Initiative.objects.count(),
        "budget lines": BudgetLine.objects.count(),
        "funding lines": FundingLine.objects.count(),
        "entries": Entry.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "spreading decisions": SpreadingDecision.objects.count(),
        "review comments": Comment.objects.count(),
        "allocation rounds": AllocationRound.objects.count(),
    }
