"""What a worker holds for its whole life is frozen out of the garbage collector's reach.

A gunicorn worker loads Django, the apps, the URL configuration and the compiled templates once: about
120,000 objects that live as long as the worker. A full collection walks every object that is not frozen:
60-100 ms on a 2-core machine, about once per hundred-odd page requests (a page's figures die in a
reference cycle of Django's template context, so only the collector frees them), and those requests were
the pages' p95 (issue 16). Frozen, a full collection walks only what came since: a few ms.
"""
from __future__ import annotations

import gc


def warm_up() -> None:
    """Load what the first request would: the URL configuration (and through it every view) and base.html."""
    from django.template.loader import get_template
    from django.urls import Resolver404, resolve

    try:
        resolve("/")
    except Resolver404:
        pass
    get_template("base.html")


def freeze_long_lived() -> None:
    """Collect what is garbage now, then move every object left to the permanent generation."""
    gc.collect()
    gc.freeze()
