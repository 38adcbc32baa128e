"""cProfile of one request, boiled down to what the report shows: the top entries by own time and the
own time summed by part of the code (the project's apps, Django's subpackages, other libraries)."""
from __future__ import annotations

import cProfile
import pstats
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()
TOP = 8  # entries per page in the report
PARTS = 6  # parts of the code per page in the report


def short_path(filename: str) -> tuple[str, str]:
    """(where, part): the file shortened to the project's or the library's own path, and the part of the
    code it belongs to (an app of the project, a Django subpackage, a library, the standard library)."""
    if filename in ("~", "") or filename.startswith("<"):
        return "built-in", "built-in (C)"
    path = Path(filename)
    text = path.as_posix()
    if "site-packages/" in text:
        rel = text.split("site-packages/", 1)[1]
        bits = rel.split("/")
        part = ".".join(bits[:2]) if bits[0] == "django" and len(bits) > 2 else bits[0].removesuffix(".py")
        return rel, part
    try:
        rel = path.resolve().relative_to(ROOT).as_posix()
        return rel, f"project: {rel.split('/')[0].removesuffix('.py')}"
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(STDLIB).as_posix(), "stdlib"
    except ValueError:
        return text, "other"


def _function(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= 70 else name[:67] + "..."


def summarise(profiler: cProfile.Profile, top: int = TOP, parts: int = PARTS) -> dict:
    stats = pstats.Stats(profiler)
    rows = []
    by_part: dict[str, float] = defaultdict(float)
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        where, part = short_path(filename)
        by_part[part] += tottime
        rows.append((tottime, cumtime, calls, where if where == "built-in" else f"{where}:{line}", name))
    rows.sort(key=lambda r: r[0], reverse=True)
    return {
        "profiled_ms": stats.total_tt * 1000,
        "top": [
            {"function": _function(name), "where": where, "calls": calls,
             "tottime_ms": tottime * 1000, "cumtime_ms": cumtime * 1000}
            for tottime, cumtime, calls, where, name in rows[:top]
        ],
        "parts": [
            {"part": part, "tottime_ms": seconds * 1000}
            for part, seconds in sorted(by_part.items(), key=lambda kv: kv[1], reverse=True)[:parts]
        ],
    }


def profile_call(call, top: int = TOP) -> dict:
    """Run call() once under cProfile; its summary with the wall time of the profiled call."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        call()
    finally:
        profiler.disable()
    result = summarise(profiler, top)
    result["wall_ms"] = (time.perf_counter() - started) * 1000
    return result
