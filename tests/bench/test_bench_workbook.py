"""bench/bench_workbook.py at a tiny size, so that the running-copy benchmark keeps working (docs/benchmark.md).

Runs it in a subprocess with its own throwaway SQLite database and checks what it measured and checked:
every step beside its floor, the unchanged export previewed as all unchanged, the edited file as exactly
the rows changed, and each commit booking exactly that many reversals and new entries. The figures
themselves are not judged: 30 rows say nothing about speed.
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_running_copy_bench_previews_and_commits_what_was_edited(tmp_path):
    markdown = tmp_path / "running-copy.md"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_workbook.py"), "--entries", "30", "--changes", "5",
         "--rounds", "1", "--no-trace", "--markdown", str(markdown)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, (completed.stdout[-2000:], completed.stderr[-2000:])
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["synthetic"] and result["entries"] == 30 and result["changes"] == 5
    for step, floor in (("export", "floor_export"), ("preview_unchanged", "floor_unchanged"),
                        ("preview_changed", "floor_changed"), ("commit_changed", "floor_changed")):
        assert result[step]["seconds"] > 0 and result[floor]["seconds"] > 0
        assert result[step]["peak_rss_bytes"] > 0
        assert result[f"{step}_ratio"] > 0 and result[f"{step}_cpu_ratio"] > 0
    assert result["preview_unchanged"]["counts"]["Regnskab"]["unchanged"] == 30
    assert result["preview_unchanged"]["nothing_to_import"]
    changed = result["preview_changed"]["counts"]["Regnskab"]
    assert (changed["changed"], changed["unchanged"], changed["new"], changed["removed"]) == (5, 25, 0, 0)
    assert result["commit_changed"]["checks"] == [
        {"reversals": 5, "new": 5, "live": 30, "changed_refs_reversed": True},
    ]
    assert result["verdicts"]["commit_booked_exactly"] and result["verdicts"]["changed_counted"]
    doc = markdown.read_text(encoding="utf-8")
    assert "| Preview of the unchanged export (" in doc and "**synthetic data**" in doc
    assert "Each commit booked exactly 5 reversals and 5 new entries, 30 standing after: yes" in doc
