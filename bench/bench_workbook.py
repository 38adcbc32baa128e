"""Benchmark of the Excel template: export and import of one cluster-year with N entries,
each beside what openpyxl alone costs for the same rows, measured in the same run.

    .venv/bin/python bench/bench_workbook.py [--entries 20000] [--rounds 3] [--use-configured-db] [--no-trace]

All data here is SYNTHETIC: initiatives, texts and vouchers say "Syntetisk BENCH";
the amounts are random. By default the run builds its own throwaway SQLite
database in a temporary folder (migrate + load_reference) and deletes it
afterwards; with --use-configured-db it uses the configured database
(DATABASE_URL) inside one transaction that is rolled back at the end, so
nothing stays behind.

Each round measures, back to back, so that other work on the machine falls on all alike:
- (a) export: `workbook.builder.build_for` (XlsxWriter), as the pages use it;
- (b) the export floor: openpyxl alone, write-only mode, writing the same entry rows
  (the values of Regnskab, fetched beforehand) as plain values into one sheet;
- (c) import: `workbook.importer.import_workbook` of the exported file into another
  cluster-year, every row checked and saved (ImportBatch + bulk insert), then rolled back;
- (d) the import floor: openpyxl alone, read-only mode, reading the exported file's
  Regnskab sheet, values only.
Figures are the median over the rounds, wall-clock and CPU time of this process; the
ratios are export / (b) and import / (d). Peak memory is the process's peak resident
set during each step (Linux: VmHWM, reset before the step through /proc/self/clear_refs;
elsewhere the process's peak so far), Python and Django included. With tracing (the
default) one more pass of export and of a dry-run import runs under tracemalloc for the
Python peak (its times are not the figures). The import goes into Sydvestjysk Klynge 2022
(initiatives of the same names; Billund, Vejen and Region Syddanmark take part in both
clusters), and the entries are compared field by field. Targets (issue 11): export <= 0.5x
its floor, import <= 2x its floor, peak <= 250 MB. The last line printed is a JSON object.
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


def reset_peak() -> bool:
    """Reset the process's peak resident set (Linux 4.0+); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    """The process's peak resident set since the last reset_peak (or since it started)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(fn, *, trace: bool = False) -> tuple:
    """(value, figures): wall and CPU seconds, peak RSS of the step, and tracemalloc's peak when traced."""
    reset_peak()
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        value = fn()
    finally:
        figures = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_started,
                   "peak_rss_bytes": peak_rss_bytes()}
        if trace:
            figures["peak_python_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    return value, figures


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


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


def floor_write(rows: list, path: Path) -> None:
    """openpyxl alone: the same rows as plain values, write-only mode."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Regnskab")
    for row in rows:
        ws.append(row)
    wb.save(path)


def floor_read(path: Path) -> int:
    """openpyxl alone: the exported file's Regnskab, read-only mode, values only."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in wb["Regnskab"].iter_rows(values_only=True))
    finally:
        wb.close()


TARGETS = {"export_ratio": 0.5, "import_ratio": 2.0, "peak_mb": 250}


def environment() -> dict:
    """The libraries as installed: the floors are openpyxl in the environment the project ships
    (pyproject.toml does not install lxml, so openpyxl uses the standard library's XML)."""
    import importlib.metadata
    import importlib.util

    lxml = importlib.util.find_spec("lxml") is not None
    versions = {name: importlib.metadata.version(name) for name in ("openpyxl", "XlsxWriter", "Django", "psycopg")
                if importlib.util.find_spec(name.lower()) is not None}
    if lxml:
        versions["lxml"] = importlib.metadata.version("lxml")
    return {"lxml": lxml, "versions": versions,
            "openpyxl_xml": f"openpyxl {versions['openpyxl']} " + ("with lxml" if lxml else "without lxml")}


def run(n: int, workdir: Path, rounds: int, trace: bool) -> dict:
    from django.db import transaction

    from workbook.builder import build_for
    from workbook.importer import import_workbook
    from workbook.selectors import entry_rows, live_entries, template_data

    def fields(cy):
        return sorted(live_entries(cy).values_list(
            "booking_date", "initiative__name", "party_kind", "municipality__name", "region__name", "kind",
            "amount", "account_code", "voucher", "text", "cost_kind"))

    result: dict = {"entries": n, "synthetic": True, "rounds": rounds, "targets": TARGETS,
                    "environment": environment()}
    with transaction.atomic():
        source, target, admin, build_seconds = synthetic_data(n)
        result["data_build_seconds"] = round(build_seconds, 2)
        path, floor_path = workdir / "bench-eksport.xlsx", workdir / "bench-floor.xlsx"
        data = template_data(cluster=source.cluster, year=YEAR, cluster_year=source, blank=False)
        same_rows = list(entry_rows(source, data.initiatives, data.parties))

        def export():
            with path.open("wb") as out:
                return build_for(cluster=source.cluster, year=YEAR, cluster_year=source, blank=False, out=out)

        def do_import(dry_run: bool):
            with path.open("rb") as handle:
                return import_workbook(cluster_year=target, fileobj=handle, filename=path.name,
                                       size=path.stat().st_size, user=admin, dry_run=dry_run)

        def import_and_roll_back():
            """The import, measured inside a savepoint; the comparison and the rollback are not timed."""
            try:
                with transaction.atomic():
                    imported, figures = measure(lambda: do_import(False))
                    if "round_trip_identical" not in result:
                        result["round_trip_identical"] = fields(source) == fields(target)
                    raise Rollback(imported, figures)
            except Rollback as done:
                return done.args

        steps: dict[str, list[dict]] = {"export": [], "floor_export": [], "import": [], "floor_import": []}
        for _ in range(rounds):
            count, figures = measure(export)
            assert count == n, (count, n)
            steps["export"].append(figures)
            _, figures = measure(lambda: floor_write(same_rows, floor_path))
            steps["floor_export"].append(figures)
            imported, figures = import_and_roll_back()
            assert imported.rows == n and not live_entries(target).exists()
            steps["import"].append(figures)
            read, figures = measure(lambda: floor_read(path))
            steps["floor_import"].append(figures)

        def summary(name: str) -> dict:
            runs = steps[name]
            return {"seconds": round(median([r["seconds"] for r in runs]), 2),
                    "cpu_seconds": round(median([r["cpu_seconds"] for r in runs]), 2),
                    "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
                    "rounds_seconds": [round(r["seconds"], 2) for r in runs]}

        result["export"] = {"mode": "XlsxWriter", **summary("export"), "file_bytes": path.stat().st_size}
        result["floor_export"] = {"mode": "openpyxl write-only, the same rows as plain values",
                                  **summary("floor_export"), "file_bytes": floor_path.stat().st_size}
        result["import"] = {"mode": "openpyxl read-only", **summary("import"), "rows": imported.rows,
                            "total": str(imported.total)}
        result["floor_import"] = {"mode": "openpyxl read-only, values only", **summary("floor_import"),
                                  "rows_read": read}
        for step, floor in (("export", "floor_export"), ("import", "floor_import")):
            result[f"{step}_ratio"] = round(result[step]["seconds"] / result[floor]["seconds"], 2)
            result[f"{step}_cpu_ratio"] = round(result[step]["cpu_seconds"] / result[floor]["cpu_seconds"], 2)
        if trace:
            _, figures = measure(export, trace=True)
            result["export"].update(peak_python_bytes=figures["peak_python_bytes"],
                                    seconds_with_tracemalloc=round(figures["seconds"], 2))
            _, figures = measure(lambda: do_import(True), trace=True)
            result["import"].update(peak_python_bytes=figures["peak_python_bytes"],
                                    dry_run_seconds_with_tracemalloc=round(figures["seconds"], 2))
        transaction.set_rollback(True)  # leave nothing behind in the database
    peak_mb = max(result[s]["peak_rss_bytes"] for s in ("export", "import")) / 1024 / 1024
    result["verdicts"] = {
        "export_ratio": result["export_ratio"] <= TARGETS["export_ratio"],
        "import_ratio": result["import_ratio"] <= TARGETS["import_ratio"],
        "peak_mb": peak_mb <= TARGETS["peak_mb"],
    }
    result["process_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--use-configured-db", action="store_true",
                        help="use DATABASE_URL (inside a transaction that is rolled back) instead of a throwaway SQLite")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four steps; figures are medians")
    parser.add_argument("--no-trace", action="store_true", help="skip the extra tracemalloc passes (Python peak)")
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
        result = run(args.entries, tmp, max(1, args.rounds), not args.no_trace)
        result["database"] = connection.vendor
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    e, i = result["export"], result["import"]
    fe, fi = result["floor_export"], result["floor_import"]
    ok = {True: "nået", False: "IKKE nået"}
    print(f"Biblioteker: {result['environment']['openpyxl_xml']}; {result['environment']['versions']}")
    print(f"Posteringer: {result['entries']:,} (opbygget med entries_create_bulk på {result['data_build_seconds']} s); "
          f"median af {result['rounds']} runder")
    print(f"Eksport (XlsxWriter): {e['seconds']} s (CPU {e['cpu_seconds']} s), højeste RSS {mb(e['peak_rss_bytes'])}, "
          f"fil {mb(e['file_bytes'])}; runder {e['rounds_seconds']}")
    print(f"  openpyxl alene, write-only, samme rækker: {fe['seconds']} s (CPU {fe['cpu_seconds']} s); "
          f"forhold {result['export_ratio']}x (CPU {result['export_cpu_ratio']}x); mål <= 0,5x: "
          f"{ok[result['verdicts']['export_ratio']]}")
    print(f"Import (read-only, kontrol + gem): {i['seconds']} s (CPU {i['cpu_seconds']} s), højeste RSS "
          f"{mb(i['peak_rss_bytes'])}; runder {i['rounds_seconds']}")
    print(f"  openpyxl alene, read-only, kun værdier: {fi['seconds']} s (CPU {fi['cpu_seconds']} s); "
          f"forhold {result['import_ratio']}x (CPU {result['import_cpu_ratio']}x); mål <= 2x: "
          f"{ok[result['verdicts']['import_ratio']]}")
    print(f"Højeste RSS under eksport og import <= 250 MB: {ok[result['verdicts']['peak_mb']]}")
    if "peak_python_bytes" in e:
        print(f"Python-hukommelse (tracemalloc, ekstra gennemløb): eksport {mb(e['peak_python_bytes'])}, "
              f"tørkørsel af import {mb(i['peak_python_bytes'])}")
    print(f"Rundtur identisk felt for felt: {'ja' if result['round_trip_identical'] else 'NEJ'}; "
          f"{i['rows']:,} rækker, i alt {i['total']} kr.")
    print(f"Processens højeste RSS: {mb(result['process_peak_rss_bytes'])}; belastning (load average) "
          f"{os.getloadavg()[0]:.1f} på {os.cpu_count()} CPU'er")
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return 0 if result["round_trip_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
