"""Playwright driving Debian's Chromium against the running app: what AppTest cannot see.

Skipped locally when Chromium is missing; in CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y --no-install-recommends chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_app(data: Path | None):
    port = _free_port()
    env = dict(os.environ)
    env.pop("PRODUCT_HEALTH_DATA", None)
    if data is not None:
        env["PRODUCT_HEALTH_DATA"] = str(data)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def app_url():
    _require_browser()
    yield from _start_app(None)


HOSTILE_TITLE = '<script>window.__ph_pwned = 1</script><img src=x onerror="window.__ph_pwned = 2"> **bold** [link](javascript:alert(1))'


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory):
    """An app over exports whose bug title and ticket subject carry a script and markdown."""
    import json

    _require_browser()
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "issues.json").write_text(json.dumps([{
        "url": "https://api.github.com/repos/acme/app/issues/7", "repository_url": "https://api.github.com/repos/acme/app",
        "html_url": "javascript:alert(1)", "number": 7, "title": HOSTILE_TITLE, "labels": [{"name": "bug"}],
        "state": "open", "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
    }]))
    (folder / "tickets.csv").write_text(
        "Id,Status,Via,Created at,Subject\n"
        + "".join(f"{i},Open,Mail,2026-10-{i:02d} 10:00:00,<script>alert(1)</script> https://github.com/acme/app/issues/7\n"
                  for i in range(1, 20))
    )
    yield from _start_app(folder)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _tile_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def test_tiles_render_filters_write_the_url_and_meeting_mode(app_url, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    elsewhere: list[str] = []  # the app must not make the browser fetch anything from outside
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(app_url, wait_until="domcontentloaded")
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    before = _tile_value(page, "Tickets created")
    assert before.replace(",", "").isdigit()
    page.screenshot(path=str(ARTIFACTS / "overview-1920x1080.png"))

    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Mobile App").click()
    page.keyboard.press("Escape")
    page.wait_for_url("**product_line=Mobile+App**", timeout=30_000)
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(t => t.innerText.includes(label) && !t.innerText.includes(before))""",
        arg=["Tickets created", before], timeout=30_000,
    )
    assert _tile_value(page, "Tickets created") != before
    page.screenshot(path=str(ARTIFACTS / "overview-mobile-app.png"))

    page.goto(app_url + "/?mode=meeting&product_line=Mobile+App", wait_until="domcontentloaded")
    page.get_by_text("Product health · ").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "meeting-mode-1920x1080.png"))
    assert elsewhere == []
    page.close()


def test_metric_pages_render_their_charts(app_url, browser) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1400})
    page.goto(app_url + "/bugs", wait_until="domcontentloaded")
    page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
    assert page.locator(".js-plotly-plot").count() >= 3
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "bugs.png"))
    page.close()


def test_customer_impact_page(app_url, browser) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1300})
    page.goto(app_url + "/impact?from=2026-10-01&to=2026-10-31", wait_until="domcontentloaded")
    page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
    page.get_by_text("Still hurting").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "customer-impact.png"))
    page.close()


def test_the_meeting_pack_opens_with_no_network(browser, tmp_path) -> None:
    from dashboard.cli import main

    out = tmp_path / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(out)]) == 0
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def block(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 4
    assert "MOB-101" in page.locator("table.hurting").inner_text()
    assert outside == [] and errors == []
    page.screenshot(path=str(ARTIFACTS / "meeting-pack.png"), full_page=True)
    context.close()


def test_a_script_in_a_bug_title_does_not_run(hostile_app_url, browser) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/bugs", "/impact?from=2026-10-01&to=2026-10-31"):
        page.goto(hostile_app_url + path, wait_until="domcontentloaded")
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        assert page.evaluate("window.__ph_pwned") is None
        assert page.locator("main img[src='x']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "hostile-title.png"))
    assert dialogs == []
    page.close()
