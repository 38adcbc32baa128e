"""One Excel step in its own process, so that its peak memory is its own: prints one JSON line.

    python bench/workbook_measure.py floor --entries N --file A.xlsx [--file B.xlsx ...] --out FLOOR.xlsx
    python bench/workbook_measure.py export --cluster-year PK --out FILE.xlsx
    python bench/workbook_measure.py preview --cluster-year PK --file FILE.xlsx --username USER
    python bench/workbook_measure.py commit --cluster-year PK --file FILE.xlsx --username USER

Uses the workbook app's own functions: ``workbook.builder.build_for`` (export); ``read_upload``,
``preview_file`` and ``preview_totals`` (preview, what the upload does before the page is drawn);
``commit_file`` ("Indlæs", booked for real in the benchmark's own database). The floor is what
openpyxl alone costs: writing N rows of ten plain values in write-only mode, and reading each given
file's Regnskab sheet in read-only mode, values only. Time is wall-clock for the step alone; memory is
the process's peak resident set (ru_maxrss), which includes Python, Django and the loaded apps
(``baseline_mb`` is that peak before the step). Run by bench/workbook_step.py with the benchmark's
environment.
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


def floor(entries: int, out: Path, files: list[Path]) -> dict:
    """openpyxl alone: write N plain rows (write-only), read each file's Regnskab (read-only)."""
    import datetime
    from decimal import Decimal

    from openpyxl import Workbook

    from bench.workbook_files import floor_read

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Regnskab")
    day = datetime.date(2023, 1, 1)
    for i in range(entries):
        ws.append([day, "BENCH indsats 2023 nr. 01", "Akutområdet", "Aarhus", "Udgift", "Udvikling",
                   "4.62.82", Decimal("1234.50"), f"BENCH-{i:07d}", f"BENCH syntetisk postering {i}"])
    wb.save(out)
    result = {"export_seconds": time.perf_counter() - started, "read": {}}
    for path in files:
        started = time.perf_counter()
        rows = floor_read(path)
        result["read"][path.name] = {"seconds": time.perf_counter() - started, "rows_read": rows}
    return result


def counts_of(plan) -> dict:
    return {sheet.sheet: dict(sheet.counts) for sheet in plan.sheets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["floor", "export", "preview", "commit"])
    parser.add_argument("--cluster-year", type=int)
    parser.add_argument("--out")
    parser.add_argument("--file", action="append", default=[])
    parser.add_argument("--username")
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import django

    django.setup()
    from accounts.models import ClusterYear
    from klyngeportal.memory import freeze_long_lived
    from users.models import User
    from workbook import builder, importer, totals  # (loaded before the baseline is taken)

    freeze_long_lived()  # as a worker does after start-up (klyngeportal/wsgi.py): the same for every step
    setup_seconds = time.perf_counter() - started
    baseline = peak_mb()
    result: dict = {"step": args.step, "setup_seconds": setup_seconds, "baseline_mb": baseline}

    if args.step == "floor":
        result.update(floor(args.entries, Path(args.out), [Path(f) for f in args.file]), peak_mb=peak_mb())
        print(json.dumps(result))
        return 0
    cy = ClusterYear.objects.select_related("cluster__region").get(pk=args.cluster_year)
    if args.step == "export":
        started = time.perf_counter()
        with open(args.out, "wb") as out:
            count = builder.build_for(cluster=cy.cluster, year=cy.year, cluster_year=cy, blank=False, out=out)
        result.update(seconds=time.perf_counter() - started, peak_mb=peak_mb(), entries=count,
                      bytes=Path(args.out).stat().st_size, mode="XlsxWriter")
        print(json.dumps(result))
        return 0
    user = User.objects.get(username=args.username)
    path = Path(args.file[0])
    started = time.perf_counter()
    try:
        if args.step == "preview":
            with path.open("rb") as handle:
                data = importer.read_upload(handle, path.name, path.stat().st_size)
            plan = importer.preview_file(cluster_year=cy, data=data, filename=path.name, user=user)
            totals.preview_totals(plan)
            result.update(seconds=time.perf_counter() - started, peak_mb=peak_mb(), counts=counts_of(plan),
                          nothing_to_import=plan.nothing_to_import, mode="read_upload + preview_file + preview_totals")
        else:
            from bench.workbook_files import commit_options

            booked = importer.commit_file(cluster_year=cy, data=path.read_bytes(), filename=path.name, user=user,
                                          **commit_options())
            result.update(seconds=time.perf_counter() - started, peak_mb=peak_mb(), counts=counts_of(booked.plan),
                          rows_booked=booked.rows, batch=booked.batch.pk if booked.batch else None,
                          mode="commit_file")
    except importer.ImportRefused as exc:
        result.update(error=f"{args.step} refused after {time.perf_counter() - started:.1f} s: "
                            + "; ".join(f"{p.sheet}!{p.cell}: {p.message}" for p in exc.problems[:3])[:500])
        print(json.dumps(result))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
