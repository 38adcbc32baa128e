"""The pages the benchmark measures in-process, and how it finds them.

A page is measured only when its URL name resolves and its view is more than
the skeleton's placeholder; otherwise the report says it does not exist yet.
"""
from __future__ import annotations

import gc
import re
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from bench.dataset import Dataset
from klyngeportal.memory import freeze_long_lived


@dataclass
class Context:
    """What the page URLs are built from: the focus cluster-year and its region and year."""

    data: Dataset

    @property
    def cluster_year_pk(self) -> int:
        return self.data.focus.pk

    @property
    def cluster(self):
        return self.data.focus.cluster

    @property
    def region(self):
        return self.data.focus.cluster.region

    @property
    def year(self) -> int:
        return self.data.focus.year

    @property
    def initiative_pk(self) -> int:
        return self.data.focus.initiatives[0]

    def allocation_round(self):
        from allocation.models import AllocationRound

        return AllocationRound.objects.filter(year=self.year).order_by("pk").first()


class PageMissing(Exception):
    pass


def first_url(candidates: list[Callable[[], str]]) -> str:
    """The first candidate URL that reverses; PageMissing if none does."""
    problems: list[str] = []
    for make in candidates:
        try:
            return make()
        except (NoReverseMatch, LookupError, AttributeError, TypeError) as exc:
            text = str(exc).split("\n")[0]
            match = re.match(r"Reverse for '([^']+)' not found", text)
            text = f"no URL named '{match.group(1)}'" if match else text[:120]
            if text not in problems:
                problems.append(text)
    raise PageMissing("; ".join(problems) or "no candidates")


def _secretariat(ctx: Context) -> str:
    return f"sek:{ctx.cluster.pk}"


def _ssu(ctx: Context) -> str:
    return f"ssu:{ctx.region.pk}"


def _cluster_year_url(ctx: Context) -> str:
    return first_url([lambda: reverse("accounts:cluster_year_detail", args=[ctx.cluster_year_pk])])


def _entry_list_url(ctx: Context) -> str:
    pk = ctx.cluster_year_pk
    return first_url([
        lambda: reverse("accounts:entry_list", args=[pk]),
        lambda: reverse("accounts:entry_list", kwargs={"pk": pk}),
        lambda: reverse("accounts:entry_list", kwargs={"cluster_year_pk": pk}),
        lambda: reverse("accounts:entry_list") + f"?cluster_year={pk}",
    ])


def _entry_list_filtered_url(ctx: Context) -> str:
    base = _entry_list_url(ctx)
    joiner = "&" if "?" in base else "?"
    # Expenses on development on municipal accounts 4.62... (about half of the entries), sorted by amount.
    return base + joiner + "kind=expense&cost_kind=development&account=4.62&sort=-amount"


def _ssu_region_url(ctx: Context) -> str:
    region, year = ctx.region, ctx.year
    return first_url([
        lambda: reverse("review:region_detail", args=[region.slug, year]),
        lambda: reverse("review:region_detail", kwargs={"slug": region.slug, "year": year}),
        lambda: reverse("review:region_detail", kwargs={"region": region.slug, "year": year}),
        lambda: reverse("review:region_detail", args=[region.slug]) + f"?year={year}",
        lambda: reverse("review:region", args=[region.slug, year]),
        lambda: reverse("review:region_year", args=[region.slug, year]),
    ])


def _collection_url(ctx: Context) -> str:
    return first_url([lambda: reverse("review:collection")])


def _allocation_round_url(ctx: Context) -> str:
    round_ = ctx.allocation_round()
    if round_ is None:
        raise PageMissing(f"no allocation round for {ctx.year} in the reference data")
    return first_url([
        lambda: round_.get_absolute_url(),
        lambda: reverse("allocation:round_detail", args=[round_.slug]),
    ])


def _ssu_review_url(ctx: Context) -> str:
    return first_url([lambda: reverse("review:cluster_year", args=[ctx.cluster_year_pk])])


def _budget_list_url(ctx: Context) -> str:
    return first_url([lambda: reverse("accounts:budget_list", args=[ctx.cluster_year_pk])])


PREVIEW_CHANGES = 10  # rows of the focus cluster-year's export whose amount the previewed file changes


def _import_preview_url(ctx: Context) -> str:
    """The preview page of a stored upload: the focus cluster-year's export with PREVIEW_CHANGES amounts
    changed, kept for its secretariat as the upload page keeps it (``workbook.pending.pending_store``).
    Built again when the data grows (``refresh``), so that the file is the ledger's own."""
    import io

    from accounts.models import ClusterYear

    try:
        from bench.workbook_files import change_amounts
        from workbook.builder import build_for
        from workbook.pending import pending_store
        from workbook.selectors import ledger_fingerprint
    except ImportError as exc:
        raise PageMissing(f"the workbook's import is not there ({exc})") from exc
    first_url([lambda: reverse("workbook:import_preview", args=[ctx.cluster_year_pk, 1])])
    cy = ClusterYear.objects.select_related("cluster__region").get(pk=ctx.cluster_year_pk)
    out = io.BytesIO()
    count = build_for(cluster=cy.cluster, year=cy.year, cluster_year=cy, blank=False, out=out)
    data, _ = change_amounts(out.getvalue(), min(PREVIEW_CHANGES, count))
    pending = pending_store(cluster_year=cy, user=ctx.data.users[_secretariat(ctx)], data=data,
                            filename="bench-forhaandsvisning.xlsx", fingerprint=ledger_fingerprint(cy),
                            reverse_removed=False)
    return reverse("workbook:import_preview", args=[cy.pk, pending.pk])


# key, label, role shown in the report, user key, URL
PAGES: list[tuple[str, str, str, Callable[[Context], str], Callable[[Context], str]]] = [
    ("cluster_year", "Cluster-year page", "secretariat", _secretariat, _cluster_year_url),
    ("entry_list", "Entry list, first page", "secretariat", _secretariat, _entry_list_url),
    ("entry_list_filtered", "Entry list, filtered and sorted", "secretariat", _secretariat,
     _entry_list_filtered_url),
    ("ssu_region", "SSU region page", "ssu", _ssu, _ssu_region_url),
    ("collection", "National collection", "national", lambda ctx: "national", _collection_url),
    ("allocation_round", "Allocation round page", "national", lambda ctx: "national", _allocation_round_url),
    ("import_preview", f"Import preview (export, {PREVIEW_CHANGES} amounts changed)", "secretariat", _secretariat,
     _import_preview_url),
    ("ssu_review", "SSU review page with figures", "ssu", _ssu, _ssu_review_url),
    ("budget_list", "Budget list", "secretariat", _secretariat, _budget_list_url),
]
# Pages whose URL names data made for them: built again when the data set grows.
REFRESHED = {"import_preview"}
FLOOR_URL = "/sundhed/"


def is_placeholder(url: str) -> bool:
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    initkwargs = getattr(match.func, "view_initkwargs", {}) or {}
    return initkwargs.get("template_name") == "placeholder.html"


def locate(ctx: Context) -> list[dict]:
    """Every page with its URL and user, or the reason it is not measured."""
    found = []
    for key, label, role, user_of, url_of in PAGES:
        entry = {"key": key, "label": label, "role": role, "user": user_of(ctx), "url": None, "missing": None}
        try:
            entry["url"] = url_of(ctx)
        except PageMissing as exc:
            entry["missing"] = f"page does not exist yet ({exc})"
        else:
            if is_placeholder(entry["url"]):
                entry["missing"] = "URL still serves the skeleton's placeholder"
        found.append(entry)
    return found


def refresh(located: list[dict], ctx: Context) -> None:
    """Build again the URLs of the pages in REFRESHED (after the data set grew)."""
    urls = {key: url_of for key, _, _, _, url_of in PAGES}
    for entry in located:
        if entry["key"] in REFRESHED and not entry["missing"]:
            try:
                entry["url"] = urls[entry["key"]](ctx)
            except PageMissing as exc:
                entry["missing"] = f"page does not exist yet ({exc})"


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _get(client: Client, url: str):
    response = client.get(url)
    return response, len(_body(response))


class ExceptionCatcher:
    """The last exception a view raised (the test Client turns it into a 500 for us)."""

    def __init__(self):
        self.text = ""

    def __call__(self, sender, request=None, **kwargs):
        exc_type, exc, tb = sys.exc_info()
        if exc is not None:
            frames = traceback.extract_tb(tb)
            where = frames[-1] if frames else None
            place = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
            self.text = f"{exc_type.__name__}: {str(exc)[:160]}{place}"

    def __enter__(self):
        got_request_exception.connect(self)
        return self

    def __exit__(self, *exc):
        got_request_exception.disconnect(self)


# What differs between two renderings of the same page and is no part of its size in the data: the CSRF
# token (new per request); then every number (1.234,56, 12.01.2022, ids, page counts) becomes "#", so that
# two pages compare equal when only their figures differ.
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|csrf[-_]token" content="|nonce=")[^"]*"')
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")


def masked_html(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    return _NUMBERS.sub("#", _TOKENS.sub(r'\1TOKEN"', text))


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
# django-tables2's pagination (bootstrap5.html): a window of at most DJANGO_TABLES2_PAGE_RANGE (10) page
# numbers, with "..." for the pages skipped, and "previous" and "next": at most 13 items however many pages.
_PAGINATION = re.compile(r'<ul class="pagination[^"]*">.*?</ul>', re.S)
PAGINATION_MAX_ITEMS = 13


def elements(html: str) -> dict[str, int]:
    """How many elements of each tag a page has outside its pagination: equal counts mean as many rows,
    options and items."""
    counts: dict[str, int] = {}
    for tag in _TAG.findall(without_pagination(html)):
        counts[tag.lower()] = counts.get(tag.lower(), 0) + 1
    return counts


def without_pagination(html: str) -> str:
    return _PAGINATION.sub("<ul pagination>", html)


def pagination_items(html: str) -> int:
    """The items (page numbers, "...", previous, next) of a page's paginations."""
    return sum(block.count("<li") for block in _PAGINATION.findall(html))


def first_difference(a: str, b: str, context: int = 60) -> str:
    """Where two masked pages first part: a short excerpt of each, or "" when they are equal."""
    if a == b:
        return ""
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, at - context // 2)

    def excerpt(text: str) -> str:  # as a code span in a Markdown table
        return " ".join(text[start:at + context].split()).replace("`", "'").replace("|", "\\|")

    return f"at character {at:,}: `{excerpt(a)}` against `{excerpt(b)}`"


def count_queries(client: Client, url: str, keep_html: bool = False) -> dict:
    """One request under CaptureQueriesContext: status, query count, SQL time and the slowest query.

    With ``keep_html`` also "html", the counted response's HTML masked (``masked_html``), and
    "html_varies", whether it differs from the warm-up request's at the same data (then the masking
    misses something random on the page and a comparison between data sizes says nothing).
    """
    warm = client.get(url)  # warm caches (templates, URL resolver) so the count is the steady one
    warm_body = _body(warm)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx, ExceptionCatcher() as caught:
        response = client.get(url)
        body = _body(response)
    size = len(body)
    total_ms = (time.perf_counter() - started) * 1000
    queries = ctx.captured_queries
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    result = {
        "status": response.status_code,
        "queries": len(queries),
        "bytes": size,
        "total_ms": total_ms,
        "sql_ms": sql_ms,
        "slowest_sql_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": slowest["sql"][:300] if slowest else "",
    }
    if response.status_code != 200:
        result["error"] = f"HTTP {response.status_code}" + (f" ({caught.text})" if caught.text else "")
    if keep_html:
        result["html"] = masked_html(body)
        result["html_varies"] = masked_html(warm_body) != result["html"]
    return result


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (the 'inclusive' method), as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_interleaved(targets: list[tuple[Client, str]], n: int, warmup: int = 2) -> list[dict]:
    """Time n requests per URL in rounds (each URL once per round), so that a burst of other work on the
    machine falls on every URL alike instead of on one URL's whole series."""
    for client, url in targets:
        for _ in range(warmup):
            _get(client, url)
    # As each gunicorn worker does at start (klyngeportal/wsgi.py): what this process holds for good (Django,
    # the data set's handles, the compiled templates) is frozen out of the collector's full walks.
    freeze_long_lived()
    times: list[list[float]] = [[] for _ in targets]
    cpu: list[list[float]] = [[] for _ in targets]
    errors: list[str | None] = [None for _ in targets]
    for _ in range(n):
        for index, (client, url) in enumerate(targets):
            if errors[index]:
                continue
            started, started_cpu = time.perf_counter(), time.process_time()
            response, _ = _get(client, url)
            times[index].append((time.perf_counter() - started) * 1000)
            cpu[index].append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                errors[index] = f"HTTP {response.status_code} while timing"
    gc.unfreeze()
    results = []
    for index in range(len(targets)):
        if errors[index]:
            results.append({"error": errors[index]})
            continue
        results.append({
            "n": n,
            "cpu_median_ms": statistics.median(cpu[index]),
            "median_ms": statistics.median(times[index]),
            "p95_ms": percentile(times[index], 95),
            "min_ms": min(times[index]),
            "max_ms": max(times[index]),
        })
    return results
