"""Benchmark of the workbook as the running copy (issues 11 and 12): export, preview and commit of one
cluster-year with N entries, each beside what openpyxl alone costs for the same file, in the same run.

    .venv/bin/python bench/bench_workbook.py [--entries 20000] [--rounds 3] [--changes 100]
        [--use-configured-db] [--no-trace] [--markdown FILE]

All data here is SYNTHETIC: initiatives, texts and vouchers say "Syntetisk BENCH"; the amounts are
random. By default the run builds its own throwaway SQLite database in a temporary folder (migrate +
load_reference) and deletes it afterwards; with --use-configured-db it uses the configured database
(DATABASE_URL) inside one transaction that is rolled back at the end, so nothing stays behind.

Each round measures, back to back, so that other work on the machine falls on all alike:
- export: ``workbook.builder.build_for`` (XlsxWriter), as the pages use it, beside
  the export floor: openpyxl alone, write-only, the same entry rows as plain values;
- preview of the unchanged export into its own cluster-year (every row unchanged by its Portal-nr.),
  beside the read floor: openpyxl alone, read-only, values only, the same file's Regnskab;
- preview of the export with ``--changes`` rows' amounts raised by 1,00 kr. (the edit, with openpyxl,
  is made once and not timed), beside the read floor of that file;
- commit ("Indlæs", with «Jeg bekræfter overskridelserne» ticked where the importer asks for it:
  the synthetic cluster-year has no budget) of the changed file, inside a savepoint rolled back after measuring; after each
  commit the bench checks that it booked exactly ``changes`` reversals and ``changes`` new entries.
A preview is what the upload does before the page is drawn: ``read_upload`` (the file's checks),
``preview_file`` (every sheet planned against the ledger) and ``preview_totals`` (before → after).
A commit is ``commit_file``: re-planned under the cluster-year's lock, then booked.

Figures are the median over the rounds, wall-clock and CPU time of this process; the ratios are
step / its floor. Peak memory is the process's peak resident set during each step (Linux: VmHWM,
reset before the step), Python and Django included. With tracing (the default) one more pass of the
export and of the unchanged preview runs under tracemalloc for the Python peak (its times are not the
figures). Targets: export <= 0.5x its floor (issue 11); unchanged preview <= 1.5x its floor (issue
12), each judged on wall-clock and on CPU time (the larger ratio); every step's peak <= 250 MB. The
last line printed is a JSON object.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workbook_files import (  # noqa: E402
    CHANGE,
    change_amounts_apart,
    commit_options,
    floor_read,
    floor_write,
    measure,
    median,
)

YEAR = 2022
SOURCE = (1083, "Lillebælt-klyngen")
INITIATIVES = 12
TARGETS = {"export_ratio": 0.5, "preview_unchanged_ratio": 1.5, "peak_mb": 250}
# step -> its floor, in the order of a round
STEPS = (("export", "floor_export"), ("preview_unchanged", "floor_unchanged"),
         ("preview_changed", "floor_changed"), ("commit_changed", "floor_changed"))


def mb(n: float) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


class Rollback(Exception):
    pass


def synthetic_data(n: int):
    """One cluster-year with n synthetic entries (three parties, twelve initiatives)."""
    from accounts import services
    from accounts.models import ClusterYear, Entry, InitiativeArea
    from geography.models import Cluster, Municipality
    from users.models import Role, User

    cluster = Cluster.objects.select_related("region").get(region__code=SOURCE[0], name=SOURCE[1])
    existing = ClusterYear.objects.filter(cluster=cluster, year=YEAR).first()
    if existing and Entry.objects.filter(cluster_year=existing).exists():
        raise SystemExit(f"{existing} har allerede posteringer; kør uden --use-configured-db.")
    admin = User.objects.create_user(username=f"bench_workbook_{os.getpid()}", role=Role.ADMIN,
                                     is_staff=True, is_superuser=True)
    areas = list(InitiativeArea.objects.filter(year=YEAR))
    if not areas:
        raise SystemExit(f"Ingen indsatsområder for {YEAR}; kør load_reference.")
    source = services.cluster_year_get_or_create(cluster=cluster, year=YEAR)
    initiatives = [
        services.initiative_create(
            cluster_year=source, by=admin, name=f"Syntetisk BENCH-indsats {i + 1:02d}", area=areas[i % len(areas)],
            description="Syntetisk indsats til benchmark.", responsible="cluster", status="active",
        )
        for i in range(INITIATIVES)
    ]
    parties = [
        {"party_kind": "region", "region": cluster.region},
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
    return source, admin, time.perf_counter() - started


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


def counts_of(plan) -> dict:
    return {sheet.sheet: dict(sheet.counts) for sheet in plan.sheets}


def run(n: int, workdir: Path, rounds: int, trace: bool, changes: int) -> dict:
    from django.db import transaction

    from accounts.models import Entry
    from klyngeportal.memory import freeze_long_lived
    from workbook.builder import build_for
    from workbook.importer import commit_file, preview_file, read_upload
    from workbook.selectors import entry_rows, live_entries, template_data
    from workbook.totals import preview_totals

    result: dict = {"entries": n, "changes": changes, "synthetic": True, "rounds": rounds, "targets": TARGETS,
                    "environment": environment()}
    with transaction.atomic():
        source, admin, build_seconds = synthetic_data(n)
        result["data_build_seconds"] = round(build_seconds, 2)
        freeze_long_lived()  # what a worker holds for its life is out of the collector's walks, as in production
        path, floor_path, changed_path = (workdir / "bench-eksport.xlsx", workdir / "bench-floor.xlsx",
                                          workdir / "bench-rettet.xlsx")
        data = template_data(cluster=source.cluster, year=YEAR, cluster_year=source, blank=False)
        same_rows = list(entry_rows(source, data.initiatives, data.parties))

        def export():
            with path.open("wb") as out:
                return build_for(cluster=source.cluster, year=YEAR, cluster_year=source, blank=False, out=out)

        def preview(file: Path):
            with file.open("rb") as handle:
                raw = read_upload(handle, file.name, file.stat().st_size)
            plan = preview_file(cluster_year=source, data=raw, filename=file.name, user=admin)
            return plan, preview_totals(plan)

        def previewed(file: Path) -> tuple[dict, dict]:
            """(what the preview found, its figures); the plan itself is not kept, so that it does not
            weigh on the garbage collector in the steps after it (the floors among them)."""
            (plan, _), figures = measure(lambda: preview(file))
            return {"counts": counts_of(plan), "nothing_to_import": plan.nothing_to_import}, figures

        def commit_and_roll_back():
            """The commit inside a savepoint; the checks of what it booked and the rollback are not timed."""
            raw = changed_path.read_bytes()
            options = commit_options()
            reversals_before = Entry.objects.filter(cluster_year=source, reverses__isnull=False).count()
            try:
                with transaction.atomic():
                    booked, figures = measure(lambda: commit_file(cluster_year=source, data=raw,
                                                                  filename=changed_path.name, user=admin,
                                                                  **options))
                    check = {
                        "reversals": Entry.objects.filter(cluster_year=source, reverses__isnull=False).count()
                        - reversals_before,
                        "new": Entry.objects.filter(import_batch=booked.batch, reverses__isnull=True).count()
                        if booked.batch else 0,
                        "live": live_entries(source).count(),
                        "changed_refs_reversed": live_entries(source).filter(pk__in=changed_refs).count() == 0,
                    }
                    raise Rollback(booked, figures, check)
            except Rollback as done:
                return done.args

        count, figures = measure(export)  # the first export, for the file the other steps read
        assert count == n, (count, n)
        changed_refs = change_amounts_apart(path, changed_path, changes)  # in a child: not in our peaks
        steps: dict[str, list[dict]] = {name: [] for pair in STEPS for name in pair}
        checks = []
        for _ in range(rounds):
            count, figures = measure(export)
            assert count == n, (count, n)
            steps["export"].append(figures)
            _, figures = measure(lambda: floor_write(same_rows, floor_path))
            steps["floor_export"].append(figures)
            unchanged, figures = previewed(path)
            steps["preview_unchanged"].append(figures)
            read_unchanged, figures = measure(lambda: floor_read(path))
            steps["floor_unchanged"].append(figures)
            changed, figures = previewed(changed_path)
            steps["preview_changed"].append(figures)
            read_changed, figures = measure(lambda: floor_read(changed_path))
            steps["floor_changed"].append(figures)
            booked, figures, check = commit_and_roll_back()
            rows_booked = booked.rows
            del booked
            steps["commit_changed"].append(figures)
            checks.append(check)
            assert live_entries(source).count() == n  # rolled back

        def summary(name: str) -> dict:
            runs = steps[name]
            return {"seconds": round(median([r["seconds"] for r in runs]), 2),
                    "cpu_seconds": round(median([r["cpu_seconds"] for r in runs]), 2),
                    "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
                    "rounds_seconds": [round(r["seconds"], 2) for r in runs]}

        result["export"] = {"mode": "XlsxWriter", **summary("export"), "file_bytes": path.stat().st_size}
        result["floor_export"] = {"mode": "openpyxl write-only, the same rows as plain values",
                                  **summary("floor_export"), "file_bytes": floor_path.stat().st_size}
        result["preview_unchanged"] = {"mode": "read_upload + preview_file + preview_totals",
                                       **summary("preview_unchanged"), **unchanged}
        result["floor_unchanged"] = {"mode": "openpyxl read-only, values only", **summary("floor_unchanged"),
                                     "rows_read": read_unchanged}
        result["preview_changed"] = {"mode": "read_upload + preview_file + preview_totals",
                                     **summary("preview_changed"), "counts": changed["counts"],
                                     "file_bytes": changed_path.stat().st_size}
        result["floor_changed"] = {"mode": "openpyxl read-only, values only", **summary("floor_changed"),
                                   "rows_read": read_changed}
        result["commit_changed"] = {"mode": "commit_file, in a savepoint rolled back", **summary("commit_changed"),
                                    "rows_booked": rows_booked, "checks": checks}
        for step, floor in STEPS:
            result[f"{step}_ratio"] = round(result[step]["seconds"] / result[floor]["seconds"], 2)
            result[f"{step}_cpu_ratio"] = round(result[step]["cpu_seconds"] / result[floor]["cpu_seconds"], 2)
        if trace:
            _, figures = measure(export, trace=True)
            result["export"].update(peak_python_bytes=figures["peak_python_bytes"],
                                    seconds_with_tracemalloc=round(figures["seconds"], 2))
            _, figures = measure(lambda: preview(path), trace=True)
            result["preview_unchanged"].update(peak_python_bytes=figures["peak_python_bytes"],
                                               seconds_with_tracemalloc=round(figures["seconds"], 2))
        transaction.set_rollback(True)  # leave nothing behind in the database
    entries_counts = result["preview_unchanged"]["counts"].get("Regnskab", {})
    changed_counts = result["preview_changed"]["counts"].get("Regnskab", {})
    peak_mb = max(result[s]["peak_rss_bytes"] for s, _ in STEPS) / 1024 / 1024
    result["peak_mb"] = round(peak_mb, 1)
    result["verdicts"] = {
        # On wall-clock and on this process's CPU time both: on a shared machine the wall-clock ratio carries
        # the other processes' noise, the CPU ratio is what an idle machine would show (SQLite runs in-process).
        "export_ratio": max(result["export_ratio"], result["export_cpu_ratio"]) <= TARGETS["export_ratio"],
        "preview_unchanged_ratio": max(result["preview_unchanged_ratio"], result["preview_unchanged_cpu_ratio"])
        <= TARGETS["preview_unchanged_ratio"],
        "peak_mb": peak_mb <= TARGETS["peak_mb"],
        "unchanged_all_unchanged": entries_counts.get("unchanged") == n and result["preview_unchanged"][
            "nothing_to_import"],
        "changed_counted": changed_counts.get("changed") == changes and changed_counts.get("unchanged") == n - changes
        and not any(changed_counts.get(k) for k in ("new", "removed", "errors")),
        "commit_booked_exactly": all(c["reversals"] == changes and c["new"] == changes and c["live"] == n
                                     and c["changed_refs_reversed"] for c in checks),
    }
    result["process_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


LABELS = {
    "export": "Eksport (XlsxWriter)",
    "preview_unchanged": "Forhåndsvisning, uændret eksport",
    "preview_changed": "Forhåndsvisning, {changes} rækker ændret",
    "commit_changed": "Indlæs (commit), {changes} rækker ændret",
}


def print_summary(result: dict) -> None:
    ok = {True: "nået", False: "IKKE nået"}
    v = result["verdicts"]
    print(f"Biblioteker: {result['environment']['openpyxl_xml']}; {result['environment']['versions']}")
    print(f"Posteringer: {result['entries']:,} (opbygget med entries_create_bulk på {result['data_build_seconds']} s); "
          f"median af {result['rounds']} runder")
    for step, floor in STEPS:
        r, f = result[step], result[floor]
        print(f"{LABELS[step].format(changes=result['changes'])}: {r['seconds']} s (CPU {r['cpu_seconds']} s), "
              f"højeste RSS {mb(r['peak_rss_bytes'])}; runder {r['rounds_seconds']}")
        print(f"  openpyxl alene ({f['mode']}): {f['seconds']} s (CPU {f['cpu_seconds']} s); forhold "
              f"{result[f'{step}_ratio']}x (CPU {result[f'{step}_cpu_ratio']}x)")
    print(f"Eksport <= 0,5x sit gulv: {ok[v['export_ratio']]}; uændret forhåndsvisning <= 1,5x sit gulv: "
          f"{ok[v['preview_unchanged_ratio']]}; højeste RSS <= 250 MB i hvert trin: {ok[v['peak_mb']]}")
    print(f"Uændret eksport: alle {result['entries']:,} rækker uændrede, intet at indlæse: "
          f"{'ja' if v['unchanged_all_unchanged'] else 'NEJ'} ({result['preview_unchanged']['counts']})")
    print(f"Ændret fil: {result['preview_changed']['counts']}")
    print(f"Indlæs bogførte præcis {result['changes']} tilbageførsler og {result['changes']} nye posteringer: "
          f"{'ja' if v['commit_booked_exactly'] else 'NEJ'} ({result['commit_changed']['checks']})")
    if "peak_python_bytes" in result["export"]:
        print(f"Python-hukommelse (tracemalloc, ekstra gennemløb): eksport {mb(result['export']['peak_python_bytes'])}, "
              f"uændret forhåndsvisning {mb(result['preview_unchanged']['peak_python_bytes'])}")
    print(f"Processens højeste RSS: {mb(result['process_peak_rss_bytes'])}; belastning (load average) "
          f"{result['load_average']:.1f} på {os.cpu_count()} CPU'er")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=100, help="rows whose amount the edited file changes")
    parser.add_argument("--use-configured-db", action="store_true",
                        help="use DATABASE_URL (inside a transaction that is rolled back) instead of a throwaway SQLite")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the steps; figures are medians")
    parser.add_argument("--no-trace", action="store_true", help="skip the extra tracemalloc passes (Python peak)")
    parser.add_argument("--markdown", help="also write the figures as a Markdown section to this file")
    args = parser.parse_args(argv)
    changes = min(args.changes, max(1, args.entries // 2))

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
            call_command("load_reference", verbosity=0, stdout=io.StringIO())
            print(f"Database opbygget på {time.perf_counter() - started:.1f} s")
        load_before = os.getloadavg()[0]
        result = run(args.entries, tmp, max(1, args.rounds), not args.no_trace, changes)
        result["database"] = connection.vendor
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["load_average"] = round(os.getloadavg()[0], 2)
    result["load_before"] = round(load_before, 2)
    result["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["change"] = str(CHANGE)
    print_summary(result)
    if args.markdown:
        from bench.report_workbook import running_copy_lines

        Path(args.markdown).write_text("\n".join(running_copy_lines(result)) + "\n", encoding="utf-8")
    print(json.dumps(result))
    v = result["verdicts"]
    return 0 if v["unchanged_all_unchanged"] and v["changed_counted"] and v["commit_booked_exactly"] else 1


if __name__ == "__main__":
    sys.exit(main())
