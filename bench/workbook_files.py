"""What the workbook benchmarks share: the openpyxl-alone floors, the edit of an export, peak memory per step.

- ``floor_write``: openpyxl alone, write-only, the same rows as plain values (the export's floor);
- ``floor_read``: openpyxl alone, read-only, values only, a file's Regnskab sheet (the import's floor);
- ``change_amounts``: an export with ``count`` rows' amounts raised by 1,00 kr. (openpyxl, full load and
  save, as a user's edit would be; never timed); ``change_amounts_apart`` does it in a child process;
- ``measure``: wall and CPU seconds of one step and its peak resident set (Linux: VmHWM, reset before the
  step through /proc/self/clear_refs).
"""
from __future__ import annotations

import gc
import io
import json
import os
import resource
import time
import traceback
import tracemalloc
from decimal import Decimal
from pathlib import Path

CHANGE = Decimal("1.00")


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
    """(value, figures): wall and CPU seconds, peak RSS of the step, and tracemalloc's peak when traced.

    Each step starts from a collected heap (not timed), so that no step's garbage-collector walks include
    what an earlier step left behind.
    """
    gc.collect()
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


def floor_write(rows: list, path: Path) -> None:
    """openpyxl alone: the same rows as plain values, write-only mode."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Regnskab")
    for row in rows:
        ws.append(row)
    wb.save(path)


def floor_read(path: Path) -> int:
    """openpyxl alone: the file's Regnskab, read-only mode, values only. Returns the rows read."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in wb["Regnskab"].iter_rows(values_only=True))
    finally:
        wb.close()


def change_amounts(data: bytes, count: int) -> tuple[bytes, list[int]]:
    """The export with ``count`` Regnskab rows (spread evenly over the rows with a Portal-nr.) given an amount
    1,00 kr. higher; (the new file's bytes, the Portal-nr. of the rows changed). Not a measured step."""
    from openpyxl import load_workbook

    from workbook import layout as L

    wb = load_workbook(io.BytesIO(data))
    ws = wb[L.SHEET_ENTRIES]
    amount_col, ref_col = L.ENTRY_COL["amount"] + 1, L.ENTRY_COL["portal_ref"] + 1
    rows = [r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, ref_col).value not in (None, "")]
    if count > len(rows):
        raise ValueError(f"{count} rows to change, but the export has {len(rows)}")
    step = len(rows) / count if count else 1
    chosen = [rows[int(i * step)] for i in range(count)]
    refs = []
    for r in chosen:
        cell = ws.cell(r, amount_col)
        cell.value = float(Decimal(str(cell.value)) + CHANGE)
        refs.append(int(ws.cell(r, ref_col).value))
    out = io.BytesIO()
    wb.save(out)
    wb.close()
    return out.getvalue(), refs


def change_amounts_apart(src: Path, dst: Path, count: int) -> list[int]:
    """``change_amounts`` of the file ``src`` into ``dst``, in a forked child where fork exists, so that the
    full openpyxl load (well over 100 MB for 20,000 rows) does not stay in this process's resident set
    and count in the peaks of the steps measured after it. Returns the Portal-nr. of the rows changed."""
    if not hasattr(os, "fork"):
        data, refs = change_amounts(src.read_bytes(), count)
        dst.write_bytes(data)
        return refs
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: edit, write, report the rows, and leave without running the parent's exit code
        code = 1
        try:
            os.close(read)
            data, refs = change_amounts(src.read_bytes(), count)
            dst.write_bytes(data)
            os.write(write, json.dumps(refs).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"the edit of {src.name} failed in the child process (status {status})")
    return json.loads(b"".join(chunks))


def commit_options() -> dict:
    """What «Indlæs» is given besides the file: «Jeg bekræfter overskridelserne» ticked, where the importer asks
    for it (the synthetic cluster-years have no budget, so every booked row overruns under «Advar»)."""
    import inspect

    from workbook.importer import commit_file

    return {"confirm_overruns": True} if "confirm_overruns" in inspect.signature(commit_file).parameters else {}
