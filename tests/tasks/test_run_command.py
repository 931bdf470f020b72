"""`upstream run` (what `make run` uses): the web server and a worker, stopped together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.tasks.test_real_backends import _env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except OSError:
        return False


def test_run_serves_and_works_until_ctrl_c_stops_both(tmp_path: Path) -> None:
    env = _env(tmp_path, UPSTREAM_INSECURE_HTTP="1")
    upstream = [sys.executable, "-m", "upstream.cli"]
    subprocess.run([*upstream, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            [*upstream, "run", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        )
    try:
        for _ in range(300):  # a bound for a loaded machine, not a speed check
            ready = _answers(f"http://127.0.0.1:{port}/healthz") and "Upstream worker" in (
                log.read_text()
            )
            if ready or run.poll() is not None:
                break
            time.sleep(0.2)
        assert ready, log.read_text()
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert not _answers(f"http://127.0.0.1:{port}/healthz")
    try:
        os.killpg(run.pid, 0)
        still_running = True
    except ProcessLookupError:
        still_running = False
    assert not still_running, "a child of `upstream run` outlived it"
