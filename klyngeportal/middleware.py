"""Middleware of the portal.

``MethodNotAllowedPage``: Django's ``HttpResponseNotAllowed`` (what ``require_POST``,
``require_http_methods`` and a class-based view's ``http_method_not_allowed`` answer) has no body,
so a reader who opens a POST-only address sees a blank page. This answers the same 405, with the
same ``Allow`` header, as the portal's Danish page ``templates/405.html``.
"""
from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string


class MethodNotAllowedPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = HttpResponseNotAllowed(
                [method.strip() for method in response["Allow"].split(",") if method.strip()],
                content=render_to_string("405.html", request=request),
            )
            for header, value in response.items():
                if header.lower() not in ("content-type", "content-length"):
                    page[header] = value
            page._has_been_logged = getattr(response, "_has_been_logged", False)  # logged once, by Django
            return page
        return response
