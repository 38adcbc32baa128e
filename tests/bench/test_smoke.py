"""The benchmark at a tiny scale, so that its machinery keeps working (docs/benchmark.md).

Runs `bench/run.py --scale 0.001` in a subprocess against its own database
(PostgreSQL when reachable, else a SQLite file), with gunicorn and the load
generator, and checks the report it writes. The figures themselves are not
judged here: a tiny run says nothing about speed.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMOKE_DB = "klyngeportal_bench_smoke"


def smoke_database_url(tmp_path: Path) -> str:
    """Our own PostgreSQL database beside the one DATABASE_URL names (or the local default), else SQLite."""
    if os.environ.get("BENCH_SMOKE_DATABASE_URL"):
        return os.environ["BENCH_SMOKE_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    try:
        import psycopg

        with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), connect_timeout=3):
            pass
    except Exception:  # no PostgreSQL here: the benchmark also runs on SQLite
        return f"sqlite:///{tmp_path / 'bench_smoke.sqlite3'}"
    return urlunsplit(parts._replace(path=f"/{SMOKE_DB}"))


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bench")
    doc, result = tmp_path / "benchmark.md", tmp_path / "out" / "latest.json"
    url = smoke_database_url(tmp_path)
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "0.001", "--database-url", url,
            "--requests", "3", "--concurrency", "2", "--load-requests", "10", "--load-seconds", "5",
            "--workbook-entries", "50", "--no-workbook-script", "--profile-over", "0",  # profile every page
            "--doc", str(doc), "--json", str(result),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    seconds = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {
        "stdout": completed.stdout, "doc": doc.read_text(encoding="utf-8"),
        "results": json.loads(result.read_text(encoding="utf-8")), "seconds": seconds, "url": url,
    }


def test_builds_the_scaled_data_set(smoke_run):
    results = smoke_run["results"]
    # 22 clusters x 2 years at this scale, 2 entries and 5 initiatives per cluster-year.
    assert results["counts"]["clusters"] == 22
    assert results["counts"]["cluster-years"] == 44
    assert results["counts"]["entries"] == 88
    assert results["counts"]["initiatives"] == 220
    assert results["counts"]["budget lines"] == 440
    assert results["counts"]["evaluations"] == 132  # initiatives 1, 3 and 5 of each cluster-year
    assert results["counts"]["spreading decisions"] == 44  # the completed ones


def test_measures_the_floor_in_process_and_under_gunicorn(smoke_run):
    results = smoke_run["results"]
    assert results["floor"]["status"] == 200
    assert results["floor"]["queries"] == 1  # /sundhed/ runs SELECT 1 and nothing else
    assert results["floor"]["timing"]["n"] == 3
    # The base floor: logged in, through base.html, the header's queries and nothing of its own.
    base = results["base_floor"]
    assert base["status"] == 200 and base["url"] == "/bench/grundside/"
    assert base["queries"] >= 1 and base["timing"]["n"] == 3
    server = results["server"]
    assert "skipped" not in server, server.get("skipped")
    assert server["base_floor"]["statuses"] == {"200": server["base_floor"]["requests"]}
    assert server["floor"]["ok"] == server["floor"]["requests"] > 0
    assert server["floor"]["rps"] > 0
    cluster_year = next(p for p in results["pages"] if p["key"] == "cluster_year")
    if not cluster_year["missing"]:
        # The session cookie works under gunicorn: every answer is the page itself, not a redirect to log in.
        assert server["cluster_year"]["statuses"] == {"200": server["cluster_year"]["requests"]}


def test_every_page_that_exists_answers_200_at_both_steps(smoke_run):
    pages = smoke_run["results"]["pages"]
    assert {p["key"] for p in pages} == {
        "cluster_year", "entry_list", "entry_list_filtered", "ssu_region", "collection", "allocation_round",
        "import_preview", "ssu_review", "budget_list",
    }
    by_key = {p["key"]: p for p in pages}
    # The pages of the workbook and budget issues exist, each measured as its role.
    for key, role in (("import_preview", "secretariat"), ("ssu_review", "ssu"), ("budget_list", "secretariat")):
        assert not by_key[key]["missing"], (key, by_key[key]["missing"])
        assert by_key[key]["role"] == role
    # The preview's upload is stored again for the full data set: another upload, so another URL.
    assert "/indlaes/" in by_key["import_preview"]["url"]
    for page in pages:
        if page["missing"]:
            continue
        assert page["small"]["status"] == 200, (page["key"], page["small"])
        assert page["full"]["status"] == 200, (page["key"], page["full"])
        assert page["timing"]["n"] == 3 and page["timing"]["p95_ms"] >= page["timing"]["median_ms"]


def test_writes_the_document_and_prints_the_same_table(smoke_run):
    doc, stdout = smoke_run["doc"], smoke_run["stdout"]
    assert doc.startswith("# Benchmark")
    for heading in ("### Pages (in-process)", "### Throughput under gunicorn", "### Targets"):
        assert heading in doc and heading in stdout
    targets = doc.split("### Targets", 1)[1]
    assert "p95 ≤ 150 ms" in targets and "Preview of the unchanged export of 20,000 entries" in targets
    assert "### Excel export, preview and commit (the running copy)" in doc
    assert "Floor: `/sundhed/`" in stdout and "Base floor: `/bench/grundside/`" in stdout
    assert "p95 / base floor p95" in doc and "× the base floor's p95" in targets
    assert "### Query counts and HTML size against the data size" in doc
    assert "| Query counts and HTML size per page stay constant in the data size |" in targets
    # The gunicorn throughput is named as reported, with its ratio to the base floor's, and explained.
    row = next(line for line in targets.splitlines() if "throughput as a ratio to the base floor's" in line)
    assert "| reported |" in row and "×" in row
    assert "one cluster-year page costs it as much as" in doc.split("### Throughput under gunicorn", 1)[1]


def test_counts_every_page_again_on_a_grown_data_set(smoke_run):
    results = smoke_run["results"]
    steps = results["steps"]
    # As many entries again in every cluster-year (in pairs that net to zero), and as many initiatives again
    # in the other years: 43 cluster-years x 2 entries but the Excel step's, which already has 50 and more.
    assert steps["grown_added"] == {"initiatives": 22 * 5, "other_entries": 42 * 2, "focus_entries": 2}
    assert steps["grown_entries"] > results["counts"]["entries"]
    for page in results["pages"]:
        if page["missing"]:
            continue
        assert page["grown"]["status"] == 200, (page["key"], page["grown"])
        same = page["sameness"]
        assert not same["varies"], page["key"]  # the masking takes out what differs from request to request
        assert same["same_bytes"] == (page["grown"]["bytes"] == page["full"]["bytes"])
        assert "html" not in page["full"] and "html" not in page["grown"]  # the HTML stays out of the JSON
    # The import preview is counted on an upload made again from the grown ledger, and reported at the
    # URL that was timed.
    preview = next(p for p in results["pages"] if p["key"] == "import_preview")
    assert preview["grown_url"] != preview["url"]
    table = smoke_run["doc"].split("### Query counts and HTML size against the data size", 1)[1]
    assert "| page | queries small | queries full | queries grown | HTML bytes full → grown | verdict |" in table


def test_profiles_one_request_of_the_pages_over_the_threshold(smoke_run):
    results = smoke_run["results"]
    assert results["profile_over"] == 0  # every page
    for page in results["pages"]:
        if page["missing"]:
            continue
        profile = page["profile"]
        assert 0 < len(profile["top"]) <= 8 and profile["parts"]
        tottimes = [row["tottime_ms"] for row in profile["top"]]
        assert tottimes == sorted(tottimes, reverse=True)
        for row in profile["top"]:
            # Paths shortened to the project's or the library's own: no checkout or virtualenv prefix.
            assert str(ROOT) not in row["where"] and "site-packages" not in row["where"], row
            assert row["cumtime_ms"] >= row["tottime_ms"] - 0.01
    doc = smoke_run["doc"]
    assert "Where the time goes in every page" in doc
    assert "| function | where | calls | own ms | cum. ms |" in doc


def test_exports_previews_and_commits_the_running_copy(smoke_run):
    workbook = smoke_run["results"]["workbook"]
    assert "missing" not in workbook, workbook.get("missing")
    n, changes = 50, workbook["changes"]
    assert changes == 10  # a fifth of a small export's rows (100 at 20,000)
    assert workbook["export"]["entries"] == n
    for step in ("preview_unchanged", "preview_changed", "commit_changed"):
        assert step in workbook, workbook.get(f"{step}_missing")
        assert workbook[step]["peak_mb"] >= workbook["floor"]["peak_mb"] > 0
    unchanged = workbook["preview_unchanged"]["counts"]["Regnskab"]
    assert unchanged["unchanged"] == n and workbook["preview_unchanged"]["nothing_to_import"]
    changed = workbook["preview_changed"]["counts"]["Regnskab"]
    assert (changed["changed"], changed["unchanged"], changed["new"], changed["errors"]) == (changes, n - changes, 0, 0)
    # The commit booked exactly the changed rows: a reversal and a new entry each, n standing after.
    assert workbook["check"] == {"reversals": changes, "new": changes, "live": n, "exact": True}
    assert workbook["commit_changed"]["rows_booked"] == changes
    # The openpyxl-alone floor wrote as many rows and read back both files.
    floor = workbook["floor"]
    assert floor["export_seconds"] > 0 and floor["unchanged_seconds"] > 0 and floor["changed_seconds"] > 0
    assert floor["rows_read"] > n  # header and spare rows too
