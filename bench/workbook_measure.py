"""One Excel step in its own process, so that its peak memory is its own: prints one JSON line.

    python bench/workbook_measure.py floor --entries N --file EXPORTED.xlsx --out FLOOR.xlsx
    python bench/workbook_measure.py export --cluster-year PK --out FILE.xlsx
    python bench/workbook_measure.py import --cluster-year PK --file FILE.xlsx --username USER

Uses the workbook app's own functions (`workbook.builder.build_for`,
`workbook.importer.import_workbook`). The floor is what openpyxl alone costs:
writing N rows of the same ten plain values in write-only mode, and reading
the exported file's entry sheet in read-only mode, values only. Time is wall-clock for the step alone;
memory is the process's peak resident set (ru_maxrss), which includes Python,
Django and the loaded apps (`baseline_mb` is that peak before the step).
Run by bench/run.py with the benchmark's environment.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def floor(entries: int, out: Path, exported: Path) -> dict:
    """openpyxl alone: write N plain rows (write-only), read the exported entry sheet (read-only)."""
    import datetime
    from decimal import Decimal

    from openpyxl import Workbook, load_workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Regnskab")
    day = datetime.date(2023, 1, 1)
    for i in range(entries):
        ws.append([day, "BENCH indsats 2023 nr. 01", "Akutområdet", "Aarhus", "Udgift", "Udvikling",
                   "4.62.82", Decimal("1234.50"), f"BENCH-{i:07d}", f"BENCH syntetisk postering {i}"])
    wb.save(out)
    write_seconds = time.perf_counter() - started

    started = time.perf_counter()
    wb = load_workbook(exported, read_only=True)
    rows = sum(1 for _ in wb["Regnskab"].iter_rows(values_only=True))
    wb.close()
    return {"export_seconds": write_seconds, "import_seconds": time.perf_counter() - started, "rows_read": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["floor", "export", "import"])
    parser.add_argument("--cluster-year", type=int)
    parser.add_argument("--out")
    parser.add_argument("--file")
    parser.add_argument("--username")
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import django

    django.setup()
    from accounts.models import ClusterYear, Entry
    from users.models import User
    from workbook import builder, importer  # noqa: F401  (loaded before the baseline is taken)

    setup_seconds = time.perf_counter() - started
    baseline = peak_mb()
    result: dict = {"step": args.step, "setup_seconds": setup_seconds, "baseline_mb": baseline}

    if args.step == "floor":
        result.update(floor(args.entries, Path(args.out), Path(args.file)), peak_mb=peak_mb())
    elif args.step == "export":
        cy = ClusterYear.objects.select_related("cluster__region").get(pk=args.cluster_year)
        started = time.perf_counter()
        with open(args.out, "wb") as out:
            count = builder.build_for(cluster=cy.cluster, year=cy.year, cluster_year=cy, blank=False, out=out)
        result.update(seconds=time.perf_counter() - started, peak_mb=peak_mb(), entries=count,
                      bytes=Path(args.out).stat().st_size, mode="write-only")
    else:
        cy = ClusterYear.objects.select_related("cluster__region").get(pk=args.cluster_year)
        user = User.objects.get(username=args.username)
        path = Path(args.file)
        started = time.perf_counter()
        with path.open("rb") as handle:
            try:
                outcome = importer.import_workbook(
                    cluster_year=cy, fileobj=handle, filename=path.name, size=path.stat().st_size, user=user,
                )
            except importer.ImportRefused as exc:
                result.update(error=f"import refused after {time.perf_counter() - started:.1f} s: {exc}"[:500])
                print(json.dumps(result))
                return 1
        result.update(seconds=time.perf_counter() - started, peak_mb=peak_mb(), entries=outcome.rows,
                      total=str(outcome.total), mode="read-only",
                      saved=Entry.objects.filter(cluster_year=cy).count())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
