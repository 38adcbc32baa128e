#!/usr/bin/env python
"""Profile some of the benchmark's pages against the base floor, without the whole run.

    .venv/bin/python bench/profile_pages.py --database-url postgres://postgres@127.0.0.1:5432/klyngeportal_bench_mine \
        [--scale 1.0] [--requests 20] [--top 25] [--sort cumulative] cluster_year entry_list ...

Builds the same synthetic data set as bench/run.py in its own database (the name must contain
"bench"; it is dropped and created again), then times the pages named (keys of bench.pages.PAGES;
none = all) in interleaved rounds with the base floor, prints each page's p95 and its ratio to the
base floor's, and a cProfile of one request per page (the top entries by --sort). For finding where
a page's time goes; the figures that count are bench/run.py's.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import BASE_FLOOR_URL, DEFAULT_DATABASE_URL, environment, recreate_database  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help="page keys (bench/pages.py PAGES); none = all")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=25, help="profile entries printed per page (0: no profile)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key: cumulative, tottime, ...")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    static_dir = tempfile.TemporaryDirectory(prefix="klyngeportal-bench-static-")
    os.environ.update(environment(args, static_dir.name))
    recreate_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from bench import dataset, pages

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    plan = dataset.plan_for(args.scale)
    builder = dataset.Builder(plan)
    data = builder.build_structure()
    builder.add_initiatives(data, plan.initiatives)
    builder.add_entries(data, plan.entries)
    builder.analyze()

    ctx = pages.Context(data)
    located = [p for p in pages.locate(ctx) if not args.pages or p["key"] in args.pages]
    clients: dict = {}

    def client(user_key: str):
        if user_key not in clients:
            clients[user_key] = pages.client_for(data.users[user_key])
        return clients[user_key]

    base_client = client(f"sek:{ctx.cluster.pk}")
    measured = [p for p in located if not p["missing"]]
    for page in located:
        if page["missing"]:
            print(f"{page['key']}: not measured: {page['missing']}")
    counts = {p["key"]: pages.count_queries(client(p["user"]), p["url"]) for p in measured}
    targets = [(base_client, BASE_FLOOR_URL)] + [(client(p["user"]), p["url"]) for p in measured]
    results = pages.time_interleaved(targets, args.requests)
    floor = results[0]
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'base floor':24} p95 {floor['p95_ms']:7.1f} ms  median {floor['median_ms']:6.1f}  "
          f"cpu {floor['cpu_median_ms']:6.1f}")
    for page, timing in zip(measured, results[1:], strict=True):
        if "error" in timing:
            print(f"{page['key']:24} {timing['error']}")
            continue
        c = counts[page["key"]]
        print(f"{page['key']:24} p95 {timing['p95_ms']:7.1f} ms  median {timing['median_ms']:6.1f}  "
              f"cpu {timing['cpu_median_ms']:6.1f}  {timing['p95_ms'] / floor['p95_ms']:5.1f}x base p95  "
              f"(cpu {timing['cpu_median_ms'] / floor['cpu_median_ms']:4.1f}x)  "
              f"{c['queries']} queries, {c['sql_ms']:.0f} ms SQL, {c['bytes']:,} bytes")
    if args.top:
        for page in measured:
            profiler = cProfile.Profile()
            profiler.enable()
            pages._get(client(page["user"]), page["url"])
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(f"\n===== profile of one request: {page['key']} {page['url']}\n{out.getvalue()}")
    static_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
