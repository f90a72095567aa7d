"""Sign-in against a real OpenID provider (npm oidc-provider on 127.0.0.1, tests/oidc/), the
dashboard as `product-health serve` starts it, and Chromium: who gets in, who is refused, what
a Billing lead sees, sessions that end, downloads only for the signed-in.

Skipped locally when Chromium, node or tests/oidc/node_modules is missing (the tests run `npm ci`
there when npm is here); in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT, SAMPLE_DATA_DIR
from tests.test_browser import ARGS, ARTIFACTS, CHROMIUM, _free_port

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OIDC = PROJECT_ROOT / "tests" / "oidc"
COOKIE_SECRET = "test-only-cookie-secret-0123456789"
USERS = {
    "ann": {"email": "ann@acme.com", "email_verified": True, "groups": ["support-billing"], "name": "Ann"},
    "lee": {"email": "lee@contractor.io", "email_verified": True, "groups": ["support-leads"], "name": "Lee"},
    "eve": {"email": "eve@acme.com.evil.org", "email_verified": True, "groups": ["everyone"], "name": "Eve"},
    "mal": {"email": "mal@acme.com", "email_verified": False, "groups": [], "name": "Mal"},
    "bob": {"email": "bob@acme.com", "email_verified": True, "groups": [], "name": "Bob"},
}
ACCESS = """
[access]
require_sign_in = true
allowed_email_domains = ["acme.com"]
allowed_groups = ["support-leads"]

[access.product_lines]
"group:support-billing" = ["Billing"]
"group:support-leads" = "*"
"bob@acme.com" = ["Mobile App", "Analytics"]
"""
PAGES = ["", "first_response", "resolution", "bugs", "deflection", "impact", "service", "data_report"]


def _require(what: str, present: bool) -> None:
    if present:
        return
    message = f"{what} is missing (see .ci/run)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    for _ in range(240):
        if process.poll() is not None:
            pytest.fail(f"{what} stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"{what} did not start within 60 s")


def _install_provider() -> None:
    """`npm ci` in tests/oidc when the provider is not installed and npm is here (as .ci/run
    does), so the README's test command needs nothing else; its failure is the require's."""
    if (OIDC / "node_modules" / "oidc-provider").is_dir() or shutil.which("npm") is None:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC, capture_output=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A provider and `product-health serve` started from a folder with .streamlit/secrets.toml:
    {"app": url, "provider": url, "secrets": path, "log": path}."""
    _require(f"Chromium ({CHROMIUM})", Path(CHROMIUM).exists())
    _require("node", shutil.which("node") is not None)
    _install_provider()
    _require("tests/oidc/node_modules (npm ci in tests/oidc)", (OIDC / "node_modules" / "oidc-provider").is_dir())
    root = tmp_path_factory.mktemp("sign-in")
    app_port, provider_port = _free_port(), _free_port()
    app, provider = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{provider_port}"
    client = {
        "client_id": "product-health",
        "client_secret": "test-only-client-secret",
        "redirect_uris": [f"{app}/oauth2callback"],
        "post_logout_redirect_uris": [f"{app}/oauth2callback"],
    }
    config = root / "provider.json"
    config.write_text(json.dumps({"port": provider_port, "clients": [client], "users": USERS}))
    settings = root / "health.toml"
    settings.write_text((SAMPLE_DATA_DIR / "health.toml").read_text() + ACCESS)
    start = root / "start"
    (start / ".streamlit").mkdir(parents=True)
    secrets = start / ".streamlit" / "secrets.toml"
    secrets.write_text(_secrets(app, provider, client, prompt="login"))
    log = root / "app.log"
    env = dict(os.environ, PRODUCT_HEALTH_CACHE=str(root / "cache"), PYTHONPATH=str(PROJECT_ROOT))
    node = subprocess.Popen(["node", str(OIDC / "provider.mjs"), str(config)], cwd=OIDC, stdout=subprocess.DEVNULL)
    serve = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--data", str(SAMPLE_DATA_DIR), "--config", str(settings)]
        + ["--port", str(app_port)],
        cwd=start,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"{provider}/.well-known/openid-configuration", node, "the provider")
        _wait_for(f"{app}/_stcore/health", serve, "the app")
        yield {"app": app, "provider": provider, "secrets": secrets, "log": log, "client": client, "settings": settings}
    finally:
        for process in (serve, node):
            process.terminate()
            process.wait(timeout=20)


def _secrets(app: str, provider: str, client: dict, prompt: str | None) -> str:
    kwargs = f'prompt = "{prompt}", ' if prompt else ""
    return (
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{client["client_id"]}"\n'
        f'client_secret = "{client["client_secret"]}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        f'client_kwargs = {{ {kwargs}scope = "openid email profile groups" }}\n'
    )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)


def _sign_in(page, site: dict, login: str, path: str = "/") -> None:
    """Open `path` signed out, press Sign in, sign in at the provider's own form as `login`."""
    page.goto(site["app"] + path)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site["provider"] + "/**")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.wait_for_url(site["app"] + "/**", timeout=30_000)


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _wait_text(page, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_signed_out_no_page_or_file_shows_a_number(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    for path in [*PAGES, "?mode=meeting", "?drill=first_response.median_hours"]:
        page.goto(f"{site['app']}/{path}")
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        assert page.locator(".ph-tile").count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        assert not re.search(r"\d", _main_text(page)), path
    page.screenshot(path=str(ARTIFACTS / "sign-in-screen.png"))
    request = context.request.get(f"{site['app']}/media/0123456789abcdef.html")
    assert request.status == 403
    context.close()


def test_a_billing_lead_sees_only_billing_and_keeps_the_deep_link(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "ann", "/resolution?preset=Last+quarter")
    assert page.url == f"{site['app']}/resolution?preset=Last+quarter"  # the deep link, kept through sign-in
    _wait_text(page, "Resolution · July – September 2026 · Billing")
    page.goto(site["app"] + "/")
    _wait_text(page, "Overview · October 2026 · Billing")
    page.locator(".ph-tile").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "sign-in-billing-lead-overview.png"))
    assert "Yours: Billing" in page.get_by_test_id("stSidebar").inner_html()
    # the product-line choices are only Billing
    page.get_by_test_id("stSidebar").locator('[data-testid="stMultiSelect"]').first.click()
    options = page.locator('[role="option"]').all_inner_texts()
    assert options == ["Billing"], options
    page.keyboard.press("Escape")
    table = page.locator("table.ph-lines").first
    if table.count():
        assert "Mobile App" not in table.inner_text() and "Analytics" not in table.inner_text()
    with page.expect_download() as pack:
        page.get_by_role("button", name="Meeting pack (HTML)").click()
    html = Path(pack.value.path()).read_text()
    machine = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert machine["period"]["product_lines"] == ["Billing"]
    assert "Mobile App" not in html and "Analytics" not in html
    assert "export file" not in html  # the data note's company-wide counts are left out
    context.close()


def test_the_rows_behind_a_number_are_the_billing_leads_own(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "ann", "/?mode=meeting")
    page.locator('a.ph-drill:has(.ph-tile[data-label="Tickets created"])').click()
    listed = page.locator("[role=dialog] .ph-drill-sentence")
    listed.wait_for(timeout=60_000)
    assert listed.inner_text().endswith("· Billing")
    with page.expect_download() as rows:
        page.get_by_role("dialog").get_by_role("button", name="All of them (CSV)").click()
    lines = Path(rows.value.path()).read_text().splitlines()
    column = lines[0].split(",").index("product_line")
    assert len(lines) > 1 and {line.split(",")[column] for line in lines[1:]} == {"Billing"}
    context.close()


@pytest.mark.parametrize(
    "query",
    [
        "?product_line=Mobile%20App",
        "?product_line=Billing&product_line=Mobile+App",
        "?product_line=Mobile%2520App",
        "?drill=first_response.median_hours&drill_line=Analytics",
    ],
)
def test_a_link_to_another_product_line_is_refused(site, browser, query: str) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "ann", "/" + query)
    _wait_text(page, "which your account may not see")
    assert page.locator(".ph-tile").count() == 0
    context.close()


def test_a_group_admits_every_line_and_outsiders_are_refused(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "lee", "/?product_line=Mobile+App")
    _wait_text(page, "Overview · October 2026 · Mobile App")
    context.close()
    for login, reason in (
        ("eve", "not on this dashboard's allow-list"),
        ("mal", "not verified"),
    ):
        context = _context(browser)
        page = context.new_page()
        _sign_in(page, site, login, "/first_response")
        _wait_text(page, reason)
        assert page.locator(".ph-tile").count() == 0 and page.locator(".js-plotly-plot").count() == 0
        page.get_by_role("button", name="Sign out").wait_for()
        if login == "mal":
            page.screenshot(path=str(ARTIFACTS / "sign-in-refused-unverified.png"))
        context.close()


def _sign_out(page, site: dict) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(site["provider"] + "/**")  # the provider's own sign-out confirmation
    page.get_by_role("button", name=re.compile("Yes", re.I)).click()
    page.wait_for_url(site["app"] + "/**")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)


def test_sign_out_ends_the_session_everywhere_and_its_files(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "bob")
    _wait_text(page, "Overview · October 2026 · Mobile App, Analytics")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").wait_for()
    page.screenshot(path=str(ARTIFACTS / "sign-in-sidebar-sign-out.png"))
    with page.expect_download() as pack:
        page.get_by_role("button", name="Meeting pack (HTML)").click()
    media = pack.value.url
    assert context.request.get(media).status == 200
    stranger = _context(browser)
    assert stranger.request.get(media).status == 403  # a browser that never signed in
    cookies = context.cookies()
    _sign_out(page, site)
    assert "Sign-in failed" not in _main_text(page)  # the provider's way back after sign-out is no failure
    replay = _context(browser)
    replay.add_cookies(cookies)
    assert replay.request.get(media).status == 403
    page = replay.new_page()
    page.goto(site["app"] + "/")
    _wait_text(page, "You signed out of this session")
    assert page.locator(".ph-tile").count() == 0
    for other in (context, stranger, replay):
        other.close()
    assert "access: sign-out email=bob@acme.com" in site["log"].read_text()
    assert "access: sign-in email=bob@acme.com groups=-" in site["log"].read_text()
    assert "eyJ" not in site["log"].read_text()  # no token in the operators' record


def test_meeting_mode_has_its_own_sign_out(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "lee", "/?mode=meeting")
    bar = page.locator(".st-key-ph_presenter")
    bar.get_by_role("button", name="Sign out").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "sign-in-meeting-sign-out.png"))
    _sign_out(page, site)
    context.close()


def _resigned(cookie: dict, change) -> dict:
    """The sign-in cookie with its claims changed by `change`, signed again with the app's secret."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value, decode_signed_value

    claims = json.loads(decode_signed_value(COOKIE_SECRET, cookie["name"], cookie["value"].encode("latin-1")))
    change(claims)
    value = create_signed_value(COOKIE_SECRET, cookie["name"], json.dumps(claims)).decode()
    return cookie | {"value": value}


def test_an_expired_or_tampered_session_is_refused(site, browser) -> None:
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, site, "lee")
    page.locator(".ph-tile").first.wait_for(timeout=60_000)
    cookies = context.cookies()
    context.close()
    user = next(c for c in cookies if c["name"] == "_streamlit_user")
    others = [c for c in cookies if c["name"] != "_streamlit_user"]

    expired = _context(browser)
    expired.add_cookies([*others, _resigned(user, lambda claims: claims.update(exp=claims["iat"] - 1))])
    page = expired.new_page()
    page.goto(site["app"] + "/")
    _wait_text(page, "Your session ended")
    assert page.locator(".ph-tile").count() == 0
    page.get_by_role("button", name="Sign in again").wait_for()
    expired.close()

    tampered = _context(browser)
    forged = user | {"value": user["value"].replace(user["value"][5:9], "AAAA", 1)}
    tampered.add_cookies([*others, forged])
    page = tampered.new_page()
    page.goto(site["app"] + "/")
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.locator(".ph-tile").count() == 0
    tampered.close()


def _after_secrets_reload(attempt, tries: int = 30) -> None:
    """Run `attempt()` until it returns True: Streamlit picks up a changed secrets file by
    watching it, a moment later (longer on a loaded machine)."""
    for _ in range(tries):
        if attempt():
            return
        time.sleep(1)
    pytest.fail("the changed secrets file was not picked up within 30 tries")


def test_a_failed_sign_in_says_why(site, browser) -> None:
    """Streamlit's default prompt=select_account, which oidc-provider refuses: the sign-in screen
    says so (and how to fix it) instead of silently showing "Sign in" again. And a client that
    asks only for `openid`: the ID token carries no e-mail or groups (oidc-provider keeps
    claims not asked for out of it): the refusal names that, not the allow-list."""
    secrets = site["secrets"]
    kept = secrets.read_text()
    secrets.write_text(_secrets(site["app"], site["provider"], site["client"], prompt=None))
    context = _context(browser)
    page = context.new_page()

    def refused_prompt() -> bool:
        page.goto(site["app"] + "/")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(f"^({re.escape(site['app'])}|{re.escape(site['provider'])})/"), timeout=30_000)
        if page.url.startswith(site["provider"]):  # the old secrets: prompt=login still sent
            return False
        _wait_text(page, "Sign-in failed. The provider refused the sign-in: invalid_request")
        return True

    try:
        _after_secrets_reload(refused_prompt)
        assert 'prompt = "login"' in _main_text(page)
        page.screenshot(path=str(ARTIFACTS / "sign-in-failed-prompt.png"))
        context.close()
        secrets.write_text(kept.replace('scope = "openid email profile groups"', 'scope = "openid"'))

        def refused_without_claims() -> bool:
            attempt = _context(browser)
            page = attempt.new_page()
            _sign_in(page, site, "lee")
            page.get_by_text(re.compile("carries neither your e-mail|Overview ·")).first.wait_for(timeout=60_000)
            refused = page.get_by_text("carries neither your e-mail address nor your groups").count() > 0
            assert not refused or page.locator(".ph-tile").count() == 0
            attempt.close()
            return refused

        _after_secrets_reload(refused_without_claims)
    finally:
        secrets.write_text(kept)


def test_check_access_says_what_is_missing(site, tmp_path: Path, capsys) -> None:
    from dashboard.cli import main

    options = ["--data", str(SAMPLE_DATA_DIR), "--config", str(site["settings"])]
    assert main(["check", "--access", "--secrets", str(site["secrets"]), *options]) == 0
    assert "a sign-in starts (redirect URI and prompt 'login' accepted)" in capsys.readouterr().out
    elsewhere = site["app"].rsplit(":", 1)[0] + ":1"  # an address the provider does not know
    for secrets, problem in (
        (_secrets(site["app"], site["provider"], site["client"], prompt=None), "set client_kwargs = { prompt"),
        (_secrets(elsewhere, site["provider"], site["client"], prompt="login"), "registered as a redirect URI"),
        (
            _secrets(site["app"], site["provider"], site["client"], prompt="login").replace(" groups", ""),
            "scope does not ask for 'groups'",
        ),
    ):
        path = tmp_path / "secrets.toml"
        path.write_text(secrets)
        assert main(["check", "--access", "--secrets", str(path), *options]) == 1
        assert problem in capsys.readouterr().out


def test_serve_without_a_secrets_file_says_so_in_the_app(tmp_path: Path, browser) -> None:
    """Real st.user has no is_logged_in without [auth] (AppTest's fake has): the app's own
    message, never a traceback."""
    settings = tmp_path / "health.toml"
    settings.write_text(ACCESS)
    port = _free_port()
    env = dict(
        os.environ, HOME=str(tmp_path), PRODUCT_HEALTH_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(PROJECT_ROOT)
    )
    serve = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--data", str(SAMPLE_DATA_DIR), "--config", str(settings)]
        + ["--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/_stcore/health", serve, "the app")
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/first_response")
        _wait_text(page, "no secrets file with an [auth] section was found")
        text = _main_text(page)
        assert "Traceback" not in text and "AttributeError" not in text and page.locator(".ph-tile").count() == 0
        page.close()
    finally:
        serve.terminate()
        serve.wait(timeout=20)
