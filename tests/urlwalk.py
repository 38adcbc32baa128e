"""Every URL pattern of the portal, found by walking the URL configuration (django.urls.get_resolver()).

The permission matrix, the junk test and the scope test are generated from it, so that a new URL
cannot be missed. Django's static and media serving are left out, and of the admin only its front
door (the admin's internals are Django's own).

``FoundUrl`` knows its path parameters and their converters (``<int:pk>`` is ``{"pk": "int"}``), and
builds a path from any values, also values that the converter would not accept (junk for the path).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own views that are not pages of the portal: static and media serving.
SKIPPED_MODULES = ("django.views.static", "django.contrib.staticfiles")
# The admin's internals are Django's; the matrix checks that the admin's front door is closed.
ADMIN_NAMESPACE = "admin"
ADMIN_KEPT = {"admin:index"}
# A route's parameter: <name> or <converter:name>.
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class FoundUrl:
    name: str | None
    route: str
    # parameter name -> converter name ("int", "slug", "str", "year", "fmt", ...), in route order
    converters: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    regex: bool = False  # a re_path: its route is a regular expression, not a Django route

    def parameters(self) -> dict[str, str]:
        return dict(self.converters)

    def path_with(self, values: dict) -> str:
        """The route with each parameter replaced by its value, quoted, whether its converter accepts it or not."""
        if self.regex:
            raise ValueError(f"{self.route!r} er et regulært udtryk; brug reverse()")

        def value(match: re.Match) -> str:
            return quote(str(values[match["name"]]), safe="%")

        return "/" + PARAMETER.sub(value, self.route)


def _parameters(route: str) -> dict[str, str]:
    return {match["name"]: match["converter"] or "str" for match in PARAMETER.finditer(route)}


def walk(patterns, namespace: str = "", prefix: str = "", regex: bool = False):
    for pattern in patterns:
        is_regex = regex or not hasattr(pattern.pattern, "converters")
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern.url_patterns, inner, route, is_regex)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "") or ""
            if module.startswith(SKIPPED_MODULES):
                continue
            name = f"{namespace}{pattern.name}" if pattern.name else None
            if namespace.startswith(f"{ADMIN_NAMESPACE}:") and name not in ADMIN_KEPT:
                continue
            yield FoundUrl(name, route, _parameters(route) if not is_regex else {}, is_regex)


def portal_urls() -> list[FoundUrl]:
    return list(walk(get_resolver().url_patterns))
