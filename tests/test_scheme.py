"""The two colour schemes: the project's CSS palette and the charts' dark half, checked for contrast
by WCAG 2 relative luminance (the browser test measures the pages themselves)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from dashboard import charts
from dashboard.htmlparts import STYLE

STREAMLIT_BACKGROUND = {"light": "#ffffff", "dark": "#171614"}  # Streamlit 1.67's page, light and dark


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette() -> dict[str, dict[str, str]]:
    """style.css's variables: {'light': {'--ph-text': '#374151', ...}, 'dark': {...}}."""
    pairs = re.findall(r"(--ph-[a-z-]+): light-dark\((#[0-9a-f]{6}), (#[0-9a-f]{6})\)", STYLE)
    return {"light": {n: a for n, a, _ in pairs}, "dark": {n: b for n, _, b in pairs}}


def test_the_css_takes_every_colour_from_the_scheme_palette() -> None:
    rules = STYLE.split("}", 1)[1]  # after the :root block of variables
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", rules)
    assert set(palette()["light"]) == set(palette()["dark"]) and len(palette()["dark"]) >= 10


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("text", ["--ph-strong", "--ph-text", "--ph-muted", "--ph-faint", "--ph-good", "--ph-bad"])
@pytest.mark.parametrize("background", ["--ph-box", "--ph-head", "--ph-warn-box", "page"])
def test_every_text_colour_reads_at_4_5_to_1_on_every_background(scheme: str, text: str, background: str) -> None:
    colours = palette()[scheme]
    behind = STREAMLIT_BACKGROUND[scheme] if background == "page" else colours[background]
    assert contrast(colours[text], behind) >= 4.5


def test_the_dark_page_has_no_light_box() -> None:
    for name in ("--ph-box", "--ph-head", "--ph-warn-box"):
        assert luminance(palette()["dark"][name]) < 0.05


@pytest.mark.parametrize("light, dark", list(charts.ON_DARK.items())[:-1])
def test_each_chart_colour_has_a_dark_half_that_reads_on_the_dark_page(light: str, dark: str) -> None:
    assert contrast(dark, STREAMLIT_BACKGROUND["dark"]) >= 3  # lines, bars, marks: 3:1 as graphics
    assert contrast(light, STREAMLIT_BACKGROUND["light"]) >= 3


def test_the_target_line_and_event_labels_are_text_at_4_5_to_1_in_both() -> None:
    for light in ("#b91c1c", charts.EVENT_COLOR, "#111827"):
        assert contrast(light, STREAMLIT_BACKGROUND["light"]) >= 4.5
        assert contrast(charts.ON_DARK[light], STREAMLIT_BACKGROUND["dark"]) >= 4.5


def _figure() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], line={"color": "#111827"}))
    fig.add_trace(go.Bar(x=[1, 2], y=[1, 2], marker_color=charts.PALETTE[0]))
    charts.target_line(fig, 3.5, "≤ 3.5 h")
    fig.add_shape(type="rect", x0=1, x1=2, y0=0, y1=1, fillcolor=charts.EVENT_COLOR)
    return fig


def test_a_chart_on_the_dark_page_swaps_each_colour_for_its_dark_half() -> None:
    fig = charts.for_dark(_figure())
    assert fig.data[0].line.color == "#f3f4f6" and fig.data[1].marker.color == "#60a5fa"
    assert fig.layout.shapes[0].line.color == "#fca5a5" and fig.layout.annotations[0].font.color == "#fca5a5"
    assert fig.layout.shapes[1].fillcolor == charts.ON_DARK[charts.EVENT_COLOR]


def test_a_light_chart_keeps_its_colours() -> None:
    fig = _figure()
    assert fig.data[0].line.color == "#111827" and fig.layout.shapes[0].line.color == "#b91c1c"


def test_meeting_mode_draws_no_white_panel_on_the_dark_page() -> None:
    dark = charts.for_the_room(charts.for_dark(_figure()), 400, dark=True)
    assert dark.layout.paper_bgcolor == "rgba(0,0,0,0)" and dark.layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert luminance(dark.layout.font.color) > 0.8 and dark.layout.xaxis.gridcolor == charts.DARK_GRID
    light = charts.for_the_room(_figure(), 400)
    assert light.layout.font.color == "#111827" and light.layout.paper_bgcolor is None
