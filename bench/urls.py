"""The portal's URLs plus the benchmark's base floor (bench.settings only; never in production)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from klyngeportal.urls import *  # noqa: F403 - the portal's error handlers
from klyngeportal.urls import urlpatterns as portal_urlpatterns

BASE_FLOOR_URL = "/bench/grundside/"


@login_required
def base_floor(request):
    """An empty page through base.html, logged in: what every page costs before its own work."""
    return render(request, "bench/floor.html")


urlpatterns = [path(BASE_FLOOR_URL.strip("/") + "/", base_floor, name="bench_base_floor"), *portal_urlpatterns]
