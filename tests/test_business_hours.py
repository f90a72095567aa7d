"""Business hours, SLA attainment, the backlog and CSAT against cases computed by hand, and
business durations and SLA deadlines against a plain-Python implementation."""

from __future__ import annotations

import csv
import datetime as dt
import json
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.metrics import kpis, period_summary
from dashboard.settings import load_settings
from dashboard.store import open_warehouse
from tests.conftest import REAL_EXPORTS

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC

CUSTOM = """
[[custom]]
name = "desk"
timezone = "Europe/Berlin"
[custom.columns]
ticket_id = "id"
created_at = "created"
first_response_at = "replied"
solved_at = "solved"
priority = "priority"
product_line = "line"
"""

SCHEDULES = """
[[schedules]]
name = "eu-support"
timezone = "Europe/Berlin"
holidays = ["2025-12-25", "2025-12-26", "2026-01-01"]

[schedules.hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-13:00", "14:00-17:00"]

[[schedules]]
name = "sundays"
timezone = "Europe/Berlin"
product_lines = ["Night"]
hours = { sun = ["00:00-24:00"] }
"""


def sla_table(basis: str) -> str:
    return f"""
[sla]
basis = "{basis}"
first_response_hours = {{ urgent = 1, high = 4, default = 8 }}
resolution_hours = {{ default = 16 }}
"""


# Berlin wall times. Line A uses the default schedule (Mon-Thu 9-17, Fri 9-13 and 14-17,
# holidays 25 and 26 December and 1 January); line Night is open on Sundays only, all day.
DURATIONS = """
id,created,replied,solved,priority,line
overnight,2025-12-01 16:00,2025-12-02 10:00,,low,A
weekend,2025-12-05 16:00,2025-12-08 10:00,,low,A
holiday,2025-12-24 16:00,2025-12-29 10:00,,low,A
split shift,2025-12-05 12:00,2025-12-05 15:00,,low,A
before opening,2025-12-02 07:00,2025-12-02 09:30,,low,A
on saturday,2025-12-06 10:00,2025-12-08 09:15,,low,A
reply on a holiday,2025-12-24 16:30,2025-12-25 11:00,2025-12-29 09:30,low,A
spring across the change,2026-03-27 16:00,2026-03-30 10:00,,low,A
spring sunday,2026-03-28 23:00,2026-03-30 01:00,,low,Night
autumn sunday,2026-10-24 23:00,2026-10-26 01:00,,low,Night
"""
EXPECTED_HOURS = {
    "overnight": 2.0,  # 16-17 Monday, 9-10 Tuesday
    "weekend": 2.0,  # 16-17 Friday, 9-10 Monday
    "holiday": 2.0,  # 16-17 on the 24th; the 25th and 26th closed, a weekend; 9-10 Monday
    "split shift": 2.0,  # Friday 12-13 and 14-15 (the lunch break 13-14 is closed)
    "before opening": 0.5,  # 9:00-9:30
    "on saturday": 0.25,  # Monday 9:00-9:15
    "reply on a holiday": 0.5,  # 16:30-17:00 on the 24th, nothing on the 25th
    "spring across the change": 2.0,  # still 16-17 Friday and 9-10 Monday, in summer time on Monday
    "spring sunday": 23.0,  # 29 March 2026: the clocks skip 2:00-3:00, the day has 23 hours
    "autumn sunday": 25.0,  # 25 October 2026: 2:00-3:00 twice, the day has 25 hours
}

# SLA and backlog: December 2025 in Berlin; targets first reply urgent 1 h, high 4 h, else 8 h;
# solve 16 h. The period ends 2026-01-01 00:00 Berlin.
SLA_TICKETS = """
id,created,replied,solved,priority,line
1,2025-12-01 16:30,2025-12-02 09:20,2025-12-02 12:00,urgent,A
2,2025-12-01 16:30,2025-12-02 09:45,,urgent,A
3,2025-12-31 15:00,,,high,A
4,2025-12-29 09:00,,,normal,A
5,2025-12-31 16:30,2026-01-02 09:10,,urgent,A
6,2025-11-30 10:00,,,low,A
7,2025-12-31 23:30,,,urgent,A
"""
DECEMBER = Filters(dt.date(2025, 12, 1), dt.date(2025, 12, 31), "Europe/Berlin")


def _folder(tmp_path: Path, toml: str, files: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "health.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def business(tmp_path_factory):
    folder = _folder(
        tmp_path_factory.mktemp("business"),
        'timezone = "Europe/Berlin"\n' + CUSTOM + SCHEDULES + sla_table("business"),
        {"durations.csv": DURATIONS, "sla.csv": SLA_TICKETS},
    )
    warehouse, report = open_warehouse(folder, persist=False)
    assert not report.failed, report.as_dict()
    return warehouse


def _ticket(warehouse, ticket_id: str) -> dict:
    frame = warehouse.sql("select * from fct_tickets where ticket_id = $id", {"id": ticket_id})
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


@pytest.mark.parametrize(("ticket_id", "hours"), EXPECTED_HOURS.items())
def test_business_duration_of_the_first_reply_by_hand(business, ticket_id: str, hours: float) -> None:
    assert _ticket(business, ticket_id)["first_response_business_hours"] == pytest.approx(hours, abs=1e-9)


def test_business_duration_of_the_solve_skips_the_holidays_and_the_weekend(business) -> None:
    # 16:30-17:00 on the 24th, 25th and 26th holidays, weekend, 9:00-9:30 Monday the 29th
    assert _ticket(business, "reply on a holiday")["resolution_business_hours"] == pytest.approx(1.0)
    assert pd_isna(_ticket(business, "overnight")["resolution_business_hours"])  # not solved


def pd_isna(value) -> bool:
    return value is None or value != value


@pytest.mark.parametrize(
    ("ticket_id", "first_due", "solve_due"),
    [
        ("1", "2025-12-02 09:30", "2025-12-03 16:30"),  # 30 min Monday + 30 min Tuesday; 16 h: to Wednesday
        ("3", "2026-01-02 11:00", "2026-01-05 16:00"),  # 2 h on the 31st, New Year closed, 2 h on Friday
        ("4", "2025-12-29 17:00", "2025-12-30 17:00"),  # 'normal' has no target of its own: the default 8 h
        ("7", "2026-01-02 10:00", "2026-01-06 10:00"),  # created after closing: the clock starts on the 2nd
    ],
)
def test_business_deadlines_by_hand(business, ticket_id: str, first_due: str, solve_due: str) -> None:
    row = _ticket(business, ticket_id)
    local = lambda value: value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    assert (local(row["first_response_due_at"]), local(row["resolution_due_at"])) == (first_due, solve_due)


def test_sla_met_and_breached_as_the_data_knows_it_by_hand(business) -> None:
    sla = period_summary(business, DECEMBER)["sla"]
    # The data's cut-off is its latest instant, the 'autumn sunday' reply on 26 October 2026
    # (custom CSV: no update times), after every December deadline: nothing is pending.
    # first reply: 1 met (9:20 <= 9:30); 5 met (9:10 on 2 January, due 9:30: after the period's
    # end, in time); 2 breached (9:45 > 9:30); 3, 4, 7 breached (no reply; due 2 January 11:00,
    # 29 December 17:00, 2 January 10:00); 6 was created in November. Durations tickets created
    # in December: their 8 h 'low' targets are all met (replied within 2 h of business time) or,
    # for 'reply on a holiday', met too.
    created = {"overnight", "weekend", "holiday", "split shift", "before opening", "on saturday", "reply on a holiday"}
    assert sla["first_response"] == {
        "met": 2 + len(created),
        "breached": 4,
        "pending": 0,
        "met_pct": pytest.approx(100 * (2 + len(created)) / (6 + len(created)), abs=1e-3),
    }
    assert sla["basis"] == "business"


def test_sla_on_sla_tickets_only(business) -> None:
    only_a = Filters(DECEMBER.start, DECEMBER.end, DECEMBER.timezone, priorities=("urgent", "high", "normal"))
    sla = period_summary(business, only_a)["sla"]
    assert sla["first_response"] == {"met": 2, "breached": 4, "pending": 0, "met_pct": pytest.approx(100 / 3, abs=1e-3)}
    # solve: 1 met (solved Tuesday 12:00, due Wednesday); 2 and 4 breached (due 3 and 30 Dec);
    # 3, 5, 7 breached (not solved; due 5, 6 and 6 January, before the cut-off)
    assert sla["resolution"] == {"met": 1, "breached": 5, "pending": 0, "met_pct": pytest.approx(100 / 6, abs=1e-3)}


def test_calendar_basis_counts_every_hour(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, 'timezone = "Europe/Berlin"\n' + CUSTOM + SCHEDULES + sla_table("calendar"), {"sla.csv": SLA_TICKETS}
    )
    warehouse, _ = open_warehouse(folder, persist=False)
    sla = period_summary(warehouse, DECEMBER)["sla"]
    # The cut-off is 5's reply, 9:10 on 2 January. 1 h after 16:30 is 17:30: 1 and 2 breached;
    # 3 due 19:00 on the 31st, 4 on the 29th, 5 at 17:30 on the 31st: breached; 7 due 00:30 on
    # 1 January, after the period's end but before the cut-off: breached too
    assert sla["first_response"] == {"met": 0, "breached": 6, "pending": 0, "met_pct": 0.0}
    # solve within 16 h: 1 (solved 12:00, due 8:30 Tuesday), 2 and 4 (due 1:00 on the 30th)
    # breached; 3 (due 7:00 on 1 January), 5 (8:30) and 7 (15:30) before the cut-off: breached
    assert sla["resolution"] == {"met": 0, "breached": 6, "pending": 0, "met_pct": 0.0}
    assert sla["basis"] == "calendar"


def test_backlog_at_the_period_end_by_hand(business) -> None:
    # open at 2026-01-01 00:00 Berlin among the urgent, high and normal tickets: 2, 3, 4, 5, 7
    # (1 was solved; 6 is 'low'), aged 30.3125, 0.375, 2.625, 0.3125 and 0.0208 days
    sla_only = Filters(DECEMBER.start, DECEMBER.end, DECEMBER.timezone, priorities=("urgent", "high", "normal"))
    backlog = period_summary(business, sla_only)["backlog"]
    assert backlog["open_at_end"] == 5  # 2, 3, 4, 5, 7 (6 is 'low')
    assert backlog["median_age_days"] == pytest.approx(0.375, abs=1e-6)  # 0.0208, 0.3125, 0.375, 2.625, 30.3125


def test_backlog_counts_a_ticket_solved_exactly_at_the_end_as_open_and_created_vs_solved_per_month(
    load_files,
) -> None:
    warehouse, _ = load_files(
        {
            "tickets.csv": """
            Id,Status,Created at,Solved at,First reply time in minutes
            1,Solved,2024-01-10 10:00:00,2024-02-01 00:00:00,5
            2,Solved,2024-01-20 10:00:00,2024-01-25 10:00:00,5
            3,Open,2024-02-10 10:00:00,,
            4,Closed,2024-02-11 10:00:00,2024-02-12 10:00:00,5
            5,Solved,2024-01-05 10:00:00,,5
            """
        }
    )
    january = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    backlog = period_summary(warehouse, january)["backlog"]
    assert (backlog["open_at_end"], backlog["median_age_days"]) == (
        1,
        pytest.approx(21 + 14 / 24, abs=1e-4),
    )  # ticket 1
    trend = warehouse.query("metrics/backlog_trend", Filters(dt.date(2024, 1, 1), dt.date(2024, 2, 29)).params()).query(
        "product_line.isna()"
    )
    # 5 is solved without a solve time: closed (at its creation, the export's last word), not open
    assert trend[["created", "solved", "open_at_end"]].values.tolist() == [[3, 1, 1], [2, 2, 1]]


def test_csat_counts_good_bad_and_1_to_5_ratings_of_tickets_solved_in_the_period(load_files) -> None:
    warehouse, _ = load_files(
        {
            "tickets.csv": """
            Id,Status,Created at,Solved at,Satisfaction Score,First reply time in minutes
            1,Solved,2024-03-01 10:00:00,2024-03-02 10:00:00,Good,5
            2,Solved,2024-03-01 10:00:00,2024-03-02 10:00:00,Bad,5
            3,Closed,2024-03-01 10:00:00,2024-03-02 10:00:00,5,5
            4,Closed,2024-03-01 10:00:00,2024-03-02 10:00:00,3,5
            5,Closed,2024-03-01 10:00:00,2024-03-02 10:00:00,Offered,5
            6,Closed,2024-03-01 10:00:00,2024-03-02 10:00:00,,5
            7,Open,2024-03-01 10:00:00,,5,5
            8,Solved,2024-02-01 10:00:00,2024-02-02 10:00:00,4,5
            """,
            "incremental.json": json.dumps(
                {
                    "tickets": [
                        {
                            "id": 101,
                            "created_at": "2024-03-05T10:00:00Z",
                            "status": "solved",
                            "satisfaction_rating": {"score": "good"},
                        },
                        {
                            "id": 102,
                            "created_at": "2024-03-05T10:00:00Z",
                            "status": "solved",
                            "satisfaction_rating": {"score": "unoffered"},
                        },
                    ],
                    "metric_sets": [
                        {"ticket_id": 101, "solved_at": "2024-03-06T10:00:00Z"},
                        {"ticket_id": 102, "solved_at": "2024-03-06T10:00:00Z"},
                    ],
                }
            ),
        }
    )
    csat = period_summary(warehouse, Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))["csat"]
    # rated and solved in March: Good, Bad, 5, 3 (CSV) and good (JSON); Offered, empty and
    # unoffered are not ratings; 7 is not solved; 8 was solved in February
    assert csat == {"rated": 5, "satisfied": 3, "score_pct": 60.0}
    empty = period_summary(warehouse, Filters(dt.date(2024, 5, 1), dt.date(2024, 5, 31)))["csat"]
    assert empty == {"rated": 0, "satisfied": 0, "score_pct": None}


@pytest.mark.slow
def test_the_real_exports_ratings_are_read(real) -> None:
    warehouse, _ = real
    path = REAL_EXPORTS / "zendesk-support-csv-export.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    scores = [r["Satisfaction Score"] for r in rows]
    # Counted in the file: 409 fives, 311 fours, 64 threes, 14 twos, 15 ones; 4,640 'Offered'
    assert (scores.count("5"), scores.count("4"), scores.count("3"), scores.count("2"), scores.count("1")) == (
        409,
        311,
        64,
        14,
        15,
    )
    frame = warehouse.sql(
        "select count(*) filter (where is_csat_satisfied is not null) as rated, "
        "count(*) filter (where is_csat_satisfied) as satisfied, "
        "count(*) filter (where csat_rating = 'Offered') as offered "
        "from fct_tickets where source = 'zendesk' and _file like '%zendesk-support-csv-export.csv'"
    )
    assert frame.iloc[0].tolist() == [813, 720, 4640]
    # the real Freshdesk export: one survey answer in 'Survey results', 'Slightly dissatisfied'
    freshdesk = warehouse.sql(
        "select csat_rating, is_csat_satisfied from fct_tickets where source = 'freshdesk' and csat_rating is not null"
    )
    assert freshdesk.values.tolist() == [["Slightly dissatisfied", False]]


def test_without_schedules_business_values_are_the_exports_own(load_files) -> None:
    warehouse, _ = load_files(
        {
            "tickets.csv": """
            Id,Status,Created at,Solved at,First reply time in minutes,First reply time in minutes within business hours
            1,Open,2024-03-01 10:00:00,,90,30
            2,Open,2024-03-01 10:00:00,,60,
            """
        }
    )
    fr = period_summary(warehouse, Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))["first_response"]
    assert (fr["median_hours"], fr["business_median_hours"]) == (1.25, 0.5)
    sla = period_summary(warehouse, Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))["sla"]
    assert sla["first_response"]["met_pct"] is None and sla["basis"] is None


def test_kpis_basis_switches_the_headline_medians(business) -> None:
    calendar = kpis(business, DECEMBER)
    on_business = kpis(business, Filters(DECEMBER.start, DECEMBER.end, DECEMBER.timezone, basis="business"))
    assert calendar["first_response"]["basis"] == "calendar"
    assert on_business["first_response"]["basis"] == "business"
    assert on_business["first_response"]["median_hours"] == calendar["first_response"]["business_median_hours"]
    assert on_business["resolution"]["median_hours"] == calendar["resolution"]["business_median_hours"]
    assert calendar["first_response"]["median_hours"] != calendar["first_response"]["business_median_hours"]


@pytest.mark.slow
def test_kpis_cli_takes_basis(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, 'timezone = "Europe/Berlin"\n' + CUSTOM + SCHEDULES, {"sla.csv": SLA_TICKETS})
    args = ["kpis", "--data", str(folder), "--from", "2025-12-01", "--to", "2025-12-31"]
    assert main([*args, "--basis", "business"]) == 0
    result = json.loads(capsys.readouterr().out)
    # replied, of the tickets created in December: 1 (0.5 h + 20 min), 2 (0.5 + 0.75 h) and 5
    # (0.5 h + 10 min on 2 January): the median is ticket 1's
    assert result["first_response"]["median_hours"] == pytest.approx(0.5 + 20 / 60, abs=1e-4)
    assert result["first_response"]["basis"] == "business"
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--basis", "weekly"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[schedules]]\nname = "x"\nhours = { mon = ["17:00-09:00"] }\n', r"line 3: setting 'schedules.hours.mon'"),
        (
            '[[schedules]]\nname = "x"\nhours = { mon = ["9-17"] }\n',
            r"'9-17' is not a shift",
        ),
        (
            '[[schedules]]\nname = "a"\nhours = { mon = ["09:00-17:00"] }\n'
            '[[schedules]]\nname = "b"\ntimezone = "Mars/Base"\nhours = { mon = ["09:00-17:00"] }\n',
            r"line 6: setting 'schedules.timezone' \(entry 2\)",
        ),
        (
            '[[schedules]]\nname = "a"\nhours = { mon = ["09:00-17:00"] }\nholidays = ["2025-13-01"]\n',
            r"line 4: setting 'schedules.holidays'",
        ),
        (
            '[[schedules]]\nname = "a"\nhours = { mon = ["09:00-17:00"] }\n'
            '[[schedules]]\nname = "b"\nhours = { mon = ["09:00-17:00"] }\n',
            r"only one can be the default",
        ),
        ('[sla]\nbasis = "business"\n', r"line 2: setting 'sla.basis': 'business' needs a default schedule"),
        ('[sla]\nbasis = "calendar"\nfirst_response_hours = { urgent = 0 }\n', r"line 3: setting 'sla.first_resp"),
        ('[sla]\nbasis = "weekly"\n', r"line 2: setting 'sla.basis': must be one of"),
    ],
)
def test_schedule_and_sla_errors_name_the_key_and_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "health.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProductHealthError, match=message):
        load_settings(tmp_path)


# -- the property test: the SQL against plain Python ----------------------------------------

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "UTC")
# Three weeks around the March/April and October/November clock changes of 2026 (both hemispheres).
WINDOWS = (
    dt.datetime(2026, 3, 20, tzinfo=UTC),
    dt.datetime(2026, 9, 28, tzinfo=UTC),
    dt.datetime(2026, 10, 20, tzinfo=UTC),
)


def _instant(day: dt.date, minute: int, zone: ZoneInfo) -> dt.datetime:
    """A local wall time as an instant, as ICU reads it: in the skipped hour of a clock change
    the offset before the change, in the repeated hour the offset after it."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    before, after = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    chosen = after if before.utcoffset() > after.utcoffset() else before
    return (naive - chosen.utcoffset()).replace(tzinfo=UTC)


def _open_intervals(schedule: dict, first: dt.date, last: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The schedule's open time between two local dates as disjoint UTC intervals, in order."""
    zone = ZoneInfo(schedule["timezone"])
    raw = []
    day = first
    while day <= last:
        if day not in schedule["holidays"]:
            for start, end in schedule["hours"].get(day.isoweekday(), []):
                raw.append((_instant(day, start, zone), _instant(day, end, zone)))
        day += dt.timedelta(days=1)
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(raw):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def business_seconds(intervals, start: dt.datetime, end: dt.datetime) -> float:
    return sum(max(0.0, (min(end, b) - max(start, a)).total_seconds()) for a, b in intervals)


def business_deadline(intervals, start: dt.datetime, seconds: float) -> dt.datetime | None:
    left = seconds
    for a, b in intervals:
        if b <= start:
            continue
        a = max(a, start)
        length = (b - a).total_seconds()
        if length >= left:
            return a + dt.timedelta(seconds=left)
        left -= length
    return None


shift_grid = st.integers(0, 48).map(lambda i: i * 30)


@st.composite
def schedules(draw) -> dict:
    hours = {}
    for weekday in draw(st.sets(st.integers(1, 7), min_size=1)):
        edges = sorted(draw(st.sets(shift_grid, min_size=2, max_size=6)))
        pairs = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
        hours[weekday] = pairs
    base = draw(st.sampled_from(WINDOWS)).date()
    holidays = draw(st.sets(st.integers(0, 20).map(lambda d: base + dt.timedelta(days=d)), max_size=3))
    return {"timezone": draw(st.sampled_from(ZONES)), "hours": hours, "holidays": holidays, "base": base}


def _shift(start: int, end: int) -> str:
    return f'"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"'


def _toml(schedule: dict, target_hours: float) -> str:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours = ", ".join(
        names[d - 1] + " = [" + ", ".join(_shift(a, b) for a, b in pairs) + "]"
        for d, pairs in sorted(schedule["hours"].items())
    )
    holidays = ", ".join(f'"{d.isoformat()}"' for d in sorted(schedule["holidays"]))
    return (
        CUSTOM.replace('timezone = "Europe/Berlin"', 'timezone = "UTC"')
        + f'[[schedules]]\nname = "s"\ntimezone = "{schedule["timezone"]}"\nholidays = [{holidays}]\n'
        + f"hours = {{ {hours} }}\n"
        + f'[sla]\nbasis = "business"\nfirst_response_hours = {{ default = {target_hours} }}\n'
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    schedule=schedules(),
    offsets=st.lists(
        st.tuples(st.integers(0, 18 * 86400), st.integers(0, 6 * 86400), st.integers(0, 6 * 86400)),
        min_size=1,
        max_size=12,
    ),
    target_hours=st.sampled_from([0.5, 1, 4, 8, 13.5]),  # reachable within the model's 400 days
)
def test_business_durations_and_deadlines_equal_plain_python(tmp_path_factory, schedule, offsets, target_hours) -> None:
    start = dt.datetime.combine(schedule["base"], dt.time(), UTC)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    rows, expected = ["id,created,replied,solved,priority,line"], {}
    intervals = _open_intervals(
        schedule, schedule["base"] - dt.timedelta(days=3), schedule["base"] + dt.timedelta(days=420)
    )
    for number, (created_s, reply_s, solve_s) in enumerate(offsets):
        created = start + dt.timedelta(seconds=created_s)
        replied = created + dt.timedelta(seconds=reply_s)
        solved = replied + dt.timedelta(seconds=solve_s)
        rows.append(f"{number},{created.strftime(fmt)},{replied.strftime(fmt)},{solved.strftime(fmt)},low,A")
        expected[str(number)] = (
            business_seconds(intervals, created, replied) / 3600,
            business_seconds(intervals, created, solved) / 3600,
            business_deadline(intervals, created, target_hours * 3600),
        )
    folder = _folder(tmp_path_factory.mktemp("prop"), _toml(schedule, target_hours), {"t.csv": "\n".join(rows) + "\n"})
    warehouse, report = open_warehouse(folder, persist=False)
    assert not report.failed
    frame = warehouse.sql(
        "select ticket_id, first_response_business_hours, resolution_business_hours, first_response_due_at "
        "from fct_tickets"
    )
    assert len(frame) == len(expected)
    for row in frame.itertuples():
        reply_h, solve_h, due = expected[row.ticket_id]
        assert row.first_response_business_hours == pytest.approx(reply_h, abs=1e-6), row.ticket_id
        assert row.resolution_business_hours == pytest.approx(solve_h, abs=1e-6), row.ticket_id
        if due is None:
            assert pd_isna(row.first_response_due_at)
        else:
            assert row.first_response_due_at.to_pydatetime() == due, row.ticket_id


def test_check_reports_how_often_the_exports_business_values_agree(load_files) -> None:
    settings = '[[schedules]]\nname = "office"\nhours = { mon = ["09:00-17:00"], tue = ["09:00-17:00"] }\n'
    _, report = load_files(
        {
            "health.toml": settings,
            "tickets.csv": """
            Id,Status,Created at,Solved at,First reply time in minutes,First reply time in minutes within business hours
            1,Open,2024-03-04 16:00:00,,1080,120
            2,Open,2024-03-04 16:00:00,,1080,1080
            3,Open,2024-03-04 16:00:00,,1080,
            """,
        }
    )
    # Monday 16:00 + 18 h = Tuesday 10:00: 1 h Monday + 1 h Tuesday = 120 business minutes
    assert (
        "business hours, zendesk first reply: the schedules' value and the export's own agree within a minute "
        "for 1 of 2 tickets (50.0 %)" in report.notes
    )


@pytest.mark.slow  # the whole sample model: a story, not a unit
def test_the_sample_tells_the_mobile_app_sla_and_csat_story(sample) -> None:
    warehouse, _ = sample
    mobile = ("Mobile App",)
    october = kpis(warehouse, Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31), product_lines=mobile))
    before = period_summary(warehouse, Filters(dt.date(2026, 1, 1), dt.date(2026, 7, 31), product_lines=mobile))
    assert october["sla"]["basis"] == "business"
    assert october["targets"]["sla.first_response.met_pct"]["met"] is False  # under its 85 %
    assert october["sla"]["first_response"]["met_pct"] < before["sla"]["first_response"]["met_pct"] - 5
    assert october["csat"]["score_pct"] < before["csat"]["score_pct"] - 15


@pytest.mark.slow
def test_holidays_from_a_csv_beside_the_settings_count_like_the_list(tmp_path: Path) -> None:
    """holidays = "holidays.csv": the same durations as the list; the file is read with the
    settings, not as an export; a bad date names the file and its line."""
    toml = (
        'timezone = "Europe/Berlin"\n'
        + CUSTOM
        + SCHEDULES.replace('holidays = ["2025-12-25", "2025-12-26", "2026-01-01"]', 'holidays = "holidays.csv"')
    )
    holidays = "date,name\n2025-12-25,Christmas Day\n2025-12-26,Boxing Day\n\n2026-01-01,New Year\n"
    folder = _folder(tmp_path / "data", toml, {"durations.csv": DURATIONS, "holidays.csv": holidays})
    warehouse, report = open_warehouse(folder, persist=False)
    assert not report.failed and not any(f.path.endswith("holidays.csv") for f in report.files)
    assert "holidays.csv: the holidays of schedule 'eu-support' (settings)" in report.notes
    for ticket_id, hours in EXPECTED_HOURS.items():
        assert _ticket(warehouse, ticket_id)["first_response_business_hours"] == pytest.approx(hours), ticket_id
    (folder / "holidays.csv").write_text("date\n2025-12-25\n26/12/2025\n", encoding="utf-8")
    with pytest.raises(ProductHealthError, match=r"holidays.csv, line 3: '26/12/2025' is not a date YYYY-MM-DD"):
        open_warehouse(folder, persist=False)
