from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from upstream.core import widgets
from upstream.core.access import public


@public
def health(request: HttpRequest) -> HttpResponse:
    """Liveness and database readiness, for load balancers. No data, no versions."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def error_400(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/400.html", status=400)


@public
def county_options(request: HttpRequest) -> HttpResponse:
    """The county options of a state for the county pickers (public reference data)."""
    return widgets.county_options(request)
