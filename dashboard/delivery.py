"""Sending: e-mail over SMTP (smtplib; STARTTLS, implicit TLS or none) and chat messages to an
incoming webhook (urllib), or, for a dry run, the same messages written to files. Every failure
becomes one DeliveryError line that names the server or the variable, never a secret; a message
to a list that fails part-way says who got it. One log line per message sent. No streamlit.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from dashboard.config import Delivery
from dashboard.errors import ProductHealthError
from dashboard.logs import log

TIMEOUT_SECONDS = 30


class DeliveryError(ProductHealthError):
    """A message that could not be sent: the server refused, could not be reached, or answered an error."""


@dataclass(frozen=True)
class Outbox:
    """What one run sends: e-mails (one per recipient) and chat payloads (service, payload);
    `what` names it in logs."""

    what: str
    mails: list[EmailMessage]
    chats: list[tuple[str, dict[str, Any]]]


SERVICES = {"slack": "Slack", "teams": "Teams"}


def slack_text(text: str) -> str:
    """Slack's mrkdwn escapes: a text from an export (a title, a product line) stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_run(text: str, subtle: bool = False, **style: str) -> dict[str, Any]:
    """A line of a Teams Adaptive Card: a TextRun, which Teams shows as written (a TextBlock
    would read markdown, e.g. a link, in a title from an export)."""
    run = {"type": "TextRun", "text": text, **style} | ({"isSubtle": True} if subtle else {})
    return {"type": "RichTextBlock", "inlines": [run]}


def teams_card(body: list[dict[str, Any]], link: str = "") -> dict[str, Any]:
    """A Teams message as a Workflows webhook takes it: one Adaptive Card, a button to `link`."""
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.4", "body": body}
    card["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the dashboard", "url": link}]
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    return {"type": "message", "attachments": [attachment]}


def secret(name: str, key: str) -> str:
    """The value of environment variable `name` (named by setting `key`)."""
    value = os.environ.get(name, "")
    if not value:
        raise DeliveryError(f"environment variable {name} (named by [delivery] {key}) is not set or empty")
    return value


def _smtp(delivery: Delivery) -> smtplib.SMTP:
    """A connected, secured and (with credentials) logged-in SMTP session."""
    host, port = delivery.smtp_host, delivery.smtp_port
    context = ssl.create_default_context()  # verifies the server's certificate and name
    if delivery.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    try:
        if delivery.smtp_security == "starttls":
            smtp.starttls(context=context)
        if delivery.smtp_username_env:
            user = secret(delivery.smtp_username_env, "smtp_username_env")
            smtp.login(user, secret(delivery.smtp_password_env, "smtp_password_env"))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _smtp_reason(exc: BaseException, delivery: Delivery) -> str:
    """One line for a failed SMTP exchange: what went wrong, with which server; no secret."""
    where = f"the SMTP server {delivery.smtp_host}:{delivery.smtp_port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"{where} refused the login of the user in ${delivery.smtp_username_env} "
            f"({exc.smtp_code} {_said(exc.smtp_error)}); check ${delivery.smtp_password_env}"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where} does not offer {'STARTTLS' if 'STARTTLS' in str(exc) else 'that'} ({exc}); check smtp_security"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"{where}'s TLS certificate is not trusted: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}); check smtp_security and smtp_port"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{who} refused ({code} {_said(text)})" for who, (code, text) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} answered {exc.smtp_code} {_said(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection ({exc or 'no reason given'})"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused (is it running, is the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"cannot find {where}: the host name does not resolve"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{where} did not answer within {TIMEOUT_SECONDS} s"
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc.strerror or exc}"
    return f"{where}: {exc}"


def _said(text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(said.split())[:200]


def send_mails(delivery: Delivery, mails: list[EmailMessage], what: str) -> None:
    """Each message in one SMTP session, in order. A recipient refused does not stop the others;
    any failure raises one DeliveryError naming who got the message and who did not."""
    sent: list[str] = []
    failed: list[str] = []
    reasons: list[str] = []
    try:
        with _smtp(delivery) as smtp:
            for mail in mails:
                try:
                    smtp.send_message(mail)
                except smtplib.SMTPRecipientsRefused as exc:
                    failed.append(mail["To"])
                    reasons.append(_smtp_reason(exc, delivery))
                    continue
                sent.append(mail["To"])
                log.info("sent %s to %s via %s:%d", what, mail["To"], delivery.smtp_host, delivery.smtp_port)
    except (smtplib.SMTPException, OSError) as exc:
        reasons.append(_smtp_reason(exc, delivery))
    if reasons:
        not_sent = [mail["To"] for mail in mails if mail["To"] not in sent]
        got = f"; it was sent to {', '.join(sent)}" if sent else ""
        raise DeliveryError(f"{what} not sent to {', '.join(not_sent)}: {'; '.join(dict.fromkeys(reasons))}{got}")


def post_chat(delivery: Delivery, service: str, payload: dict[str, Any], what: str) -> None:
    """POST the payload to the webhook of `service` (slack, teams) named by its *_webhook_url_env;
    an answer other than 2xx, or no answer, is a DeliveryError (the address holds a token: it is
    never shown)."""
    variable = delivery.webhooks()[service]
    url = secret(variable, f"{service}_webhook_url_env")
    where = f"the {SERVICES[service]} webhook in ${variable}"
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"{where} is not an http(s) address")
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        body = _said(exc.read() or b"")
        raise DeliveryError(f"{what} not posted: {where} answered {exc.code} {exc.reason}: {body}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{what} not posted: cannot reach {where}: {reason}") from None
    log.info("posted %s to %s", what, where)


def deliver(delivery: Delivery, outbox: Outbox) -> None:
    """Send the outbox: every e-mail, then every chat message, each channel tried even when the
    other failed; the failures raised together as one DeliveryError."""
    errors = []
    if outbox.mails:
        try:
            send_mails(delivery, outbox.mails, outbox.what)
        except DeliveryError as exc:
            errors.append(str(exc))
    for service, payload in outbox.chats:
        try:
            post_chat(delivery, service, payload, outbox.what)
        except DeliveryError as exc:
            errors.append(str(exc))
    if errors:
        raise DeliveryError(" | ".join(errors))


def write_outbox(outbox: Outbox, folder: Path, stem: str) -> list[Path]:
    """The dry run: each e-mail as <stem>-<n>.eml, each chat payload as <stem>-<service>.json."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for number, mail in enumerate(outbox.mails, start=1):
            path = folder / f"{stem}-{number}.eml"
            path.write_bytes(bytes(mail))
            written.append(path)
        for service, payload in outbox.chats:
            path = folder / f"{stem}-{service}.json"
            path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ProductHealthError(f"cannot write the dry run's files into {folder}: {exc.strerror}") from None
    for path in written:
        log.info("dry run: wrote %s", path)
    return written
