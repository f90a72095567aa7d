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
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one browser at a time


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
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT_ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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


HOSTILE_TITLE = (
    '<script>window.__ph_pwned = 1</script><img src=x onerror="window.__ph_pwned = 2"> **bold** '
    "[link](javascript:alert(1))"
)


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory):
    """An app over exports whose bug title and ticket subject carry a script and markdown."""
    import json

    _require_browser()
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "issues.json").write_text(
        json.dumps(
            [
                {
                    "url": "https://api.github.com/repos/acme/app/issues/7",
                    "repository_url": "https://api.github.com/repos/acme/app",
                    "html_url": "javascript:alert(1)",
                    "number": 7,
                    "title": HOSTILE_TITLE,
                    "labels": [{"name": "bug"}],
                    "state": "open",
                    "created_at": "2024-01-01T00:00:00Z",
                    "updated_at": "2024-01-01T00:00:00Z",
                }
            ]
        )
    )
    (folder / "tickets.csv").write_text(
        "Id,Status,Via,Created at,Subject\n"
        + "".join(
            f"{i},Open,Mail,2026-10-{i:02d} 10:00:00,<script>alert(1)</script> https://github.com/acme/app/issues/7\n"
            for i in range(1, 20)
        )
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
    return page.locator(f'.ph-tile[data-label="{label}"] .ph-value').first.inner_text()


def test_tiles_render_filters_write_the_url_and_meeting_mode(app_url, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    elsewhere: list[str] = []  # the app must not make the browser fetch anything from outside
    page.on("request", lambda r: None if r.url.startswith((app_url, "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(app_url, wait_until="domcontentloaded")
    page.locator(".ph-value").first.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    before = _tile_value(page, "Tickets created")
    assert before.replace(",", "").isdigit()
    page.screenshot(path=str(ARTIFACTS / "overview-1920x1080.png"))

    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Mobile App").click()
    page.keyboard.press("Escape")
    page.wait_for_url("**product_line=Mobile+App**", timeout=30_000)
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('.ph-tile')]
            .some(t => t.dataset.label === label && t.querySelector('.ph-value').innerText !== before)""",
        arg=["Tickets created", before],
        timeout=30_000,
    )
    assert _tile_value(page, "Tickets created") != before
    page.screenshot(path=str(ARTIFACTS / "overview-mobile-app.png"))

    page.goto(app_url + "/?mode=meeting&product_line=Mobile+App", wait_until="domcontentloaded")
    page.get_by_text("Overview · ").first.wait_for(timeout=60_000)
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


# -- meeting mode on a shared screen ---------------------------------------------------------

MEETING_PAGES = [
    ("", "Overview", 0),
    ("first_response", "First response", 2),
    ("resolution", "Resolution", 3),
    ("bugs", "Bug age", 3),
    ("deflection", "Deflection", 2),
    ("impact", "Customer impact", 2),
    ("service", "SLA, backlog, CSAT", 3),
    ("data_report", "Data", 0),
]  # (path, title, plotly charts drawn)

# What a person three metres away would see as broken, measured in the page: anything past the
# right edge, tile text cut, a chart drawn outside its frame, a table scrolling sideways.
FIT_PROBLEMS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const name = el => (el.getAttribute('data-testid') || el.className.baseVal || el.className || el.tagName)
                     .toString().slice(0, 60) + ' "' + (el.innerText || el.textContent || '').slice(0, 40) + '"';
  for (const el of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stHeader"] *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && box.right > width + 1 && getComputedStyle(el).visibility !== 'hidden'
        && !el.closest('[aria-hidden="true"]')) out.push('past the right edge: ' + name(el));
  }
  for (const el of document.querySelectorAll('.ph-tile, .ph-tile *, [data-testid="stMetric"] *')) {
    if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'IMG') out.push('tile text cut: ' + name(el));
  }
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const frame = plot.closest('[data-testid="stPlotlyChart"]') || plot;
    const box = frame.getBoundingClientRect();
    const parts = 'svg.main-svg, g.legend, g.xtick, g.ytick, g.g-gtitle, g.g-xtitle, g.g-ytitle';
    for (const part of plot.querySelectorAll(parts)) {
      const r = part.getBoundingClientRect();
      const outside = r.left < box.left - 1 || r.right > box.right + 1
                      || r.top < box.top - 1 || r.bottom > box.bottom + 1;
      if (r.width && outside) out.push('chart part outside its frame: ' + name(part));
    }
  }
  const tables = '[data-testid="stDataFrame"] .dvn-scroller, [data-testid="stHtml"], table';
  for (const el of document.querySelectorAll(tables))
    if (el.scrollWidth > el.clientWidth + 1) out.push('table scrolls sideways: ' + name(el));
  return out;
}"""


def _settled(page, title: str, charts: int = 0) -> None:
    """Wait until the page's header is `title · ...`, Streamlit has finished the rerun and
    `charts` plotly charts are drawn (axes ticks present)."""
    page.locator("h2", has_text=f"{title}").first.wait_for(timeout=90_000)
    page.wait_for_function(
        """(charts) => !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-stale="true"]')
                 && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
                 && [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('g.xtick')).length
                    >= charts""",
        arg=charts,
        timeout=90_000,
    )
    page.wait_for_timeout(1200)  # plotly lays out after the DOM settles


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768)])
def test_meeting_mode_fits_the_screen_and_the_presenter_moves_by_keyboard(app_url, browser, width, height) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url + "/?mode=meeting&from=2026-10-01&to=2026-10-31&basis=business", wait_until="domcontentloaded")
    for index, (path, title, charts) in enumerate(MEETING_PAGES):
        _settled(page, title, charts)
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.evaluate(FIT_PROBLEMS) == [], f"{title} at {width}x{height}"
        if path in ("first_response", "resolution"):  # the hours switch of the time pages, from the URL
            assert "business hours" in page.locator("main").inner_text()
        if path == "":
            assert (
                page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight") <= height
                or width != 1920
            ), "the overview does not fit one 1920x1080 screen"
            assert "compared with September 2026 and October 2025" in page.locator("main").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"meeting-{path or 'overview'}-{width}x{height}.png"))
        if index + 1 < len(MEETING_PAGES):  # a presenter clicker: alternately → and Page Down
            page.keyboard.press("ArrowRight" if index % 2 == 0 else "PageDown")
            next_path = MEETING_PAGES[index + 1][0]
            page.wait_for_url(f"**/{next_path}?**", timeout=30_000)
            assert "mode=meeting" in page.url and "from=2026-10-01" in page.url
            assert "basis=business" in page.url  # the hours switch of the time pages goes along
    page.keyboard.press("PageUp")
    page.wait_for_url("**/service?**", timeout=30_000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/impact?**", timeout=30_000)
    page.close()


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768)])
def test_the_overview_tells_the_launch_month_a_target_missed_an_event_and_what_changed(
    app_url, browser, width, height
) -> None:
    """August 2026 of the sample, in the meeting: Mobile App's first response is off its
    target, the v3 launch is marked, and What changed says so first, linked to the tickets behind it."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url + "/?mode=meeting&from=2026-08-01&to=2026-08-31", wait_until="domcontentloaded")
    _settled(page, "Overview")
    main = page.locator("main")
    main.get_by_text("What changed since Jul 2026").wait_for(timeout=30_000)
    first = page.locator("ol.ph-changes li").first
    assert first.inner_text().startswith("✗ worse")
    assert "Mobile App — median first response" in first.inner_text() and "off target (≤ 6.0 h)" in first.inner_text()
    href = first.locator("a").get_attribute("href")
    assert href.startswith("./?") and "drill=first_response.median_hours" in href and "drill_line=Mobile+App" in href
    assert "mode=meeting" in href
    assert "◆ 1 Aug 2026 · Mobile App: v3 launch" in page.locator(".ph-events").inner_text()
    assert page.locator("table.ph-lines td.missed").all_inner_texts() == ["8.7 h"]  # Mobile App, off its 6 h
    assert page.evaluate(FIT_PROBLEMS) == []
    if width == 1920:
        height_used = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert height_used <= height, "the overview with What changed does not fit one 1920x1080 screen"
    page.screenshot(path=str(ARTIFACTS / f"meeting-overview-what-changed-{width}x{height}.png"))
    first.locator("a").click()
    page.wait_for_url("**drill=first_response.median_hours**", timeout=30_000)
    listed = page.locator("[role=dialog] .ph-drill-sentence")
    listed.wait_for(timeout=60_000)
    assert "tickets created in August 2026 and answered, by first-reply time · Mobile App" in listed.inner_text()
    page.goto(app_url + "/first_response?mode=meeting&from=2026-08-01&to=2026-08-31&product_line=Mobile+App")
    _settled(page, "First response", 2)
    labels = page.locator(".js-plotly-plot .annotation-text").all_text_contents()  # SVG: no innerText
    assert "Mobile App: v3 launch" in labels and any(label.startswith("target") for label in labels)
    page.screenshot(path=str(ARTIFACTS / f"meeting-first-response-launch-{width}x{height}.png"))
    page.close()


def test_meeting_mode_pages_by_click_and_a_visible_way_out(app_url, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(app_url + "/?mode=meeting&product_line=Mobile+App", wait_until="domcontentloaded")
    _settled(page, "Overview")
    page.locator(".st-key-ph_pages").get_by_text("Bug age").click()
    page.wait_for_url("**/bugs?**", timeout=30_000)
    _settled(page, "Bug age")
    assert "mode=meeting" in page.url and "product_line=Mobile+App" in page.url
    page.locator(".st-key-ph_presenter").get_by_role("button", name="Next").click()
    page.wait_for_url("**/deflection?**", timeout=30_000)
    _settled(page, "Deflection")
    page.locator(".st-key-ph_presenter").get_by_role("button", name="Leave").click()
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    assert "mode=meeting" not in page.url and "product_line=Mobile+App" in page.url
    page.close()


# -- the meeting pack on paper ---------------------------------------------------------------

PAPER_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}
MARGIN_MM = 10  # the pack's @page margin


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    from dashboard.cli import main

    out = tmp_path_factory.mktemp("pack") / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("paper, landscape", [("A4", False), ("A4", True), ("Letter", False), ("Letter", True)])
def test_the_meeting_pack_prints_every_chart_inside_the_page(browser, pack, paper, landscape) -> None:
    """Laid out as print at the paper's printable width, nothing is wider than the page; then
    Chromium's own PDF of it (saved in tests/artifacts, A4 portrait also as PNG pages)."""
    short, long = PAPER_MM[paper]
    width = round(((long if landscape else short) - 2 * MARGIN_MM) / 25.4 * 96)
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(pack.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    too_wide = page.evaluate(
        """(width) => [...document.querySelectorAll(
            '.chart, .js-plotly-plot, svg.main-svg, table, .ph-tile, h1, h2, p, pre')]
        .filter(el => el.getBoundingClientRect().right > width + 1)
        .map(el => el.className.baseVal || el.className || el.tagName)""",
        width,
    )
    assert too_wide == []
    assert page.locator(".chart").count() >= 4
    text = page.locator("body").inner_text()
    assert "How the numbers are computed" in text and page.locator(".definitions p").first.is_visible()
    assert "1 November 2026, 00:57 UTC" in text and "T00:57" not in text
    assert page.evaluate("[...document.querySelectorAll('.xtick text')].some(t => t.textContent.includes('Oct'))")
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"pack-{paper}-{'landscape' if landscape else 'portrait'}"
    pdf = ARTIFACTS / f"{name}.pdf"
    page.pdf(path=str(pdf), format=paper, landscape=landscape, print_background=True)
    assert pdf.stat().st_size > 10_000
    if paper == "A4" and not landscape and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / name)], check=True)
    page.close()


DIALOG_FITS = """() => {
  const dialog = document.querySelector('[role=dialog]'), out = [];
  const box = dialog.getBoundingClientRect();
  if (box.right > document.documentElement.clientWidth + 1 || box.left < -1) out.push('dialog past the screen');
  for (const el of dialog.querySelectorAll('table, [data-testid="stHtml"]'))
    if (el.scrollWidth > el.clientWidth + 1) out.push('list scrolls sideways: ' + el.tagName);
  return out;
}"""


@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768)])
def test_a_click_on_a_number_opens_the_tickets_behind_it(app_url, browser, width, height) -> None:
    """In the meeting: a tile, a product-line cell and a month of a chart each open the list
    whose count is the number clicked; back closes it; the URL opens it again."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(app_url + "/?mode=meeting&from=2026-10-01&to=2026-10-31", wait_until="domcontentloaded")
    _settled(page, "Overview")
    caption = page.locator('.ph-tile[data-label="First replies within SLA"] .ph-caption').inner_text()
    breached = caption.split(" breached")[0]  # '76 breached · 11 pending · ...'
    page.locator('a.ph-drill:has(.ph-tile[data-label="First replies within SLA"])').click()
    page.wait_for_url("**drill=sla.first_response.breached**", timeout=30_000)
    listed = page.locator("[role=dialog] .ph-drill-sentence")
    listed.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    assert listed.inner_text().startswith(f"{breached} tickets created in October 2026 whose first reply breached")
    assert page.evaluate(DIALOG_FITS) == []
    assert page.locator("[role=dialog] table.ph-lines tbody tr").count() == 10  # a page of the list
    ids = page.locator("[role=dialog] table.ph-lines tbody tr td:first-child a")  # each opens its help-desk page
    assert ids.count() == 10 and ids.first.get_attribute("href").startswith("https://acme.zendesk.com/agent/tickets/")
    assert "<a" not in page.locator("[role=dialog]").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"meeting-drill-tile-{width}x{height}.png"))
    page.locator("[role=dialog]").get_by_role("button", name="Next").click()
    page.get_by_text("Rows 11–20 of").wait_for(timeout=30_000)

    page.go_back()  # the browser's back closes the list
    _settled(page, "Overview")
    page.wait_for_function("() => !document.querySelector('[role=dialog]')", timeout=30_000)
    page.go_forward()  # and the URL opens it again
    listed.wait_for(timeout=60_000)
    assert listed.inner_text().startswith(f"{breached} tickets")
    page.go_back()
    _settled(page, "Overview")

    cell = page.locator("table.ph-lines tbody tr").first.locator("td").nth(1)  # the first line's tickets
    line, tickets = page.locator("table.ph-lines tbody tr").first.locator("td").first.inner_text(), cell.inner_text()
    cell.locator("a").click()
    page.wait_for_url("**drill_line=**", timeout=30_000)
    listed.wait_for(timeout=60_000)
    assert listed.inner_text() == f"{tickets} tickets created in October 2026 · {line}"
    assert page.evaluate(DIALOG_FITS) == []
    page.screenshot(path=str(ARTIFACTS / f"meeting-drill-cell-{width}x{height}.png"))

    page.goto(app_url + "/service?mode=meeting&from=2026-10-01&to=2026-10-31", wait_until="domcontentloaded")
    _settled(page, "SLA, backlog, CSAT", 3)
    bars = page.locator(".js-plotly-plot").nth(2).locator("g.trace.bars").first.locator("path")
    box = max((bars.nth(i).bounding_box() for i in range(bars.count())), key=lambda b: b["x"])  # October's
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**drill=tickets_created**", timeout=30_000)
    listed.wait_for(timeout=60_000)
    assert listed.inner_text().startswith("765 tickets created in October 2026")  # the overview's tile
    page.close()


# Every visible text against its effective background (the first ancestor with a background, blended
# through translucent ones), by WCAG 2 relative luminance: 4.5:1, 3:1 for large text (24 px, or
# 18.66 px bold; an icon 3:1). Plotly's SVG text is read by its fill. Disabled controls are exempt
# (WCAG 1.4.3).
# On a dark page, a light panel larger than 200x120 px (a tile, table, chart) is a problem too.
CONTRAST_PROBLEMS = """() => {
  const parse = s => {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = c => {
    const [r, g, b] = c.slice(0, 3).map(v => v / 255).map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const background = el => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  // An ancestor's opacity (Streamlit's captions: 0.6) fades the text over whatever is behind it.
  const faded = el => {
    let alpha = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
    return alpha;
  };
  const name = el => (el.getAttribute('data-testid') || el.className.baseVal || el.className || el.tagName)
                     .toString().slice(0, 40);
  const out = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.textContent.trim();
    if (!text || !el || seen.has(el) || el.closest('script, style, [disabled], [aria-disabled="true"]')) continue;
    seen.add(el);
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1 || box.bottom < 0 || box.top > innerHeight) continue;
    const style = getComputedStyle(el), svg = el instanceof SVGElement;
    let colour = parse(svg ? style.fill : style.color);
    if (!colour) continue;
    if (svg) colour[3] *= Number(style.fillOpacity || 1);
    colour[3] *= faded(el);
    const back = background(el);
    colour = over(colour, back);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const icon = el.closest('[data-testid="stIconMaterial"]');  // a glyph, not words: 3:1 as a graphic (1.4.11)
    const need = icon || size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    const r = ratio(colour, back);
    if (r < need) out.push(`${r.toFixed(2)}:1 < ${need} "${text.slice(0, 50)}" (${name(el)})`);
  }
  const page = background(document.querySelector('[data-testid="stMain"]') || document.body);
  if (lum(page) < 0.2)
    for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
      const c = parse(getComputedStyle(el).backgroundColor), box = el.getBoundingClientRect();
      if (c && c[3] > 0.5 && lum(over(c, page)) > 0.4 && box.width > 200 && box.height > 120)
        out.push(`a light box ${Math.round(box.width)}x${Math.round(box.height)} on the dark page (${name(el)})`);
    }
  return out;
}"""


@pytest.mark.parametrize(
    "scheme, forced",
    [("light", ""), ("dark", ""), ("light", "dark"), ("dark", "light")],
    ids=["light", "dark", "light-forced-dark", "dark-forced-light"],
)
def test_meeting_mode_reads_in_both_schemes_on_every_page(app_url, browser, scheme, forced) -> None:
    """Issue 26: in the viewer's scheme (emulated), or the one ?theme= forces for the room, every
    page of meeting mode at 1920x1080 and 1366x768 has every text at 4.5:1 (large 3:1) and, dark,
    no light box; ?theme= stays in the URL from page to page."""
    ARTIFACTS.mkdir(exist_ok=True)
    shown = forced or scheme
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, color_scheme=scheme)
    theme = f"&theme={forced}" if forced else ""
    page.goto(app_url + f"/?mode=meeting&from=2026-10-01&to=2026-10-31{theme}", wait_until="domcontentloaded")
    for index, (path, title, charts) in enumerate(MEETING_PAGES):
        for width, height in ((1920, 1080), (1366, 768)):
            page.set_viewport_size({"width": width, "height": height})
            _settled(page, title, charts)
            app = page.evaluate("getComputedStyle(document.querySelector('.stApp')).colorScheme")
            assert app == shown, f"{title}: Streamlit shows {app}, wanted {shown}"
            assert page.evaluate(CONTRAST_PROBLEMS) == [], f"{title} at {width}x{height}, {scheme} {forced}"
            if path in ("", "first_response"):
                page.screenshot(path=str(ARTIFACTS / f"scheme-{shown}-{path or 'overview'}-{width}x{height}.png"))
        if index + 1 < len(MEETING_PAGES):
            page.keyboard.press("ArrowRight")
            page.wait_for_url(f"**/{MEETING_PAGES[index + 1][0]}?**", timeout=30_000)
            assert (f"theme={forced}" in page.url) == bool(forced)
    page.goto(app_url + f"/?from=2026-10-01&to=2026-10-31{theme}", wait_until="domcontentloaded")  # the desk view
    _settled(page, "Overview")
    assert page.evaluate(CONTRAST_PROBLEMS) == [], f"the desk view's overview, {scheme} {forced}"
    page.close()
