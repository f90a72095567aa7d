"""Filters (a frozen dataclass) -> the bound parameters of the metrics queries. No streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from dashboard.errors import ProductHealthError
from dashboard.zones import check_zone

# Which hours the headline first-response and resolution medians count: all (calendar) or the
# open hours of the ticket's schedule (business; [[schedules]] in the settings).
BASES = ("calendar", "business")

# Bound as the product lines of a user who may see none: matches no row (an empty list means all).
NO_LINE = "\x00no product line"

# The sidebar's periods: the first four counted back from the data (preset_period), or picked.
PRESETS = ("Last month", "Last quarter", "Year to date", "Last 12 months", "Custom")


@dataclass(frozen=True)
class Filters:
    """A period of whole days [start, end] in `timezone`, and value filters (empty = all)."""

    start: dt.date
    end: dt.date
    timezone: str = "UTC"
    product_lines: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    basis: str = "calendar"  # the hours of the headline medians: calendar or business (see BASES)
    # The product lines this viewer may see ([access.product_lines]); None: every line (operators,
    # the command line, no such table). Queries read only these (params), whatever is chosen.
    allowed_lines: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_zone(self.timezone, "timezone")
        if self.allowed_lines is not None:
            outside = [line for line in self.product_lines if line not in self.allowed_lines]
            if outside:
                raise ProductHealthError(f"product line {', '.join(outside)} is not one you may see")
        if self.basis not in BASES:
            raise ProductHealthError(f"basis '{self.basis}' is not one of: {', '.join(BASES)}")
        if self.end < self.start:
            raise ProductHealthError(
                f"the period ends ({self.end}) before it starts ({self.start}); swap --from and --to"
            )

    @property
    def lines(self) -> tuple[str, ...]:
        """The product lines the queries read: the chosen ones, else (a restricted viewer) the
        allowed ones, else () for every line."""
        if self.product_lines or self.allowed_lines is None:
            return self.product_lines
        return self.allowed_lines or (NO_LINE,)

    @property
    def restricted(self) -> bool:
        return self.allowed_lines is not None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), ZoneInfo(self.timezone))

    @property
    def end_at(self) -> dt.datetime:
        """Exclusive end: midnight after the last day, in the reporting zone."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), ZoneInfo(self.timezone))

    @property
    def months(self) -> int:
        """How many whole calendar months the period is (October = 1, a quarter = 3); 0 when it
        does not start on a month's first day and end on a month's last day."""
        if self.start.day != 1 or (self.end + dt.timedelta(days=1)).day != 1:
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Filters:
        """What the period is compared with: the calendar month(s) before a period of whole
        months (October -> September, a quarter -> the quarter before), else the period of
        equal length just before it."""
        if self.months:
            return replace(self, start=months_back(self.start, self.months), end=self.start - dt.timedelta(days=1))
        end = self.start - dt.timedelta(days=1)
        return replace(self, start=end - dt.timedelta(days=self.days - 1), end=end)

    def year_ago(self) -> Filters:
        """The same days a year earlier (29 February -> 28 February; whole months stay whole)."""
        if self.months:
            return replace(
                self, start=months_back(self.start, 12), end=months_back(self.end, 11) - dt.timedelta(days=1)
            )
        return replace(self, start=_year_earlier(self.start), end=_year_earlier(self.end))

    def trailing_months(self, months: int = 12) -> Filters:
        """The `months` whole calendar months that end with this period's last month."""
        return replace(self, start=min(months_back(self.end, months - 1), self.start))

    def params(self) -> dict[str, Any]:
        """Every parameter a metric may name (db.bound passes each query the ones it uses);
        prev_*: the period it is compared with (previous())."""
        before = self.previous()
        return {
            "start_at": self.start_at,
            "end_at": self.end_at,
            "prev_start_at": before.start_at,
            "prev_end_at": before.end_at,
            "tz": self.timezone,
            "product_lines": list(self.lines),  # the one place filters become the lines a query reads
            "priorities": list(self.priorities),
            "channels": list(self.channels),
            "basis": self.basis,
        }


def months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` calendar months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_earlier(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last calendar month that ended before `today`."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def preset_period(preset: str, month: tuple[dt.date, dt.date], last_day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of a preset, counted back from the data (not the calendar): 'Last month' is
    `month` (Coverage.default_month), the others end with it; 'Year to date' ends on the
    data's last day."""
    start, end = month
    if preset == "Last quarter":
        past = end.month % 3  # months of an unfinished quarter
        end = months_back(end, past - 1) - dt.timedelta(days=1) if past else end
        start = months_back(end, 2)
    elif preset == "Year to date":
        start, end = last_day.replace(month=1, day=1), last_day
    elif preset == "Last 12 months":
        start = months_back(end, 11)
    return start, end
