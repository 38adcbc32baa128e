"""Fill every 2022 cluster with synthetic, believable accounts so a newcomer meets a living portal.

Clearly synthetic: vouchers start with «DEMO-», entry texts with «Demo:», initiative descriptions say
«Demodata». Reproducible with --seed. A cluster whose 2022 accounts already hold initiatives or entries is
left alone, so running the command twice fills nothing twice.
"""
from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import ClusterYear, FundingSource, Initiative, InitiativeArea, PartyKind
from geography.models import Cluster
from geography.selectors import cluster_municipalities
from users.models import Role, User

YEAR = 2022
DEMO_USERNAME = "demodata"
CENT = Decimal("0.01")

INITIATIVES = {
    "Borgere med kroniske sygdomme": [
        "Fælles forløb for borgere med type 2-diabetes",
        "Tidlig opsporing af KOL i almen praksis",
        "Hjerterehabilitering tæt på borgeren",
    ],
    "Akutområdet": [
        "Akutteam i eget hjem",
        "Fælles akutpladser i kommunerne",
        "Telemedicinsk vurdering før indlæggelse",
    ],
    "Borgere med psykiske lidelser": [
        "Udgående psykiatrisk team",
        "Samarbejdsaftale om dobbeltdiagnoser",
    ],
    "Unge med mental mistrivsel": [
        "Mental sundhed i ungdomsuddannelserne",
        "Tidlig indsats for unge med angst",
    ],
    "De sårbare ældre": [
        "Opsporing af underernæring hos ældre",
        "Faldforebyggelse for svage ældre",
        "Sikker udskrivelse med opfølgende hjemmebesøg",
    ],
    "Andet": [
        "Fælles kompetenceudvikling på tværs af sektorer",
    ],
}
MUNICIPAL_ACCOUNTS = ["5.32.32.1.01", "4.62.82.1.01", "4.62.90.2.00", "5.32.35"]
REGIONAL_ACCOUNTS = ["1.10.11.4.5", "1.10.14", "2.20.21.1.3"]
EXPENSE_TEXTS = ["Løn, projektmedarbejder", "Kursusafgift og undervisning", "Konsulentbistand, evaluering",
                 "Udstyr til hjemmemonitorering", "Mødeafholdelse og forplejning", "Kørsel, udgående team",
                 "Licens til fælles it-løsning", "Frikøb af sygeplejerske"]
INCOME_TEXTS = ["Refusion af fællesudgift", "Tilbagebetalt depositum"]


def demo_user() -> User:
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"first_name": "Demodata", "last_name": "(syntetisk)", "role": Role.ADMIN, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def split_exactly(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Split total into parts proportional to weights, in øre, summing exactly to total."""
    raw = [total * Decimal(str(w)) / Decimal(str(sum(weights))) for w in weights]
    parts = [r.quantize(CENT, rounding="ROUND_DOWN") for r in raw]
    rest = int((total - sum(parts)) / CENT)
    for i in range(rest):
        parts[i % len(parts)] += CENT
    return parts


class Command(BaseCommand):
    help = "Fylder alle klyngers regnskab for 2022 med syntetiske demodata (indsatser, finansiering, budget, posteringer)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022, help="Tilfældighedsfrø (samme frø, samme data).")

    def handle(self, *args, seed: int, **options):
        started = time.monotonic()
        user = demo_user()
        areas = {a.name: a for a in InitiativeArea.objects.filter(year=YEAR)}
        if not areas:
            self.stderr.write("Indsatsområderne for 2022 mangler: kør først «manage.py load_reference».")
            return
        filled = skipped = entries = 0
        for cluster in Cluster.objects.select_related("region").order_by("region__code", "name"):
            cy = services.cluster_year_get_or_create(cluster=cluster, year=YEAR)
            if cy.entries.exists() or Initiative.objects.filter(cluster=cluster).exists():
                skipped += 1
                continue
            if cy.status not in ("draft", "returned") or cy.is_closed:
                skipped += 1
                continue
            # One generator per cluster: the same seed gives the same data, whichever clusters were skipped.
            rng = random.Random(f"{seed}-{cluster.region.code}-{cluster.name}")
            entries += self.fill(cy, user, areas, rng)
            filled += 1
        elapsed = time.monotonic() - started
        if filled == 0:
            self.stdout.write(f"Demodata findes allerede ({skipped} klynger har data for {YEAR}); intet ændret.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demodata: {filled} klynger fyldt, {skipped} sprunget over, {entries} posteringer ({elapsed:.1f} s)."
        ))

    @transaction.atomic
    def fill(self, cy: ClusterYear, user, areas, rng: random.Random) -> int:
        members = cluster_municipalities(cy.cluster, YEAR)
        funders = cluster_municipalities(cy.cluster, YEAR, funding_only=True) or members
        member_list = sorted(members.values(), key=lambda m: m.code)
        region = cy.cluster.region

        # funding: the published allocation, paid as allocated (a few øre short here and there), split per municipality
        try:
            lines = services.funding_propose(cluster_year=cy, by=user)
        except Exception:  # noqa: BLE001 - no published round: the demo goes on with local funds only
            lines = []
        for line in lines:
            if line.party_kind == PartyKind.MUNICIPALITIES_JOINTLY and rng.random() < 0.8:
                weights = [rng.uniform(0.5, 2.0) for _ in funders]
                parts = split_exactly(line.allocated, weights)
                services.funding_split(line=line, by=user, amounts=dict(zip(sorted(funders), parts, strict=True)))
            elif line.party_kind == PartyKind.REGION and rng.random() < 0.3:
                services.funding_line_update(line=line, by=user, paid=line.allocated - Decimal(rng.randint(1, 50) * 100),
                                             text="Demo: indbetalt efter aftale med regionen")
        local_party = rng.choice(member_list)
        services.funding_line_create(
            cluster_year=cy, by=user, source=FundingSource.LOCAL, party_kind=PartyKind.MUNICIPALITY,
            municipality=local_party, paid=Decimal(rng.randint(2, 20) * 25000), text="Demo: decentrale midler",
        )

        # initiatives and budgets
        area_names = rng.sample(list(INITIATIVES), k=rng.randint(3, 4))
        initiatives = []
        for area_name in area_names:
            name = rng.choice(INITIATIVES[area_name])
            responsible = rng.choice(["cluster", "region", "municipality"])
            initiatives.append(services.initiative_create(
                cluster_year=cy, by=user, name=name, area=areas[area_name],
                description="Demodata (syntetisk): en opdigtet indsats, der viser portalens funktioner.",
                responsible=responsible,
                responsible_municipality=rng.choice(member_list) if responsible == "municipality" else None,
                status=rng.choice(["active", "active", "planned", "completed"]),
                first_year=YEAR, last_year=YEAR + rng.choice([0, 1, 1, 2]),
            ))
        total_funding = sum((line.allocated or Decimal(0) for line in lines), Decimal(0)) or Decimal(2_000_000)
        per_initiative = split_exactly((total_funding * Decimal("0.9")).quantize(Decimal(1)),
                                       [rng.uniform(1, 3) for _ in initiatives])
        parties = [("region", None)] + [("municipality", m) for m in rng.sample(member_list, k=1)]
        for initiative, budget in zip(initiatives, per_initiative, strict=True):
            for (kind, municipality), amount in zip(parties, split_exactly(budget, [1, 1]), strict=True):
                services.budget_line_set(
                    cluster_year=cy, by=user, initiative=initiative, source=FundingSource.STARTUP, party_kind=kind,
                    municipality=municipality, region=region if kind == "region" else None,
                    amount=amount.quantize(Decimal(1)),
                )

        # entries: mostly development, some secretariat and running costs, a little income
        rows = []
        for number in range(rng.randint(10, 18)):
            initiative_index = rng.randrange(len(initiatives))
            kind, municipality = rng.choice(parties)
            is_income = rng.random() < 0.07
            cost_kind = rng.choices(["development", "secretariat", "running"], weights=[85, 10, 5])[0]
            budget = per_initiative[initiative_index]
            amount = (budget * Decimal(str(rng.uniform(0.01, 0.09)))).quantize(CENT)
            rows.append({
                "initiative": initiatives[initiative_index], "party_kind": kind, "municipality": municipality,
                "region": region if kind == "region" else None,
                "booking_date": datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
                "kind": "income" if is_income else "expense", "amount": max(amount, Decimal("100.00")),
                "account_code": rng.choice(REGIONAL_ACCOUNTS if kind == "region" else MUNICIPAL_ACCOUNTS),
                "voucher": f"DEMO-{rng.randint(10000, 99999)}-{number}",
                "text": "Demo: " + rng.choice(INCOME_TEXTS if is_income else EXPENSE_TEXTS),
                "cost_kind": cost_kind,
            })
        created = services.entries_create_bulk(cluster_year=cy, rows=rows, created_by=user)
        # one correction: a reversal and the right entry
        wrong = created[0]
        services.entry_reverse(entry=wrong, by=user, text="Demo: tilbageført, forkert beløb")
        services.entry_create(
            cluster_year=cy, initiative=wrong.initiative, party_kind=wrong.party_kind,
            municipality=wrong.municipality, region=wrong.region, booking_date=wrong.booking_date, kind=wrong.kind,
            amount=(wrong.amount * Decimal("0.9")).quantize(CENT), account_code=wrong.account_code,
            voucher=f"{wrong.voucher}-R", text="Demo: rettet postering", cost_kind=wrong.cost_kind, created_by=user,
            confirmed=True,  # the demo books past the budget control
        )
        return len(created) + 2
