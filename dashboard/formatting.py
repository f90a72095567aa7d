"""How numbers and periods are written, the same on the dashboard and in the meeting pack."""

from __future__ import annotations

import datetime as dt
import math
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


def delta(now: Any, before: Any, unit: str = "") -> str | None:
    if is_missing(now) or is_missing(before):
        return None
    change = now - before
    if isinstance(now, int) and isinstance(before, int):
        return f"{change:+,d}{unit}"
    return f"{change:+.1f}{unit}"


def period_label(filters: Filters) -> str:
    if filters.start.day == 1 and (filters.end + dt.timedelta(days=1)).day == 1 and filters.days <= 31:
        return filters.start.strftime("%B %Y")
    return f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}"
