"""SLA status as the data knows it: judged at the data's cut-off (queries/marts/fct_cutoff.sql,
the latest update of any ticket), not at the period's end. Hand-made tickets whose answers
are computable in one's head; the same answer through the kpis JSON, the trend, the lists
behind the numbers and the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.cli import main
from dashboard.filters import Filters
from dashboard.metrics import data_as_of, kpis, period_summary, run_metric
from dashboard.rows import rows
from dashboard.store import open_warehouse

# Calendar SLA: a first reply within 2 h (72 h for 'low'), a solve within 48 h. UTC throughout.
SLA = """\
[sla]
basis = "calendar"
first_response_hours = { default = 2, low = 72 }
resolution_hours = { default = 48 }
"""
# October 2026 ends at 2026-11-01 00:00 UTC. Ticket 9, created in November, carries the latest
# update in the data: the cut-off is 2026-11-02 12:00.
#   1: replied 00:30 on 1 Nov (90 min), due 01:00: met, after the period's end; solved 10:00 on
#      1 Nov, due 23:00 on 2 Nov: met.
#   2: replied 02:00 on 1 Nov (180 min), due 01:00: breached; not solved, due 23:00 on 2 Nov,
#      after the cut-off: pending.
#   3: no reply, due 01:30 on 1 Nov: between the period's end and the cut-off: breached; not
#      solved, due 23:30 on 2 Nov: pending.
#   4: 'low', no reply, due 12:00 on 3 Nov: after the cut-off: pending; not solved, due 12:00 on
#      2 Nov, at the cut-off: breached.
#   5: replied within the period (30 min) and in time: met; solved 20:00 on 2 Oct: met.
TICKETS = """\
Id,Status,Priority,Group,Created at,Updated at,Solved at,First reply time in minutes
1,Solved,Normal,A,2026-10-31 23:00:00,2026-11-01 10:00:00,2026-11-01 10:00:00,90
2,Open,Normal,A,2026-10-31 23:00:00,2026-11-01 02:00:00,,180
3,New,Normal,B,2026-10-31 23:30:00,2026-10-31 23:30:00,,
4,New,Low,B,2026-10-31 12:00:00,2026-10-31 12:00:00,,
5,Solved,Normal,B,2026-10-02 10:00:00,2026-10-02 20:00:00,2026-10-02 20:00:00,30
9,Open,Normal,A,2026-11-02 09:00:00,2026-11-02 12:00:00,,60
"""
OCTOBER = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(scope="module")
def cutoff(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cutoff")
    (folder / "tickets.csv").write_text(TICKETS)
    (folder / "health.toml").write_text(SLA)
    warehouse, report = open_warehouse(folder, persist=False)
    assert not report.failed, report.as_dict()
    return warehouse, folder


def test_the_cut_off_is_the_latest_ticket_update(cutoff) -> None:
    assert data_as_of(cutoff[0]) == "2026-11-02T12:00:00Z"


def test_a_reply_after_the_period_s_end_counts_as_it_came(cutoff) -> None:
    sla = period_summary(cutoff[0], OCTOBER)["sla"]
    # met: 1 (after the period's end, in time) and 5; breached: 2 (late) and 3 (no reply, due
    # between the period's end and the cut-off); pending: 4 (due after the cut-off)
    assert sla["first_response"] == {"met": 2, "breached": 2, "pending": 1, "met_pct": 50.0}
    # met: 1 (solved after the period's end, in time) and 5; breached: 4 (due at the cut-off);
    # pending: 2 and 3 (due after it)
    assert sla["resolution"] == {"met": 2, "breached": 1, "pending": 2, "met_pct": pytest.approx(200 / 3, abs=1e-3)}
    assert sla["as_of"] == "2026-11-02T12:00:00Z"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("sla.first_response.met", ["5", "1"]),
        ("sla.first_response.breached", ["2", "3"]),
        ("sla.first_response.pending", ["4"]),
        ("sla.resolution.met", ["5", "1"]),
        ("sla.resolution.breached", ["4"]),
        ("sla.resolution.pending", ["2", "3"]),
    ],
)
def test_the_lists_behind_the_counts_follow_the_same_rule(cutoff, key: str, expected: list[str]) -> None:
    frame = rows(cutoff[0], key, OCTOBER)
    assert frame["id"].tolist() == expected
    part, status = key.split(".")[1:]
    assert set(frame[f"sla_{part}_status"]) == {status}


def test_a_month_s_trend_row_is_its_summary(cutoff) -> None:
    trend = run_metric(cutoff[0], "sla_trend", OCTOBER)
    total = trend[trend["product_line"].isna()].iloc[0]
    assert (total["first_response_met"], total["first_response_breached"], total["first_response_pending"]) == (2, 2, 1)
    assert total["resolution_met_pct"] == pytest.approx(200 / 3)


def test_the_same_period_judged_later_moves_only_by_the_cut_off(cutoff) -> None:
    # The period's end does not matter: October to 2 November sees the same October tickets the
    # same way (plus ticket 9, created on 2 November, replied 10:00, due 11:00: met).
    longer = Filters(dt.date(2026, 10, 1), dt.date(2026, 11, 2))
    sla = period_summary(cutoff[0], longer)["sla"]
    assert (sla["first_response"]["met"], sla["first_response"]["breached"], sla["first_response"]["pending"]) == (
        3,
        2,
        1,
    )


def test_kpis_json_states_the_cut_off(cutoff, capsys) -> None:
    warehouse, folder = cutoff
    assert kpis(warehouse, OCTOBER)["data_as_of"] == "2026-11-02T12:00:00Z"
    assert main(["kpis", "--data", str(folder), "--from", "2026-10-01", "--to", "2026-10-31"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["data_as_of"] == "2026-11-02T12:00:00Z"
    assert result["sla"]["first_response"]["pending"] == 1


def test_an_export_without_update_times_is_cut_at_its_latest_instant(load_files) -> None:
    # No 'Updated at' column: the latest creation, reply or solve (ticket 1's reply, 11:30).
    warehouse, _ = load_files(
        {
            "tickets.csv": "Id,Status,Created at,Solved at,First reply time in minutes\n"
            "1,Open,2026-10-31 10:00:00,,90\n"
            "2,Solved,2026-10-30 10:00:00,2026-10-31 11:00:00,30\n",
            "health.toml": SLA,
        },
        persist=False,
    )
    assert data_as_of(warehouse) == "2026-10-31T11:30:00Z"
