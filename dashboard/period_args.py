"""The days and months the command line is given (--from, --to, --month): each checked as written,
as a day of the calendar, within the years the dashboard reads and against the data, with one
clear error (ProductHealthError: exit 2, no traceback). No DuckDB and no streamlit here."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING

from dashboard.errors import ProductHealthError
from dashboard.filters import months_back

if TYPE_CHECKING:
    from dashboard.metrics import Coverage

EARLIEST = dt.date(1990, 1, 1)  # as the app's links (?from=): no help desk exported before
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def shown(text: str) -> str:
    """A value as typed, on one printable line: control characters as escapes, at most 40."""
    cut = text[:40].encode("unicode_escape").decode("ascii")
    return f"'{cut}'" + ("…" if len(text) > 40 else "")


def latest(today: dt.date) -> dt.date:
    """The last day a period may reach: the end of next year (a period may run past today)."""
    return dt.date(today.year + 1, 12, 31)


def _year(year: int, text: str, what: str, today: dt.date) -> int:
    if not EARLIEST.year <= year <= latest(today).year:
        raise ProductHealthError(
            f"{what} {shown(text)} is outside the years the dashboard reads ({EARLIEST.year} to {latest(today).year})"
        )
    return year


def day(text: str, what: str, today: dt.date) -> dt.date:
    """A day written YYYY-MM-DD (no other ISO form: '20261001' or '2026-W40-1' are refused)."""
    match = _DAY.fullmatch(text)
    if match is None:
        raise ProductHealthError(f"{what} {shown(text)} is not a date in the form YYYY-MM-DD")
    year, number, day_number = (int(part) for part in match.groups())
    if not 1 <= number <= 12:
        raise ProductHealthError(f"{what} {shown(text)} is not a date: there is no month {number:02d}")
    _year(year, text, what, today)
    length = calendar.monthrange(year, number)[1]
    if not 1 <= day_number <= length:
        raise ProductHealthError(
            f"{what} {shown(text)} is not a day of the calendar: {year:04d}-{number:02d} has {length} days"
        )
    return dt.date(year, number, day_number)


def month(text: str, what: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """A calendar month written YYYY-MM: its first and last day."""
    match = _MONTH.fullmatch(text)
    if match is None:
        raise ProductHealthError(f"{what} {shown(text)} is not a month in the form YYYY-MM")
    year, number = (int(part) for part in match.groups())
    if not 1 <= number <= 12:
        raise ProductHealthError(f"{what} {shown(text)} is not a month: there is no month {number:02d}")
    first = dt.date(_year(year, text, what, today), number, 1)
    return first, months_back(first, -1) - dt.timedelta(days=1)


def in_the_data(start: dt.date, end: dt.date, spans: Coverage) -> None:
    """A period that misses every day of the data is a mistake to report, not an empty answer
    (a folder with no data at all answers with its empty figures)."""
    first, last = spans.first_day, spans.last_day
    if first is None or last is None or (start <= last and end >= first):
        return
    raise ProductHealthError(
        f"the period {start} to {end} has no data: the exports cover {first} to {last}; "
        "choose days inside them (`product-health check` lists each file's days)"
    )


def period(raw_start: str | None, raw_end: str | None, spans: Coverage, today: dt.date) -> tuple[dt.date, dt.date]:
    """--from and --to as a period of whole days; a missing side from the data's last calendar
    month (Coverage.default_month)."""
    start = day(raw_start, "--from", today) if raw_start is not None else None
    end = day(raw_end, "--to", today) if raw_end is not None else None
    if start is None or end is None:
        default = spans.default_month(today)
        if start is None and end is not None and end < default[0]:
            raise ProductHealthError(
                f"--to {end} is before {default[0]}, where the period starts when --from is not given "
                "(the data's last month); give --from too"
            )
        if end is None and start is not None and start > default[1]:
            raise ProductHealthError(
                f"--from {start} is after {default[1]}, where the period ends when --to is not given "
                "(the data's last month); give --to too"
            )
        start, end = start or default[0], end or default[1]
    if end < start:
        raise ProductHealthError(f"the period ends ({end}) before it starts ({start}); swap --from and --to")
    in_the_data(start, end, spans)
    return start, end
