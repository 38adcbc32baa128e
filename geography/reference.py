"""Load the 2022 cluster map, funding populations and FOLK1A 2022K1 shipped in geography/data.

Idempotent: returns the list of changes it made (empty when all was in place).
"""
import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from geography.models import (
    Cluster,
    ClusterFundingPopulation,
    Membership,
    Municipality,
    Region,
)
from geography.population import population_quarter_load

DATA_DIR = Path(__file__).resolve().parent / "data"
MAP_2022 = DATA_DIR / "cluster_map_2022.csv"
FUNDING_POPULATION_2022 = DATA_DIR / "funding_population_2022.csv"
FUNDING_POPULATION_DATE_2022 = datetime.date(2022, 1, 1)
FUNDING_POPULATION_SOURCE = "Afledt af bilag 1, tabel 1"
FOLK1A_2022K1 = DATA_DIR / "folk1a_2022k1_municipalities.csv"
FOLK1A_2022K1_SOURCE = (
    "Danmarks Statistik, Statistikbanken, tabel FOLK1A, kvartal 2022K1 (offentligt udtræk); "
    "kontrolleret mod bilag 1, tabel 1"
)


@dataclass
class Changes:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def _sync(model, lookup: dict, values: dict, changes: Changes, label: str):
    """Create or update one row; record what changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        changes.add(f"oprettet {label}")
        return obj
    diffs = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if diffs:
        for key, value in diffs.items():
            setattr(obj, key, value)
        obj.full_clean()
        obj.save()
        changes.add(f"opdateret {label}: " + ", ".join(sorted(diffs)))
    return obj


DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(text: str) -> str:
    """Sjælland -> sjaelland, Lillebælt-klyngen -> lillebaelt-klyngen, Næstved/Slagelse -> naestved-slagelse."""
    return slugify(text.replace("/", " ").translate(DANISH_LETTERS))


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_map(year: int, path: Path, changes: Changes) -> None:
    rows = read_csv(path)
    regions, municipalities, clusters = {}, {}, {}
    for row in rows:
        code = int(row["region_code"])
        if code not in regions:
            regions[code] = _sync(
                Region, {"code": code}, {"name": row["region"], "slug": danish_slug(row["region"])},
                changes, f"region {row['region']}",
            )
    for row in rows:
        region = regions[int(row["region_code"])]
        mcode = int(row["municipality_code"])
        if mcode not in municipalities:
            municipalities[mcode] = _sync(
                Municipality, {"code": mcode}, {"name": row["municipality"], "region": region},
                changes, f"kommune {mcode} {row['municipality']}",
            )
        key = (region.code, row["cluster"])
        if key not in clusters:
            clusters[key] = _sync(
                Cluster, {"region": region, "name": row["cluster"]},
                {"slug": danish_slug(row["cluster"])},
                changes, f"klynge {row['cluster']} ({region.name})",
            )
    for row in rows:
        cluster = clusters[(int(row["region_code"]), row["cluster"])]
        municipality = municipalities[int(row["municipality_code"])]
        _sync_membership(year, cluster, municipality, row["membership"], row["table2_mark"] or "", changes)


def _sync_membership(year, cluster, municipality, kind, mark, changes):
    obj = Membership.objects.filter(year=year, cluster=cluster, municipality=municipality).first()
    label = f"medlemskab {year} {municipality.name} i {cluster.name} ({cluster.region.name})"
    if obj is None:
        obj = Membership(year=year, cluster=cluster, municipality=municipality, kind=kind, table2_mark=mark)
        obj.full_clean()
        obj.save()
        changes.add(f"oprettet {label}")
    elif obj.kind != kind or obj.table2_mark != mark:
        obj.kind, obj.table2_mark = kind, mark
        if kind != "shared_funding":
            obj.funding_share = None
        obj.full_clean()
        obj.save()
        changes.add(f"opdateret {label}")


@transaction.atomic
def load_funding_populations(path: Path, reference_date, changes: Changes) -> None:
    for row in read_csv(path):
        cluster = Cluster.objects.select_related("region").get(
            region__code=int(row["region_code"]), name=row["cluster"]
        )
        _sync(
            ClusterFundingPopulation,
            {"cluster": cluster, "reference_date": reference_date},
            {
                "value": Decimal(row["funding_population"]),
                "implied_min": Decimal(row["implied_min"]),
                "implied_max": Decimal(row["implied_max"]),
                "source": FUNDING_POPULATION_SOURCE,
            },
            changes,
            f"finansieringsgrundlag {cluster}",
        )


def load_population_quarter(path: Path, source: str, changes: Changes) -> None:
    """A shipped FOLK1A quarter, through the same checks and save as ``manage.py load_population``.

    Raises geography.population.PopulationFileError when the file does not pass them.
    """
    result = population_quarter_load(data=path.read_bytes(), source_name=path.name, source=source)
    if result.changed:
        verb = "oprettet" if result.created else "opdateret"
        changes.add(f"{verb} kvartal {result.quarter.code} (FOLK1A): " + " ".join(result.changes))


def load(changes: Changes) -> None:
    load_map(2022, MAP_2022, changes)
    load_funding_populations(FUNDING_POPULATION_2022, FUNDING_POPULATION_DATE_2022, changes)
    load_population_quarter(FOLK1A_2022K1, FOLK1A_2022K1_SOURCE, changes)
