"""The HTML parts come from autoescaping templates: a text from an export (a product line, an
event label, a bug title, a status) is text, never markup, in every part."""

from __future__ import annotations

import html

import pandas as pd
import pytest
from markupsafe import Markup

from dashboard.changes import Movement
from dashboard.htmlparts import changes_html, events_html, link, product_line_html, table_html, tiles_html
from dashboard.tiles import Change, Tile

HOSTILE = ["<script>alert(1)</script>", '"onmouseover=alert(1) x="']


def _tile(text: str) -> Tile:
    change = Change("+1", text, "bad")
    return Tile(text, text, "lower", change, caption=text, target=text, met=False)


def _movement(text: str) -> Movement:
    return Movement("first_response.median_hours", text, 1.0, 2.0, 100.0, False, text, "/first_response", "?x=1")


def _parts(text: str) -> list[str]:
    table = pd.DataFrame({"product_line": [text], "tickets_created": [3]})
    event = {"date": "2026-08-01", "end_date": None, "label": text, "product_line": text}
    return [
        tiles_html([_tile(text)], {text: [1.0, 2.0]}, meeting=True),
        product_line_html(table),
        changes_html([_movement(text)], text),
        changes_html([], text),
        events_html([event]),
        table_html(pd.DataFrame({"Title": [text], "Status": [text]})),
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_from_an_export_is_escaped_in_every_part(text: str) -> None:
    for part in _parts(text):
        assert "<script" not in part and '"onmouseover' not in part  # neither a tag nor an attribute
        assert text in html.unescape(part)  # but shown, as text


def test_a_part_is_a_plain_string_so_adding_it_to_a_style_keeps_the_style() -> None:
    part = events_html([{"date": "2026-08-01", "end_date": None, "label": "v3", "product_line": None}])
    assert type(part) is str and ("<style>p {}</style>" + part).startswith("<style>")


def test_a_formatter_returns_markup_to_keep_it_and_text_to_escape_it() -> None:
    frame = pd.DataFrame({"Link": ["https://example.com/?a=1&b=2", "javascript:alert(1)"], "Note": ["<i>", "x"]})
    out = table_html(frame, {"Link": link, "Note": lambda v: f"{v}!"})
    assert '<a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer">open</a>' in out
    assert "<td>-</td>" in out and "javascript:" not in out and "<td>&lt;i&gt;!</td>" in out
    assert isinstance(link("https://example.com"), Markup)


def test_a_tile_keeps_its_label_and_value_tags_together() -> None:
    out = tiles_html([Tile("Tickets created", "765")], {})
    assert '<div class="ph-tile" data-label="Tickets created"><div class="ph-label">Tickets created</div>' in out
    assert '</div><div class="ph-value">765</div>' in out
