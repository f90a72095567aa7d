"""Alerts: a target missed, or a movement for the worse in What changed, in the latest complete
month (and, with --days N, the last N days against the N before), sent once. The findings come
from the overview (dashboard.tiles: tiles' targets, the product-line table, What changed); what
was sent is kept per channel in `alerts.json` beside the model (store.store_dir), written only
after that channel's send succeeded, so a failed alert is sent on the next run and a run with
nothing new sends nothing. No streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not on Windows: runs there are not serialised
    fcntl = None  # type: ignore[assignment]

from dashboard.build import LoadReport
from dashboard.catalogue import target_met, target_text
from dashboard.config import Delivery
from dashboard.db import Warehouse
from dashboard.delivery import (
    DeliveryError,
    Outbox,
    post_chat,
    send_mails,
    slack_text,
    teams_card,
    text_run,
    write_outbox,
)
from dashboard.filters import Filters
from dashboard.formatting import period_label, shown_as
from dashboard.metrics import coverage
from dashboard.tiles import overview_of, table_columns

STATE_FILE = "alerts.json"


@dataclass(frozen=True)
class Finding:
    key: str  # what identifies it across runs: its scope, kind, metric, product line
    sentence: str  # what the message says


def findings(warehouse: Warehouse, report: LoadReport, filters: Filters, scope: str) -> list[Finding]:
    """The period's missed targets (the tiles', then each product line's own targets in the
    product-line table) and What changed's movements for the worse, keyed under `scope`."""
    shown = overview_of(warehouse, report.counts, filters, coverage(warehouse, filters.timezone))
    period = period_label(filters)
    out = [
        Finding(f"{scope}|target|{tile.label}", f"{period}: {tile.label} {tile.value}, off target ({tile.target})")
        for tile in shown.tiles
        if tile.met is False
    ]
    headers = {kpi.path_of(column.key): column.header for kpi, column in table_columns()}
    for row in shown.table.to_dict("records"):
        line = row["product_line"]
        for path, target in warehouse.settings.line_targets.get(line, {}).items():
            if path in row and target_met(path, row[path], target) is False:
                value = shown_as(path)(row[path])
                what = headers.get(path, path)
                sentence = f"{period}: {line} — {what} {value}, off its target ({target_text(path, target)})"
                out.append(Finding(f"{scope}|target|{line}|{path}", sentence))
    out += [
        Finding(f"{scope}|worse|{m.metric}|{m.product_line or ''}|{m.issue_key or ''}", f"{period}: {m.sentence}")
        for m in shown.changes
        if m.better is False
    ]
    return out


def state_path(store: Path) -> Path:
    return store / STATE_FILE


def read_state(path: Path) -> dict[str, dict[str, list[str]]]:
    """{channel: {scope: [keys sent and still standing]}}; a missing or unreadable file is empty
    (the worst case is an alert sent again, never one lost)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(path: Path, state: dict[str, dict[str, list[str]]]) -> None:
    """Atomically: a crash mid-write leaves the old state, not half of one."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def channels(delivery: Delivery) -> list[str]:
    return (["email"] if delivery.to else []) + list(delivery.webhooks())


def message(found: list[Finding], standing: int, link: str) -> tuple[str, str]:
    """The subject and text of an alert naming each new finding."""
    subject = f"Product health alert: {found[0].sentence}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
    lines = ["New since the last alert:", *(f"- {f.sentence}" for f in found)]
    if standing > len(found):
        lines.append(f"({standing - len(found)} more, already alerted, still stand.)")
    if link:
        lines.append(f"On the dashboard: {link}")
    return subject[:200], "\n".join(lines) + "\n"


def alert(
    delivery: Delivery, found: dict[str, list[Finding]], state_file: Path, link: str = "", dry_run: Path | None = None
) -> list[str]:
    """Send each channel the findings it has not been sent (`found`: scope -> findings now);
    the state of a channel is written only after its send succeeded. Returns what was sent.
    One run at a time per state file: a run that overlaps the last (a slow server under an
    hourly cron) waits for it and then sees what it sent."""
    with _one_at_a_time(state_file):
        return _alert(delivery, found, state_file, link, dry_run)


@contextmanager
def _one_at_a_time(state_file: Path) -> Iterator[None]:
    with open(state_file.with_suffix(".lock"), "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def _alert(
    delivery: Delivery, found: dict[str, list[Finding]], state_file: Path, link: str, dry_run: Path | None
) -> list[str]:
    state = read_state(state_file)
    done, errors = [], []
    for channel in channels(delivery):
        sent = state.get(channel, {})
        now = {scope: [f.key for f in items] for scope, items in found.items()}
        new = [f for scope, items in found.items() for f in items if f.key not in set(sent.get(scope, []))]
        if new:
            try:
                _send(delivery, channel, *message(new, sum(map(len, found.values())), link), dry_run)
            except DeliveryError as exc:
                errors.append(str(exc))
                continue
            done.append(f"{channel}: {len(new)} new")
        if dry_run is None:  # what stands now, all of it sent: what has cleared is forgotten, to alert again
            state[channel] = now
            write_state(state_file, state)
    if errors:
        raise DeliveryError(" | ".join(errors))
    return done


def _send(delivery: Delivery, channel: str, subject: str, text: str, dry_run: Path | None) -> None:
    mails, chats = [], []
    if channel == "email":
        for to in delivery.to:
            mail = EmailMessage()
            mail["Subject"], mail["From"], mail["To"] = subject, delivery.sender, to
            mail["Date"], mail["Message-ID"] = formatdate(), make_msgid(domain=delivery.sender.rpartition("@")[2])
            mail.set_content(text)
            mails.append(mail)
    elif channel == "slack":
        chats.append((channel, {"text": f"*{slack_text(subject)}*\n{slack_text(text)}"}))
    else:
        chats.append((channel, teams_message(subject, text)))
    if dry_run is not None:
        write_outbox(Outbox("an alert", mails, chats), dry_run, f"alert-{channel}")
    elif mails:
        send_mails(delivery, mails, "an alert")
    else:
        post_chat(delivery, *chats[0], "an alert")


def teams_message(subject: str, text: str) -> dict[str, Any]:
    """A Teams alert: the subject in bold, then the text's lines (TextRuns: no markdown read)."""
    return teams_card([text_run(subject, weight="Bolder"), *(text_run(line) for line in text.splitlines())])


def scopes(month: Filters, days: int | None, last_day: dt.date) -> dict[str, Filters]:
    """The periods an alert looks at: the month, and the last `days` days up to `last_day`
    (compared by What changed with the `days` days before them). A scope's name is the key of
    its findings: the month's names the month (a new month alerts afresh), the days' do not (a
    movement that stands as the window moves is alerted once)."""
    out = {f"month {month.start:%Y-%m}": month}
    if days:
        out[f"last {days} days"] = replace(month, start=last_day - dt.timedelta(days=days - 1), end=last_day)
    return out
