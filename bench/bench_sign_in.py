"""Benchmark sign-in, the dashboard and the plan page at 32 clients against `upstream serve`.

Run from the repository root:  python bench/bench_sign_in.py   (or `make bench`)

1. Makes a throwaway SQLite database (in $UPSTREAM_VAR_DIR or a temporary folder) with one
   organization, 32 viewer accounts (viewers need no one-time code, so every client signs in
   with its password alone; two-factor adds one more request of the same kind) and a plan on the
   shipped HHS framework with a dozen activities.
2. Counts, in-process, the SQL queries of one journey: GET the sign-in page, POST the password,
   follow to the dashboard.
3. Starts `upstream serve` (gunicorn, 2 workers x 4 threads) on a free loopback port and drives it
   with 32 client threads, each doing JOURNEYS journeys: requests/s and p95 journey latency.
4. Drives the signed-in dashboard, the plan page, and the plan page while every eighth client
   downloads the spreadsheet, then the same against a server whose settings turn
   ``ATOMIC_REQUESTS`` back on (every request one transaction, as before decision 0009), and
   prints the ratios: the effect of service-level transactions.
5. Starts a bare Django app on the same database with one view that runs the same number of
   queries per journey (split over the same number of requests), serves it the same way, and
   drives it identically. The ratio is Upstream's p95 over the bare stack's p95 (and the same for
   throughput). Most of the difference is the Argon2 password check, which is deliberate.

Loopback only; every loop is bounded; servers are stopped at the end.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

CLIENTS = 32
JOURNEYS = int(os.environ.get("BENCH_JOURNEYS", "4"))
PAGE_VIEWS = int(os.environ.get("BENCH_PAGE_VIEWS", "20"))
PLAN_ACTIVITIES = 12
PASSWORD = "bench-password-for-sign-in"  # noqa: S105 (throwaway benchmark accounts)
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, path: str, deadline_s: float = 30.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


# Setup -------------------------------------------------------------------------------------


def setup_database() -> tuple[str, str, int, int, int, int]:
    """Create accounts and a plan; return the organization and plan uuids, queries and requests
    per journey, and the queries of one dashboard and one plan page view by a signed-in person."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from upstream.accounts import services
    from upstream.accounts.models import Organization, User
    from upstream.framework.services import framework_load_file
    from upstream.planning import services as plans

    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(name="Bench Org").first()
    if org is None:
        org = services.organization_create(
            actor=None, name="Bench Org", sectors=["health-care"], state_fips="39"
        )
        for n in range(CLIENTS + 1):
            user = User.objects.create_user(f"bench{n}@example.org", PASSWORD)
            services.membership_create(actor=None, user=user, organization=org, role="viewer")
        author = User.objects.create_user("bench-coordinator@example.org", PASSWORD)
        coordinator = services.membership_create(
            actor=None, user=author, organization=org, role="coordinator"
        )
        version = framework_load_file(path=settings.FRAMEWORK_PACK_DIR / "hhs-2024.yaml").version
        plan = plans.plan_create(
            actor=coordinator,
            title="Bench prevention plan",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2028, 12, 31),
            state_fips="39",
            framework_version=version,
            strategies=list(version.strategies.order_by("position")[:3]),
        )
        for fa in version.activities.select_related("strategy", "level", "tier").order_by("pk")[
            :PLAN_ACTIVITIES
        ]:
            plans.plan_activity_add(
                actor=coordinator,
                plan=plan,
                strategy=fa.strategy,
                framework_activity=fa,
                name=fa.name,
                level=fa.level,
                tier=fa.tier,
                lead_organization=org,
            )
    plan_uuid = str(org.plans.values_list("uuid", flat=True).get())
    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as queries:
        client.get("/account/sign-in/")
        response = client.post(
            "/account/sign-in/", {"email": f"bench{CLIENTS}@example.org", "password": PASSWORD}
        )
        requests = 2
        while response.status_code == 302:
            response = client.get(response["Location"])
            requests += 1
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as dashboard_queries:
        assert client.get(f"/orgs/{org.uuid}/").status_code == 200
    with CaptureQueriesContext(connection) as plan_queries:
        assert client.get(f"/orgs/{org.uuid}/plans/{plan_uuid}/").status_code == 200
    connection.close()
    return (
        str(org.uuid),
        plan_uuid,
        len(queries),
        requests,
        len(dashboard_queries),
        len(plan_queries),
    )


# Clients -----------------------------------------------------------------------------------


class Session:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.conn.port}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # gunicorn closes idle keep-alive connections after 2 s: reconnect once.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode(errors="replace")  # a download is not text
        self.requests += 1
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text


def upstream_journey(session: Session, n: int) -> None:
    session.cookies.clear()
    _, _, page = session.request("GET", "/account/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    body = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "email": f"bench{n}@example.org",
            "password": PASSWORD,
        }
    )
    status, location, _ = session.request("POST", "/account/sign-in/", body)
    assert status == 302, status
    for _ in range(3):  # bounded redirect chain: /orgs/ -> /orgs/<uuid>/
        status, location, page = session.request("GET", location)
        if status != 302:
            break
    assert status == 200 and "Bench Org" in page, status


def prepare_none(session: Session, n: int) -> None:
    return None


def dashboard_factory(
    org: str,
) -> tuple[Callable[[Session, int], None], Callable[[Session, int], None]]:
    signed_in: dict[int, dict[str, str]] = {}

    def prepare(session: Session, n: int) -> None:
        """Sign client ``n`` in once; later runs (on any server: sessions live in the shared
        database) reuse its cookies, so only the first run pays for the password checks."""
        if n not in signed_in:
            upstream_journey(session, n)
            signed_in[n] = dict(session.cookies)
        session.cookies = dict(signed_in[n])

    def journey(session: Session, n: int) -> None:
        status, _, page = session.request("GET", f"/orgs/{org}/")
        assert status == 200 and "Bench Org" in page, status

    return prepare, journey


def plan_page_factory(org: str, plan: str) -> Callable[[Session, int], None]:
    def journey(session: Session, n: int) -> None:
        status, _, page = session.request("GET", f"/orgs/{org}/plans/{plan}/")
        assert status == 200 and "Bench prevention plan" in page, status

    return journey


def plan_page_with_exports_factory(org: str, plan: str) -> Callable[[Session, int], None]:
    """Every eighth client downloads the plan's spreadsheet (an audited write, then a render)
    while the others read the plan page."""
    page = plan_page_factory(org, plan)

    def journey(session: Session, n: int) -> None:
        if n % 8:
            page(session, n)
            return
        status, _, _ = session.request("GET", f"/orgs/{org}/plans/{plan}/export.xlsx")
        assert status == 200, status

    return journey


def reference_journey_factory(requests: int, queries: int) -> Callable[[Session, int], None]:
    per_request = [
        queries // requests + (1 if i < queries % requests else 0) for i in range(requests)
    ]

    def journey(session: Session, n: int) -> None:
        for count in per_request:
            status, _, _ = session.request("GET", f"/ref/{count}/")
            assert status == 200, status

    return journey


def drive(
    port: int,
    journey: Callable[[Session, int], None],
    prepare: Callable[[Session, int], None] | None = None,
    repeat: int = JOURNEYS,
) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[BaseException] = []
    total_requests = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(CLIENTS)

    def worker(n: int) -> None:
        session = Session(port)
        try:
            if prepare is not None:
                prepare(session, n)
                session.requests = 0
            start_gate.wait(timeout=600)
        except BaseException as exc:  # one client failing releases the others
            errors.append(exc)
            start_gate.abort()
            return
        for _ in range(repeat):
            began = time.perf_counter()
            try:
                journey(session, n)
            except BaseException as exc:
                errors.append(exc)
                return
            with lock:
                latencies.append(time.perf_counter() - began)
        with lock:
            total_requests[0] += session.requests

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{len(errors)} client errors, first: {errors[0]!r}")
    latencies.sort()
    return {
        "journeys": len(latencies),
        "requests_per_s": total_requests[0] / elapsed,
        "journeys_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


# Reference server --------------------------------------------------------------------------


def reference_server(port: int) -> None:
    """A bare Django app: one view running N small queries on the same database."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-reference",  # noqa: S106 (throwaway local server)
        ALLOWED_HOSTS=[HOST],
        ROOT_URLCONF=__name__,
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(os.environ["UPSTREAM_VAR_DIR"]) / "upstream.sqlite3"),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
            }
        },
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )
    django.setup()
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def ref(request: HttpRequest, n: int) -> HttpResponse:
        with connection.cursor() as cursor:
            for _ in range(n):
                cursor.execute("SELECT id, name FROM accounts_organization LIMIT 1")
                cursor.fetchall()
        return HttpResponse("<!DOCTYPE html><title>ref</title><p>ok</p>")

    globals()["urlpatterns"] = [path("ref/<int:n>/", ref)]
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()
    config = {"bind": f"{HOST}:{port}", "workers": 2, "threads": 4, "worker_class": "gthread"}

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


def atomic_requests_env(var: str, env: dict[str, str]) -> dict[str, str]:
    """The environment of a server whose settings wrap every request in one transaction."""
    Path(var, "bench_atomic_requests.py").write_text(
        "from upstream.settings import *  # noqa: F403\n"
        'DATABASES["default"]["ATOMIC_REQUESTS"] = True  # noqa: F405\n'
    )
    path = os.pathsep.join(p for p in (var, env.get("PYTHONPATH", "")) if p)
    return {**env, "DJANGO_SETTINGS_MODULE": "bench_atomic_requests", "PYTHONPATH": path}


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        cmd,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--reference-server":
        reference_server(int(sys.argv[2]))
        return
    var = os.environ.get("UPSTREAM_VAR_DIR") or tempfile.mkdtemp(prefix="upstream-bench-")
    env = {
        **os.environ,
        "UPSTREAM_VAR_DIR": var,
        "UPSTREAM_INSECURE_HTTP": "1",
        "UPSTREAM_STATIC_MANIFEST": "0",
        "UPSTREAM_SECRET_KEY": "bench-" + "k" * 50,
        "UPSTREAM_LOG_LEVEL": "WARNING",
        "UPSTREAM_LOCKOUT_FAILURES": "1000",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    org, plan, queries, requests, dashboard_queries, plan_queries = setup_database()
    print(
        f"sign-in journey = {requests} requests, {queries} SQL queries; "
        f"dashboard view = {dashboard_queries} queries; plan page = {plan_queries} queries; "
        f"{CLIENTS} clients"
    )
    prepare, dashboard = dashboard_factory(org)
    plan_page = plan_page_factory(org, plan)
    with_exports = plan_page_with_exports_factory(org, plan)
    upstream_cmd = [str(REPO / ".venv" / "bin" / "upstream"), "serve", "--host", HOST, "--port"]
    reference_cmd = [sys.executable, __file__, "--reference-server"]
    sign_in = "sign-in + dashboard"
    view = "dashboard, signed in"
    plan_view = "plan page, signed in"
    mixed = "plan page + exports"
    results: dict[str, dict[str, float]] = {}
    for label, cmd, server_env, ready, runs in (
        (
            "upstream",
            upstream_cmd,
            env,
            "/healthz",
            [
                (sign_in, upstream_journey, prepare_none, JOURNEYS),
                (view, dashboard, prepare, PAGE_VIEWS),
                (plan_view, plan_page, prepare, PAGE_VIEWS),
                (mixed, with_exports, prepare, PAGE_VIEWS),
            ],
        ),
        (
            "atomic reqs",
            upstream_cmd,
            atomic_requests_env(var, env),
            "/healthz",
            [
                (view, dashboard, prepare, PAGE_VIEWS),
                (plan_view, plan_page, prepare, PAGE_VIEWS),
                (mixed, with_exports, prepare, PAGE_VIEWS),
            ],
        ),
        (
            "bare django",
            reference_cmd,
            env,
            "/ref/1/",
            [
                (sign_in, reference_journey_factory(requests, queries), prepare_none, JOURNEYS),
                (view, reference_journey_factory(1, dashboard_queries), prepare_none, PAGE_VIEWS),
                (plan_view, reference_journey_factory(1, plan_queries), prepare_none, PAGE_VIEWS),
            ],
        ),
    ):
        port = free_port()
        server = start([*cmd, str(port)], server_env)
        try:
            wait_for(port, ready)
            for scenario, journey, before, repeat in runs:
                r = results[f"{label}/{scenario}"] = drive(port, journey, before, repeat)
                print(
                    f"{label:>12}, {scenario:<20}: {r['requests_per_s']:7.1f} requests/s, "
                    f"p50 {r['p50_ms']:7.1f} ms, p95 {r['p95_ms']:7.1f} ms "
                    f"({int(r['journeys'])} runs)"
                )
        finally:
            stop(server)
    for scenario in (view, plan_view, mixed):
        after, before = results[f"upstream/{scenario}"], results[f"atomic reqs/{scenario}"]
        print(
            f"service-level transactions (after) over ATOMIC_REQUESTS (before), {scenario}: "
            f"throughput x{after['requests_per_s'] / before['requests_per_s']:.2f}, "
            f"p95 x{after['p95_ms'] / before['p95_ms']:.2f}"
        )
    for scenario, n in ((sign_in, queries), (view, dashboard_queries), (plan_view, plan_queries)):
        up, ref = results[f"upstream/{scenario}"], results[f"bare django/{scenario}"]
        print(
            f"ratio to a bare Django view with the same {n} queries, {scenario}: "
            f"p95 x{up['p95_ms'] / ref['p95_ms']:.1f}, "
            f"throughput x{up['requests_per_s'] / ref['requests_per_s']:.2f}"
        )


if __name__ == "__main__":
    main()
