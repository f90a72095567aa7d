"""The benchmark's 10k smoke run: the script works end to end, and its numbers agree with the
CLI and with the pandas peer. Nothing here is about time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import PROJECT_ROOT
from dashboard.catalogue import CATALOGUE, value_at
from dashboard.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench")]  # one smoke run, on one worker


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("bench")
    out = scratch / "result.json"
    done = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "bench" / "run.py"),
            "--tickets",
            "10000",
            "--repeat",
            "1",
            "--choices",
            "3",
            "--scratch",
            str(scratch),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text()), done.stdout, scratch / "10000"


def test_the_smoke_run_prints_every_figure(smoke) -> None:
    result, printed, data = smoke
    assert result["rows_loaded"] == 10_000 + 1_000 + 10_000 + 200
    for figure in (
        "cold load",
        "warm start",
        "overview refresh",
        "fair floor",
        "overview / fair floor",
        "peer / overview",
        "peak RSS",
        "cold load / cold floor",
        "refresh: add 2 %",
        "refresh: replace newest",
        "drill_s",
    ):
        assert figure in printed
    for figure in ("cold_over_floor", "refresh_add_over_cold", "refresh_replace_over_cold"):
        assert result[figure] > 0
    assert result["drill_s"]["max"] > 0
    # the refresh phases leave the folder as generated
    assert not (data / "zendesk" / "tickets-refresh.csv").exists()
    # 9 for the period (8 KPI queries and the still-hurting list), 8 each for the month before
    # and a year earlier, 8 trends; What changed and the events
    assert result["queries_per_refresh"] == 35
    assert result["cold_load_s"]["min"] > 0 and result["peak_rss_gb"] > 0


def test_the_overview_numbers_agree_with_the_cli_and_the_peer(smoke, capsys) -> None:
    result, _, data = smoke
    for choice, ours, peer in zip(result["choices"], result["answers"], result["peer_answers"], strict=True):
        args = ["kpis", "--data", str(data), "--from", choice["start"], "--to", choice["end"]]
        for line in choice["product_lines"]:
            args += ["--product-line", line]
        assert main(args) == 0
        cli = json.loads(capsys.readouterr().out)
        assert ours["tickets_created"] == cli["tickets_created"] == peer["tickets_created"]
        assert ours["median_first_response_hours"] == pytest.approx(cli["first_response"]["median_hours"], abs=1e-3)
        assert ours["median_first_response_hours"] == pytest.approx(peer["median_first_response_hours"], abs=1e-3)
        floor = ours["floor"]
        assert floor["tickets_created"] == ours["tickets_created"] and floor["open_bugs"] == ours["open_bugs"]
        for key in ("median_first_response_hours", "deflection_rate_pct"):
            assert floor[key] == pytest.approx(ours[key], abs=1e-3)
        assert ours["open_bugs"] == cli["bug_age"]["open_bugs"] == peer["open_bugs"]
        assert ours["deflection_rate_pct"] == pytest.approx(peer["deflection_rate_pct"], abs=1e-3)
        assert ours["open_at_end"] == cli["backlog"]["open_at_end"] == peer["open_at_end"]
        for key in ("sla_first_response_met_pct", "csat_score_pct"):  # the bench exports have no CSAT: None
            assert ours[key] == pytest.approx(peer[key], abs=1e-3)
        assert ours["sla_first_response_met_pct"] == pytest.approx(cli["sla"]["first_response"]["met_pct"], abs=1e-3)


def test_the_fair_floor_gives_the_overviews_figures(sample) -> None:
    """bench/floor.py must compute what the overview shows, or its time is no floor: the tiles'
    numbers for the period, the sparklines and the product-line table, on seeded choices."""
    from bench import floor
    from bench.run import _filters, filter_choices
    from dashboard.metrics import coverage
    from dashboard.tiles import overview_of

    warehouse, report = sample
    spans = coverage(warehouse, "UTC")
    sparks = {
        "Median first response": "first_response.median_hours",
        "Median resolution": "resolution.median_hours",
        "Open bugs": "bug_age.open_bugs",
        "Deflection rate": "deflection.rate_pct",
        "Tickets about known bugs": "impact.linked_tickets",
        "Tickets created": "tickets_created",
        "First replies within SLA": "sla.first_response.met_pct",
        "Open tickets at the end": "backlog.open_at_end",
        "CSAT": "csat.score_pct",
    }
    assert set(sparks) == {kpi.tile.label for kpi in CATALOGUE if kpi.tile}
    counts = {"bug_age.open_bugs", "impact.linked_tickets", "tickets_created", "backlog.open_at_end"}
    for choice in filter_choices(8):
        filters = _filters(choice)
        shown = overview_of(warehouse, report.counts, filters, spans)
        figures = floor.figures(floor.statements(warehouse, filters))
        for key, value in figures["now"][None].items():
            theirs = (
                len(shown.now["impact"]["still_hurting"]) if key == "impact.still_hurting" else value_at(shown.now, key)
            )
            assert value == pytest.approx(theirs, abs=1e-4, nan_ok=True), (choice, key)
        months = [name for name in floor.buckets(filters)["names"] if name.startswith("m")]
        for label, path in sparks.items():
            mine = [figures.get(m, {}).get(None, {}).get(path) for m in months]
            theirs = shown.sparks[label]
            if path in counts:  # a month without any: no row in the floor, 0 or no data on the tile
                mine, theirs = [v or 0 for v in mine], [v or 0 for v in theirs]
            assert mine == pytest.approx(theirs, abs=1e-4, nan_ok=True), (choice, label)
        for row in shown.table.to_dict("records"):  # its columns are named by kpis JSON paths
            mine = figures["now"].get(row["product_line"], {})
            assert mine.get("tickets_created") == row["tickets_created"]
            for key in (
                "first_response.median_hours",
                "resolution.median_hours",
                "sla.first_response.met_pct",
                "backlog.open_at_end",
                "csat.score_pct",
            ):
                assert mine.get(key) == pytest.approx(row[key], abs=1e-4, nan_ok=True), (choice, key)


def test_the_cold_floor_builds_the_models_numbers(tmp_path) -> None:
    """bench/cold_floor.py must hold what the model holds, or its time is no floor: each
    ticket's product line, calendar and business hours, deadlines and first-reply SLA verdict at
    the data's cut-off; the issues, bugs, sessions and links."""
    from bench import cold_floor
    from bench.exports import write_exports
    from dashboard.store import open_warehouse

    data = tmp_path / "data"
    write_exports(data, 3000)
    assert cold_floor.build(data, tmp_path / "floor.duckdb") > 0
    warehouse, _ = open_warehouse(data, persist=False)
    con = warehouse.con
    con.execute("attach $path as floor (read_only)", {"path": str(tmp_path / "floor.duckdb")})
    differing = con.execute(
        """
        select count(*), count(*) filter (where m.ticket_id is null or f.ticket_id is null
            or m.product_line is distinct from f.product_line
            or m.first_reply_at is distinct from f.first_reply_at
            or m.first_response_due_at is distinct from f.first_response_due_at
            or m.resolution_due_at is distinct from f.resolution_due_at
            or ph_sla_first_response_status(m.first_response_due_at, m.has_response_data, m.first_reply_at,
                m.first_response_hours, (select data_as_of from fct_cutoff)) is distinct from f.first_response_sla
            or abs(coalesce(m.first_response_hours, -1) - coalesce(f.first_response_hours, -1)) > 1e-9
            or abs(coalesce(m.resolution_hours, -1) - coalesce(f.resolution_hours, -1)) > 1e-9
            or abs(coalesce(m.first_response_business_hours, -1) - coalesce(f.first_response_business_hours, -1)) > 1e-9
            or abs(coalesce(m.resolution_business_hours, -1) - coalesce(f.resolution_business_hours, -1)) > 1e-9)
        from fct_tickets as m full join floor.tickets as f using (ticket_id)
        """
    ).fetchone()
    assert differing == (3000, 0)
    verdicts = dict(con.execute("select first_response_sla, count(*) from floor.tickets group by all").fetchall())
    assert verdicts.get("met") and verdicts.get("breached")  # both kinds compared
    counts = con.execute(
        "select (select count(*) from fct_issues), (select count(*) from floor.issues), "
        "(select count(*) from fct_issues where is_bug), (select count(*) from floor.issues where is_bug), "
        "(select count(*) from fct_self_service), (select count(*) from floor.sessions), "
        "(select count(*) from fct_ticket_issue_links), (select count(*) from floor.links)"
    ).fetchone()
    assert counts[0::2] == counts[1::2] and all(counts)
    warehouse.close()
