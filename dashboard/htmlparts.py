"""HTML for the overview's tiles and product-line table, shared by the dashboard (st.html)
and the meeting pack, so both look and read the same.

Every text is HTML-escaped here; no markdown is ever interpreted. Sizes in meeting mode
follow the screen width (vw), so a 1920 px TV and a 1366 px projector both show whole tiles.
No streamlit here.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboard.catalogue import better, target_met
from dashboard.changes import SHOWN, Movement
from dashboard.formatting import change_unit, day, is_missing, plural, shown_as
from dashboard.tiles import NO_DATA, Change, Tile, change_of, table_columns


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


TONE_COLOUR = {"good": "#15803d", "bad": "#b91c1c", "neutral": "#4b5563"}


def sparkline_svg(
    values: list[float | None], tone: str = "neutral", height: int = 40, marks: tuple[int, ...] = ()
) -> str:
    """A neutral grey line over the months (gaps where a month has no data), its last point
    marked in the colour of the tile's change: the line shows the trend, the dot the verdict.
    `marks`: the months (indexes) with an event, as dotted vertical lines behind it."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    label = "12 months: " + ", ".join("no data" if v is None else f"{v:g}" for v in values)
    if not points:
        return ""
    width = 120
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return i * step, 4 + (1 - (v - low) / span) * 24 if high != low else 16

    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            runs, run = runs + [run] if run else runs, []
        else:
            run.append(xy(i, v))
    runs += [run] if run else []
    lines = "".join(
        '<polyline fill="none" stroke="#6b7280" stroke-width="2" vector-effect="non-scaling-stroke" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in r)
        + '"/>'
        for r in runs
    )
    lines = (
        "".join(
            f'<line x1="{i * step:.1f}" y1="0" x2="{i * step:.1f}" y2="32" stroke="#9ca3af" stroke-width="1.5" '
            'stroke-dasharray="3,3" vector-effect="non-scaling-stroke"/>'
            for i in marks
            if 0 <= i < len(values)
        )
        + lines
    )
    if marks:
        label += "; events in months " + ", ".join(str(i + 1) for i in marks)
    last_x, last_y = xy(*points[-1])
    dot = (
        f'<line x1="{last_x:.1f}" y1="{last_y:.1f}" x2="{last_x:.1f}" y2="{last_y:.1f}" stroke="{TONE_COLOUR[tone]}" '
        'stroke-width="9" stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
    )
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 0 128 32" preserveAspectRatio="none">{lines}{dot}</svg>'
    # As an image: st.html's sanitiser drops inline <svg>, and an <img> keeps its own box.
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return f'<img class="ph-spark" src="{source}" height="{height}" alt="{e(label)}">'


def change_html(change: Change | None, css: str) -> str:
    if change is None:
        return ""
    word = {"good": "better", "bad": "worse", "neutral": ""}[change.tone]
    return (
        f'<div class="{css} {change.tone}"><span class="ph-arrow">{change.arrow}</span> {e(change.text)}'
        f'{f" {word}" if word else ""} <span class="ph-vs">vs {e(change.against)}</span></div>'
    )


def target_html(tile: Tile) -> str:
    """'✓ on target (≤ 4.0 h)' / '✗ off target (≤ 4.0 h)': a mark and a word, never colour alone."""
    if not tile.target:
        return ""
    if tile.met is None:
        return f'<div class="ph-target neutral">target {e(tile.target)}</div>'
    state = ("met", "✓ on target") if tile.met else ("missed", "✗ off target")
    return f'<div class="ph-target {state[0]}">{state[1]} <span class="ph-vs">({e(tile.target)})</span></div>'


def tile_html(tile: Tile, spark: list[float | None] | None, marks: tuple[int, ...] = ()) -> str:
    value_class = "ph-value" if tile.has_data else "ph-value ph-none"
    tone = tile.change.tone if tile.change else "neutral"
    chart = sparkline_svg(spark, tone, marks=marks) if spark and tile.has_data else ""
    return (
        f'<div class="ph-tile" data-label="{e(tile.label)}"><div class="ph-label">{e(tile.label)}</div>'
        f'<div class="{value_class}">{e(tile.value)}</div>{change_html(tile.change, "ph-delta")}'
        f"{change_html(tile.year_ago, 'ph-delta ph-year')}{target_html(tile)}{chart}"
        f'<div class="ph-caption">{e(tile.caption)}</div></div>'
    )


def tiles_html(
    tiles: list[Tile], sparks: dict[str, list[float | None]], meeting: bool = False, marks: tuple[int, ...] = ()
) -> str:
    """The tile row: as many tiles as there are, in equal columns that wrap on a narrow screen;
    on the shared screen one row of up to six, else two rows. `marks`: the sparklines' months
    with an event."""
    body = "".join(tile_html(t, sparks.get(t.label), marks) for t in tiles)
    rows = 1 if len(tiles) <= 6 else 2
    columns = -(-len(tiles) // rows)
    classes = "ph-tiles" + (" ph-meeting" if meeting else "") + (" ph-two-rows" if rows == 2 else "")
    return f'<div class="{classes}" style="--ph-count: {columns}">{body}</div>'


def table_html(
    frame: pd.DataFrame,
    formats: dict[str, Callable[[Any], str]] | None = None,
    css_class: str = "",
    tones: dict[str, Callable[[Any], str]] | None = None,
    marks: Callable[[int, str, Any], str] | None = None,
) -> str:
    """A table of text: a formatter returns HTML, any other value is escaped text; a missing
    value reads 'no data'. `tones` gives a cell the class good/bad/neutral by its value;
    `marks(row, column, value)` a class by its row too (e.g. 'missed': off its target)."""
    formats, tones = formats or {}, tones or {}
    head = "".join(f"<th>{e(c)}</th>" for c in frame.columns)
    rows = []
    for index, record in enumerate(frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            kind = tones[column](value) if column in tones and not is_missing(value) else ""
            kind = (marks(index, column, value) if marks and not is_missing(value) else "") or kind
            tone = f' class="{kind}"' if kind else ""
            if not isinstance(value, (list, tuple)) and is_missing(value):
                cells.append(f'<td><span class="ph-na">{NO_DATA}</span></td>')
            else:
                cells.append(f"<td{tone}>{formats[column](value) if column in formats else e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def changes_html(movements: list[Movement], against: str, meeting: bool = False, links: bool = True) -> str:
    """What changed: at most SHOWN sentences, each marked better or worse in a word and a sign
    (never colour alone) and, on the dashboard, a link to the page that shows it."""
    if not movements:
        return (
            f'<p class="ph-changes-none">No significant changes against {e(against)}: every movement is small, '
            "or within what chance alone gives with this many tickets.</p>"
        )
    items = []
    for movement in movements[:SHOWN]:
        tone, word = {True: ("good", "✓ better"), False: ("bad", "✗ worse"), None: ("neutral", "• change")}[
            movement.better
        ]
        text = e(movement.sentence)
        if links:
            href = movement.link + ("&mode=meeting" if meeting else "")
            text = f'<a href="{e(href)}" target="_self">{text}</a>'
        items.append(f'<li class="{tone}"><span class="ph-verdict">{word}</span> {text}</li>')
    more = len(movements) - SHOWN
    tail = f'<p class="ph-more">and {plural(more, "smaller change")}</p>' if more > 0 else ""
    return f'<ol class="ph-changes{" ph-meeting" if meeting else ""}">{"".join(items)}</ol>{tail}'


def events_html(events: list[dict[str, Any]], meeting: bool = False) -> str:
    """The events of the period, as markers in words: '◆ 1 Aug 2026 · Mobile App: v3 launch'."""
    if not events:
        return ""
    items = []
    for event in events:
        start = dt.date.fromisoformat(event["date"])
        when = (
            day(start) if not event["end_date"] else f"{day(start)} – {day(dt.date.fromisoformat(event['end_date']))}"
        )
        what = f"{event['product_line']}: {event['label']}" if event["product_line"] else event["label"]
        items.append(f'<span class="ph-event">◆ {e(when)} · {e(what)}</span>')
    return f'<p class="ph-events{" ph-meeting" if meeting else ""}">{"".join(items)}</p>'


STYLE = """
.ph-tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .8rem; }
.ph-tile { border: 1px solid #d1d5db; border-radius: .6rem; padding: .8rem 1rem; min-width: 0;
           overflow-wrap: anywhere; background: #fff; display: flex; flex-direction: column; }
.ph-tile .ph-target { font-size: .9rem; font-weight: 600; } .ph-target .ph-vs { color: #4b5563; font-weight: 400; }
.ph-target.met { color: #15803d; } .ph-target.missed { color: #b91c1c; } .ph-target.neutral { color: #4b5563; }
.ph-meeting .ph-target { font-size: 1.3vw; }
.ph-spark { margin-top: auto; }
.ph-label { font-size: .95rem; color: #374151; }
.ph-value { font-size: 2.2rem; font-weight: 650; line-height: 1.15; white-space: nowrap; color: #111827; }
.ph-value.ph-none { color: #6b7280; font-weight: 500; }
.ph-delta { font-size: .9rem; font-weight: 600; } .ph-delta .ph-vs { color: #4b5563; font-weight: 400; }
.ph-delta.ph-year { font-size: .8rem; font-weight: 500; }
.ph-delta.good { color: #15803d; } .ph-delta.bad { color: #b91c1c; } .ph-delta.neutral { color: #4b5563; }
.ph-spark { width: 100%; height: 40px; display: block; padding: .3rem 0; }
.ph-caption { font-size: .8rem; color: #4b5563; margin-top: .2rem; }
.ph-na { color: #6b7280; font-size: .85em; }
.ph-more { color: #374151; font-size: max(15px, 1.1vw); margin: .3rem 0; }
.ph-meeting.ph-tiles { grid-template-columns: repeat(var(--ph-count), minmax(0, 1fr)); gap: 1vw; }
.ph-meeting .ph-tile { padding: .8vw 1vw; border-width: 2px; }
.ph-meeting .ph-label { font-size: 1.5vw; line-height: 1.2; font-weight: 600; }
.ph-meeting .ph-value { font-size: 3.5vw; }
.ph-meeting .ph-value.ph-none { font-size: 2.4vw; }
.ph-meeting .ph-delta { font-size: 1.5vw; line-height: 1.25; }
.ph-meeting .ph-delta.ph-year { font-size: 1.15vw; }
.ph-meeting .ph-caption { font-size: 1.15vw; color: #374151; }
.ph-meeting .ph-spark { height: 3vw; }
.ph-meeting.ph-two-rows.ph-tiles { gap: .6vw; }
.ph-meeting.ph-two-rows .ph-tile { padding: .3vw .8vw; }
.ph-meeting.ph-two-rows .ph-label { font-size: 1.2vw; }
.ph-meeting.ph-two-rows .ph-value { font-size: 2.5vw; }
.ph-meeting.ph-two-rows .ph-delta { font-size: 1.2vw; }
.ph-meeting.ph-two-rows .ph-delta.ph-year, .ph-meeting.ph-two-rows .ph-caption { font-size: 1vw; }
.ph-meeting.ph-two-rows .ph-target { font-size: 1.1vw; }
.ph-meeting.ph-two-rows .ph-spark { height: 1.1vw; padding: .1rem 0; }
table.ph-lines { border-collapse: collapse; width: 100%; font-size: .9rem; table-layout: auto; }
table.ph-lines th, table.ph-lines td { text-align: right; padding: .35rem .6rem; border-bottom: 1px solid #e5e7eb; }
table.ph-lines th { background: #f9fafb; font-weight: 600; color: #374151; vertical-align: bottom; }
table.ph-lines th:first-child, table.ph-lines td:first-child { text-align: left; overflow-wrap: anywhere; }
table.ph-lines td.good { color: #15803d; } table.ph-lines td.bad { color: #b91c1c; }
table.ph-lines td.missed { color: #b91c1c; font-weight: 700; } table.ph-lines td.missed::after { content: " ✗"; }
table.ph-lines.ph-meeting { font-size: 1.3vw; table-layout: fixed; }
table.ph-lines.ph-meeting th { font-size: 1.05vw; }
table.ph-lines.ph-meeting th:first-child { width: 18%; }
table.ph-lines.ph-meeting td:first-child { overflow-wrap: break-word; }
table.ph-lines.ph-list { table-layout: auto; }
table.ph-list th, table.ph-list td { text-align: left; overflow-wrap: anywhere; }
table.ph-list img.ph-spark { min-width: 6vw; }
table.ph-list img.ph-spark { height: 2vw; }
ol.ph-changes { list-style: none; padding: 0; margin: .2rem 0 .6rem 0; }
ol.ph-changes li { margin: .25rem 0; font-size: 1rem; line-height: 1.35; display: grid;
                  grid-template-columns: 5.5em 1fr; gap: .3em; }
ol.ph-changes a { color: #111827; text-decoration: underline; text-decoration-color: #9ca3af; }
ol.ph-changes .ph-verdict { font-weight: 700; white-space: nowrap; }
ol.ph-changes li.good .ph-verdict { color: #15803d; } ol.ph-changes li.bad .ph-verdict { color: #b91c1c; }
ol.ph-changes li.neutral .ph-verdict { color: #4b5563; }
ol.ph-changes.ph-meeting li { font-size: max(16px, 1.35vw); margin: .15rem 0; }
.ph-changes-none { color: #374151; }
.ph-events { color: #374151; margin: .2rem 0; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; }
.ph-event { white-space: nowrap; } .ph-events.ph-meeting { font-size: max(15px, 1.2vw); }
"""

MEETING_ROWS = 6  # product lines shown on the shared screen; the rest are counted below the table


def _headers(table: pd.DataFrame, previous: str) -> dict[str, str]:
    """The table's column names (kpis JSON paths, tiles.table_columns) as people read them."""
    headers = {"product_line": "Product line"}
    for kpi, column in table_columns():
        path = kpi.path_of(column.key)
        headers[path] = column.header
        headers[change_of(path)] = f"Change vs {previous}"
    return {name: headers[name] for name in table.columns}


def _change_cell(path: str) -> Callable[[Any], str]:
    unit = change_unit(path)  # an arrow too: never colour alone
    return lambda v: e(f"±0{unit}" if round(v, 1) == 0 else f"{'▲' if v > 0 else '▼'} {v:+.1f}{unit}")


def _value_cell(path: str) -> Callable[[Any], str]:
    shown = shown_as(path)
    return lambda v: e(shown(v))


def _change_tone(path: str) -> Callable[[Any], str]:
    def tone(value: Any) -> str:
        shown = round(value, 1)
        return (
            "neutral"
            if shown == 0 or better(path) == "neither"
            else "good"
            if (shown < 0) == (better(path) == "lower")
            else "bad"
        )

    return tone


def product_line_html(
    table: pd.DataFrame,
    meeting: bool = False,
    previous: str = "previous",
    targets_for: Callable[[str], dict[str, float]] | None = None,
) -> str:
    """The product-line table (tiles.product_line_table, or some of its columns): units in the
    cells; a cell off its product line's target marked (✗ and red); on the shared screen the
    catalogue's meeting columns and the lines with most tickets (the rest counted in a last line)."""
    if meeting:
        wanted = {kpi.path_of(c.key) for kpi, c in table_columns() if c.meeting}
        keep = [name for name in table.columns if name == "product_line" or name.split(":")[0] in wanted]
        shown = table[keep].head(MEETING_ROWS)
    else:
        shown = table
    headers = _headers(shown, previous)
    formats: dict[str, Callable[[Any], str]] = {}
    tones: dict[str, Callable[[Any], str]] = {}
    for name in shown.columns:
        path = name.split(":")[0]
        if name == "product_line":
            continue
        if name == change_of(path):
            formats[headers[name]], tones[headers[name]] = _change_cell(path), _change_tone(path)
        else:
            formats[headers[name]] = _value_cell(path)
    paths = {headers[name]: name for name in shown.columns if better(name) != "neither"}
    lines = shown["product_line"].tolist()

    def marks(row: int, column: str, value: Any) -> str:
        path = paths.get(column)
        target = (targets_for(lines[row]) if targets_for and path else {}).get(path)
        return "missed" if target is not None and target_met(path, value, target) is False else ""

    out = table_html(
        shown.rename(columns=headers), formats, "ph-lines ph-meeting" if meeting else "ph-lines", tones, marks
    )
    hidden = len(table) - len(shown)
    if hidden:
        out += f'<p class="ph-more">and {hidden} more product lines: see the dashboard without meeting mode</p>'
    return out
