"""The benchmark's settings: the portal's own, plus one URL that exists only here (the base floor).

The base floor is a logged-in request for an empty page rendered through ``base.html``: the same
middleware, session, user and header work every page pays, and nothing else. Every page is reported
against it (issue 16); ``/sundhed/`` (``SELECT 1``, no template) stays beside it.
"""
from klyngeportal.settings import *  # noqa: F403 - the portal's settings, unchanged but for the URLs below
from klyngeportal.settings import TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
