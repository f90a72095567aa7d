"""The benchmark's 10k smoke run: the script works end to end, and its numbers agree with the
CLI and with the pandas peer. Nothing here is about time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import PROJECT_ROOT
from dashboard.cli import main


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
    result, printed, _ = smoke
    assert result["rows_loaded"] == 10_000 + 1_000 + 10_000 + 200
    for figure in (
        "cold load",
        "warm start",
        "overview refresh",
        "floor",
        "overview / floor",
        "peer / overview",
        "peak RSS",
    ):
        assert figure in printed
    # 9 for the period (8 KPI queries and the still-hurting list), 8 each for the month before
    # and a year earlier, 8 trends
    assert result["queries_per_refresh"] == 33
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
        assert ours["floor_median_hours"] == pytest.approx(ours["median_first_response_hours"], abs=1e-3)
        assert ours["open_bugs"] == cli["bug_age"]["open_bugs"] == peer["open_bugs"]
        assert ours["deflection_rate_pct"] == pytest.approx(peer["deflection_rate_pct"], abs=1e-3)
