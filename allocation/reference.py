"""Reference data of the allocation app: the 2022 round and the published Table 1 (Bilag 1).

Idempotent: creates or updates the round, its regional keys and the published
rows, derives København's shares from the loaded 2022K1 quarter while they are
unset (shares set by an administrator are kept), and appends a Danish line to
`changes` for everything it changed.
"""
import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from allocation.models import AllocationRound, PopulationBasis, PublishedRow, RegionKey, RoundStatus
from allocation.shares import derive_shares, shares_save
from geography.models import Cluster, Membership, MembershipKind, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE1_2022 = DATA_DIR / "bilag1_tabel1_published.csv"
TABLE1_SOURCE = "Afrapportering for arbejdsgruppen for sundhedsklyngeøkonomi (2022), bilag 1, tabel 1"
ROUND_2022 = {
    "slug": "2022",
    "year": 2022,
    "name": "Opstartsmidler 2022",
    "pot": Decimal("80000000"),
    "municipal_pot": Decimal("40000000"),
    "regional_pot": Decimal("40000000"),
    "population_basis": PopulationBasis.FUNDING_POPULATION,
    "reference_date": datetime.date(2022, 1, 1),
    "status": RoundStatus.PUBLISHED,
    "description": (
        "Fordelingen af opstartsmidlerne 2022 efter afsnit B og bilag 1: 40 mio. kr. fra kommunerne efter "
        "indbyggertal, 40 mio. kr. fra regionerne efter bloktilskudsnøglen for sundhed. Nøglerne er "
        "regionernes subtotaler i tabel 1 divideret med 40.000.000."
    ),
}


def read_table(path: Path = TABLE1_2022) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_keys_from_table(rows: list[dict], regional_pot: Decimal) -> dict[str, Decimal]:
    """Each region's block-grant key: its published regional subtotal over the regional pot."""
    return {
        row["region"]: Decimal(row["region_kr"]) / regional_pot
        for row in rows
        if row["row_kind"] == "region_subtotal"
    }


@transaction.atomic
def load(changes) -> None:
    rows = read_table()
    values = {k: v for k, v in ROUND_2022.items() if k != "slug"}
    round_ = AllocationRound.objects.filter(slug=ROUND_2022["slug"]).first()
    label = f"fordelingsrunde {ROUND_2022['year']} «{ROUND_2022['name']}»"
    if round_ is None:
        round_ = AllocationRound(slug=ROUND_2022["slug"], **values)
        round_.full_clean()
        round_.save()
        changes.add(f"oprettet {label}")
    else:
        diffs = {k: v for k, v in values.items() if getattr(round_, k) != v}
        if diffs:
            for key, value in diffs.items():
                setattr(round_, key, value)
            round_.full_clean()
            round_.save()
            changes.add(f"opdateret {label}: " + ", ".join(sorted(diffs)))

    regions = {r.name: r for r in Region.objects.all()}
    clusters = {(c.region.name, c.name): c for c in Cluster.objects.select_related("region")}
    for name, key in region_keys_from_table(rows, round_.regional_pot).items():
        region = regions[name]
        obj = RegionKey.objects.filter(round=round_, region=region).first()
        if obj is None:
            obj = RegionKey(round=round_, region=region, key=key)
            obj.full_clean()
            obj.save()
            changes.add(f"oprettet regionsnøgle 2022 {name}: {key}")
        elif obj.key != key:
            obj.key = key
            obj.full_clean()
            obj.save()
            changes.add(f"opdateret regionsnøgle 2022 {name}: {key}")

    for position, row in enumerate(rows, start=1):
        wanted = {
            "row_kind": row["row_kind"],
            "region": regions[row["region"]] if row["region"] else None,
            "cluster": clusters[(row["region"], row["cluster"])] if row["cluster"] else None,
            "municipalities_kr": Decimal(row["municipalities_kr"]),
            "region_kr": Decimal(row["region_kr"]),
            "total_kr": Decimal(row["total_kr"]),
            "source": TABLE1_SOURCE,
        }
        where = " ".join(filter(None, [row["region"], row["cluster"]])) or "i alt"
        obj = PublishedRow.objects.filter(round=round_, position=position).first()
        if obj is None:
            obj = PublishedRow(round=round_, position=position, **wanted)
            obj.full_clean()
            obj.save()
            changes.add(f"oprettet tabelrække 2022 (bilag 1, tabel 1) {where}")
            continue
        diffs = {k: v for k, v in wanted.items() if getattr(obj, k) != v}
        if diffs:
            for key, value in diffs.items():
                setattr(obj, key, value)
            obj.full_clean()
            obj.save()
            changes.add(f"opdateret tabelrække 2022 (bilag 1, tabel 1) {where}: " + ", ".join(sorted(diffs)))
    extra = PublishedRow.objects.filter(round=round_, position__gt=len(rows))
    if extra.exists():
        count, _ = extra.delete()
        changes.add(f"slettet tabelrækker 2022 (bilag 1, tabel 1): {count} overskydende")
    derive_unset_shares(round_, changes)


def derive_unset_shares(round_: AllocationRound, changes) -> None:
    """København's shares of the year derived from the loaded quarter, when none is set yet."""
    shared = Membership.objects.filter(year=round_.year, kind=MembershipKind.SHARED_FUNDING)
    if shared.filter(funding_share__isnull=False).exists():
        return
    derivation = derive_shares(round_.year, round_.reference_date)
    if derivation.problems or not derivation.shares:
        return  # no quarter loaded: the shares stay unknown, and the pages say so
    shares_save(
        year=round_.year, shares={d.membership.pk: d.share for d in derivation.shares}, by=None, changes=changes
    )
