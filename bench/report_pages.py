"""The report's parts on the pages beyond their timing: query counts and HTML size against the data size
(issue 16: "stay constant in the data size"), and where a page's time goes when it is over the target."""
from __future__ import annotations

from bench.pages import PAGINATION_MAX_ITEMS


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "–"


def _ms(value) -> str:
    return "–" if value is None else f"{value:,.1f}"


OTHER_CONTENT = "constant, other content"


def _elements(more: dict[str, int]) -> str:
    return ", ".join(f"{n:+,} `<{tag}>`" for tag, n in sorted(more.items(), key=lambda kv: -abs(kv[1]))[:6])


def constancy(page: dict) -> tuple[str, str]:
    """(verdict, detail) for one page: are its query count and its HTML the same at the three data sizes?"""
    small, full, grown = (page.get(step) or {} for step in ("small", "full", "grown"))
    same = page.get("sameness") or {}
    if not grown or any(s.get("status") != 200 for s in (small, full, grown)):
        return "not measured", "the page did not answer 200 at every step"
    queries = [small.get("queries"), full.get("queries"), grown.get("queries")]
    delta = grown["bytes"] - full["bytes"]
    problems = []
    if len(set(queries)) > 1:
        problems.append("queries " + " / ".join(_n(q) for q in queries))
    if same.get("varies"):
        problems.append("the HTML differs between two requests at the same data beyond its numbers "
                        f"(something random that the masking misses), HTML {delta:+,} bytes")
    elif same.get("more_elements"):
        problems.append(f"HTML {delta:+,} bytes, {_elements(same['more_elements'])}; first {same.get('difference')}")
    before, after = same.get("pagination") or (0, 0)
    if before != after and after > PAGINATION_MAX_ITEMS:
        problems.append(f"the pagination has {before} → {after} items, more than its window of {PAGINATION_MAX_ITEMS}")
    if problems:
        return "GROWS", "; ".join(problems)
    window = (f"; the pagination {before} → {after} items (its window holds at most {PAGINATION_MAX_ITEMS})"
              if before != after else "")
    if same.get("same_bytes"):
        return "constant", "same queries, the same bytes"
    if same.get("same_masked"):
        return "constant", f"same queries; HTML {delta:+,} bytes, only in its numbers (the figures' digits, counts)"
    if same.get("same_but_pagination"):
        return "constant", f"same queries; HTML {delta:+,} bytes, only in its numbers{window}"
    return OTHER_CONTENT, (f"same queries and the same {same.get('elements', 0):,} elements{window}; HTML "
                           f"{delta:+,} bytes as other rows are shown, first {same.get('difference')}")


def constancy_table(results: dict) -> list[str]:
    steps = results.get("steps", {})
    added = steps.get("grown_added") or {}
    rows = []
    for page in results["pages"]:
        if page.get("missing"):
            rows.append([page["label"], "–", "–", "–", "–", "not measured", page["missing"]])
            continue
        small, full, grown = (page.get(step) or {} for step in ("small", "full", "grown"))
        verdict, detail = constancy(page)
        rows.append([
            page["label"], _n(small.get("queries")), _n(full.get("queries")), _n(grown.get("queries")),
            f"{_n(full.get('bytes'))} → {_n(grown.get('bytes'))}", verdict, detail,
        ])
    header = ["page", "queries small", "queries full", "queries grown", "HTML bytes full → grown", "verdict",
              "why"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    excel = ("" if (results.get("workbook") or {}).get("missing") else
             ", and the Excel step's entries in the focus cluster's next year")
    return [
        f"Each page's queries and HTML at three data sizes: the small step ({_n(steps.get('small_entries'))} "
        f"entries, {_n(steps.get('small_initiatives'))} initiatives), the full data set "
        f"({_n(steps.get('full_entries'))} entries, {_n(steps.get('full_initiatives'))} initiatives) and a grown "
        f"one ({_n(steps.get('grown_entries'))} entries, {_n(steps.get('grown_initiatives'))} initiatives), "
        "counted after the timing and the Excel step (`bench/dataset.py`, `Builder.grow`). Grown is volume that "
        "must not show on a page: every cluster-year as many entries again "
        f"({_n(added.get('other_entries'))} in the other cluster-years, {_n(added.get('focus_entries'))} in the "
        "focus cluster-year), in pairs of an entry and its reversal dated on the year's first day with amounts "
        "under 100 kr., so that no figure changes and in the focus cluster-year they come after the first page "
        "by date and by amount; the other years' cluster-years as many initiatives again "
        f"({_n(added.get('initiatives'))}, with budget lines and evaluations){excel}. The small "
        "step has fewer initiatives and entries in the focus cluster-year than one page holds, so its HTML is "
        "smaller for that reason alone; the HTML is compared between the full and the grown data set, and "
        "also with every number masked (a run of digits with its thousands and decimal separators, and the CSRF "
        "token, which is new in every response): «constant» means the same queries at all three sizes and the "
        "same HTML at full and grown data but for its numbers (the totals' digits, the pagination's page count) "
        f"and the pagination's items, a window of at most {PAGINATION_MAX_ITEMS} (django-tables2's 10 page "
        "numbers with «...», previous and next) however many pages; "
        f"«{OTHER_CONTENT}» that the HTML differs in more than its numbers but has as many elements of every tag "
        "(as many rows, options, items), as when other rows of the same list come first; «GROWS» that the queries "
        "or the elements differ.",
        "",
        *lines,
    ]


def constancy_target(results: dict) -> tuple[str, str, str]:
    name = "Query counts and HTML size per page stay constant in the data size"
    verdicts = [(page, *constancy(page)) for page in results["pages"] if not page.get("missing")]
    measured = [v for v in verdicts if v[1] != "not measured"]
    grows = [f"{page['label']}: {detail}" for page, verdict, detail in measured if verdict == "GROWS"]
    steps = results.get("steps", {})
    what = (f"{_n(steps.get('small_entries'))} / {_n(steps.get('full_entries'))} / "
            f"{_n(steps.get('grown_entries'))} entries")
    if not measured:
        return name, "not measured", "no page answered at every step"
    if grows:
        return name, "NOT MET", f"{what}: " + "; ".join(grows)
    exact = sum(1 for _, _, detail in measured if detail.endswith("the same bytes"))
    other = [page["label"] for page, verdict, _ in measured if verdict == OTHER_CONTENT]
    numbers = len(measured) - exact - len(other)
    text = (f"{len(measured)} pages, the same queries at {what}; at full and grown data the same HTML to the byte "
            f"({exact}), or but for its numbers and the pagination's window ({numbers})")
    if other:
        text += f", or as many elements with other rows shown ({len(other)}: {', '.join(other)})"
    return name, "met", text


def profile_reason(page: dict) -> str:
    """What a page's not-met verdict adds: its SQL share and that its profile follows."""
    full = page.get("full") or {}
    if not full.get("total_ms"):
        return ""
    share = full.get("sql_ms", 0) / full["total_ms"]
    text = (f"; one request: {full.get('sql_ms', 0):,.0f} ms SQL ({share:.0%}) in {full.get('queries')} queries "
            f"of {full['total_ms']:,.0f} ms")
    return text + ("; profile below" if page.get("profile") else "")


def profile_section(results: dict, target: float) -> list[str]:
    profiled = [p for p in results["pages"] if p.get("profile")]
    if not profiled:
        return []
    base_p95 = ((results.get("base_floor") or {}).get("timing") or {}).get("p95_ms")
    over = results.get("profile_over", target)
    lines = [
        "",
        f"#### Where the time goes in the pages over {over:g}× the base floor's p95"
        if over else "#### Where the time goes in every page",
        "",
        "One further request of each, after the timing, under cProfile (which slows Python down, so its "
        "milliseconds are larger than the timed ones; the SQL shows as psycopg's and built-in time, waiting "
        "for the database). «parts» sums the own time by where the code lives; the table gives the top entries by own "
        "time (`own ms`), with the time including what they call (`cum. ms`).",
    ]
    for page in profiled:
        profile, full = page["profile"], page.get("full") or {}
        p95 = (page.get("timing") or {}).get("p95_ms")
        quotient = f"{p95 / base_p95:,.1f}×" if p95 and base_p95 else "–"
        parts = ", ".join(f"{part['part']} {part['tottime_ms']:,.0f}" for part in profile["parts"])
        lines += [
            "",
            f"**{page['label']}** (p95 {_ms(p95)} ms, {quotient} the base floor; counted request {_ms(full.get('total_ms'))} "
            f"ms, {_ms(full.get('sql_ms'))} ms SQL in {full.get('queries', '–')} queries). Profiled "
            f"{profile['wall_ms']:,.0f} ms; parts (own ms): {parts}.",
            "",
            "| function | where | calls | own ms | cum. ms |",
            "|---|---|---|---|---|",
            *[f"| `{row['function']}` | `{row['where']}` | {row['calls']:,} | {row['tottime_ms']:,.1f} | "
              f"{row['cumtime_ms']:,.1f} |" for row in profile["top"]],
        ]
    return lines
