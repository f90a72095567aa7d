"""Many viewers at once: `python bench/load.py [--url URL] [--sessions 20] [--seconds 60]`.

Opens N browser sessions (Debian's Chromium through Playwright) against a running dashboard
(`product-health serve`; without --url it starts one on the sample data), and in each
changes the filters (a new URL: period and product line) for the given time. Reports
requests, errors (page errors, Streamlit exception boxes, timeouts) and the time from
changing the filters to the first tile showing a value: median, p95, max. Not run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
LINES = ["", "Billing", "Mobile+App", "Analytics", "Integrations"]
PRESETS = ["Last+month", "Last+quarter", "Year+to+date", "Last+12+months"]


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("the app did not start")


async def viewer(browser, url: str, seconds: float, seed: int, times: list[float], errors: list[str]) -> int:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    requests = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        query = f"?preset={rng.choice(PRESETS)}"
        line = rng.choice(LINES)
        if line:
            query += f"&product_line={line}"
        started = time.perf_counter()
        requests += 1
        try:
            await page.goto(url + "/" + query, wait_until="domcontentloaded")
            await page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
            times.append(time.perf_counter() - started)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"exception box for {query}")
        except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
            errors.append(f"{type(exc).__name__} for {query}: {str(exc).splitlines()[0][:120]}")
        await asyncio.sleep(rng.uniform(0.5, 2.0))  # a person reads before the next click
    await context.close()
    return requests


async def run(url: str, sessions: int, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        counts = await asyncio.gather(*(viewer(browser, url, seconds, i, times, errors) for i in range(sessions)))
        await browser.close()
    ordered = sorted(times)
    return {
        "sessions": sessions, "seconds": seconds, "requests": sum(counts), "errors": len(errors),
        "error_samples": errors[:5],
        "median_s": statistics.median(ordered) if ordered else None,
        "p95_s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        "max_s": ordered[-1] if ordered else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running dashboard (default: start one on the sample data)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    process = None
    url = args.url
    if not url:
        process, url = start_app()
    try:
        result = asyncio.run(run(url, args.sessions, args.seconds))
    finally:
        if process:
            process.terminate()
    print(f"{result['sessions']} sessions for {result['seconds']:.0f} s: {result['requests']} filter changes, "
          f"{result['errors']} errors")
    if result["median_s"] is not None:
        print(f"time to a rendered tile: median {result['median_s']:.2f} s, p95 {result['p95_s']:.2f} s, "
              f"max {result['max_s']:.2f} s")
    for sample in result["error_samples"]:
        print("  " + sample)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
