#!/usr/bin/env python
"""Klyngeportal's benchmark at national scale: one command, see docs/benchmark.md.

    .venv/bin/python bench/run.py [--scale 1.0]
        [--database-url postgres://postgres@127.0.0.1:5432/klyngeportal_bench]

Drops and recreates its own database (the name must contain "bench"), migrates,
loads the reference data, builds a synthetic national data set, measures the
pages in-process (and cProfiles one request of each page over 10x the base floor)
and the cluster-year page under gunicorn, each beside a floor,
times the Excel export, the preview of the unchanged export and the preview and
commit of the export with 100 rows changed, of a 20,000-entry cluster-year (and runs
the workbook app's own bench/bench_workbook.py), then grows the data set by volume
no page should show and counts every page's queries and HTML again, and writes
docs/benchmark.md.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.page_steps import log  # noqa: E402  (after the path above)

BASE_FLOOR_URL = "/bench/grundside/"  # bench/urls.py: an empty page through base.html, logged in
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/klyngeportal_bench"
WORKBOOK_ENTRIES = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000 entries per cluster-year")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads against gunicorn")
    parser.add_argument("--load-requests", type=int, default=500, help="at most this many requests per URL")
    parser.add_argument("--load-seconds", type=float, default=30.0, help="at most this long per URL")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--workbook-entries", type=int, default=WORKBOOK_ENTRIES)
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn throughput step")
    parser.add_argument("--no-workbook", action="store_true", help="skip the Excel export/preview/commit step")
    parser.add_argument("--no-workbook-script", action="store_true",
                        help="do not also run the workbook app's own bench/bench_workbook.py")
    parser.add_argument("--profile-over", type=float, default=10.0,
                        help="cProfile one request of every page whose p95 is over this many times the base "
                             "floor's (0: every page)")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "benchmark.md"))
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "latest.json"))
    return parser.parse_args(argv)


# --- the database ----------------------------------------------------------------

def database_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return parts.path
    return parts.path.lstrip("/")


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database. Refuses any name without 'bench'."""
    name = database_name(url)
    if "bench" not in Path(name).name.lower():
        raise SystemExit(f"refusing to recreate database {name!r}: its name must contain 'bench'")
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        Path(name).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- the machine -------------------------------------------------------------------

def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def machine() -> dict:
    import django

    memory_kb = 0
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_kb / 1024 / 1024,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "django": django.get_version(),
        "load_before": load_average(),
    }


def database_info() -> dict:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return {"vendor": connection.vendor, "version": version, "name": connection.settings_dict["NAME"]}


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() + (" + uncommitted work in the tree" if dirty.stdout.strip() else "")
    except OSError:
        return "?"


# --- the steps ---------------------------------------------------------------------

def environment(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    """The settings a production-like run needs, shared by this process, gunicorn and subprocesses."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # the portal's settings plus the base floor URL
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "ERROR",
    }


def measure_server(args, env: dict[str, str], cookie: str, cluster_year_url: str | None, out_dir: Path) -> dict:
    from bench.server import Gunicorn, load

    server_env = {**os.environ, **env, "ALLOWED_HOSTS": "127.0.0.1"}
    result = {
        "workers": args.workers, "concurrency": args.concurrency, "conn_max_age": env["CONN_MAX_AGE"],
        "max_requests": args.load_requests, "max_seconds": args.load_seconds,
    }
    with Gunicorn(server_env, workers=args.workers, log_path=out_dir / "gunicorn.log") as server:
        log(f"gunicorn on {server.base_url}, {args.workers} workers")
        common = {"concurrency": args.concurrency, "requests": args.load_requests, "seconds": args.load_seconds}
        result["floor"] = load(server.base_url + "/sundhed/", **common)
        log(f"  floor: {result['floor']['rps']:.1f} req/s, p95 {result['floor']['p95_ms']:.1f} ms")
        result["base_floor"] = load(server.base_url + BASE_FLOOR_URL, cookie=cookie, **common)
        log(f"  base floor: {result['base_floor']['rps']:.1f} req/s, p95 {result['base_floor']['p95_ms']:.1f} ms")
        if cluster_year_url:
            result["cluster_year"] = load(server.base_url + cluster_year_url, cookie=cookie, **common)
            r = result["cluster_year"]
            log(f"  cluster-year: {r['rps']:.1f} req/s, p95 {r['p95_ms']:.1f} ms, statuses {r['statuses']}")
        else:
            result["cluster_year_missing"] = "the cluster-year page does not exist yet"
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    out_dir = Path(args.json).resolve().parent
    out_dir.mkdir(parents=True, exist_ok=True)
    static_dir = tempfile.TemporaryDirectory(prefix="klyngeportal-bench-static-")
    env = environment(args, static_dir.name)
    os.environ.update(env)

    log(f"recreating database {database_name(args.database_url)}")
    recreate_database(args.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import dataset, pages, report, workbook_step
    from bench.page_steps import measure_grown, measure_pages, profile_pages

    info = machine()
    setup_started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - setup_started:.1f} s")
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    build = {"setup": time.perf_counter() - setup_started}
    log(f"reference data and static files in {build['setup']:.1f} s")

    plan = dataset.plan_for(args.scale)
    builder = dataset.Builder(plan)
    log(f"scale {plan.label}: {len(plan.years)} years, {plan.initiatives} initiatives and "
        f"{plan.entries:,} entries per cluster-year")

    step_started = time.perf_counter()
    data = builder.build_structure()
    builder.add_initiatives(data, plan.small_initiatives)
    builder.add_entries(data, plan.small_entries)
    builder.analyze()
    build["small"] = time.perf_counter() - step_started

    ctx = pages.Context(data)
    located = pages.locate(ctx)
    for page in located:
        if page["missing"]:
            log(f"  not measured: {page['key']}: {page['missing']}")
    cache: dict = {}

    def clients(user_key: str):
        if user_key not in cache:
            cache[user_key] = pages.client_for(data.users[user_key])
        return cache[user_key]

    measure_pages(located, clients, "small", None)

    step_started = time.perf_counter()
    builder.add_initiatives(data, plan.initiatives)
    written = builder.add_entries(data, plan.entries)
    builder.analyze()
    build["full"] = time.perf_counter() - step_started
    log(f"full data set: {written:,} more entries in {build['full']:.1f} s")
    pages.refresh(located, ctx)  # the import preview's file made again from the full ledger

    floor_client = pages.client_for(data.users["national"])
    floor = {"url": pages.FLOOR_URL, **pages.count_queries(floor_client, pages.FLOOR_URL)}
    base_client = clients(f"sek:{ctx.cluster.pk}")  # the secretariat, as on the cluster-year page
    base_floor = {"url": BASE_FLOOR_URL, **pages.count_queries(base_client, BASE_FLOOR_URL)}
    htmls: dict[str, str] = {}
    measure_pages(located, clients, "full", args.requests, floors=[(floor, floor_client), (base_floor, base_client)],
                  htmls=htmls)
    log(f"  floor /sundhed/: p95 {floor['timing']['p95_ms']:.2f} ms; base floor {BASE_FLOOR_URL}: "
        f"p95 {base_floor['timing']['p95_ms']:.2f} ms")
    profile_pages(located, clients, base_floor, args.profile_over)

    if args.no_server:
        server = {"skipped": "--no-server was given"}
    else:
        secretariat = clients(f"sek:{ctx.cluster.pk}")
        cookie = f"{settings.SESSION_COOKIE_NAME}={secretariat.cookies[settings.SESSION_COOKIE_NAME].value}"
        cy_page = next(p for p in located if p["key"] == "cluster_year")
        cy_url = cy_page["url"] if not cy_page["missing"] and (cy_page.get("full") or {}).get("status") == 200 else None
        try:
            server = measure_server(args, env, cookie, cy_url, out_dir)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            server = {"skipped": f"gunicorn step failed: {exc}"}

    counts = dataset.table_counts()  # the data set as measured, before the Excel step adds its own entries
    if args.no_workbook:
        workbook = {"missing": "--no-workbook was given"}
    else:
        log(f"workbook export/import with {args.workbook_entries:,} entries")
        try:
            workbook = workbook_step.run(env, builder, data, args.workbook_entries, out_dir,
                                         own=not args.no_workbook_script)
        except (RuntimeError, subprocess.SubprocessError, OSError, ImportError) as exc:
            workbook = {"missing": f"the workbook step failed: {exc}"}
        for key in workbook_step.STEPS:
            if key in workbook:
                log(f"  {key}: {workbook[key]['seconds']:.2f} s, peak {workbook[key]['peak_mb']:.0f} MB")

    log("grown data set: entries and other years' initiatives that no page should show")
    grown = measure_grown(builder, data, located, ctx, clients, htmls)
    build["grown"] = grown["seconds"]
    grown_counts = dataset.table_counts()
    log(f"  grown in {grown['seconds']:.1f} s: {grown_counts['entries']:,} entries, "
        f"{grown_counts['initiatives']:,} initiatives")

    info["load_after"] = load_average()
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": args.scale,
        "git": git_commit(),
        "machine": info,
        "database": database_info(),
        "plan": {"years": list(plan.years), "initiatives": plan.initiatives, "entries": plan.entries},
        "steps": {
            "small_entries": plan.small_entries * len(data.cluster_years),
            "full_entries": plan.entries * len(data.cluster_years),
            "small_initiatives": plan.small_initiatives * len(data.cluster_years),
            "full_initiatives": plan.initiatives * len(data.cluster_years),
            "grown_entries": grown_counts["entries"],
            "grown_initiatives": grown_counts["initiatives"],
            "grown_added": {k: v for k, v in grown.items() if k != "seconds"},
        },
        "profile_over": args.profile_over,
        "focus": f"{data.focus.cluster.name}, Region {data.focus.cluster.region.name}, {data.focus.year}",
        "counts": counts,
        "build_seconds": build,
        "floor": floor,
        "base_floor": base_floor,
        "pages": located,
        "server": server,
        "workbook": workbook,
        "total_seconds": time.perf_counter() - started,
    }
    Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    Path(args.doc).parent.mkdir(parents=True, exist_ok=True)
    Path(args.doc).write_text(report.render_markdown(results), encoding="utf-8")
    sys.stdout.write(report.render_text(results))
    log(f"wrote {args.doc} and {args.json} in {results['total_seconds']:.0f} s")
    static_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
