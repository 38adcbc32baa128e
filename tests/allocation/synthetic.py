"""A synthetic FOLK1A quarter (2022K1) whose cluster sums equal the stored 2022 funding populations.

The numbers are made up (Syntetisk): each cluster's funding population is split
evenly over its funding municipalities; Frederiksberg gets 100.000 and
København the rest of Klynge Syd and Klynge By together.
"""
from decimal import Decimal

from geography.models import FUNDING_KINDS, ClusterFundingPopulation, Membership, MembershipKind

KOEBENHAVN, FREDERIKSBERG = 101, 147


def synthetic_populations() -> dict[int, int]:
    """Municipality code -> synthetic population."""
    funding = {
        f.cluster_id: f.value for f in ClusterFundingPopulation.objects.filter(reference_date="2022-01-01")
    }
    funders: dict[int, list[int]] = {}
    for m in Membership.objects.filter(year=2022, kind__in=FUNDING_KINDS).select_related("municipality"):
        if m.kind == MembershipKind.SHARED_FUNDING:
            continue
        funders.setdefault(m.cluster_id, []).append(m.municipality.code)
    shared_clusters = set(
        Membership.objects.filter(year=2022, kind=MembershipKind.SHARED_FUNDING).values_list("cluster_id", flat=True)
    )
    pops: dict[int, int] = {}
    shared_total = Decimal("0")
    for cluster_id, codes in funders.items():
        codes.sort()
        if cluster_id in shared_clusters:
            shared_total += funding[cluster_id]
            if FREDERIKSBERG in codes:
                pops[FREDERIKSBERG] = 100_000
                shared_total -= 100_000
            else:
                for code in codes:
                    pops[code] = 20_000 + code  # the other funders of Klynge Syd
                    shared_total -= pops[code]
            continue
        value = int(funding[cluster_id])
        assert value == funding[cluster_id]
        base = value // len(codes)
        for code in codes:
            pops[code] = base
        pops[codes[-1]] += value - base * len(codes)
    for cluster_id in shared_clusters:
        if cluster_id not in funders:
            shared_total += funding[cluster_id]
    assert shared_total == shared_total.to_integral_value()
    pops[KOEBENHAVN] = int(shared_total)
    return pops


def folk1a_text(pops: dict[int, int], quarter: str = "2022K1") -> str:
    from geography.models import Municipality

    names = dict(Municipality.objects.values_list("code", "name"))
    lines = ["OMRÅDE;KØN;ALDER;TID;INDHOLD", f"Hele landet;I alt;Alder i alt;{quarter};{sum(pops.values())}"]
    for code in sorted(pops):
        lines.append(f"{code} {names[code]};I alt;Alder i alt;{quarter};{pops[code]}")
    return "\n".join(lines) + "\n"


def load_synthetic_quarter(tmp_path, pops=None) -> dict[int, int]:
    """The synthetic quarter in place of the shipped 2022K1, with København's shares unknown again."""
    from django.core.management import call_command

    from tests.geography.folk1a import forget_loaded_quarters

    forget_loaded_quarters()

    pops = pops or synthetic_populations()
    path = tmp_path / "syntetisk_folk1a_2022K1.csv"
    path.write_text(folk1a_text(pops), encoding="utf-8")
    call_command("load_population", str(path), verbosity=0)
    return pops
