"""How numbers and periods are written, the same on the dashboard and in the meeting pack."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from dashboard.filters import Filters


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def hours(value: Any) -> str:
    if is_missing(value):
        return "-"
    return f"{value * 60:.0f} min" if value < 1 else f"{value:.1f} h"


def days(value: Any) -> str:
    return "-" if is_missing(value) else f"{value:.0f} d"


def pct(value: Any) -> str:
    return "-" if is_missing(value) else f"{value:.1f} %"


def count(value: Any) -> str:
    return "-" if is_missing(value) else f"{int(value):,}"


def shown_as(path: str) -> Callable[[Any], str]:
    """How the number at a kpis JSON path is written, by its unit suffix: '4.0 h', '30.0 %', '12 d', '1,024'."""
    unit = path.rsplit(".", 1)[-1]
    return hours if unit.endswith("_hours") else pct if unit.endswith("_pct") else days if "days" in unit else count


def change_unit(path: str) -> str:
    """The unit of a change of that number: '+0.7 h', '+2.1 pts', '+3 d', '+12'."""
    shown = shown_as(path)
    return {hours: " h", pct: " pts", days: " d"}.get(shown, "")


def period_label(filters: Filters) -> str:
    """'October 2026', 'July – September 2026', 'November 2025 – October 2026', or the days
    ('3 Oct – 16 Oct 2026') for a period that is not whole months."""
    start, end = filters.start, filters.end
    if filters.months == 1:
        return f"{start:%B %Y}"
    if filters.months:
        return f"{start:%B} – {end:%B %Y}" if start.year == end.year else f"{start:%B %Y} – {end:%B %Y}"
    if start == end:
        return f"{start.day} {start:%b %Y}"
    first = f"{start.day} {start:%b}" if start.year == end.year else f"{start.day} {start:%b %Y}"
    return f"{first} – {end.day} {end:%b %Y}"


def short_period_label(filters: Filters) -> str:
    """For a delta's 'vs ...': 'Sep 2026', 'Jul – Sep 2026', 'Nov 2024 – Oct 2025', else
    period_label."""
    start, end = filters.start, filters.end
    if filters.months == 1:
        return f"{start:%b %Y}"
    if filters.months and start.year == end.year:
        return f"{start:%b} – {end:%b %Y}"
    if filters.months:
        return f"{start:%b %Y} – {end:%b %Y}"
    return period_label(filters)


def when(iso: str | None) -> str:
    """An ISO timestamp as people write it: '1 November 2026, 00:57 UTC'."""
    if not iso:
        return "no data"
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def iso_utc(value: Any) -> str | None:
    """An instant as ISO 8601 in UTC to the second, 'Z' for the zone ('2026-11-03T14:00:00Z');
    None for none. A naive value is taken as UTC."""
    if value is None or value != value:  # None, NaT
        return None
    moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def plural(number: int, word: str, words: str | None = None) -> str:
    """'1 file', '2 files', '1,024 tickets'."""
    return f"{number:,} {word if number == 1 else (words or word + 's')}"
