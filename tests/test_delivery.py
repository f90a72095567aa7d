"""Delivery against real servers: an SMTP server (aiosmtpd) on 127.0.0.1, plain, STARTTLS with a
self-signed certificate and with a password check; a real HTTP server receiving the chat webhook;
alerts sent once and again after a failure; the dry run's files; the e-mail body in Chromium."""

from __future__ import annotations

import email
import email.policy
import glob
import html as html_module
import http.server
import json
import os
import socket
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import markupsafe
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from dashboard import SAMPLE_DATA_DIR, catalogue
from dashboard.alerts import alert, findings, read_state
from dashboard.catalogue import value_at
from dashboard.cli import main
from dashboard.config import Delivery
from dashboard.delivery import DeliveryError, Outbox, deliver, send_mails
from dashboard.digest import (
    Bug,
    as_of_text,
    digest,
    html_body,
    outbox,
    revision_notes,
    slack_payload,
    teams_payload,
    text_body,
)
from dashboard.digest import email as mail
from dashboard.figures import figures_of
from dashboard.formatting import shown_as
from dashboard.pack import month_filters

OCTOBER = month_filters("2026-10", "UTC")
SENDER = "product-health@acme.com"
PASSWORD = "s3cret-Pa55"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what arrives; it refuses recipients in `refuse`."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _password_check(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"digest", PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp():
    """A plain SMTP server on 127.0.0.1: (its inbox, the Delivery that sends to it)."""
    inbox, port = Inbox(refuse=("nobody@acme.com",)), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, Delivery(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", sender=SENDER)
    controller.stop()


@pytest.fixture(scope="module")
def october(sample):
    warehouse, report = sample
    return digest(warehouse, report, OCTOBER, figures_of(warehouse, report, OCTOBER), "https://health.acme.com")


def _tile_values(figures: dict) -> list[str]:
    """Each tile's value as the tiles write it, from the `kpis` figures (not copied by hand)."""
    paths = [kpi.path_of(kpi.tile.key) for kpi in catalogue.CATALOGUE if kpi.tile]
    return [shown_as(path)(value_at(figures, path)) for path in paths]


@pytest.mark.slow
def test_the_digest_reaches_each_recipient_once_with_the_months_tiles_and_the_pack(sample, smtp, tmp_path) -> None:
    inbox, delivery = smtp
    warehouse, report = sample
    delivery = replace(delivery, to=("ceo@acme.com", "cto@acme.com"), product_lines={"Mobile App": ("m@acme.com",)})
    deliver(delivery, outbox(warehouse, report, OCTOBER, delivery))
    assert sorted(to for to, _ in inbox.received) == [["ceo@acme.com"], ["cto@acme.com"], ["m@acme.com"]]
    company = [message for to, message in inbox.received if to != ["m@acme.com"]]
    assert {m["Subject"] for m in company} == {"Product health · October 2026"}
    line = next(message for to, message in inbox.received if to == ["m@acme.com"])
    assert line["Subject"] == "Product health · October 2026 · Mobile App"
    html = company[0].get_body(("html",)).get_content()
    text = company[0].get_body(("plain",)).get_content()
    values = _tile_values(figures_of(warehouse, report, OCTOBER))
    assert len(values) >= 8
    for value in values:
        assert f">{value}</p>" in html and f": {value}" in text, value
    # Checked apart from the model: October's tickets in the Zendesk export, counted here.
    created = {
        t["id"]
        for path in glob.glob(str(SAMPLE_DATA_DIR / "zendesk" / "*.json"))
        for t in json.loads(Path(path).read_text())["tickets"]
        if t["created_at"].startswith("2026-10")
    }
    assert f">{len(created):,}</p>" in html and len(created) == 765
    assert "<script" not in html.lower() and "<img" not in html.lower()
    pack = next(company[0].iter_attachments())
    assert pack.get_filename() == "product-health-2026-10.html"
    written = tmp_path / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(written)]) == 0
    assert _machine(pack.get_content()) == _machine(written.read_text(encoding="utf-8"))


def _machine(pack: str) -> dict:
    return json.loads(pack.split('id="product-health-kpis">', 1)[1].split("</script>", 1)[0])


def test_a_digest_half_sent_to_a_list_says_who_got_it(october, smtp) -> None:
    inbox, delivery = smtp
    mails = [mail(october, SENDER, to) for to in ("a@acme.com", "nobody@acme.com", "b@acme.com")]
    with pytest.raises(DeliveryError) as raised:
        send_mails(delivery, mails, "the digest for October 2026")
    message = str(raised.value)
    assert "not sent to nobody@acme.com" in message and "sent to a@acme.com, b@acme.com" in message
    assert "550" in message and "\n" not in message
    assert [to for to, _ in inbox.received] == [["a@acme.com"], ["b@acme.com"]]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command line."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key)]
        + ["-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _tls_server(certificate, inbox: Inbox, **options) -> tuple[Controller, int]:
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, **options)
    controller.start()
    return controller, port


def test_starttls_with_a_trusted_self_signed_certificate_delivers(october, certificate, monkeypatch) -> None:
    inbox = Inbox()
    controller, port = _tls_server(certificate, inbox, require_starttls=True)
    try:
        delivery = Delivery(smtp_host="127.0.0.1", smtp_port=port, smtp_security="starttls", sender=SENDER)
        with pytest.raises(DeliveryError, match="TLS certificate is not trusted"):  # not yet trusted
            send_mails(delivery, [mail(october, SENDER, "a@acme.com")], "the digest")
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # OpenSSL's own variable: trust it
        send_mails(delivery, [mail(october, SENDER, "a@acme.com")], "the digest")
    finally:
        controller.stop()
    assert [to for to, _ in inbox.received] == [["a@acme.com"]]


def test_implicit_tls_delivers_and_tls_against_a_plain_server_is_one_clear_line(
    october, certificate, smtp, monkeypatch
) -> None:
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    try:
        delivery = Delivery(smtp_host="127.0.0.1", smtp_port=port, smtp_security="tls", sender=SENDER)
        send_mails(delivery, [mail(october, SENDER, "a@acme.com")], "the digest")
    finally:
        controller.stop()
    assert [to for to, _ in inbox.received] == [["a@acme.com"]]
    plain = replace(smtp[1], smtp_security="tls")  # the plain server of `smtp` does not speak TLS
    with pytest.raises(DeliveryError, match=r"not sent to a@acme.com: TLS with the SMTP server .* failed"):
        send_mails(plain, [mail(october, SENDER, "a@acme.com")], "the digest")


class AuthServer:
    """An SMTP server on 127.0.0.1 that checks a password (over plain SMTP, as some relays on
    127.0.0.1 do); it can be stopped (its port closed) and started again on the same port."""

    def __init__(self) -> None:
        self.inbox, self.port = Inbox(), _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, authenticator=_password_check, auth_require_tls=False
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture(scope="module")
def auth_server():
    server = AuthServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def settings_file(auth_server, tmp_path_factory) -> Path:
    """The sample's settings with a [delivery] to the password-checking server."""
    port = auth_server.port
    folder = tmp_path_factory.mktemp("settings")
    path = folder / "health.toml"
    path.write_text(
        (SAMPLE_DATA_DIR / "health.toml").read_text(encoding="utf-8")
        + f"""
[delivery]
dashboard_url = "https://health.acme.com"
smtp_host = "127.0.0.1"
smtp_port = {port}
smtp_security = "none"
smtp_username_env = "PH_TEST_SMTP_USER"
smtp_password_env = "PH_TEST_SMTP_PASSWORD"
from = "{SENDER}"
to = ["leadership@acme.com"]
slack_webhook_url_env = "PH_TEST_SLACK"

[delivery.product_lines]
"Mobile App" = ["mobile-leads@acme.com"]
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_send_logs_in_and_a_wrong_password_or_a_closed_port_is_one_clear_line(
    auth_server, settings_file, monkeypatch, capsys
) -> None:
    inbox, port = auth_server.inbox, auth_server.port
    command = ["send", "--config", str(settings_file), "--month", "2026-10"]
    monkeypatch.setenv("PH_TEST_SMTP_USER", "digest")
    monkeypatch.setenv("PH_TEST_SLACK", "http://127.0.0.1:9/never")  # a closed port: the chat fails too
    monkeypatch.setenv("PH_TEST_SMTP_PASSWORD", "wrong-" + PASSWORD)
    assert main(command) == 3
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err and PASSWORD not in err
    assert f"SMTP server 127.0.0.1:{port} refused the login of the user in $PH_TEST_SMTP_USER (535" in err
    assert "not sent to leadership@acme.com, mobile-leads@acme.com" in err
    assert "cannot reach the Slack webhook in $PH_TEST_SLACK" in err and "/never" not in err
    assert inbox.received == []

    monkeypatch.setenv("PH_TEST_SMTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("PH_TEST_SLACK")
    assert main(command) == 3  # the e-mail goes; the chat's variable is missing, and says so
    assert "PH_TEST_SLACK (named by [delivery] slack_webhook_url_env) is not set" in capsys.readouterr().err
    assert sorted(to for to, _ in inbox.received) == [["leadership@acme.com"], ["mobile-leads@acme.com"]]

    auth_server.stop()  # the port is closed now
    try:
        assert main(command) == 3
        err = capsys.readouterr().err.strip()
        assert f"cannot connect to the SMTP server 127.0.0.1:{port}: connection refused" in err
        assert err.count("\n") == 0 and "Traceback" not in err
    finally:
        auth_server.start()


@pytest.mark.slow
def test_the_dry_run_writes_the_emails_and_the_chat_payload(settings_file, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["send", "--config", str(settings_file), "--month", "2026-10", "--dry-run", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["digest-2026-10-1.eml", "digest-2026-10-2.eml", "digest-2026-10-slack.json"]
    first = email.message_from_bytes((out / names[0]).read_bytes(), policy=email.policy.default)
    assert first["To"] == "leadership@acme.com" and first["Subject"] == "Product health · October 2026"
    assert next(first.iter_attachments()).get_filename() == "product-health-2026-10.html"
    chat = json.loads((out / names[2]).read_text(encoding="utf-8"))
    assert chat["blocks"][0]["text"]["text"] == "Product health · October 2026"
    assert chat["blocks"][-1]["elements"][0]["url"] == "https://health.acme.com/?from=2026-10-01&to=2026-10-31"


class Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok" if type(self).status == 200 else b"invalid_token")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook(monkeypatch):
    """A real HTTP server on 127.0.0.1 taking the chat webhook's POSTs; its address in PH_TEST_SLACK."""
    Webhook.received, Webhook.status = [], 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PH_TEST_SLACK", f"http://127.0.0.1:{server.server_port}/services/T000/B000/SECRETTOKEN")
    yield Webhook
    server.shutdown()
    server.server_close()


def test_the_chat_messages_reach_the_webhooks_and_a_500_is_a_clear_error(october, webhook, monkeypatch) -> None:
    monkeypatch.setenv("PH_TEST_TEAMS", os.environ["PH_TEST_SLACK"].replace("/services/", "/teams/"))
    delivery = Delivery(slack_webhook_url_env="PH_TEST_SLACK", teams_webhook_url_env="PH_TEST_TEAMS")
    box = Outbox("the digest", [], [("slack", slack_payload(october)), ("teams", teams_payload(october))])
    deliver(delivery, box)
    (slack_path, slack), (teams_path, teams) = webhook.received
    assert slack_path.startswith("/services/") and teams_path.startswith("/teams/")
    fields = [f["text"] for block in slack["blocks"] if block["type"] == "section" for f in block.get("fields", [])]
    assert any(f.startswith("*Tickets created*\n765\n") for f in fields)
    card = teams["attachments"][0]["content"]
    lines = [block["inlines"][0]["text"] for block in card["body"]]
    assert lines[0] == "Product health · October 2026" and any(t.startswith("Tickets created: 765 · ") for t in lines)
    assert card["actions"][0]["url"] == "https://health.acme.com/?from=2026-10-01&to=2026-10-31"
    webhook.status = 500
    with pytest.raises(DeliveryError) as raised:
        deliver(delivery, box)
    message = str(raised.value)
    assert "the Slack webhook in $PH_TEST_SLACK answered 500 Internal Server Error: invalid_token" in message
    assert "the Teams webhook in $PH_TEST_TEAMS answered 500" in message  # tried although Slack failed
    assert "SECRETTOKEN" not in message and "\n" not in message


def test_revisions_and_the_cut_off_in_the_figures_are_shown_and_their_absence_shows_nothing(october) -> None:
    assert october.revisions == [] and "Revised since" not in html_body(october)
    move = {"label": "Tickets created", "product_line": None, "old_text": "765", "new_text": "771 <late>"}
    moves = [
        {**move, "why": ["6 tickets created in October 2026 added by a later export"]},
        {**move, "label": "First replies pending", "old_text": "11", "new_text": "3", "why": ["8 pending <decided>"]},
        {**move, "product_line": "Billing", "label": "Tickets created", "why": ["not the digest's scope"]},
    ]
    notes = revision_notes({"revisions": moves})
    assert notes == [
        "Tickets created: 765 → 771 <late>",
        "First replies pending: 11 → 3",
        "Why: 6 tickets created in October 2026 added by a later export; 8 pending <decided>.",
    ]
    revised = replace(october, revisions=notes)
    assert "Revised since the last pack" in html_body(revised) and "771 &lt;late&gt;" in html_body(revised)
    assert "Revised since the last pack: Tickets created: 765 → 771 <late>" in text_body(revised)
    assert revision_notes({"revisions": []}) == [] and revision_notes({}) == []
    assert "All product lines · data as of 1 November 2026, 00:57 UTC" in html_body(october)
    assert as_of_text({"data_as_of": "not a time"}) == "" and as_of_text({"data_as_of": None}) == ""


@pytest.mark.slow
def test_an_alert_is_sent_once_and_again_after_a_failed_send(sample, smtp, tmp_path) -> None:
    inbox, delivery = smtp
    warehouse, report = sample
    delivery = replace(delivery, to=("oncall@acme.com",))
    found = {"month 2026-10": findings(warehouse, report, OCTOBER, "month 2026-10")}
    sentences = [f.sentence for f in found["month 2026-10"]]
    # The sample's own targets for Mobile App (first reply ≤ 6 h, SLA ≥ 85 %) are missed in October.
    assert any("Mobile App — Median first response" in s and "≤ 6.0 h" in s for s in sentences), sentences
    state = tmp_path / "alerts.json"
    assert alert(delivery, found, state) == [f"email: {len(sentences)} new"]
    assert alert(delivery, found, state) == []  # nothing new: nothing sent
    assert len(inbox.received) == 1
    body = inbox.received[0][1].get_content()
    assert all(s in body for s in sentences)

    later = {"month 2026-10": [*found["month 2026-10"], replace(found["month 2026-10"][0], key="new", sentence="X")]}
    broken = replace(delivery, smtp_port=_free_port())  # nothing listens there
    with pytest.raises(DeliveryError, match="connection refused"):
        alert(broken, later, state)
    assert "new" not in read_state(state)["email"]["month 2026-10"]  # not marked as sent
    assert alert(delivery, later, state) == ["email: 1 new"]  # the next run sends it
    assert inbox.received[-1][1].get_content().replace("\r\n", "\n").startswith("New since the last alert:\n- X\n")
    assert len(inbox.received) == 2


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_email_body_reads_in_chromium_light_and_dark(october, tmp_path) -> None:
    from tests.test_browser import ARGS, ARTIFACTS, CHROMIUM, _require_browser

    _require_browser()
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "digest.html"
    page_file.write_text(html_body(october), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    colours = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 720, "height": 1400}, color_scheme=scheme)
            page.goto(page_file.as_uri())
            value = page.locator('[data-label="Tickets created"] .ph-value')
            assert value.inner_text() == "765" and value.is_visible()
            colours[scheme] = value.evaluate(
                "e => [getComputedStyle(e).color, getComputedStyle(e.closest('.ph-card')).backgroundColor]"
            )
            page.screenshot(path=str(ARTIFACTS / f"digest-{scheme}.png"))
            page.close()
        browser.close()
    assert colours["light"] == ["rgb(17, 24, 39)", "rgb(255, 255, 255)"]  # dark text on white
    assert colours["dark"] == ["rgb(243, 244, 246)", "rgb(17, 24, 39)"]  # light text on near-black


@pytest.mark.slow
def test_the_alert_command_sends_once_and_a_line_of_the_settings_that_is_not_in_the_data_is_named(
    auth_server, settings_file, monkeypatch, capsys, tmp_path
) -> None:
    inbox = auth_server.inbox
    monkeypatch.setenv("PH_TEST_SMTP_USER", "digest")
    monkeypatch.setenv("PH_TEST_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("PH_TEST_SLACK", "http://127.0.0.1:9/never")
    command = ["alert", "--config", str(settings_file), "--days", "7"]
    before = len(inbox.received)
    assert main(command) == 3  # the e-mail went; the chat could not: it is not marked as sent
    assert "cannot reach the Slack webhook" in capsys.readouterr().err
    assert len(inbox.received) == before + 1 and inbox.received[-1][0] == ["leadership@acme.com"]
    assert main(command) == 3  # the chat is tried again; the e-mail is not sent twice
    assert len(inbox.received) == before + 1
    slack_less = tmp_path / "slack-less.toml"
    text = settings_file.read_text(encoding="utf-8").replace('slack_webhook_url_env = "PH_TEST_SLACK"\n', "")
    slack_less.write_text(text, encoding="utf-8")
    assert main(["alert", "--config", str(slack_less), "--days", "7"]) == 0  # nothing new for the e-mail
    assert "nothing new to send" in capsys.readouterr().out and len(inbox.received) == before + 1
    wrong = tmp_path / "health.toml"
    wrong.write_text(text.replace('"Mobile App" = [', '"Mobile Ap" = ['), encoding="utf-8")
    assert main(["send", "--config", str(wrong), "--dry-run", str(tmp_path)]) == 2
    assert "[delivery.product_lines]: unknown product line 'Mobile Ap'" in capsys.readouterr().err


@pytest.mark.slow
def test_what_changed_in_the_digest_and_the_alert_is_the_kpis_figures_own(sample) -> None:
    """August 2026 of the sample (the v3 launch): first replies slower, Mobile App's SLA down."""
    warehouse, report = sample
    august = month_filters("2026-08", "UTC")
    figures = figures_of(warehouse, report, august)
    worse = [c["sentence"] for c in figures["changes"] if c["better"] is False]
    assert len(worse) >= 2
    d = digest(warehouse, report, august, figures, "")
    html, text, chat = html_body(d), text_body(d), json.dumps(slack_payload(d), ensure_ascii=False)
    for change in figures["changes"][:5]:
        assert html_module.escape(change["sentence"], quote=False) in html and change["sentence"] in text
        assert change["sentence"] in chat
    assert html.count("✗ worse</td>") == len(worse) and "Open August 2026 on the dashboard" not in html
    found = findings(warehouse, report, august, "month 2026-08")
    assert [f.sentence for f in found if "|worse|" in f.key] == [f"August 2026: {s}" for s in worse]


def test_text_from_exports_stays_text_in_the_email_and_the_chat_message(october) -> None:
    hostile = '<script>alert(1)</script> <a href="http://evil">x</a> & <!here>'
    bug = Bug("KEY-1", hostile, hostile, "100 d", "3")
    d = replace(october, hurting=[bug], scope=hostile, revisions=[hostile])
    html = html_body(d)
    assert "<script>" not in html and '<a href="http://evil">' not in html
    assert str(markupsafe.escape(hostile)) in html  # as Jinja escapes it
    payload = slack_payload(d)
    mrkdwn = [payload["text"]] + [  # what Slack parses: plain_text (the header) is shown as it is
        part["text"]
        for block in payload["blocks"]
        for part in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
        if part.get("type") == "mrkdwn"
    ]
    assert len(mrkdwn) >= 4 and sum("&lt;!here&gt;" in text for text in mrkdwn) >= 2
    assert not any("<" in text for text in mrkdwn)


def test_two_alert_runs_at_once_send_one_message(smtp, tmp_path) -> None:
    from dashboard.alerts import Finding

    inbox, delivery = smtp
    delivery = replace(delivery, to=("oncall@acme.com",))
    found = {"month 2026-10": [Finding("month 2026-10|target|CSAT", "CSAT 56.7 %, off target (≥ 80.0 %)")]}
    state = tmp_path / "alerts.json"
    results: list[list[str]] = []
    runs = [threading.Thread(target=lambda: results.append(alert(delivery, found, state))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sorted(results) == [[], ["email: 1 new"]] and len(inbox.received) == 1
