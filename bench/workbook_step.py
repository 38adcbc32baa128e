"""The workbook as the running copy, on the benchmark's database: export, preview and commit of one
cluster-year with N entries, through the workbook app's own functions.

One cluster-year other than the measured one (the focus cluster's next year, a draft) is filled with
N entries without reversals and exported (``workbook.builder.build_for``). Then, as its secretariat:
the preview of the unchanged export (every row unchanged by its Portal-nr., nothing to import), an
edit of the export with openpyxl that raises the amount of ``changes`` rows by 1,00 kr. (not timed),
the preview of that file and its commit ("Indlæs", booked for real). The commit must book exactly
``changes`` reversals and ``changes`` new entries and leave N standing entries. Each step runs in its
own process (bench/workbook_measure.py) so its peak memory is its own; a ``floor`` process gives
openpyxl alone on the same files.

When the workbook app's own bench script ``bench/bench_workbook.py`` exists, it is run as well (its
interleaved rounds beside the floors) and what it prints is kept beside these figures.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "workbook_measure.py"
OWN_BENCH = HERE / "bench_workbook.py"
CHANGES = 100
STEPS = ("export", "preview_unchanged", "preview_changed", "commit_changed")


def changes_for(entries: int) -> int:
    """100 changed rows, or a fifth of the rows of a smaller export."""
    return min(CHANGES, max(1, entries // 5))


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


def own_bench(env: dict[str, str], entries: int, timeout: float = 1800) -> dict | None:
    """What bench/bench_workbook.py prints (its last line as JSON if it is JSON), or None without it."""
    if not OWN_BENCH.exists():
        return None
    completed = subprocess.run(
        [sys.executable, str(OWN_BENCH), "--entries", str(entries), "--changes", str(changes_for(entries))],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout,
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


def _ledger(cluster_year_pk: int) -> dict:
    from accounts.models import ClusterYear, Entry
    from workbook.selectors import live_entries

    cy = ClusterYear.objects.get(pk=cluster_year_pk)
    return {"live": live_entries(cy).count(),
            "reversals": Entry.objects.filter(cluster_year=cy, reverses__isnull=False).count()}


def run(env: dict[str, str], builder, data, entries: int, out_dir: Path, own: bool = True) -> dict:
    from accounts.models import ClusterYear, Entry
    from bench.workbook_files import change_amounts

    focus = data.focus
    cy = next(c for c in data.cluster_years if c.cluster.pk == focus.cluster.pk and c.year == focus.year + 1)
    user = data.users[f"sek:{cy.cluster.pk}"]
    changes = changes_for(entries)
    result: dict = {
        "entries": entries, "changes": changes,
        "cluster_year": f"{cy.cluster.name}, Region {cy.cluster.region.name}, {cy.year}",
        "how": (
            f"{entries:,} entries (no reversals) in {cy.cluster.name} {cy.year}, exported with "
            "`workbook.builder.build_for` (XlsxWriter); as its secretariat, the preview of the unchanged export "
            "(`read_upload` + `preview_file` + `preview_totals`), the export with "
            f"{changes} rows' amounts raised by 1,00 kr. (edited with openpyxl, not timed), its preview and its "
            "commit (`commit_file`, booked). Each step in its own process (`bench/workbook_measure.py`). Peak MB "
            "is the process's peak resident set, Python and Django included. The time floor is openpyxl alone "
            "(as installed: lxml only if present): writing as many rows of ten plain values in write-only mode "
            "(export), and reading the same file's Regnskab in read-only mode, values only (previews, commit)."
        ),
    }
    builder.clear_entries(cy)
    ClusterYear.objects.filter(pk=cy.pk).update(status="draft", closed_at=None)
    builder.add_entries(data, entries, only=[cy], reversals=False)

    path, changed = out_dir / "bench-export.xlsx", out_dir / "bench-export-rettet.xlsx"
    export = _worker(env, "export", "--cluster-year", str(cy.pk), "--out", str(path))
    if export.get("error"):
        for step in STEPS:
            result[f"{step}_missing"] = export["error"]
        return result
    export["note"] = f"{export.get('bytes', 0) / 1024 / 1024:.1f} MB file"
    result["export"] = export
    changed_bytes, _ = change_amounts(path.read_bytes(), changes)
    changed.write_bytes(changed_bytes)

    floor = _worker(env, "floor", "--entries", str(entries), "--file", str(path), "--file", str(changed),
                    "--out", str(out_dir / "bench-floor.xlsx"))
    reads = floor.get("read", {})
    result["floor"] = {
        "what": "the export process itself after starting Django and loading the workbook app, before the step",
        "peak_mb": export["baseline_mb"], "setup_seconds": export["setup_seconds"],
        "export_seconds": floor.get("export_seconds"),
        "unchanged_seconds": reads.get(path.name, {}).get("seconds"),
        "changed_seconds": reads.get(changed.name, {}).get("seconds"),
        "rows_read": reads.get(path.name, {}).get("rows_read"),
        "error": floor.get("error"),
    }
    common = ("--cluster-year", str(cy.pk), "--username", user.username)
    result["preview_unchanged"] = _worker(env, "preview", "--file", str(path), *common)
    result["preview_changed"] = _worker(env, "preview", "--file", str(changed), *common)
    before = _ledger(cy.pk)
    commit = _worker(env, "commit", "--file", str(changed), *common)
    result["commit_changed"] = commit
    for step in ("preview_unchanged", "preview_changed", "commit_changed"):
        if result[step].get("error"):
            result[f"{step}_missing"] = result.pop(step)["error"]
    after = _ledger(cy.pk)
    check = {
        "reversals": after["reversals"] - before["reversals"],
        "new": Entry.objects.filter(import_batch_id=commit.get("batch"), reverses__isnull=True).count()
        if commit.get("batch") else 0,
        "live": after["live"],
    }
    check["exact"] = check["reversals"] == changes and check["new"] == changes and check["live"] == entries
    result["check"] = check
    unchanged = (result.get("preview_unchanged") or {}).get("counts", {}).get("Regnskab", {})
    edited = (result.get("preview_changed") or {}).get("counts", {}).get("Regnskab", {})
    if "preview_unchanged" in result:
        result["preview_unchanged"]["note"] = (
            f"{unchanged.get('unchanged', 0):,} unchanged, "
            + ("nothing to import" if result["preview_unchanged"].get("nothing_to_import") else "SOMETHING TO IMPORT"))
    if "preview_changed" in result:
        result["preview_changed"]["note"] = f"{edited.get('changed', 0)} changed, {edited.get('unchanged', 0):,} unchanged"
    if "commit_changed" in result:
        commit["note"] = (f"booked {check['reversals']} reversals + {check['new']} new entries, "
                          f"{check['live']:,} standing: " + ("exact" if check["exact"] else "NOT AS PREVIEWED"))
    if own:
        theirs = own_bench(env, entries)
        if theirs is not None:
            result["own_bench"] = theirs
    return result
