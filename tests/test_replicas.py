"""Two `product-health serve` processes on one data folder (replicas behind a proxy): both
answer, they share the persisted model without lock errors, and both show a new export.

Playwright drives Debian's Chromium (the app renders in the browser); skipped locally when
Chromium is missing, a failure in CI (CI=true).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT
from tests.test_browser import ARGS, CHROMIUM, _require_browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one browser at a time

SESSIONS = "session_id,started_at,product_line,channel,outcome\n"


def _sessions(first: int, count: int) -> str:
    return "".join(
        f"s{i},2024-03-{1 + i % 28:02d} 10:00:00,Billing,chatbot,resolved\n" for i in range(first, first + count)
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(folder: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    env.pop("PRODUCT_HEALTH_DATA", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--data", str(folder), "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the streamlit child is stopped with it
    )


def _wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    for _ in range(240):
        assert process.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer")


def _wait_for_self_service_rows(page, expected: str) -> None:
    page.wait_for_function(
        """(expected) => [...document.querySelectorAll('.ph-tile[data-label="Self-service rows"] .ph-value')]
            .some(value => value.innerText.trim() === expected)""",
        arg=expected,
        timeout=90_000,
    )


def test_two_servers_on_one_folder_both_answer_and_both_show_a_new_export(tmp_path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "sessions-march.csv").write_text(SESSIONS + _sessions(1, 5))
    ports = [_free_port(), _free_port()]
    servers = [_serve(folder, port, tmp_path / f"server-{port}.log") for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, server in zip(urls, servers, strict=True):
            _wait_until_healthy(url, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pages = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in urls]
            for page, url in zip(pages, urls, strict=True):
                page.goto(url + "/data_report", wait_until="domcontentloaded")
                _wait_for_self_service_rows(page, "5")
                page.get_by_text("sessions-march.csv").first.wait_for(state="attached", timeout=30_000)

            (folder / "sessions-april.csv").write_text(SESSIONS + _sessions(101, 3))
            for page, url in zip(pages, urls, strict=True):  # both at once: they race to build it
                page.goto(url + "/data_report", wait_until="domcontentloaded")
            for page in pages:
                _wait_for_self_service_rows(page, "8")
                page.get_by_text("sessions-april.csv").first.wait_for(state="attached", timeout=30_000)
                assert page.locator('[data-testid="stException"]').count() == 0
            browser.close()
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    logs = "".join((tmp_path / f"server-{port}.log").read_text() for port in ports)
    assert "lock" not in logs.lower() and "Traceback" not in logs, logs
