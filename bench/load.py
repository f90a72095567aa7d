"""Many viewers at once: `python bench/load.py [--url URL] [--data DIR] [--sessions 20] [--seconds 60] [--signed-in]`.

Opens N browser sessions (Debian's Chromium through Playwright) against a running dashboard
(`product-health serve`; without --url it starts one on --data, default the sample data), and in
each picks another period in the sidebar every one to three seconds for the given time (each
session on its own product line). Reports filter changes, errors (page errors, Streamlit
exception boxes, timeouts) and the time from the click to the 'Tickets created' tile showing
the new number: median, p95, max. Browsers and app share this machine. Not run in CI.

--signed-in: the dashboard requires sign-in ([access] require_sign_in, with per-line access):
the script also starts the sign-in tests' OpenID provider (tests/oidc, `npm ci` there first)
and every session signs in through it before its clicks, as its own user: half are leads (every
line), half see one product line. Sign-in time is not in the figures; errors are.
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # playwright is a test extra, imported where the load runs
    from playwright.async_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINES = ["", "Billing", "Mobile+App", "Analytics", "Integrations"]
PRESETS = ["Last+month", "Last+quarter", "Year+to+date", "Last+12+months"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    data: Path, log: Path | None = None, options: list[str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """`product-health serve --data DATA [options]` on a free port (or `port`), its log to `log`
    (else discarded); returns when it answers."""
    port = port or free_port()
    with log.open("w") if log else open(os.devnull, "w") as stderr:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "serve", "--data", str(data), "--port", str(port)]
            + (options or []),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=dict(os.environ, STREAMLIT_SERVER_HEADLESS="true", STREAMLIT_SERVER_ADDRESS="127.0.0.1"),
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("the dashboard did not start within 2 minutes")


TILE = '.ph-tile[data-label="Tickets created"] .ph-value'  # dashboard/htmlparts.py
LEADS, LINE_USERS = "support-leads", {"billing": "Billing", "mobile": "Mobile App", "analytics": "Analytics"}


def signed_in_site(data: Path, sessions: int, folder: Path) -> tuple[list[subprocess.Popen], str, str]:
    """The OpenID provider of tests/oidc with a user per session, and the dashboard requiring
    sign-in with per-line access; returns (processes, app url, provider url)."""
    import json

    app_port, provider_port = free_port(), free_port()
    app, provider = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{provider_port}"
    client = {"client_id": "bench", "client_secret": "bench-only", "redirect_uris": [f"{app}/oauth2callback"]}
    users = {
        f"viewer{i}": {
            "email": f"viewer{i}@acme.com",
            "email_verified": True,
            "groups": [LEADS if i % 2 == 0 else list(LINE_USERS)[i % len(LINE_USERS)]],
        }
        for i in range(sessions + 1)
    }
    (folder / "provider.json").write_text(json.dumps({"port": provider_port, "clients": [client], "users": users}))
    settings = data / "health.toml"
    access = '[access]\nrequire_sign_in = true\n[access.product_lines]\n"group:support-leads" = "*"\n' + "".join(
        f'"group:{group}" = ["{line}"]\n' for group, line in LINE_USERS.items()
    )
    (folder / "health.toml").write_text((settings.read_text() if settings.is_file() else "") + "\n" + access)
    (folder / "secrets.toml").write_text(
        f'[auth]\nredirect_uri = "{app}/oauth2callback"\ncookie_secret = "bench-only-secret-0123456789"\n'
        f'client_id = "bench"\nclient_secret = "bench-only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        # timeout: the token exchange's (Authlib's httpx client; its 5 s default failed under this load)
        'client_kwargs = { prompt = "login", scope = "openid email profile groups", timeout = 30 }\n'
    )
    oidc = ROOT / "tests" / "oidc"
    node = subprocess.Popen(
        ["node", str(oidc / "provider.mjs"), str(folder / "provider.json")], cwd=oidc, stdout=subprocess.DEVNULL
    )
    options = ["--config", str(folder / "health.toml"), "--secrets", str(folder / "secrets.toml")]
    process, url = serve(data, folder / "app.log", options, app_port)
    return [process, node], url, provider


async def sign_in(page: Page, url: str, provider: str, login: str) -> None:
    """Sign in at the provider's own form; as patient as the first load (20 browsers start at once)."""
    page.set_default_timeout(180_000)
    await page.goto(url, wait_until="domcontentloaded")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(provider + "/**")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", "any")
    await page.click("button[type=submit]")
    await page.wait_for_url(url + "/**")
    page.set_default_timeout(30_000)


async def tickets_tile(page: Page) -> str:
    return await page.locator(TILE).first.inner_text()


async def viewer(
    browser: Browser, url: str, seconds: float, seed: int, times: list[float], errors: list[str], provider: str = ""
) -> int:
    """One person: opens the dashboard (signed in through `provider` as viewer<seed> when
    given), then picks another period every few seconds and waits for the 'Tickets created'
    tile to show the new period's number."""
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    line = "" if provider else rng.choice(LINES)  # signed in: the person's own lines
    try:
        if provider:
            await sign_in(page, url, provider, f"viewer{seed}")
        await page.goto(f"{url}/?product_line={line}" if line else url, wait_until="domcontentloaded", timeout=180_000)
        await page.locator(TILE).first.wait_for(timeout=180_000)
    except Exception as exc:
        shot = Path(os.environ.get("TMPDIR", "/tmp")) / f"product-health-load-{seed}.png"
        await page.screenshot(path=str(shot))
        errors.append(f"first load: {type(exc).__name__}: {str(exc).splitlines()[0][:120]} (screenshot: {shot})")
        await context.close()
        return 0
    changes = 0
    current = "Last month"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.uniform(1.0, 3.0))  # a person reads before the next click
        preset = rng.choice([p.replace("+", " ") for p in PRESETS if p.replace("+", " ") != current])
        try:
            before = await tickets_tile(page)
            started = time.perf_counter()
            await page.locator('[data-testid="stSelectbox"]').first.click()
            await page.get_by_role("option", name=preset, exact=True).click()
            await page.wait_for_function(
                """([selector, before]) => [...document.querySelectorAll(selector)].some(
                       value => value.innerText.trim() !== before)""",
                arg=[TILE, before],
                timeout=60_000,
            )
            times.append(time.perf_counter() - started)
            changes += 1
            current = preset
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"exception box after choosing {preset}")
        except Exception as exc:
            errors.append(f"{type(exc).__name__} choosing {preset}: {str(exc).splitlines()[0][:120]}")
    await context.close()
    return changes


async def run(url: str, sessions: int, seconds: float, provider: str = "") -> dict:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        warm = await browser.new_page()  # the first visitor builds the model: not counted
        if provider:
            await sign_in(warm, url, provider, f"viewer{sessions}")
        else:
            await warm.goto(url, timeout=300_000)
        await warm.locator(TILE).first.wait_for(timeout=300_000)
        await warm.close()
        counts = await asyncio.gather(
            *(viewer(browser, url, seconds, i, times, errors, provider) for i in range(sessions))
        )
        await browser.close()
    ordered = sorted(times)
    return {
        "sessions": sessions,
        "seconds": seconds,
        "requests": sum(counts),
        "errors": len(errors),
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
    parser.add_argument("--data", type=Path, default=ROOT / "sample_data", help="the exports (without --url)")
    parser.add_argument("--signed-in", action="store_true", help="sign-in required; every session signs in")
    args = parser.parse_args()
    import tempfile

    processes: list[subprocess.Popen] = []
    url, provider = args.url, ""
    folder = Path(tempfile.mkdtemp(prefix="product-health-load-"))  # kept: the app's log is there
    if args.signed_in:
        processes, url, provider = signed_in_site(args.data, args.sessions, folder)
    elif not url:
        process, url = serve(args.data, folder / "app.log")
        processes = [process]
    try:
        result = asyncio.run(run(url, args.sessions, args.seconds, provider))
    finally:
        for process in processes:
            process.terminate()
    if processes:
        print(f"the dashboard's log: {folder / 'app.log'}")
    print(
        f"{result['sessions']} sessions for {result['seconds']:.0f} s: {result['requests']} filter changes, "
        f"{result['errors']} errors"
    )
    if result["median_s"] is not None:
        print(
            f"time to a rendered tile: median {result['median_s']:.2f} s, p95 {result['p95_s']:.2f} s, "
            f"max {result['max_s']:.2f} s"
        )
    for sample in result["error_samples"]:
        print("  " + sample)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
