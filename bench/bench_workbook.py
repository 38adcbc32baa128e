"""Benchmark of the Excel template: export and import of one cluster-year with N entries.

    .venv/bin/python bench/bench_workbook.py [--entries 20000] [--use-configured-db] [--compare]

All data here is SYNTHETIC: initiatives, texts and vouchers say "Syntetisk BENCH";
the amounts are random. By default the run builds its own throwaway SQLite
database in a temporary folder (migrate + load_reference) and deletes it
afterwards; with --use-configured-db it uses the configured database
(DATABASE_URL) inside one transaction that is rolled back at the end, so
nothing stays behind.

What is measured (the workbook app's own functions, as the pages use them):
- export: `workbook.builder.build_for`, openpyxl write-only (streaming) mode;
- import: `workbook.importer.import_workbook`, openpyxl read-only mode, with
  every row checked and then saved in one transaction (ImportBatch + bulk insert);
  first as a dry run (checked, saved, rolled back), then for real.
Time is wall-clock (and the process's CPU time beside it, less sensitive to
a busy machine). Peak memory is tracemalloc's peak of Python allocations
during the step (tracemalloc slows Python down, so each step's time is taken in
a run without tracing); the process's peak resident set is printed at the end.
The import goes into another cluster-year with initiatives of the same names
(Lillebælt-klyngen -> Sydvestjysk Klynge 2022; Billund, Vejen and Region
Syddanmark take part in both), and the entries are compared field by field.
The last line printed is a JSON object with the figures.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

YEAR = 2022
SOURCE = (1083, "Lillebælt-klyngen")
TARGET = (1083, "Sydvestjysk Klynge")
INITIATIVES = 12


def mb(n: float) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def measure(fn, *, trace: bool):
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        value = fn()
    finally:
        seconds = time.perf_counter() - started
        measure.cpu_seconds = round(time.process_time() - cpu_started, 2)
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
    return value, seconds, peak


class Rollback(Exception):
    pass


def synthetic_data(n: int):
    """Two cluster-years: the source with n synthetic entries, the target empty, same initiative names."""
    from accounts import services
    from accounts.models import ClusterYear, Entry, InitiativeArea
    from geography.models import Cluster, Municipality
    from users.models import Role, User

    source_cluster = Cluster.objects.select_related("region").get(region__code=SOURCE[0], name=SOURCE[1])
    target_cluster = Cluster.objects.select_related("region").get(region__code=TARGET[0], name=TARGET[1])
    for cluster in (source_cluster, target_cluster):
        existing = ClusterYear.objects.filter(cluster=cluster, year=YEAR).first()
        if existing and Entry.objects.filter(cluster_year=existing).exists():
            raise SystemExit(f"{existing} har allerede posteringer; kør uden --use-configured-db.")
    admin = User.objects.create_user(username=f"bench_workbook_{os.getpid()}", role=Role.ADMIN,
                                     is_staff=True, is_superuser=True)
    areas = list(InitiativeArea.objects.filter(year=YEAR))
    if not areas:
        raise SystemExit(f"Ingen indsatsområder for {YEAR}; kør load_reference.")
    source = services.cluster_year_get_or_create(cluster=source_cluster, year=YEAR)
    target = services.cluster_year_get_or_create(cluster=target_cluster, year=YEAR)
    initiatives = []
    for i in range(INITIATIVES):
        name = f"Syntetisk BENCH-indsats {i + 1:02d}"
        for cy in (source, target):
            made = services.initiative_create(
                cluster_year=cy, by=admin, name=name, area=areas[i % len(areas)],
                description="Syntetisk indsats til benchmark.", responsible="cluster", status="active",
            )
            if cy is source:
                initiatives.append(made)
    parties = [
        {"party_kind": "region", "region": source_cluster.region},
        {"party_kind": "municipality", "municipality": Municipality.objects.get(name="Billund")},
        {"party_kind": "municipality", "municipality": Municipality.objects.get(name="Vejen")},
    ]
    municipal = ["4.62.82", "4.62.82.1.01", "4.62.88", "5.32.32", "4.62.90-001"]
    regional = ["1.10.11", "1.10.11.4.5", "1.40.10", "1.10.15-45"]
    rng = random.Random(2022)
    rows = []
    for i in range(n):
        party = parties[i % 3]
        rows.append({
            **party,
            "initiative": initiatives[i % INITIATIVES],
            "booking_date": datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
            "kind": "income" if i % 10 == 9 else "expense",
            "amount": Decimal(rng.randrange(1, 50_000_000)) / 100,
            "account_code": rng.choice(regional if party["party_kind"] == "region" else municipal),
            "voucher": f"BENCH-{i + 1}",
            "text": f"Syntetisk BENCH-postering {i + 1}" if i % 50 else f"=Syntetisk tekst {i + 1}",
            "cost_kind": "development" if i % 10 else "secretariat",
        })
    started = time.perf_counter()
    services.entries_create_bulk(cluster_year=source, rows=rows, created_by=admin)
    return source, target, admin, time.perf_counter() - started


def run(n: int, workdir: Path, compare: bool) -> dict:
    from django.db import transaction
    from openpyxl import load_workbook

    from workbook.builder import build_for
    from workbook.importer import import_workbook
    from workbook.selectors import live_entries

    def fields(cy):
        return sorted(live_entries(cy).values_list(
            "booking_date", "initiative__name", "party_kind", "municipality__name", "region__name", "kind",
            "amount", "account_code", "voucher", "text", "cost_kind"))

    result: dict = {"entries": n, "synthetic": True}
    with transaction.atomic():
        source, target, admin, build_seconds = synthetic_data(n)
        result["data_build_seconds"] = round(build_seconds, 2)
        path = workdir / "bench-eksport.xlsx"

        def export():
            with path.open("wb") as out:
                return build_for(cluster=source.cluster, year=YEAR, cluster_year=source, blank=False, out=out)

        count, export_seconds, _ = measure(export, trace=False)
        export_cpu = measure.cpu_seconds
        _, traced_seconds, export_peak = measure(export, trace=True)
        assert count == n, (count, n)
        result["export"] = {"mode": "write-only", "seconds": round(export_seconds, 2), "cpu_seconds": export_cpu,
                            "seconds_with_tracemalloc": round(traced_seconds, 2),
                            "peak_python_bytes": export_peak, "file_bytes": path.stat().st_size}

        def do_import(dry_run: bool):
            with path.open("rb") as handle:
                return import_workbook(cluster_year=target, fileobj=handle, filename=path.name,
                                       size=path.stat().st_size, user=admin, dry_run=dry_run)

        dry, dry_seconds, dry_peak = measure(lambda: do_import(True), trace=True)
        assert dry.rows == n and not live_entries(target).exists()
        real, import_seconds, _ = measure(lambda: do_import(False), trace=False)
        result["import"] = {"mode": "read-only", "seconds": round(import_seconds, 2),
                            "cpu_seconds": measure.cpu_seconds,
                            "dry_run_seconds_with_tracemalloc": round(dry_seconds, 2),
                            "peak_python_bytes": dry_peak, "rows": real.rows, "total": str(real.total)}
        identical = fields(source) == fields(target)
        result["round_trip_identical"] = identical
        if compare:
            _, seconds, peak = measure(lambda: load_workbook(path, read_only=False, data_only=False), trace=True)
            result["reference_full_load"] = {"mode": "normal (not read-only)", "seconds_with_tracemalloc":
                                             round(seconds, 2), "peak_python_bytes": peak}
            _, seconds, peak = measure(lambda: sum(1 for _ in load_workbook(path, read_only=True)["Regnskab"]
                                                   .iter_rows(values_only=True)), trace=True)
            result["reference_read_only_scan"] = {"seconds_with_tracemalloc": round(seconds, 2),
                                                  "peak_python_bytes": peak}
        transaction.set_rollback(True)  # leave nothing behind in the database
    result["process_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--use-configured-db", action="store_true",
                        help="use DATABASE_URL (inside a transaction that is rolled back) instead of a throwaway SQLite")
    parser.add_argument("--compare", action="store_true",
                        help="also measure openpyxl's normal (non-read-only) load of the same file, for reference")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-workbook-"))
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klyngeportal.settings")
        if not args.use_configured_db:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ.setdefault("PLAIN_STATIC", "1")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        print("Syntetiske data: alle indsatser, tekster og bilag er opdigtede (Syntetisk BENCH).")
        print(f"Database: {connection.vendor} "
              f"({'den konfigurerede, rulles tilbage' if args.use_configured_db else 'midlertidig, slettes bagefter'})")
        if not args.use_configured_db:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            call_command("load_reference", verbosity=0)
            print(f"Database opbygget på {time.perf_counter() - started:.1f} s")
        result = run(args.entries, tmp, args.compare)
        result["database"] = connection.vendor
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    e, i = result["export"], result["import"]
    print(f"Posteringer: {result['entries']:,} (opbygget med entries_create_bulk på {result['data_build_seconds']} s)")
    print(f"Eksport (write-only): {e['seconds']} s (CPU {e['cpu_seconds']} s); højeste Python-hukommelse {mb(e['peak_python_bytes'])} "
          f"(målt med tracemalloc, {e['seconds_with_tracemalloc']} s); fil {mb(e['file_bytes'])}")
    print(f"Import (read-only, kontrol + gem): {i['seconds']} s (CPU {i['cpu_seconds']} s); højeste Python-hukommelse "
          f"{mb(i['peak_python_bytes'])} (tørkørsel målt med tracemalloc, {i['dry_run_seconds_with_tracemalloc']} s)")
    print(f"Rundtur identisk felt for felt: {'ja' if result['round_trip_identical'] else 'NEJ'}; "
          f"{i['rows']:,} rækker, i alt {i['total']} kr.")
    for key in ("reference_full_load", "reference_read_only_scan"):
        if key in result:
            r = result[key]
            print(f"Til sammenligning, {key}: {r['seconds_with_tracemalloc']} s, {mb(r['peak_python_bytes'])}")
    print(f"Processens højeste RSS: {mb(result['process_peak_rss_bytes'])}; belastning (load average) "
          f"{os.getloadavg()[0]:.1f} på {os.cpu_count()} CPU'er")
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return 0 if result["round_trip_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
