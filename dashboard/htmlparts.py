"""HTML for the overview's tiles and product-line table, shared by the dashboard (st.html)
and the meeting pack, so both look and read the same.

The HTML comes from the Jinja templates in dashboard/templates/, which escape every text;
no markdown is ever interpreted. A formatter that returns HTML (the sparkline <img>, a link)
returns Markup. Sizes in meeting mode follow the screen width (vw), so a 1920 px TV and a
1366 px projector both show whole tiles. No streamlit here.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from dashboard.catalogue import better, drill_path, target_met
from dashboard.changes import SHOWN, Movement
from dashboard.formatting import change_unit, day, is_missing, plural, shown_as
from dashboard.tiles import NO_DATA, Tile, change_of, table_columns

TEMPLATES = Path(__file__).with_name("templates")
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

STYLE = (TEMPLATES / "style.css").read_text(encoding="utf-8")  # for st.html("<style>...") beside the parts


def render(template: str, **context: Any) -> str:
    """A template of dashboard/templates/ with `context`. A plain str, not Markup: callers add it
    to other strings ("<style>..." + html), and Markup would escape what is added to it."""
    return _ENV.get_template(template).render(**context)


# An <img> cannot read the page's scheme: mid tones that keep 3:1 on a light and on a dark tile.
TONE_COLOUR = {"good": "#16a34a", "bad": "#dc2626", "neutral": "#6b7280"}


def sparkline_svg(
    values: list[float | None], tone: str = "neutral", height: int = 40, marks: tuple[int, ...] = ()
) -> Markup:
    """A neutral grey line over the months (gaps where a month has no data), its last point
    marked in the colour of the tile's change: the line shows the trend, the dot the verdict.
    `marks`: the months (indexes) with an event, as dotted vertical lines behind it."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    label = "12 months: " + ", ".join("no data" if v is None else f"{v:g}" for v in values)
    if not points:
        return Markup("")
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
            f'<line x1="{i * step:.1f}" y1="0" x2="{i * step:.1f}" y2="32" stroke="#8b93a1" stroke-width="1.5" '
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
    # The SVG holds only numbers and colours of this module, never a text from an export.
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 0 128 32" preserveAspectRatio="none">{lines}{dot}</svg>'
    # As an image: st.html's sanitiser drops inline <svg>, and an <img> keeps its own box.
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return Markup('<img class="ph-spark" src="{}" height="{}" alt="{}">').format(source, height, label)


def link(url: Any, text: str = "open") -> Markup | str:
    """A link to a web address (http/https only; anything else reads '-'), for a table cell."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return "-"
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text)


def _chart(tile: Tile, spark: list[float | None] | None, marks: tuple[int, ...]) -> Markup | str:
    tone = tile.change.tone if tile.change else "neutral"
    return sparkline_svg(spark, tone, marks=marks) if spark and tile.has_data else ""


def tile_html(tile: Tile, spark: list[float | None] | None, marks: tuple[int, ...] = ()) -> str:
    return str(_ENV.get_template("tile.html").module.tile(tile, _chart(tile, spark, marks)))


def tiles_html(
    tiles: list[Tile],
    sparks: dict[str, list[float | None]],
    meeting: bool = False,
    marks: tuple[int, ...] = (),
    drill_href: Callable[[str], str] | None = None,
) -> str:
    """The tile row: as many tiles as there are, in equal columns that wrap on a narrow screen;
    on the shared screen one row of up to six, else two rows. `marks`: the sparklines' months
    with an event. `drill_href(path)`: the address of the rows behind a tile's number (a tile
    with data and a list becomes a link to it)."""
    rows = 1 if len(tiles) <= 6 else 2

    def href(tile: Tile) -> str:
        return drill_href(tile.drill) if drill_href and tile.drill and tile.has_data else ""

    return render(
        "tiles.html",
        tiles=[(tile, _chart(tile, sparks.get(tile.label), marks), href(tile)) for tile in tiles],
        meeting=meeting,
        rows=rows,
        columns=-(-len(tiles) // rows),
    )


def table_html(
    frame: pd.DataFrame,
    formats: dict[str, Callable[[Any], str]] | None = None,
    css_class: str = "",
    tones: dict[str, Callable[[Any], str]] | None = None,
    marks: Callable[[int, str, Any], str] | None = None,
    more: str = "",
    links: Callable[[int, str], str | None] | None = None,
) -> str:
    """A table of text: a formatter returns text (escaped) or Markup (kept); any other value is
    escaped text; a missing value reads 'no data'. `tones` gives a cell the class good/bad/neutral
    by its value; `marks(row, column, value)` a class by its row too (e.g. 'missed': off its
    target). `more`: a line below the table (what it leaves out). `links(row, column)`: an address
    that cell's content links to, or None."""
    formats, tones = formats or {}, tones or {}

    def cell(index: int, column: str, value: Any) -> tuple[str, Any, bool]:
        if is_missing(value):
            return "", "", True
        kind = tones[column](value) if column in tones else ""
        kind = (marks(index, column, value) if marks else "") or kind
        content = formats[column](value) if column in formats else value
        href = links(index, column) if links else None
        if href:
            content = (  # a page of another tool opens beside the dashboard; the dashboard's own lists in place
                Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>')
                if href.startswith(("https://", "http://"))
                else Markup('<a class="ph-drill" href="{}" target="_self">{}</a>')
            ).format(href, content)
        return kind, content, False

    rows = [
        [cell(index, column, value) for column, value in zip(frame.columns, record, strict=True)]
        for index, record in enumerate(frame.itertuples(index=False))
    ]
    return render("table.html", head=list(frame.columns), rows=rows, css_class=css_class, no_data=NO_DATA, more=more)


def revisions_html(note: dict[str, Any] | None) -> str:
    """'Revised since the pack of 3 Nov 2026': the figures that moved since the month's last
    pack (revisions.note), or '' when none did or no pack was recorded."""
    return render("revisions.html", note=note) if note else ""


def changes_html(movements: list[Movement], against: str, meeting: bool = False, links: bool = True) -> str:
    """What changed: at most SHOWN sentences, each marked better or worse in a word and a sign
    (never colour alone) and, on the dashboard, a link to the page that shows it."""
    verdicts = {True: ("good", "✓ better"), False: ("bad", "✗ worse"), None: ("neutral", "• change")}
    items = [
        (
            *verdicts[movement.better],
            movement.sentence,
            movement.link + ("&mode=meeting" if meeting else "") if links else "",
        )
        for movement in movements[:SHOWN]
    ]
    more = len(movements) - SHOWN
    return render(
        "changes.html",
        items=items,
        against=against,
        meeting=meeting,
        more=plural(more, "smaller change") if more > 0 else "",
    )


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
        items.append((when, what))
    return render("events.html", items=items, meeting=meeting)


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
    return lambda v: f"±0{unit}" if round(v, 1) == 0 else f"{'▲' if v > 0 else '▼'} {v:+.1f}{unit}"


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
    drill_href: Callable[[str, str], str] | None = None,
) -> str:
    """The product-line table (tiles.product_line_table, or some of its columns): units in the
    cells; a cell off its product line's target marked (✗ and red); on the shared screen the
    catalogue's meeting columns and the lines with most tickets (the rest counted in a last line).
    `drill_href(path, line)`: the address of the rows behind a cell (its column's drill path, one
    product line); each number with a list links to it."""
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
            formats[headers[name]] = shown_as(path)
    paths = {headers[name]: name for name in shown.columns if better(name) != "neither"}
    lines = shown["product_line"].tolist()

    def marks(row: int, column: str, value: Any) -> str:
        path = paths.get(column)
        target = (targets_for(lines[row]) if targets_for and path else {}).get(path)
        return "missed" if target is not None and target_met(path, value, target) is False else ""

    drills = {
        headers[kpi.path_of(c.key)]: drill_path(kpi, c.key, c.drill)
        for kpi, c in table_columns()
        if kpi.path_of(c.key) in headers
    }

    def links(row: int, column: str) -> str | None:
        path = drills.get(column)
        return drill_href(path, lines[row]) if drill_href and path else None

    hidden = len(table) - len(shown)
    return table_html(
        shown.rename(columns=headers),
        formats,
        "ph-lines ph-meeting" if meeting else "ph-lines",
        tones,
        marks,
        more=f"and {hidden} more product lines: see the dashboard without meeting mode" if hidden else "",
        links=links,
    )
