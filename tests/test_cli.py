from __future__ import annotations

import json

import pytest

from dashboard import SAMPLE_DATA_DIR
from dashboard.cli import main
from tests.conftest import REAL_EXPORTS


def test_check_on_the_sample_succeeds(capsys) -> None:
    assert main(["check", "--data", str(SAMPLE_DATA_DIR)]) == 0
    out = capsys.readouterr().out
    assert "Zendesk incremental ticket export (JSON)" in out and "Result: all files loaded" in out


def test_check_json_has_one_object_per_file(capsys) -> None:
    assert main(["check", "--data", str(SAMPLE_DATA_DIR), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    entry = report["files"][0]
    assert {
        "path",
        "format",
        "entity",
        "rows_loaded",
        "rows_rejected",
        "first_timestamp",
        "last_timestamp",
        "product_lines",
    } <= set(entry)
    assert report["ok"] is True


@pytest.mark.slow
def test_check_exits_non_zero_when_a_file_fails(capsys) -> None:
    if not REAL_EXPORTS.is_dir():
        pytest.skip("no real exports")
    assert main(["check", "--data", str(REAL_EXPORTS)]) == 1
    assert "servicenow-incident-event-log.csv  [FAILED]" in capsys.readouterr().out


def test_kpis_json_has_the_documented_keys(capsys) -> None:
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-01", "--to", "2026-10-31"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "period",
        "product_lines",
        "data_as_of",
        "tickets_created",
        "first_response",
        "resolution",
        "bug_age",
        "deflection",
        "impact",
        "sla",
        "backlog",
        "csat",
        "targets",
        "changes",
        "events",
        "revisions",
        "previous_period",
        "year_ago_period",
    }
    # issue #15's keys (null where there is no data)
    assert set(result["first_response"]) >= {"business_median_hours", "business_p90_hours"}
    assert set(result["resolution"]) >= {"business_median_hours", "business_p90_hours"}
    for part in ("first_response", "resolution"):
        assert set(result["sla"][part]) == {"met", "breached", "pending", "met_pct"}
    assert result["sla"]["basis"] == "business"
    assert set(result["backlog"]) >= {"open_at_end", "median_age_days"}
    assert set(result["csat"]) == {"rated", "satisfied", "score_pct"}
    assert result["changes"] == [] and result["events"] == []  # a quiet month, no launch in it
    assert set(result["impact"]) >= {"linked_tickets", "bug_ticket_share_pct", "still_hurting"}
    assert set(result["impact"]["still_hurting"][0]) == {"key", "age_days", "tickets_in_period"}
    assert set(result["first_response"]) >= {
        "responded",
        "unanswered",
        "median_hours",
        "p90_hours",
        "mean_hours",
        "basis",
    }
    assert set(result["bug_age"]) == {
        "as_of",
        "open_bugs",
        "median_days",
        "p90_days",
        "older_than_365_days",
        "fixed",
        "median_days_to_fix",
        "p90_days_to_fix",
    }
    assert result["previous_period"]["period"] == {"from": "2026-09-01", "to": "2026-09-30"}  # "vs September"
    assert result["year_ago_period"]["period"] == {"from": "2025-10-01", "to": "2025-10-31"}
    assert result["year_ago_period"]["tickets_created"] > 0


@pytest.mark.slow
def test_kpis_tell_the_sample_story(capsys) -> None:
    """Mobile App's first response slipped after the August launch; deflection rose after May."""

    def kpis(*args: str) -> dict:
        assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), *args]) == 0
        return json.loads(capsys.readouterr().out)

    before = kpis("--from", "2026-06-01", "--to", "2026-07-31", "--product-line", "Mobile App")
    after = kpis("--from", "2026-08-01", "--to", "2026-09-30", "--product-line", "Mobile App")
    assert after["first_response"]["median_hours"] > 2 * before["first_response"]["median_hours"]
    early = kpis("--from", "2025-11-01", "--to", "2026-04-30")
    late = kpis("--from", "2026-05-01", "--to", "2026-10-31")
    assert late["deflection"]["rate_pct"] > early["deflection"]["rate_pct"] + 10
    assert late["bug_age"]["older_than_365_days"] >= 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-10-31", "--to", "2026-10-01"], "before it starts"),
        (["--from", "31/10/2026"], "not a date in the form YYYY-MM-DD"),
        (["--product-line", "Nope"], "unknown product line 'Nope'"),
        (["--timezone", "Nowhere/City"], "time zone"),
    ],
)
def test_kpis_usage_errors_exit_2_with_a_message(capsys, args: list[str], message: str) -> None:
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_kpis_csv_and_table_formats(capsys, fmt: str) -> None:
    assert (
        main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-01", "--to", "2026-10-31", "--format", fmt])
        == 0
    )
    assert "first_response.median_hours" in capsys.readouterr().out


def test_kpis_with_a_zone_duckdb_does_not_know_is_a_usage_error_not_a_traceback(capsys) -> None:
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--timezone", "posix/Europe/Berlin"]) == 2
    assert "--timezone: 'posix/Europe/Berlin' is not a time zone DuckDB knows" in capsys.readouterr().err


def test_kpis_table_lists_each_still_hurting_bug_field_by_field(capsys) -> None:
    assert (
        main(
            ["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-01", "--to", "2026-10-31", "--format", "table"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "impact.still_hurting.1.key" in out and "impact.still_hurting.1.tickets_in_period" in out
    assert "{'key'" not in out and "{" not in out


OCTOBER = ["--from", "2026-10-01", "--to", "2026-10-31"]


def test_tickets_json_counts_its_rows_and_matches_kpis(capsys) -> None:
    args = ["--data", str(SAMPLE_DATA_DIR), *OCTOBER, "--product-line", "Mobile App"]
    assert main(["tickets", *args, "--metric", "sla.first_response.breached", "--priority", "high"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["metric"] == "sla.first_response.breached"
    assert result["period"] == {"from": "2026-10-01", "to": "2026-10-31", "timezone": "UTC"}
    assert result["count"] == len(result["rows"]) > 0
    assert {row["priority"] for row in result["rows"]} == {"high"}
    assert {"id", "source", "url", "value"} <= set(result["rows"][0])
    assert main(["tickets", *args, "--metric", "sla.first_response.breached"]) == 0
    everything = json.loads(capsys.readouterr().out)["count"]
    assert main(["kpis", *args]) == 0
    assert everything == json.loads(capsys.readouterr().out)["sla"]["first_response"]["breached"]


def test_tickets_csv_is_one_line_per_row_and_formula_safe(capsys, tmp_path) -> None:
    (tmp_path / "tickets.csv").write_text(
        'Id,Group,Status,Via,Created at\n1,=HYPERLINK("http://x"),Open,Mail,2024-03-01 10:00:00\n'
        "2,B,Open,Mail,2024-03-02 10:00:00\n"
    )
    args = ["tickets", "--data", str(tmp_path), "--from", "2024-03-01", "--to", "2024-03-31"]
    assert main([*args, "--metric", "tickets_created", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,source,created_at,product_line,") and len(lines) == 3
    assert "'=HYPERLINK" in lines[1]


def test_tickets_with_an_unknown_key_exits_2_naming_the_keys(capsys) -> None:
    assert main(["tickets", "--data", str(SAMPLE_DATA_DIR), "--metric", "first_response.p99_hours"]) == 2
    err = capsys.readouterr().err
    assert "no rows for 'first_response.p99_hours'" in err
    assert "sla.resolution.pending" in err and "first_response.median_hours" in err and "Traceback" not in err


# Issue 25's third bad-input round, class "date ranges the command line accepts": each day, month
# and range is checked as written, as a day of the calendar, in the dashboard's years and against
# the data (the sample covers 2019-03-14 to 2026-10-31), with one error line and exit 2.
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kpis", "--from", "2026-10-31", "--to", "2026-10-01"], "before it starts (2026-10-31); swap --from and --to"),
        (["kpis", "--from", "2026-10-02", "--to", "2026-10-01"], "before it starts"),
        (["kpis", "--from", "2026-02-30", "--to", "2026-03-31"], "not a day of the calendar: 2026-02 has 28 days"),
        (["kpis", "--from", "2024-02-29", "--to", "2025-02-29"], "--to '2025-02-29' is not a day of the calendar"),
        (["kpis", "--from", "2026-13-01", "--to", "2026-12-31"], "there is no month 13"),
        (["kpis", "--from", "2026-00-10"], "there is no month 00"),
        (["kpis", "--from", "9999-01-01", "--to", "9999-12-31"], "outside the years the dashboard reads"),
        (["kpis", "--from", "0000-01-01", "--to", "0001-01-31"], "outside the years the dashboard reads"),
        (["kpis", "--from", "1066-10-14", "--to", "1066-10-14"], "outside the years the dashboard reads"),
        (["kpis", "--from", "2000-01-01", "--to", "2000-12-31"], "no data: the exports cover 2019-03-14 to 2026-10-31"),
        (["kpis", "--from", "2026-11-01"], "give --to too"),
        (["kpis", "--to", "2025-01-31"], "give --from too"),
        (["kpis", "--from", "20261001", "--to", "20261031"], "not a date in the form YYYY-MM-DD"),
        (["kpis", "--from", "2026-W40-1"], "not a date in the form YYYY-MM-DD"),
        (["kpis", "--from", ""], "--from '' is not a date in the form YYYY-MM-DD"),
        (["kpis", "--from", "2026-10-01\n\x1b[2J"], "--from '2026-10-01\\n\\x1b[2J' is not a date"),
        (["kpis", "--from", "٢٠٢٦-١٠-٠١"], "not a date in the form YYYY-MM-DD"),
        (["kpis", "--from", "yesterday"], "not a date in the form YYYY-MM-DD"),
        (["tickets", "--metric", "tickets_created", "--from", "2026-02-30"], "not a day of the calendar"),
        (["tickets", "--metric", "tickets_created", "--from", "2026-10-31", "--to", "2026-10-01"], "swap"),
        (["report", "--month", "2026-13", "--out", "x.html"], "--month '2026-13' is not a month: there is no month 13"),
        (["report", "--month", "2026-1", "--out", "x.html"], "not a month in the form YYYY-MM"),
        (["report", "--month", "9999-12", "--out", "x.html"], "outside the years the dashboard reads"),
        (["report", "--month", "2001-06", "--out", "x.html"], "the period 2001-06-01 to 2001-06-30 has no data"),
        (["report", "--month", "", "--out", "x.html"], "not a month in the form YYYY-MM"),
    ],
)
def test_every_day_month_and_range_the_commands_take_is_checked_with_one_line(
    capsys, tmp_path, args: list[str], message: str
) -> None:
    args = [arg.replace("x.html", str(tmp_path / "x.html")) for arg in args]
    assert main([args[0], "--data", str(SAMPLE_DATA_DIR), *args[1:]]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("product-health: error:")]
    assert len(errors) == 1 and message in errors[0], err
    assert "Traceback" not in err and not (tmp_path / "x.html").exists()


def test_a_period_that_overlaps_the_data_and_a_one_day_period_are_answered(capsys) -> None:
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-15", "--to", "2027-01-31"]) == 0
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-31", "--to", "2026-10-31"]) == 0
    assert main(["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2024-02-29", "--to", "2024-03-01"]) == 0


def test_an_empty_folder_answers_any_period_in_the_years_with_its_empty_figures(capsys, tmp_path) -> None:
    assert main(["kpis", "--data", str(tmp_path), "--from", "2020-01-01", "--to", "2020-01-31"]) == 0
