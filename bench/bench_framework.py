"""Framework knowledge base: loading the hhs-2024 pack and rendering the strategy pages.

References measured in the same run:
- loading: a row-at-a-time loader writing the same rows (bench/reference_framework_load.py);
- pages: a bare Django view that runs the same number of (trivial) queries and renders a
  one-line template, i.e. the cost of the stack itself for that much database I/O.
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")
os.environ.setdefault("UPSTREAM_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from reference_framework_load import naive_load  # noqa: E402
from upstream.core.access import public  # noqa: E402
from upstream.framework.models import Strategy  # noqa: E402
from upstream.framework.pack import Pack, load_valid  # noqa: E402
from upstream.framework.services import framework_load  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def _variant(pack: Pack, n: int, prefix: str) -> Pack:
    data = copy.deepcopy(pack.data)
    data["framework"]["version"] = f"{prefix}{n}"
    return Pack(file=pack.file, data=data, lines=pack.lines)


def _time_load(loader, pack: Pack, prefix: str) -> tuple[float, int]:
    times, queries = [], 0
    for n in range(ROUNDS):
        variant = _variant(pack, n, prefix)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            loader(variant)
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


_BARE = engines["django"].from_string("<p>{{ n }} queries</p>")


@public
def bare_view(request: HttpRequest, n: int) -> HttpResponse:
    with connection.cursor() as cursor:
        for _ in range(n):
            cursor.execute("SELECT 1")
    return HttpResponse(_BARE.render({"n": n}))


urlpatterns = [path("bare/<int:n>/", bare_view)]


def _time_get(
    client: Client, url: str, before: Callable[[], object] | None = None
) -> tuple[float, int]:
    client.get(url)  # warm caches (templates, URL resolver)
    times, queries = [], 0
    for _ in range(ROUNDS * 4):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    call_command("migrate", verbosity=0)
    pack = load_valid(settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml")
    items = sum(
        len(pack.data.get(k, []))
        for k in (
            "principles",
            "levels",
            "tiers",
            "strategies",
            "activities",
            "outcomes",
            "factors",
            "definitions",
        )
    )

    fast, fast_q = _time_load(lambda p: framework_load(pack=p), pack, "bulk-")
    slow, slow_q = _time_load(naive_load, pack, "naive-")
    print(
        f"load hhs-2024 ({items} items): {fast * 1000:.1f} ms, {fast_q} queries; "
        f"row-at-a-time reference {slow * 1000:.1f} ms, {slow_q} queries; "
        f"ratio {slow / fast:.1f}x"
    )

    version = framework_load(pack=_variant(pack, 0, "pages-")).version
    client = Client()
    base = f"/frameworks/{version.framework.slug}/{version.version}"
    page_times, bare_times = [], []
    for strategy in Strategy.objects.filter(version=version).order_by("position"):
        t, q = _time_get(client, f"{base}/strategies/{strategy.key}/")
        page_times.append((t, q))
    sys.modules["bench_framework_urls"] = sys.modules[__name__]
    with override_settings(ROOT_URLCONF="bench_framework_urls"):
        for _, q in page_times:
            bare_times.append(_time_get(client, f"/bare/{q}/")[0])
    page_ms = statistics.median(t for t, _ in page_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    queries = sorted({q for _, q in page_times})
    print(
        f"strategy pages ({len(page_times)}): median {page_ms:.1f} ms, queries per page "
        f"{queries}; bare view with the same queries {bare_ms:.2f} ms; "
        f"ratio {page_ms / bare_ms:.1f}x"
    )
    # The first view of each page after a pack is loaded: the fragment is rendered.
    cold_times, cold_bare = [], []
    for strategy in Strategy.objects.filter(version=version).order_by("position"):
        url = f"{base}/strategies/{strategy.key}/"
        cold_times.append(_time_get(client, url, before=cache.clear))
    with override_settings(ROOT_URLCONF="bench_framework_urls"):
        for _, q in cold_times:
            cold_bare.append(_time_get(client, f"/bare/{q}/")[0])
    cold_ms = statistics.median(t for t, _ in cold_times) * 1000
    cold_bare_ms = statistics.median(cold_bare) * 1000
    print(
        f"strategy pages, first view (fragment rendered): median {cold_ms:.1f} ms, queries per "
        f"page {sorted({q for _, q in cold_times})}; bare view with the same queries "
        f"{cold_bare_ms:.2f} ms; ratio {cold_ms / cold_bare_ms:.1f}x"
    )


if __name__ == "__main__":
    main()
