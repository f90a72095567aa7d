"""What a support lead waits for: `python bench/latency.py [--data DIR] [--changes 20]`.

Starts the dashboard on the data folder (`product-health serve`; default the sample data),
opens it in Debian's Chromium through Playwright, waits for the first load (the model build
is not counted) and, with --after-warm-up, for the dashboard's background warm-up of the
preset periods to finish (as when it is opened before a meeting starts), then makes seeded
sidebar changes one after another — another period preset or product lines added and
removed — and times each from the input (the option clicked, the key pressed) to the
overview's tiles showing new values with nothing stale left on the page. Prints median, p90
and max; `bench/run.py --browser` records both ways as browser_filter_change_s and
browser_after_warm_up_s. Timing figures are printed, never asserted. Needs Chromium (no
browser is downloaded).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ARGS, CHROMIUM, serve  # noqa: E402  (one way to start the app and the browser)

PRESETS = ("Last month", "Last quarter", "Year to date", "Last 12 months")
LINES = ("Billing", "Mobile App", "Analytics", "Integrations")
# The tiles' values and the page's state: new values painted, no element stale, no rerun running.
PAINTED = """(before) => {
  const values = [...document.querySelectorAll('.ph-tile .ph-value')].map(v => v.innerText).join('|');
  return values !== '' && values !== before && !document.querySelector('[data-stale="true"]')
         && !document.querySelector('[data-testid="stStatusWidget"]');
}"""
VALUES = "() => [...document.querySelectorAll('.ph-tile .ph-value')].map(v => v.innerText).join('|')"


def changes(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """Seeded sidebar changes: ('preset', name) or ('add', line) / ('remove', line), each one
    a new state (never the preset already chosen; a line is removed only once added)."""
    rng = random.Random(seed)
    preset, lines, out = "Last month", [], []
    for _ in range(count):
        if rng.random() < 0.5:
            preset = rng.choice([p for p in PRESETS if p != preset])
            out.append(("preset", preset))
        elif lines and rng.random() < 0.5:
            out.append(("remove", lines.pop()))
        else:
            line = rng.choice([name for name in LINES if name not in lines])
            lines.append(line)
            out.append(("add", line))
    return out


WARMED = "warmed the overview"  # dashboard/data.py logs it when the preset periods are answered


def measure(url: str, count: int, seed: int = 7, log: Path | None = None) -> dict[str, Any]:
    """Time the changes; with `log` (the server's), first wait for the warm-up to finish."""
    from playwright.sync_api import sync_playwright

    seconds: list[float] = []
    warm_up = None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url, wait_until="domcontentloaded", timeout=900_000)  # the first load builds the model
        page.wait_for_function(PAINTED, arg="", timeout=900_000)
        if log is not None:
            painted = time.perf_counter()
            while WARMED not in log.read_text():
                if time.perf_counter() - painted > 900:
                    raise SystemExit(f"no '{WARMED}' in the server's log within 15 minutes")
                time.sleep(0.2)
            warm_up = time.perf_counter() - painted
        sidebar = page.locator('[data-testid="stSidebar"]')
        for kind, name in changes(count, seed):
            before = page.evaluate(VALUES)
            if kind == "preset":
                sidebar.locator('[data-testid="stSelectbox"]').first.click()
                option = page.get_by_role("option", name=name, exact=True)
                option.wait_for()
                started = time.perf_counter()
                option.click()
            else:
                field = sidebar.locator('[data-testid="stMultiSelect"]').first
                if kind == "add":
                    field.click()
                    option = page.get_by_role("option", name=name, exact=True)
                    option.wait_for()
                    started = time.perf_counter()
                    option.click()
                else:
                    field.locator("input").focus()
                    started = time.perf_counter()
                    page.keyboard.press("Backspace")  # removes the last product line added
            page.wait_for_function(PAINTED, arg=before, timeout=600_000, polling="raf")
            seconds.append(time.perf_counter() - started)
            page.keyboard.press("Escape")  # close an open dropdown before the next change
        browser.close()
    ordered = sorted(seconds)
    return {
        "changes": len(seconds),
        "median": statistics.median(ordered),
        "p90": ordered[max(0, round(0.9 * len(ordered)) - 1)],
        "max": ordered[-1],
        "each": seconds,
        "warm_up_after_first_paint_s": warm_up,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "sample_data")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    parser.add_argument(
        "--after-warm-up",
        action="store_true",
        help="start the changes once the dashboard has answered the preset periods in the background",
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y --no-install-recommends chromium")
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "serve.log" if args.after_warm_up else None
        process, url = serve(args.data, log)
        try:
            result = measure(url, args.changes, log=log)
        finally:
            process.terminate()
            process.wait(timeout=30)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"sidebar change -> new tile values painted, {result['changes']} changes: median {result['median']:.2f} s, "
            f"p90 {result['p90']:.2f} s, max {result['max']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
