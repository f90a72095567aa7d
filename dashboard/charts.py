"""DataFrame -> plotly Figure. No st.* calls; every chart aggregates in SQL first."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard.catalogue import Kpi, target_text
from dashboard.frames import totals

# Each >= 3:1 on white (orange-600, yellow-700: the 500 tones were 2.8 and 2.9:1); ON_DARK has their dark half.
PALETTE = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#a16207", "#db2777")


def _layout(fig: go.Figure, title: str, y_title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        yaxis={"title": y_title, "automargin": True},
        xaxis={"automargin": True},
        hovermode="x unified",
    )
    return fig


def _by_month(fig: go.Figure) -> go.Figure:
    """A monthly x axis labelled by month ('Oct 2026'), one tick a month."""
    fig.update_xaxes(dtick="M1", tickformat="%b<br>%Y", tickangle=0)
    return fig


def target_line(fig: go.Figure, value: float | None, label: str, yref: str = "y") -> go.Figure:
    """The target as a dashed line across the chart, labelled ('target ≤ 4.0 h')."""
    if value is None:
        return fig
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref=yref,
        y0=value,
        y1=value,
        line={"color": "#b91c1c", "width": 2, "dash": "dash"},
    )
    fig.add_annotation(
        xref="paper",
        x=0,
        yref=yref,
        y=value,
        text=f"target {label}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"color": "#b91c1c"},
    )
    return fig


EVENT_COLOR = "#4b5563"


def plain(text: str) -> str:
    """Text from exports or settings for a chart: plotly reads <b>, <a href> and the like in
    labels as markup, so the characters that start markup are written as entities."""
    return html.escape(str(text), quote=False)


EVENTS_DRAWN = 40  # more would hide the data; the rest are counted in a note
EVENTS_LABELLED = 12


def events(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Launches, incidents and campaigns on a monthly chart: a dotted line on the day, a band
    over a span (to the end of its last day), the label at the top. Only the events inside the
    chart's months; a product line's event is labelled with it. Shapes are set in one layout
    update (one add_shape per event slows plotly down with the square of their number)."""
    months = [pd.Timestamp(x) for trace in fig.data for x in (trace.x if trace.x is not None else ())]
    if frame is None or frame.empty or not months:
        return fig
    first, after = min(months), max(months) + pd.offsets.MonthBegin(1)
    shapes: list[dict] = []
    notes: list[dict] = []
    inside = 0
    for row in frame.itertuples():
        start = pd.Timestamp(row.start_date)
        end = pd.Timestamp(row.end_date) + pd.Timedelta(days=1) if not pd.isna(row.end_date) else None
        if start >= after or (end or start + pd.Timedelta(days=1)) <= first:
            continue
        inside += 1
        if inside > EVENTS_DRAWN:
            continue
        common = {"xref": "x", "yref": "paper", "y0": 0, "y1": 1}
        if end is not None:
            shapes.append(
                common
                | {"type": "rect", "x0": max(start, first), "x1": min(end, after), "fillcolor": EVENT_COLOR}
                | {"opacity": 0.12, "line": {"width": 0}, "layer": "below"}
            )
        if start >= first:
            shapes.append(
                common
                | {"type": "line", "x0": start, "x1": start, "line": {"color": EVENT_COLOR, "width": 2, "dash": "dot"}}
            )
        if inside > EVENTS_LABELLED:
            continue
        label = row.label if pd.isna(row.product_line) else f"{row.product_line}: {row.label}"
        # In the chart's last third the label reads leftwards, so it never widens the axis.
        late = max(start, first) > first + (after - first) * 2 / 3
        notes.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": max(start, first),
                "y": 1 - 0.1 * ((inside - 1) % 3),
                "text": plain(label),
                "showarrow": False,
                "xanchor": "right" if late else "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"color": EVENT_COLOR},
                "xshift": -3 if late else 3,
            }
        )
    if inside > EVENTS_LABELLED:
        more = f"{inside - EVENTS_LABELLED} more events" + (
            f", {inside - EVENTS_DRAWN} not drawn" if inside > EVENTS_DRAWN else ""
        )
        notes.append(
            {"xref": "paper", "yref": "paper", "x": 1, "y": 0, "text": more, "showarrow": False, "xanchor": "right"}
            | {"yanchor": "bottom", "font": {"color": EVENT_COLOR, "size": 12}}
        )
    fig.update_layout(shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes])
    return fig


def has_data(fig: go.Figure) -> bool:
    """Whether a chart has anything to draw: a value that is not missing (bars: not zero)."""
    for trace in fig.data:
        values = [v for v in (trace.y if trace.y is not None else ()) if v is not None and v == v]
        if any(v != 0 for v in values) or (values and trace.type != "bar"):
            return True
    return False


def for_the_room(fig: go.Figure, height: int, dark: bool = False) -> go.Figure:
    """Meeting mode: type readable from the back of the room, the chart fitted to the screen;
    the p90 lines (legend-only toggles nobody clicks on a shared screen) left out. `dark`: on the
    dark page, no white panel: a clear background, light type and a grid that still shows."""
    fig.data = [trace for trace in fig.data if trace.visible != "legendonly"]
    fig.update_layout(
        template="plotly_dark" if dark else "plotly_white",
        font={"size": 19, "color": ON_DARK["#111827"] if dark else "#111827"},
        title_font_size=24,
        legend_font_size=19,
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    if dark:
        fig.update_layout(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
        fig.update_xaxes(gridcolor=DARK_GRID, linecolor=DARK_GRID, zerolinecolor=DARK_GRID)
        fig.update_yaxes(gridcolor=DARK_GRID, linecolor=DARK_GRID, zerolinecolor=DARK_GRID)
    fig.update_xaxes(tickfont_size=16)
    return fig


# The dark scheme's half of every colour this module draws with: a lighter tone of the same hue,
# so a series keeps its colour's name and reads on a dark page (each >= 3:1 on Streamlit's dark page, #171614).
ON_DARK = {
    "#2563eb": "#60a5fa",
    "#ea580c": "#fb923c",
    "#16a34a": "#4ade80",
    "#9333ea": "#c084fc",
    "#dc2626": "#f87171",
    "#0891b2": "#22d3ee",
    "#a16207": "#facc15",
    "#db2777": "#f472b6",
    "#111827": "#f3f4f6",  # the total line, the deflection rate
    "#b91c1c": "#fca5a5",  # the target line and its label
    EVENT_COLOR: "#b6bcc6",
    "rgba(255,255,255,0.85)": "rgba(23,22,20,0.85)",  # behind an event's label: Streamlit's dark page
}
DARK_GRID = "#3b3d42"


def for_dark(fig: go.Figure) -> go.Figure:
    """The chart for a dark page: each colour of this module swapped for its dark half (ON_DARK);
    the template (Streamlit's, or for_the_room's) sets the background, grid and type."""

    def swap(value: object) -> object:
        return ON_DARK.get(value, value) if isinstance(value, str) else value

    for trace in fig.data:
        if getattr(trace, "line", None) is not None and trace.line.color is not None:
            trace.line.color = swap(trace.line.color)
        if getattr(trace, "marker", None) is not None and isinstance(trace.marker.color, str):
            trace.marker.color = swap(trace.marker.color)
    for shape in fig.layout.shapes:
        shape.line.color, shape.fillcolor = swap(shape.line.color), swap(shape.fillcolor)
    for note in fig.layout.annotations:
        note.font.color, note.bgcolor = swap(note.font.color), swap(note.bgcolor)
    return fig


def trend(
    frame: pd.DataFrame, median: str, p90: str | None, title: str, y_title: str, series: str = "median"
) -> go.Figure:
    """Monthly median (solid) and p90 (dotted) per product line; the total in black.
    `series` names the solid line in the legend (empty for a plain value such as a share)."""
    fig = go.Figure()
    lines = [None] + sorted(frame["product_line"].dropna().unique().tolist())
    for index, line in enumerate(lines):
        part = frame[frame["product_line"].isna()] if line is None else frame[frame["product_line"] == line]
        name = "All product lines" if line is None else str(line)
        color = "#111827" if line is None else PALETTE[(index - 1) % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=part["month_start"],
                y=part[median],
                name=plain(f"{name} {series}".strip()),
                mode="lines+markers",
                meta={"line": line},
                line={"color": color, "width": 3 if line is None else 2},
            )
        )
        if p90:
            fig.add_trace(
                go.Scatter(
                    x=part["month_start"],
                    y=part[p90],
                    name=plain(f"{name} p90"),
                    mode="lines",
                    line={"color": color, "dash": "dot", "width": 1},
                    visible="legendonly",
                )
            )
    return _by_month(_layout(fig, title, y_title))


def buckets(labels: list[str], counts: list[int], title: str, y_title: str = "tickets") -> go.Figure:
    fig = go.Figure(go.Bar(x=labels, y=counts, marker_color=PALETTE[0], text=counts, textposition="outside"))
    return _layout(fig, title, y_title, height=320)


def bars_by_month(frame: pd.DataFrame, columns: dict[str, str], title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for index, (column, name) in enumerate(columns.items()):
        fig.add_trace(
            go.Bar(
                x=frame["month_start"], y=frame[column], name=name, marker_color=PALETTE[index], meta={"column": column}
            )
        )
    fig.update_layout(barmode="group")
    return _by_month(_layout(fig, title, y_title))


def deflection(frame: pd.DataFrame) -> go.Figure:
    """Rate (line, right axis) over the volumes behind it (bars)."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=frame["month_start"],
            y=frame["self_service_resolved"],
            name="Resolved in self-service",
            marker_color=PALETTE[2],
            meta={"column": "self_service_resolved"},
        )
    )
    fig.add_trace(
        go.Bar(
            x=frame["month_start"],
            y=frame["tickets_created"],
            name="Tickets created",
            marker_color=PALETTE[0],
            meta={"column": "tickets_created"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month_start"],
            y=frame["rate_pct"],
            name="Deflection rate %",
            yaxis="y2",
            meta={"column": "rate_pct"},
            mode="lines+markers",
            line={"color": "#111827", "width": 3},
        )
    )
    fig.update_layout(
        barmode="stack",
        yaxis2={"overlaying": "y", "side": "right", "title": "%", "rangemode": "tozero", "tickformat": ".0f"},
    )
    return _by_month(_layout(fig, "Deflection rate and the volumes behind it", "sessions / tickets"))


def kpi_chart(kpi: Kpi, months: pd.DataFrame, targets: dict[str, float]) -> go.Figure:
    """A KPI's monthly chart as the catalogue declares it (Kpi.chart), from its 12-month trend,
    with its target as a dashed line where the settings set one."""
    spec = kpi.chart
    if spec is None:
        raise ValueError(f"{kpi.name} declares no chart")
    if spec.kind == "line":
        fig = trend(months, spec.value, spec.p90, spec.title, spec.axis, series=spec.series)
    elif spec.kind == "bars":
        fig = bars_by_month(totals(months), dict(spec.bars), spec.title, spec.axis)
    else:
        fig = deflection(totals(months))
    path = kpi.path_of(spec.target) if spec.target else None
    if path in targets:
        target_line(fig, targets[path], target_text(path, targets[path]), spec.target_axis)
    return fig
