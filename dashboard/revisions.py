"""Revisions since the last pack: what `product-health report` recorded of a month's figures,
and which of them have moved since, and why where it can be told.

A pack's record (record()) holds, for one calendar month at one filter state (zone, product
lines, basis), the data's cut-off, a fingerprint of the settings that decide the numbers, and
the figures the pack printed (figures(): the tiles' numbers, tickets created and the SLA
counts, overall and per product line). It is embedded in the pack and kept in the packs
archive beside the model (`<model folder>/packs/2026-10.json`, archive_path()). compare()
gives the figures that moved, each with its old and new value and the reasons that apply:
tickets added by a later export, pending tickets since decided, a settings change.

Pure functions but for load() and save(); no streamlit, no database (the figures come from
query results the caller already has).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import catalogue
from dashboard.config import Settings
from dashboard.filters import Filters
from dashboard.formatting import day, is_missing, period_label, plural, shown_as, when
from dashboard.frames import clean
from dashboard.logs import log

VERSION = 1
PACKS_DIR = "packs"
SLA_COUNTS = tuple(f"sla.{part}.{status}" for part in ("first_response", "resolution") for status in catalogue.STATUSES)
# The settings that decide the numbers (not sign-in, targets, events or delivery): a change in
# them is a reason a month's figures moved.
NUMBER_SETTINGS = (
    "timezone",
    "sources",
    "not_planned_resolutions",
    "custom",
    "key_pattern",
    "still_hurting_days",
    "schedules",
    "sla",
)


def figure_paths() -> dict[str, str]:
    """The figures a pack records, by kpis JSON path, with their words: each tile's number,
    then the SLA counts."""
    out: dict[str, str] = {}
    for kpi in catalogue.CATALOGUE:
        if kpi.tile:
            out[kpi.path_of(kpi.tile.key)] = kpi.tile.label
    for path in SLA_COUNTS:
        part, status = path.split(".")[1:]
        out[path] = f"{'First replies' if part == 'first_response' else 'Solves'} {status}"
    return out


def figures(frames: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """The recorded figures from one period's summary results ({metric SQL name: frame}, the
    catalogue's kpi.sql): {"overall": {path: value}, "lines": {line: {path: value}}}."""
    wanted = figure_paths()
    overall: dict[str, Any] = {}
    lines: dict[str, dict[str, Any]] = {}
    for kpi in catalogue.CATALOGUE:
        frame = frames.get(kpi.sql)
        if frame is None:
            continue
        for name, key in kpi.keys.items():
            path = kpi.path_of(name)
            if path not in wanted:
                continue
            for row in frame.itertuples(index=False):
                value = clean(getattr(row, key.column, None))
                value = key.empty if value is None else value
                if is_missing(row.product_line):
                    overall[path] = value
                else:
                    lines.setdefault(row.product_line, {})[path] = value
    return {"overall": overall, "lines": dict(sorted(lines.items()))}


def settings_fingerprint(settings: Settings) -> str:
    """A short hash of the settings that decide the numbers (NUMBER_SETTINGS)."""
    every = dataclasses.asdict(settings)
    chosen = {name: every[name] for name in NUMBER_SETTINGS}
    text = json.dumps(chosen, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def month_of(filters: Filters) -> str | None:
    """'2026-10' when the filters are one whole calendar month; None otherwise (no pack record)."""
    return f"{filters.start:%Y-%m}" if filters.months == 1 else None


def archive_path(packs: Path, filters: Filters) -> Path | None:
    """Where the last pack of this month (and product-line choice) is recorded; None for a
    period that is not one calendar month."""
    month = month_of(filters)
    if month is None:
        return None
    if not filters.lines:
        return packs / f"{month}.json"
    lines = hashlib.sha256("\0".join(sorted(filters.lines)).encode()).hexdigest()[:8]
    return packs / f"{month}-lines-{lines}.json"


def record(
    filters: Filters, shown: dict[str, Any], data_as_of: str | None, settings: Settings, generated_at: str
) -> dict[str, Any]:
    """What a pack records of the figures it printed (`shown`: figures())."""
    return {
        "version": VERSION,
        "month": month_of(filters),
        "timezone": filters.timezone,
        "product_lines": list(filters.lines),
        "basis": filters.basis,
        "generated_at": generated_at,
        "data_as_of": data_as_of,
        "settings_fingerprint": settings_fingerprint(settings),
        "figures": shown,
    }


def applies(found: dict[str, Any] | None, filters: Filters) -> bool:
    """Whether a record is of the same view of the month: its zone, product lines and basis."""
    return (
        found is not None
        and found.get("version") == VERSION
        and found.get("month") == month_of(filters)
        and found.get("timezone") == filters.timezone
        and found.get("product_lines") == list(filters.lines)
        and found.get("basis") == filters.basis
    )


def load(packs: Path, filters: Filters) -> dict[str, Any] | None:
    """The last recorded pack of the month at these filters; None when there is none (or it
    cannot be read: logged, and the dashboard goes on without a revision note)."""
    path = archive_path(packs, filters)
    if path is None or not path.is_file():
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("pack record %s cannot be read: %s", path, exc)
        return None
    return found if applies(found, filters) else None


def save(packs: Path, filters: Filters, recorded: dict[str, Any]) -> Path | None:
    """Write the record into the archive (atomically: a reader sees the old or the new one)."""
    path = archive_path(packs, filters)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(recorded, out, indent=2)
    os.replace(name, path)
    log.info("recorded the figures of the pack of %s in %s", recorded.get("month"), path)
    return path


def _reasons(path: str, old: dict[str, Any], new: dict[str, Any], month: str, settings_changed: bool) -> list[str]:
    """Why a figure of one scope (overall or a line: its old and new figures) may have moved."""
    reasons = []
    added = (new.get("tickets_created") or 0) - (old.get("tickets_created") or 0)
    if added > 0:
        reasons.append(f"{plural(added, 'ticket')} created in {month} added by a later export")
    elif added < 0:
        reasons.append(f"{plural(-added, 'ticket')} created in {month} no longer in the data")
    if path.startswith("sla."):
        part = path.split(".")[1]
        decided = (old.get(f"sla.{part}.pending") or 0) - (new.get(f"sla.{part}.pending") or 0)
        if decided > 0:
            what = "first-reply SLA" if part == "first_response" else "solve SLA"
            reasons.append(f"{plural(decided, f'pending {what}')} since decided")
    if settings_changed:
        reasons.append("the settings changed")
    return reasons


def compare(found: dict[str, Any], filters: Filters, now: dict[str, Any], settings: Settings) -> list[dict[str, Any]]:
    """The figures that moved since the pack `found` was recorded: each as it is written
    (formatting.shown_as) differs from the pack's. Overall first, then by product line."""
    words = figure_paths()
    month = period_label(filters)
    settings_changed = found.get("settings_fingerprint") != settings_fingerprint(settings)
    then_figures = found.get("figures", {})
    scopes = [(None, then_figures.get("overall", {}), now["overall"])]
    for line in sorted(set(then_figures.get("lines", {})) | set(now["lines"])):
        scopes.append((line, then_figures.get("lines", {}).get(line, {}), now["lines"].get(line, {})))
    moves = []
    for line, old, new in scopes:
        for path, label in words.items():
            shown = shown_as(path)
            if shown(old.get(path)) == shown(new.get(path)):
                continue
            moves.append(
                {
                    "figure": path,
                    "label": label,
                    "product_line": line,
                    "old": old.get(path),
                    "new": new.get(path),
                    "old_text": shown(old.get(path)),
                    "new_text": shown(new.get(path)),
                    "why": _reasons(path, old, new, month, settings_changed),
                    "pack_generated_at": found.get("generated_at"),
                    "pack_data_as_of": found.get("data_as_of"),
                }
            )
    return moves


def since_last_pack(
    packs: Path, filters: Filters, now: dict[str, Any], settings: Settings
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The month's last recorded pack (None if none) and the figures that moved since it."""
    found = load(packs, filters)
    return found, ([] if found is None else compare(found, filters, now, settings))


def note(found: dict[str, Any] | None, moves: list[dict[str, Any]], data_as_of: str | None) -> dict[str, Any] | None:
    """What the revision note shows (templates/revisions.html); None when nothing moved. Short:
    the tiles' figures that moved overall, each SLA's three counts on one line, the reasons
    once, and the product lines with a figure that moved (the kpis JSON has every move)."""
    if found is None or not moves:
        return None
    generated = dt.datetime.fromisoformat(found["generated_at"]).astimezone(dt.UTC)
    overall = [move for move in moves if move["product_line"] is None]
    items = [
        (move["label"], move["old_text"], move["new_text"]) for move in overall if move["figure"] not in SLA_COUNTS
    ]
    for part, words in (("first_response", "First replies"), ("resolution", "Solves")):
        if any(move["figure"] in SLA_COUNTS and move["figure"].startswith(f"sla.{part}.") for move in overall):
            counts = [f"sla.{part}.{status}" for status in catalogue.STATUSES]
            then = found["figures"]["overall"]
            now = _current(moves, counts, then)
            items.append(
                (
                    f"{words} met · breached · pending",
                    " · ".join(shown_as(path)(then.get(path)) for path in counts),
                    " · ".join(shown_as(path)(now.get(path)) for path in counts),
                )
            )
    lines: dict[str, None] = {}
    for move in moves:
        if move["product_line"] is not None:
            lines[move["product_line"]] = None
    return {
        "since": day(generated.date()),
        "then_as_of": when(found.get("data_as_of")),
        "now_as_of": when(data_as_of),
        "items": items,
        "why": list(dict.fromkeys(reason for move in overall for reason in move["why"])),
        "lines": sorted(lines),
    }


def _current(moves: list[dict[str, Any]], paths: list[str], then: dict[str, Any]) -> dict[str, Any]:
    """The overall values of `paths` now: a moved figure's new value, else the pack's (`then`)."""
    now = {path: then.get(path) for path in paths}
    for move in moves:
        if move["product_line"] is None and move["figure"] in now:
            now[move["figure"]] = move["new"]
    return now
