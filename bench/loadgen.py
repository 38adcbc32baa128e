"""Concurrent GET load against one URL on 127.0.0.1, run as its own process.

Bounded both in requests and in seconds. Prints one JSON object: requests,
errors, elapsed seconds, requests per second, median and p95 latency in ms.
Standard library only; it does not import Django.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (say, to the login page) is an answer of its own, not the page we asked for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with OPENER.open(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0


def run(url: str, headers: dict[str, str], concurrency: int, total: int, seconds: float, warmup: int) -> dict:
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise SystemExit(f"loadgen: only 127.0.0.1 is allowed, not {host}")
    for _ in range(warmup):
        fetch(url, headers)

    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds

    def worker():
        nonlocal issued
        while True:
            with lock:
                if issued >= total or time.perf_counter() >= deadline:
                    return
                issued += 1
            started = time.perf_counter()
            status = fetch(url, headers)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ok = statuses.get(200, 0)
    return {
        "url": url,
        "concurrency": concurrency,
        "requests": len(latencies),
        "ok": ok,
        "errors": len(latencies) - ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "elapsed_s": elapsed,
        "rps": ok / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=int, default=4)
    args = parser.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in args.header)
    if args.cookie:
        headers["Cookie"] = args.cookie
    result = run(args.url, headers, args.concurrency, args.requests, args.seconds, args.warmup)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
