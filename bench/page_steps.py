"""The benchmark's steps on the pages (bench/run.py): count and time them, profile the slow ones, and count
them again on a grown data set."""
from __future__ import annotations

import datetime
import sys
import time


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def measure_pages(located: list[dict], clients, step: str, requests: int | None = None,
                  floors: list[tuple[dict, object]] = (), htmls: dict | None = None) -> None:
    """Count each page's queries; with `requests`, then time every page and the floors in interleaved rounds.

    ``floors`` are (floor, client) pairs: the floor dicts get their "timing". With ``htmls``, each page's
    masked HTML goes there by page key (not into the results).
    """
    from bench.pages import count_queries, time_interleaved

    for page in located:
        if page.get("missing"):
            continue
        page[step] = count_queries(clients(page["user"]), page["url"], keep_html=htmls is not None)
        if htmls is not None:
            htmls[page["key"]] = page[step].pop("html")
        log(f"  {step:5} {page['key']:20} {page[step]['status']} {page[step]['queries']} queries, "
            f"{page[step]['bytes']:,} bytes")
    if not requests:
        return
    timed = [p for p in located if not p.get("missing") and p[step]["status"] == 200]
    targets = [(client, floor["url"]) for floor, client in floors] + [(clients(p["user"]), p["url"]) for p in timed]
    results = time_interleaved(targets, requests)
    for (floor, _), timing in zip(floors, results, strict=False):
        floor["timing"] = timing
    for page, timing in zip(timed, results[len(floors):], strict=True):
        page["timing"] = timing
        log(f"  timed {page['key']:20} median {timing.get('median_ms', 0):.1f} ms, p95 {timing.get('p95_ms', 0):.1f} ms")


def profile_pages(located: list[dict], clients, base_floor: dict, over: float) -> None:
    """After the timing: a cProfile of one request of every page whose p95 is over `over` times the base
    floor's (the target of issue 16), as page["profile"]."""
    from bench.pages import _get
    from bench.profiling import profile_call

    base_p95 = (base_floor.get("timing") or {}).get("p95_ms")
    for page in located:
        p95 = (page.get("timing") or {}).get("p95_ms")
        if page.get("missing") or not p95 or not base_p95 or (over and p95 / base_p95 <= over):
            continue
        client, url = clients(page["user"]), page["url"]
        page["profile"] = profile_call(lambda client=client, url=url: _get(client, url))
        log(f"  profiled {page['key']:20} {page['profile']['wall_ms']:.0f} ms under cProfile")


def measure_grown(builder, data, located: list[dict], ctx, clients, htmls: dict) -> dict:
    """The third step: grow only what no page should show (``Builder.grow``), count every page's queries
    and HTML again, and compare the HTML with the full step's, numbers masked (``pages.masked_html``)."""
    from bench.pages import (
        count_queries,
        elements,
        first_difference,
        pagination_items,
        refresh,
        without_pagination,
    )

    started = time.perf_counter()
    added = builder.grow(data)
    timed_urls = {page["key"]: page["url"] for page in located}
    refresh(located, ctx)  # the import preview's upload made again from the grown ledger
    for page in located:
        if page.get("missing") or (page.get("full") or {}).get("status") != 200:
            continue
        grown = count_queries(clients(page["user"]), page["url"], keep_html=True)
        html, full_html = grown.pop("html"), htmls.get(page["key"], "")
        page["grown"] = grown
        if page["url"] != timed_urls[page["key"]]:
            page["grown_url"], page["url"] = page["url"], timed_urls[page["key"]]
        ours, theirs = elements(html), elements(full_html)
        page["sameness"] = {
            "same_bytes": grown["bytes"] == page["full"]["bytes"],
            "same_masked": html == full_html,
            "varies": grown.pop("html_varies") or page["full"].get("html_varies", False),
            "difference": first_difference(without_pagination(full_html), without_pagination(html)),
            "elements": sum(ours.values()),
            # elements the grown page has more (or fewer) of than the full one, by tag
            "more_elements": {tag: ours.get(tag, 0) - theirs.get(tag, 0) for tag in sorted(ours.keys() | theirs.keys())
                              if ours.get(tag, 0) != theirs.get(tag, 0)},
            "pagination": [pagination_items(full_html), pagination_items(html)],
            "same_but_pagination": without_pagination(html) == without_pagination(full_html),
        }
        log(f"  grown {page['key']:20} {grown['status']} {grown['queries']} queries, {grown['bytes']:,} bytes"
            + ("" if page["sameness"]["same_masked"] else " (HTML differs beyond its numbers)"))
    return {"seconds": time.perf_counter() - started, **added}
