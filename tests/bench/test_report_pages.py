"""The benchmark's comparison of a page's HTML between data sizes, its verdicts and its profile summary
(bench/pages.py, bench/report_pages.py, bench/profiling.py): plain functions on made-up pages."""
from pathlib import Path

from bench.pages import elements, first_difference, masked_html, pagination_items, without_pagination
from bench.profiling import profile_call, short_path
from bench.report_pages import OTHER_CONTENT, constancy, constancy_target, profile_section

ROW = '<tr><td class="num">{amount}</td><td>{text}</td></tr>'


def page(rows: list[tuple[str, str]], pages: int = 1, token: str = "abc123") -> bytes:
    items = "".join(f'<li class="page-item"><a class="page-link">{p}</a></li>' for p in range(1, pages + 1))
    return (
        f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
        f'<p>I alt 1.234,56 kr.</p><table>{"".join(ROW.format(amount=a, text=t) for a, t in rows)}</table>'
        f'<nav><ul class="pagination justify-content-center">{items}</ul></nav>'
    ).encode()


def sameness(full: bytes, grown: bytes) -> dict:
    """What bench/page_steps.measure_grown records, for two bodies."""
    a, b = masked_html(full), masked_html(grown)
    ours, theirs = elements(b), elements(a)
    return {
        "same_bytes": len(full) == len(grown), "same_masked": a == b, "varies": False,
        "difference": first_difference(without_pagination(a), without_pagination(b)),
        "elements": sum(ours.values()),
        "more_elements": {t: ours.get(t, 0) - theirs.get(t, 0) for t in ours.keys() | theirs.keys()
                          if ours.get(t, 0) != theirs.get(t, 0)},
        "pagination": [pagination_items(a), pagination_items(b)],
        "same_but_pagination": without_pagination(a) == without_pagination(b),
    }


def measured(full: bytes, grown: bytes, queries=(10, 10, 10)) -> dict:
    small_q, full_q, grown_q = queries
    return {
        "key": "p", "label": "A page", "missing": None,
        "small": {"status": 200, "queries": small_q, "bytes": 100},
        "full": {"status": 200, "queries": full_q, "bytes": len(full)},
        "grown": {"status": 200, "queries": grown_q, "bytes": len(grown)},
        "sameness": sameness(full, grown),
    }


def test_numbers_and_the_csrf_token_are_masked():
    a = masked_html(page([("1.234,56", "BENCH 12")], token="x1y2"))
    b = masked_html(page([("999.999.234,00", "BENCH 7")], token="zz9q8w7e"))
    assert a == b
    assert "1.234,56" not in a and 'value="TOKEN"' in a


def test_same_bytes_and_numbers_only_are_constant():
    rows = [("1,00", "a"), ("2,00", "b")]
    assert constancy(measured(page(rows), page(rows))) == ("constant", "same queries, the same bytes")
    verdict, detail = constancy(measured(page(rows), page([("1.001,00", "a"), ("2,00", "b")])))
    assert verdict == "constant" and "only in its numbers" in detail and "+4 bytes" in detail


def test_a_row_more_grows_and_says_which_elements():
    verdict, detail = constancy(measured(page([("1,00", "a")]), page([("1,00", "a"), ("1,00", "a")])))
    assert verdict == "GROWS"
    assert "+1 `<tr>`" in detail and "+2 `<td>`" in detail


def test_a_query_more_grows():
    rows = [("1,00", "a")]
    verdict, detail = constancy(measured(page(rows), page(rows), queries=(10, 10, 11)))
    assert verdict == "GROWS" and "queries 10 / 10 / 11" in detail


def test_the_pagination_window_may_grow_up_to_its_bound_but_not_past_it():
    rows = [("1,00", "a")]
    verdict, detail = constancy(measured(page(rows, pages=3), page(rows, pages=5)))
    assert verdict == "constant" and "the pagination 3 → 5 items" in detail
    verdict, detail = constancy(measured(page(rows, pages=3), page(rows, pages=40)))
    assert verdict == "GROWS" and "more than its window" in detail


def test_other_rows_with_as_many_elements_are_named_as_such():
    verdict, detail = constancy(measured(page([("1,00", "Udgift")]), page([("-1,00", "Indtægt")])))
    assert verdict == OTHER_CONTENT
    assert "as other rows are shown" in detail and "`" in detail  # the excerpts as code spans


def test_the_target_is_met_only_when_no_page_grows():
    rows = [("1,00", "a")]
    steady, other = measured(page(rows), page(rows)), measured(page(rows), page([("-1,00", "b")]))
    results = {"pages": [steady, other], "steps": {"small_entries": 1, "full_entries": 2, "grown_entries": 4}}
    name, verdict, reason = constancy_target(results)
    assert verdict == "met" and OTHER_CONTENT not in reason and "A page" in reason
    results["pages"].append(measured(page(rows), page(rows * 2)))
    assert constancy_target(results)[1] == "NOT MET"


def test_paths_are_shortened_to_the_project_and_the_library():
    root = Path(__file__).resolve().parents[2]
    assert short_path(str(root / "accounts" / "tables.py")) == ("accounts/tables.py", "project: accounts")
    django_file = root / ".venv/lib/python3.13/site-packages/django/template/base.py"
    assert short_path(str(django_file)) == ("django/template/base.py", "django.template")
    assert short_path("~") == ("built-in", "built-in (C)")


def busy() -> int:
    return sum(i * i for i in range(20_000))


def test_a_profile_lists_the_top_entries_by_own_time_and_renders():
    profile = profile_call(busy, top=3)
    assert len(profile["top"]) <= 3 and profile["wall_ms"] > 0
    assert [r["tottime_ms"] for r in profile["top"]] == sorted((r["tottime_ms"] for r in profile["top"]), reverse=True)
    assert any(r["where"].startswith("tests/bench/test_report_pages.py:") for r in profile["top"])
    results = {"pages": [{"label": "A page", "profile": profile, "timing": {"p95_ms": 80.0},
                          "full": {"total_ms": 70.0, "sql_ms": 10.0, "queries": 5}}],
               "base_floor": {"timing": {"p95_ms": 8.0}}, "profile_over": 10.0}
    text = "\n".join(profile_section(results, 10.0))
    assert "#### Where the time goes in the pages over 10× the base floor's p95" in text
    assert "**A page** (p95 80.0 ms, 10.0× the base floor" in text
    assert "| function | where | calls | own ms | cum. ms |" in text
