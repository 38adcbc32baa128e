"""Export and import of a 20,000-entry cluster-year through the workbook app's own functions.

One cluster-year other than the measured one (the focus cluster's next year)
is filled with N entries without reversals, exported to the Excel template
(`workbook.builder.build_for`), emptied, and the file imported back into it
(`workbook.importer.import_workbook`): the round trip must give back the same
number of entries and the same total. Each step runs in its own process
(bench/workbook_measure.py) so its peak memory is its own; a `floor` process
that only starts Django gives the baseline.

When the workbook app's own bench script `bench/bench_workbook.py` exists, it
is run as well and what it prints is kept beside these figures.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "workbook_measure.py"
OWN_BENCH = HERE / "bench_workbook.py"


def _worker(env: dict[str, str], *args: str, timeout: float = 900) -> dict:
    completed = subprocess.run(
        [sys.executable, str(WORKER), *args], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=timeout,
    )
    lines = completed.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (json.JSONDecodeError, IndexError):
        tail = " | ".join((completed.stderr or "").strip().splitlines()[-3:])
        return {"error": f"{args[0]} failed ({completed.returncode}): {tail}"[:600]}
    return result


def _live_totals(cluster_year_pk: int) -> tuple[int, Decimal]:
    from django.db.models import Count

    from accounts.models import Entry
    from accounts.selectors.totals import cents_sum, from_cents

    agg = Entry.objects.filter(cluster_year_id=cluster_year_pk).aggregate(n=Count("pk"), cents=cents_sum("amount"))
    return agg["n"], from_cents(agg["cents"])


def own_bench(env: dict[str, str], entries: int, timeout: float = 900) -> dict | None:
    """What bench/bench_workbook.py prints (its last line as JSON if it is JSON), or None without it."""
    if not OWN_BENCH.exists():
        return None
    completed = subprocess.run(
        [sys.executable, str(OWN_BENCH), "--entries", str(entries)], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=timeout,
    )
    output = completed.stdout.strip()
    result: dict = {"returncode": completed.returncode, "output": output[-3000:]}
    if completed.returncode != 0:
        result["stderr"] = completed.stderr.strip()[-1000:]
    try:
        result["json"] = json.loads(output.splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        pass
    return result


def run(env: dict[str, str], builder, data, entries: int, out_dir: Path, own: bool = True) -> dict:
    from accounts.models import ClusterYear

    focus = data.focus
    cy = next(c for c in data.cluster_years if c.cluster.pk == focus.cluster.pk and c.year == focus.year + 1)
    user = data.users[f"sek:{cy.cluster.pk}"]
    result: dict = {
        "entries": entries,
        "cluster_year": f"{cy.cluster.name}, Region {cy.cluster.region.name}, {cy.year}",
        "how": (
            f"{entries:,} entries (no reversals) in {cy.cluster.name} {cy.year}; export with "
            "`workbook.builder.build_for` (XlsxWriter), then the cluster-year emptied and the file "
            "imported back with `workbook.importer.import_workbook` (openpyxl read-only) as its secretariat; "
            "each step in its own process (`bench/workbook_measure.py`). Peak MB is the process's peak resident "
            "set, Python and Django included. The time floor is openpyxl alone (as installed: lxml only if "
            "present): writing as many rows of ten plain values in write-only mode (export), and reading the "
            "exported entry sheet in read-only mode, values only (import)."
        ),
    }
    builder.clear_entries(cy)
    ClusterYear.objects.filter(pk=cy.pk).update(status="draft", closed_at=None)
    builder.add_entries(data, entries, only=[cy], reversals=False)
    count, total = _live_totals(cy.pk)

    path = out_dir / "bench-export.xlsx"
    export = _worker(env, "export", "--cluster-year", str(cy.pk), "--out", str(path))
    if export.get("error"):
        result["export_missing"] = result["import_missing"] = export["error"]
        return result
    floor = _worker(env, "floor", "--entries", str(entries), "--file", str(path),
                    "--out", str(out_dir / "bench-floor.xlsx"))
    result["floor"] = {
        "what": "the export process itself after starting Django and loading the workbook app, before the step",
        "peak_mb": export["baseline_mb"], "setup_seconds": export["setup_seconds"],
        "export_seconds": floor.get("export_seconds"), "import_seconds": floor.get("import_seconds"),
        "error": floor.get("error"),
    }
    export["note"] = f"{export.get('bytes', 0) / 1024 / 1024:.1f} MB file"
    result["export"] = export

    builder.clear_entries(cy)
    imported = _worker(env, "import", "--cluster-year", str(cy.pk), "--file", str(path), "--username", user.username)
    if imported.get("error"):
        result["import_missing"] = imported["error"]
    else:
        back_count, back_total = _live_totals(cy.pk)
        same = back_count == count and back_total == total
        imported["note"] = (
            f"round trip {'identical' if same else 'DIFFERS'}: {back_count:,} entries, total {back_total:,} kr."
            + ("" if same else f" (exported {count:,}, total {total:,} kr.)")
        )
        result["import"] = imported
    if own:
        theirs = own_bench(env, entries)
        if theirs is not None:
            result["own_bench"] = theirs
    return result
