"""The workbook's part of docs/benchmark.md: the running-copy import (issue 12) and the export (issue 11).

Two sources: ``bench/workbook_step.py`` (each step once, in its own process, on the benchmark's
database) and ``bench/bench_workbook.py`` (each step beside its openpyxl-alone floor in interleaved
rounds, medians: the figures the targets are judged on).
"""
from __future__ import annotations

import os

# Each step against openpyxl alone on the same file, measured in the same run: the export (issue 11)
# against write-only writing of the same rows, the unchanged preview (issue 12) against read-only reading.
WORKBOOK_TARGETS = {"export": 0.5, "preview_unchanged": 1.5}
WORKBOOK_MB_TARGET = 250.0
FULL_ENTRIES = 20_000
STEP_FLOORS = (("export", "floor_export"), ("preview_unchanged", "floor_unchanged"),
               ("preview_changed", "floor_changed"), ("commit_changed", "floor_changed"))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _ratio(value, floor) -> str:
    if value is None or not floor:
        return "–"
    quotient = value / floor
    return f"{quotient:,.2f}×"


def step_label(step: str, changes) -> str:
    return {
        "export": "Export",
        "preview_unchanged": "Preview of the unchanged export",
        "preview_changed": f"Preview, {changes} rows changed",
        "commit_changed": f"Commit («Indlæs»), {changes} rows changed",
    }[step]


def target_text(step: str) -> str:
    if step in WORKBOOK_TARGETS:
        return f"≤ {WORKBOOK_TARGETS[step]:g}× floor, ≤ {WORKBOOK_MB_TARGET:g} MB"
    return f"reported; ≤ {WORKBOOK_MB_TARGET:g} MB"


def workbook_table(results: dict) -> list[str]:
    wb = results.get("workbook") or {}
    if wb.get("missing"):
        return [f"Not measured: {wb['missing']}."]
    lines = []
    own = wb.get("own_bench")
    if own:
        lines += [*own_bench_lines(own), ""]
    floor = wb.get("floor") or {}
    floor_seconds = {"export": floor.get("export_seconds"), "preview_unchanged": floor.get("unchanged_seconds"),
                     "preview_changed": floor.get("changed_seconds"), "commit_changed": floor.get("changed_seconds")}
    rows = []
    for step, _ in STEP_FLOORS:
        label, r = step_label(step, wb.get("changes", "?")), wb.get(step)
        if not r:
            rows.append([label, "–", "–", "–", "–", "–", wb.get(f"{step}_missing", "not measured")])
            continue
        f = floor_seconds[step]
        rows.append([label, f"{r['seconds']:.2f}", f"{f:.2f}" if f else "–", _ratio(r["seconds"], f),
                     f"{r['peak_mb']:.0f}" if r.get("peak_mb") is not None else "–", target_text(step),
                     r.get("note", "")])
    lines.append(f"{wb.get('entries', 0):,} entries in {wb.get('cluster_year', '?')}; each step in its own process "
                 "on the benchmark's database (`bench/workbook_step.py`), one run:")
    lines.append("")
    if floor:
        lines.append(
            f"Memory floor: {floor.get('what', 'the process after Django start-up')}: peak {floor['peak_mb']:.0f} MB "
            f"(start-up {floor.get('setup_seconds', 0):.1f} s, not counted in the steps' seconds)."
            + (f" The openpyxl-alone floor failed: {floor['error']}" if floor.get("error") else ""))
        lines.append("")
    lines += _table(["step", "seconds", "floor seconds (openpyxl alone)", "seconds / floor", "peak MB", "target",
                     "note"], rows)
    if wb.get("how"):
        lines += ["", wb["how"]]
    return lines


def own_bench_lines(own: dict) -> list[str]:
    """bench/bench_workbook.py as run by bench/run.py: its table, or why it has none."""
    data = own.get("json")
    if not data or own.get("returncode"):
        tail = (own.get("stderr") or own.get("output") or "").strip()[-1500:]
        return [f"`bench/bench_workbook.py` exited with {own.get('returncode')}:", "", "```", tail, "```"]
    return running_copy_lines(data)


def _met(data: dict, step: str) -> bool:
    """Within target on wall-clock and on CPU time both (the CPU ratio is what an idle machine would show)."""
    worst = max(data.get(f"{step}_ratio", 0), data.get(f"{step}_cpu_ratio", 0))
    return 0 < worst <= WORKBOOK_TARGETS[step]


def running_copy_lines(data: dict) -> list[str]:
    """The figures of one bench/bench_workbook.py run (its JSON) as Markdown: each step beside its floor."""
    changes, verdicts = data.get("changes", "?"), data.get("verdicts", {})
    rows = []
    for step, floor in STEP_FLOORS:
        r, f = data.get(step, {}), data.get(floor, {})
        mb = r.get("peak_rss_bytes", 0) / 1024 / 1024
        if step in WORKBOOK_TARGETS:
            verdict = "met" if _met(data, step) and mb <= WORKBOOK_MB_TARGET else "NOT MET"
        else:
            verdict = "reported" + ("" if mb <= WORKBOOK_MB_TARGET else "; memory NOT MET")
        rows.append([
            f"{step_label(step, changes)} ({r.get('mode', '')})",
            f"{r.get('seconds', 0):.2f} ({r.get('cpu_seconds', 0):.2f})",
            f"{f.get('seconds', 0):.2f} ({f.get('cpu_seconds', 0):.2f}), {f.get('mode', '')}",
            f"{data.get(f'{step}_ratio', 0):.2f}× (CPU {data.get(f'{step}_cpu_ratio', 0):.2f}×)",
            f"{mb:,.0f}", target_text(step), verdict,
            ", ".join(f"{x:.2f}" for x in r.get("rounds_seconds", [])),
        ])
    env = data.get("environment", {})
    unchanged = (data.get("preview_unchanged", {}).get("counts") or {}).get("Regnskab", {})
    edited = (data.get("preview_changed", {}).get("counts") or {}).get("Regnskab", {})
    checks = data.get("commit_changed", {}).get("checks", [])
    yes = {True: "yes", False: "NO"}
    booked = "; ".join(f"{c.get('reversals')} + {c.get('new')}" for c in checks)
    lines = [
        f"`bench/bench_workbook.py --entries {data.get('entries', 0)} --rounds {data.get('rounds', '?')}` "
        f"({data.get('date', '')}; **synthetic data** in a {data.get('database', 'throwaway')} database, rolled back; "
        f"{env.get('openpyxl_xml', 'openpyxl')}; load average {data.get('load_before', 0):.1f} before, "
        f"{data.get('load_average', 0):.1f} after, on {os.cpu_count()} cores). Each step and "
        f"its openpyxl-alone floor in interleaved rounds, medians; seconds wall-clock (CPU of this process); a "
        f"time target is met when both the wall-clock and the CPU ratio are within it:",
        "",
        *_table(["step", "seconds (CPU)", "floor: openpyxl alone, seconds (CPU)", "seconds / floor", "peak RSS MB",
                 "target", "verdict", "rounds, seconds"], rows),
        "",
        f"- The unchanged export previews as {unchanged.get('unchanged', 0):,} unchanged rows and nothing to import: "
        f"{yes[bool(verdicts.get('unchanged_all_unchanged'))]}.",
        f"- The file with {changes} amounts raised by {data.get('change', '1.00')} kr. previews as "
        f"{edited.get('changed', 0)} changed, {edited.get('unchanged', 0):,} unchanged, {edited.get('new', 0)} new, "
        f"{edited.get('removed', 0)} not in the file, {edited.get('errors', 0)} errors: "
        f"{'as edited' if verdicts.get('changed_counted') else 'NOT as edited'}.",
        f"- Each commit booked exactly {changes} reversals and {changes} new entries, "
        f"{data.get('entries', 0):,} standing after: {yes[bool(verdicts.get('commit_booked_exactly'))]} "
        f"({booked}).",
        f"- Peak memory ≤ {WORKBOOK_MB_TARGET:g} MB in every step: {'met' if verdicts.get('peak_mb') else 'NOT MET'} "
        f"(highest {data.get('peak_mb', 0):,.0f} MB).",
    ]
    if "peak_python_bytes" in data.get("export", {}):
        lines.append(f"- Python peak by tracemalloc in an extra pass: export "
                     f"{data['export']['peak_python_bytes'] / 1024 / 1024:.1f} MB, unchanged preview "
                     f"{data['preview_unchanged']['peak_python_bytes'] / 1024 / 1024:.1f} MB.")
    return lines


def workbook_targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, verdict, figure) for the export, the unchanged preview and the exact commit."""
    wb = results.get("workbook") or {}
    data = (wb.get("own_bench") or {}).get("json") or {}
    out = []
    for step, floor in STEP_FLOORS[:2]:
        name = (f"{step_label(step, '')} of {FULL_ENTRIES:,} entries ≤ {WORKBOOK_TARGETS[step]:g}× openpyxl alone, "
                f"≤ {WORKBOOK_MB_TARGET:g} MB")
        if step not in data:
            out.append((name, "not measured", wb.get("missing") or "bench/bench_workbook.py did not run"))
            continue
        r, seconds_ratio = data[step], data[f"{step}_ratio"]
        mb = r.get("peak_rss_bytes", 0) / 1024 / 1024
        figure = (f"{r['seconds']:.2f} s against {data[floor]['seconds']:.2f} s: {seconds_ratio:.2f}× "
                  f"(CPU {data[f'{step}_cpu_ratio']:.2f}×), peak {mb:,.0f} MB")
        if data.get("entries", 0) < FULL_ENTRIES:
            out.append((name, "not judged", f"ran with {data.get('entries', 0):,} entries only: {figure}"))
        else:
            met = _met(data, step) and mb <= WORKBOOK_MB_TARGET
            out.append((name, "met" if met else "NOT MET", figure))
    check = wb.get("check")
    if check:
        out.append((f"Commit of an export with {wb.get('changes')} rows changed books exactly that many reversals "
                    "and new entries", "met" if check.get("exact") else "NOT MET",
                    f"{check['reversals']} reversals + {check['new']} new, {check['live']:,} standing "
                    f"({wb.get('entries', 0):,} entries, bench/workbook_step.py)"))
    return out
