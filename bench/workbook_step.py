"""Export and import of a 20,000-entry cluster-year, through the workbook app's own bench script.

`bench/bench_workbook.py` belongs to the workbook work; this module only runs
it in a subprocess against the benchmark database and reads what it reports.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("bench_workbook.py")
ROOT = SCRIPT.parent.parent


def run(env: dict[str, str], entries: int, timeout: float = 900) -> dict:
    if not SCRIPT.exists():
        return {"missing": "bench/bench_workbook.py (the workbook app's export/import bench) does not exist yet"}
    command = [sys.executable, str(SCRIPT), "--entries", str(entries), "--json"]
    completed = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout,
    )
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        return {"missing": f"bench/bench_workbook.py failed ({completed.returncode}): " + " | ".join(tail)}
    try:
        return json.loads(completed.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {"missing": "bench/bench_workbook.py printed no JSON result"}
