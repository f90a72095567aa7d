"""The month's digest as a message: the overview's tiles (values, changes, targets), What changed
and the still-hurting bugs, for an e-mail (templates/digest.html, a plain-text part, the meeting
pack attached) and chat messages (Slack Block Kit, a Teams Adaptive Card). The numbers come from
dashboard.tiles (as on the overview and in the pack) and the `kpis` figures; nothing is computed
here. No streamlit.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import pandas as pd

from dashboard.build import LoadReport
from dashboard.changes import SHOWN, Movement
from dashboard.config import Delivery
from dashboard.db import Warehouse
from dashboard.delivery import Outbox, slack_text, teams_card, text_run
from dashboard.errors import ProductHealthError
from dashboard.figures import figures_of
from dashboard.filters import Filters
from dashboard.formatting import count, days, period_label, short_period_label, when
from dashboard.htmlparts import render
from dashboard.metrics import check_filters, coverage, run_all, run_metric, still_hurting
from dashboard.pack import meeting_pack
from dashboard.tiles import Tile, overview, overview_queries

HURTING_SHOWN = 5  # still-hurting bugs in the digest; the pack and the dashboard list them all


@dataclass(frozen=True)
class Bug:
    key: str
    title: str  # "" when [privacy] show_titles = false
    product_line: str
    age: str
    tickets: str


@dataclass(frozen=True)
class Digest:
    """One digest: a period, for all product lines or one line's own."""

    period: str  # 'October 2026'
    scope: str  # 'All product lines' or the line
    previous: str  # 'Sep 2026'
    tiles: list[Tile]
    changes: list[Movement]
    compared: bool  # whether What changed could compare (the data covers both periods)
    hurting: list[Bug]
    hurting_more: int  # still-hurting bugs beyond the ones listed
    still_hurting_days: int
    as_of: str  # 'as of 1 November 2026, 00:57 UTC' from the figures' data_as_of; "" when absent
    revisions: list[str]  # the figures' revisions as sentences; [] when absent
    link: str  # the dashboard's view of the period; "" without [delivery] dashboard_url
    pack: str  # the meeting pack's HTML (the attachment)
    pack_name: str  # its file name

    @property
    def subject(self) -> str:
        scope = "" if self.scope == ALL_LINES else f" · {self.scope}"
        return f"Product health · {self.period}{scope}"


ALL_LINES = "All product lines"


def view_link(dashboard_url: str, filters: Filters) -> str:
    """The dashboard's view of the period: the app's own URL query params (?from=&to= pin a
    custom period, ?product_line= a line), as its 'Link to this view' writes them."""
    if not dashboard_url:
        return ""
    params = {"product_line": list(filters.product_lines)}
    params |= {"from": [filters.start.isoformat()], "to": [filters.end.isoformat()]}
    return f"{dashboard_url.rstrip('/')}/?{urllib.parse.urlencode(params, doseq=True)}"


def revision_notes(figures: dict[str, Any]) -> list[str]:
    """The figures' `revisions` (revisions.compare's moves) as sentences: each figure of the
    digest's scope that moved since the month's last pack, old → new, then why, once."""
    moves = figures.get("revisions") or []
    scope = [move for move in moves if move["product_line"] is None] or moves
    notes = [f"{move['label']}: {move['old_text']} → {move['new_text']}" for move in scope]
    reasons = dict.fromkeys(reason for move in scope for reason in move["why"])
    return notes + ([f"Why: {'; '.join(reasons)}."] if reasons else [])


def as_of_text(figures: dict[str, Any]) -> str:
    """'as of 1 November 2026, 00:57 UTC' from the figures' `data_as_of`; "" when absent or not a time."""
    found = figures.get("data_as_of")
    try:
        return f"as of {when(found)}" if isinstance(found, str) and found else ""
    except ValueError:
        return ""


def digest(warehouse: Warehouse, report: LoadReport, filters: Filters, figures: dict[str, Any], url: str) -> Digest:
    """The digest of the period of `filters`; `figures`: the `kpis` object of the same period
    (figures.figures_of); `url`: [delivery] dashboard_url."""
    settings = warehouse.settings
    spans = coverage(warehouse, filters.timezone)
    frames = run_all(overview_queries(filters, spans), lambda name, period: run_metric(warehouse, name, period))
    shown = overview(frames, filters, spans, report.counts, settings)
    hurting = still_hurting(frames["bug_impact", filters])
    bugs = [
        Bug(
            str(row.issue_key),
            str(row.title) if settings.show_titles and not pd.isna(row.title) else "",
            "" if pd.isna(row.product_line) else str(row.product_line),
            days(row.age_days),
            count(row.tickets_in_period),
        )
        for row in hurting.head(HURTING_SHOWN).itertuples()
    ]
    return Digest(
        period=period_label(filters),
        scope=", ".join(filters.product_lines) or ALL_LINES,
        previous=short_period_label(filters.previous()),
        tiles=shown.tiles,
        changes=shown.changes,
        compared=shown.compared,
        hurting=bugs,
        hurting_more=max(0, len(hurting) - HURTING_SHOWN),
        still_hurting_days=settings.still_hurting_days,
        as_of=as_of_text(figures),
        revisions=revision_notes(figures),
        link=view_link(url, filters),
        pack=meeting_pack(warehouse, report, filters),
        pack_name=f"product-health-{filters.start:%Y-%m}{_slug(filters.product_lines)}.html",
    )


def _slug(lines: tuple[str, ...]) -> str:
    text = "-".join(lines).lower()
    return "-" + "".join(c if c.isalnum() else "-" for c in text).strip("-") if text else ""


VERDICTS = {True: ("good", "✓ better"), False: ("bad", "✗ worse"), None: ("neutral", "• change")}


def html_body(d: Digest) -> str:
    """The e-mail's HTML (templates/digest.html): tables and inline styles, no image, no script."""
    changes = [(*VERDICTS[m.better], m.sentence) for m in d.changes[:SHOWN]]
    return render("digest.html", d=d, changes=changes, more_changes=max(0, len(d.changes) - SHOWN))


def text_body(d: Digest) -> str:
    """The plain-text part: the same figures, one a line."""
    lines = [d.subject, f"{d.scope}{', data ' + d.as_of if d.as_of else ''}", ""]
    lines += [f"Revised since the last pack: {note}" for note in d.revisions] + ([""] if d.revisions else [])
    for tile in d.tiles:
        parts = [f"{tile.label}: {tile.value}"]
        for change in (tile.change, tile.year_ago):
            if change:
                word = {"good": " better", "bad": " worse"}.get(change.tone, "")
                parts.append(f"{change.text}{word} vs {change.against}")
        if tile.target:
            verdict = {True: "on target", False: "off target", None: "target"}[tile.met]
            parts.append(f"{verdict} ({tile.target})")
        lines.append(" · ".join(parts))
    if d.compared:
        lines += ["", f"What changed since {d.previous}:"]
        lines += [f"- {VERDICTS[m.better][1]}: {m.sentence}" for m in d.changes[:SHOWN]] or ["- no significant change"]
    lines += ["", f"Old bugs still hurting (open, older than {d.still_hurting_days} days, new tickets this period):"]
    lines += [
        f"- {b.key}{' ' + b.title if b.title else ''} ({b.product_line or 'no product line'}): "
        f"{b.tickets} tickets, {b.age} old"
        for b in d.hurting
    ] or ["- none"]
    if d.hurting_more:
        lines.append(f"- and {d.hurting_more} more: see the pack")
    lines += ["", f"The meeting pack is attached ({d.pack_name})."]
    if d.link:
        lines.append(f"On the dashboard: {d.link}")
    return "\n".join(lines) + "\n"


def email(d: Digest, sender: str, recipient: str) -> EmailMessage:
    """One recipient's message: plain text, the HTML alternative, the pack attached."""
    message = EmailMessage()
    message["Subject"] = d.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text_body(d))
    message.add_alternative(html_body(d), subtype="html")
    message.add_attachment(d.pack.encode("utf-8"), maintype="text", subtype="html", filename=d.pack_name)
    return message


def slack_payload(d: Digest) -> dict[str, Any]:
    """A Slack incoming-webhook message (Block Kit): the headline tiles, What changed, a link."""
    fields = []
    for tile in d.tiles[:10]:  # Block Kit allows ten fields in a section
        word = {"good": " better", "bad": " worse"}.get(tile.change.tone, "") if tile.change else ""
        extra = f"\n{tile.change.text}{word} vs {tile.change.against}" if tile.change else ""
        if tile.target:
            extra += "\n" + {True: "✓ on target", False: "✗ off target", None: "target"}[tile.met] + f" {tile.target}"
        fields.append({"type": "mrkdwn", "text": slack_text(f"*{tile.label}*\n{tile.value}{extra}")})
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": d.subject[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_text(f"{d.scope} {d.as_of}".strip())}]},
        {"type": "section", "fields": fields} if fields else {"type": "section", "text": _md("No tiles.")},
    ]
    if d.revisions:
        blocks.append({"type": "section", "text": _md("*Revised since the last pack*\n" + "\n".join(d.revisions))})
    if d.compared:
        said = [f"{VERDICTS[m.better][1]} {m.sentence}" for m in d.changes[:SHOWN]] or ["No significant change."]
        blocks.append({"type": "section", "text": _md(f"*What changed since {d.previous}*\n" + "\n".join(said))})
    if d.link:
        button = {"type": "button", "text": {"type": "plain_text", "text": "Open the dashboard"}, "url": d.link}
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": slack_text(d.subject), "blocks": blocks}  # the notification's text is mrkdwn too


def teams_payload(d: Digest) -> dict[str, Any]:
    """A Microsoft Teams message (an Adaptive Card): the headline tiles and What changed."""
    lines = [text_run(d.subject, size="Large", weight="Bolder"), text_run(f"{d.scope} {d.as_of}".strip(), True)]
    lines += [text_run("Revised since the last pack: " + note) for note in d.revisions]
    for tile in d.tiles:
        parts = [f"{tile.label}: {tile.value}"]
        if tile.change:
            word = {"good": " better", "bad": " worse"}.get(tile.change.tone, "")
            parts.append(f"{tile.change.text}{word} vs {tile.change.against}")
        if tile.target:
            parts.append({True: "✓ on target", False: "✗ off target", None: "target"}[tile.met] + f" {tile.target}")
        lines.append(text_run(" · ".join(parts)))
    if d.compared:
        lines.append(text_run(f"What changed since {d.previous}", weight="Bolder"))
        said = [f"{VERDICTS[m.better][1]} {m.sentence}" for m in d.changes[:SHOWN]] or ["No significant change."]
        lines += [text_run(sentence) for sentence in said]
    return teams_card(lines, d.link)


def _md(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": slack_text(text)[:3000]}


def outbox(warehouse: Warehouse, report: LoadReport, filters: Filters, delivery: Delivery) -> Outbox:
    """The month's digests: the company's to [delivery] to and to the chat webhook, each
    [delivery.product_lines] line's own (filtered to that line) to its list; one e-mail per
    recipient. Every digest is built before anything is sent."""
    try:
        check_filters(warehouse, replace(filters, product_lines=tuple(delivery.product_lines)))
    except ProductHealthError as exc:
        raise ProductHealthError(f"{warehouse.settings.path}: [delivery.product_lines]: {exc}") from None
    mails: list[EmailMessage] = []
    chats: list[tuple[str, dict[str, Any]]] = []
    if delivery.to or delivery.webhooks():
        company = digest(warehouse, report, filters, figures_of(warehouse, report, filters), delivery.dashboard_url)
        mails += [email(company, delivery.sender, to) for to in delivery.to]
        payloads = {"slack": slack_payload, "teams": teams_payload}
        chats += [(service, payloads[service](company)) for service in delivery.webhooks()]
    for line, recipients in delivery.product_lines.items():
        own = replace(filters, product_lines=(line,))
        line_digest = digest(warehouse, report, own, figures_of(warehouse, report, own), delivery.dashboard_url)
        mails += [email(line_digest, delivery.sender, to) for to in recipients]
    return Outbox(f"the digest for {period_label(filters)}", mails, chats)
