"""manage.py demo_accounts: every 2022 cluster filled, reproducible with a seed, never filled twice."""
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum

from accounts.models import ClusterYear, Entry, FundingLine, Initiative
from accounts.selectors import cluster_year_summary
from geography.models import Cluster


def fingerprint():
    return (
        list(Entry.objects.values("cluster_year__cluster_id").annotate(n=Count("id"), total=Sum("amount"))
             .order_by("cluster_year__cluster_id").values_list("cluster_year__cluster_id", "n", "total")),
        sorted(Initiative.objects.values_list("cluster_id", "name")),
        sorted(FundingLine.objects.values_list("cluster_year__cluster_id", "source", "paid")),
    )


def run(seed=11) -> str:
    out = StringIO()
    call_command("demo_accounts", seed=seed, stdout=out)
    return out.getvalue()


def test_demo_fills_every_cluster_reproducibly_and_once(ref):
    with transaction.atomic():
        first_output = run()
        first = fingerprint()
        transaction.set_rollback(True)
    assert "22 klynger fyldt" in first_output
    assert run() and fingerprint() == first  # same seed, same data

    clusters = Cluster.objects.count()
    assert ClusterYear.objects.filter(year=2022).count() == clusters == 22
    entries = Entry.objects.all()
    assert 200 <= entries.count() <= 600
    assert set(entries.values_list("cluster_year__cluster", flat=True).distinct()) == set(
        Cluster.objects.values_list("pk", flat=True))
    assert not entries.exclude(voucher__startswith="DEMO-").exists()
    assert not entries.exclude(text__startswith="Demo:").exists()
    assert entries.filter(reverses__isnull=False).count() == clusters  # one correction per cluster
    for cy in ClusterYear.objects.filter(year=2022).select_related("cluster__region")[:3]:
        summary = cluster_year_summary(cy)
        assert summary.totals.budget > 0 and summary.totals.spend > 0 and summary.totals.paid > 0

    before = fingerprint()
    assert "intet ændret" in run()
    assert fingerprint() == before
