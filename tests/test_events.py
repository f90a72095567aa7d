"""Events: events.csv anywhere in the data folder and [[events]] in the settings, checked row
by row, marked on the trend charts and listed in the kpis JSON."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts
from dashboard.config import parse_settings
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.metrics import events, run_metric
from tests.conftest import file_report

TICKETS = """
id,created_at,status,product_line
1,2026-03-02 10:00,open,Billing
2,2026-03-03 10:00,open,Mobile App
"""
CUSTOM = """
[[custom]]
name = "desk"
columns = { ticket_id = "id", created_at = "created_at", status = "status", product_line = "product_line" }
"""
MARCH = Filters(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_an_events_csv_loads_and_its_bad_rows_are_rejected_with_line_and_reason(load_files) -> None:
    warehouse, report = load_files(
        {
            "health.toml": CUSTOM,
            "desk.csv": TICKETS,
            "notes/events.csv": """
                date,label,product_line,end_date
                2026-03-05,Billing outage,Billing,2026-03-06
                2026-03-10,Spring sale,,
                ,no day,,
                2026-13-01,a month that is not,,
                2026-03-12,,,
                2026-03-20,backwards,,2026-03-19
                2026-03-21,typo,Mobile Ap,
                2026-03-22,bad end,,soon
                2026-03-10,Spring sale,,
            """,
        }
    )
    events_file = file_report(report, "events.csv")
    assert events_file.format.startswith("Events CSV") and events_file.error is None
    assert events_file.rows_loaded == 4 and events_file.rows_rejected == 5  # the repeated sale loads, shown once
    reasons = {reject.line: reject.reason for reject in events_file.rejects}
    assert reasons == {
        4: "no date",
        5: "date '2026-13-01' is not a date written YYYY-MM-DD",
        6: "no label (what happened)",
        7: "end_date 2026-03-19 is before the date 2026-03-20",
        9: "end_date 'soon' is not a date written YYYY-MM-DD",
    }
    # A product line the data does not have (a typo, or a launch before its first ticket) is
    # kept and said.
    assert "1 events name a product line the data does not have (yet?): Mobile Ap" in events_file.notes
    shown = events(warehouse, MARCH)
    assert shown == [
        {"date": "2026-03-05", "end_date": "2026-03-06", "label": "Billing outage", "product_line": "Billing"},
        {"date": "2026-03-10", "end_date": None, "label": "Spring sale", "product_line": None},
        {"date": "2026-03-21", "end_date": None, "label": "typo", "product_line": "Mobile Ap"},
    ]
    # A product line's filter shows its events and the company-wide ones, not another line's.
    mobile = events(warehouse, Filters(MARCH.start, MARCH.end, product_lines=("Mobile App",)))
    assert [e["label"] for e in mobile] == ["Spring sale"]
    # A span that began before the period still touches it; one that ended before does not.
    assert [e["label"] for e in events(warehouse, Filters(dt.date(2026, 3, 6), dt.date(2026, 3, 20)))] == [
        "Billing outage",
        "Spring sale",
    ]
    assert [e["label"] for e in events(warehouse, Filters(dt.date(2026, 3, 7), dt.date(2026, 3, 20)))] == [
        "Spring sale"
    ]


def test_events_in_the_settings_load_and_are_reported_under_the_settings_file(load_files) -> None:
    settings = (
        CUSTOM
        + """
[[events]]
date = 2026-03-15
label = "Pricing change"
product_line = "Billing"

[[events]]
date = "2026-3-16"
label = "Reorg"
product_line = "Nobody"
"""
    )
    warehouse, report = load_files({"health.toml": settings, "desk.csv": TICKETS})
    from_settings = file_report(report, "health.toml")
    assert from_settings.rows_loaded == 2 and from_settings.rows_rejected == 0
    assert "1 events name a product line the data does not have (yet?): Nobody" in from_settings.notes
    assert [e["label"] for e in events(warehouse, MARCH)] == ["Pricing change", "Reorg"]


def test_a_csv_with_date_and_label_columns_among_others_is_not_read_as_events(load_files) -> None:
    """A [[custom]] export with Date and Label columns stays tickets; a daily-counts file that
    lost a column fails as unknown instead of turning into events; so does a misspelt column."""
    custom = """
[[custom]]
name = "helpscout"
columns = { ticket_id = "Conversation", created_at = "Date", product_line = "Mailbox" }
"""
    _, report = load_files(
        {
            "health.toml": custom,
            "helpscout.csv": "Conversation,Date,Mailbox,Label\n1,2026-03-02,Billing,vip\n",
            "daily.csv": "date,product_line,channel,sessions,resolved,label\n2026-03-02,Billing,web,5,2,campaign\n",
            "events.csv": "date,label,product,end\n2026-08-01,v3 launch,Mobile App,2026-08-10\n",
        }
    )
    assert "[[custom]]" in file_report(report, "helpscout.csv").format and report.counts["tickets"] == 1
    for name in ("daily.csv", "events.csv"):
        assert "not a supported export" in (file_report(report, name).error or "")


def test_labels_with_control_characters_or_too_long_are_rejected(load_files) -> None:
    long = "x" * 201
    _, report = load_files(
        {
            "health.toml": CUSTOM,
            "desk.csv": TICKETS,
            "events.csv": f'date,label\n2026-03-05,"\x1b[31mRED\x1b[0m"\n2026-03-06,"two\nlines"\n2026-03-07,{long}\n',
        }
    )
    reasons = [reject.reason for reject in file_report(report, "events.csv").rejects]
    assert reasons == [
        "the label has control characters (a line break, a tab, ...)",
        "the label has control characters (a line break, a tab, ...)",
        "the label is longer than 200 characters",
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('date = 2026-03-15\nlabel = "x"\nwhen = 1', "line 4: setting 'events.when' (event #1): unknown key"),
        ('label = "x"', "line 1: setting 'events.date' (event #1): is missing"),
        ('date = "15/03/2026"\nlabel = "x"', "line 2: setting 'events.date' (event #1): must be a date"),
        ("date = 2026-03-15", "line 1: setting 'events.label' (event #1): must be a non-empty string"),
        (
            'date = 2026-03-15\nlabel = "x"\nend_date = 2026-03-14',
            "line 4: setting 'events.end_date' (event #1): must be a date on or after the event's date",
        ),
        ('date = 2026-03-15\nlabel = "x"\nproduct_line = ""', "setting 'events.product_line' (event #1)"),
        ('date = 2026-03-15\nlabel = "x"\nend_date = 2026-03-16T10:00:00Z', "line 4: .* not a date and time"),
        ('date = "20260315"\nlabel = "x"', "line 2: setting 'events.date' .* must be a date"),
        ('date = 2026-03-15\nlabel = "a\\tb"', "line 3: setting 'events.label' .* control characters"),
    ],
)
def test_a_bad_event_in_the_settings_names_its_key_and_line(table, message) -> None:
    text = f"[[events]]\n{table}\n"  # a missing key is reported at the [[events]] line
    with pytest.raises(ProductHealthError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".*", "(.*)")):
        parse_settings(tomllib.loads(text), Path("health.toml"), text)


def test_the_second_event_is_named_by_its_number_and_own_line() -> None:
    text = '[[events]]\ndate = 2026-03-15\nlabel = "ok"\n\n[[events]]\ndate = 2026-03-16\nlabel = ""\n'
    with pytest.raises(ProductHealthError, match=r"health.toml, line 7: setting 'events.label' \(event #2\)"):
        parse_settings(tomllib.loads(text), Path("health.toml"), text)


def test_the_sample_marks_the_v3_launch_and_the_help_center_push(sample) -> None:
    warehouse, report = sample
    assert file_report(report, "events.csv").rows_loaded == 2
    year = Filters(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert [(e["date"], e["label"], e["product_line"]) for e in events(warehouse, year)] == [
        ("2026-05-01", "Help-center push", None),
        ("2026-08-01", "v3 launch", "Mobile App"),
    ]


def test_a_trend_chart_draws_each_event_of_its_months_as_a_line_or_a_band_with_a_plain_label() -> None:
    months = pd.date_range("2026-01-01", "2026-06-01", freq="MS")
    frame = pd.DataFrame({"month_start": months, "product_line": None, "median_hours": range(6)})
    fig = charts.trend(frame, "median_hours", None, "Median", "hours")
    events_frame = pd.DataFrame(
        {
            "start_date": pd.to_datetime(["2026-02-10", "2026-03-01", "2025-06-01", "2026-04-01"]),
            "end_date": pd.to_datetime([None, "2026-03-07", None, None]),
            "label": ["<b>launch</b>", "outage", "long ago", "beta"],
            "product_line": [None, None, None, "Mobile App"],
        }
    )
    charts.events(fig, events_frame)
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["&lt;b&gt;launch&lt;/b&gt;", "outage", "Mobile App: beta"]  # not 'long ago': before the chart
    kinds = sorted(shape.type for shape in fig.layout.shapes)
    assert kinds == ["line", "line", "line", "rect"]  # a band and a line for the outage


@pytest.mark.slow
def test_the_meeting_pack_marks_the_events(sample) -> None:
    from dashboard.pack import meeting_pack

    warehouse, report = sample
    html = meeting_pack(warehouse, report, Filters(dt.date(2026, 8, 1), dt.date(2026, 8, 31)))
    assert "Mobile App: v3 launch" in html and "Help-center push" in html
    assert "What changed since Jul 2026" in html and "Mobile App — median first response" in html


def test_run_metric_knows_events(sample) -> None:
    warehouse, _ = sample
    frame = run_metric(warehouse, "events", MARCH)
    assert list(frame.columns) == ["start_date", "end_date", "label", "product_line"]


def test_inline_events_are_placed_at_the_events_line() -> None:
    text = 'timezone = "UTC"\nevents = [{date = 2026-08-01, label = "a"}, {date = 2026-08-02, label = ""}]\n'
    with pytest.raises(ProductHealthError, match=r"line 2: setting 'events.label' \(event #2\)"):
        parse_settings(tomllib.loads(text), Path("health.toml"), text)


def test_a_thousand_events_are_drawn_at_once_the_rest_counted() -> None:
    months = pd.date_range("2025-11-01", "2026-10-01", freq="MS")
    frame = pd.DataFrame({"month_start": months, "product_line": None, "median_hours": range(12)})
    many = pd.DataFrame(
        {
            "start_date": pd.date_range("2025-11-01", periods=1000, freq="8h"),
            "end_date": pd.NaT,
            "label": [f"deploy {i}" for i in range(1000)],
            "product_line": None,
        }
    )
    fig = charts.events(charts.trend(frame, "median_hours", None, "Median", "hours"), many)
    assert len(fig.layout.shapes) == charts.EVENTS_DRAWN
    labels = [a.text for a in fig.layout.annotations]
    assert len(labels) == charts.EVENTS_LABELLED + 1 and labels[-1] == "988 more events, 960 not drawn"
