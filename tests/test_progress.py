"""A load says how far it has got: the file being read, files and rows done, the model build,
and waiting for another process's build (build.Progress, shown by the dashboard and the CLI)."""

from __future__ import annotations

import io
import shutil
import threading
import time

import pytest

from dashboard import SAMPLE_DATA_DIR, cli
from dashboard.build import Progress
from dashboard.store import _build_lock, open_warehouse, store_dir


@pytest.mark.slow
def test_a_load_reports_each_file_then_the_model_build() -> None:
    seen: list[tuple[str, int, int, float, str]] = []
    progress = Progress(on_change=lambda p: seen.append((p.stage, p.files_done, p.rows, p.fraction, p.text())))
    warehouse, report = open_warehouse(SAMPLE_DATA_DIR, persist=False, progress=progress)
    read = [f for f in report.files if not f.path.endswith("health.toml")]
    assert progress.files_total == progress.files_done == len(read)
    assert progress.bytes_done == progress.bytes_total > 0
    assert [stage for stage, *_ in seen][-1] == "building"
    fractions = [fraction for *_, fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] < 1
    assert any(text.startswith("Reading zendesk/incremental-tickets-01.json (file ") for *_, text in seen)
    assert seen[-1][4] == f"Building the model from {progress.rows:,} rows of {len(read)} files ..."
    raw_rows = sum(f.rows_loaded + f.rows_rejected for f in read)
    assert progress.rows >= raw_rows  # raw rows: also the copies a later version supersedes


@pytest.mark.slow
def test_a_load_that_waits_for_another_build_says_so(tmp_path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".product-health"))
    progress = Progress()
    done: list[object] = []
    store_dir(folder).mkdir(parents=True, exist_ok=True)
    with _build_lock(store_dir(folder)):  # another process's build, as far as the load can tell
        loader = threading.Thread(target=lambda: done.append(open_warehouse(folder, progress=progress)))
        loader.start()
        for _ in range(200):
            if progress.stage == "waiting":
                break
            time.sleep(0.05)
        assert progress.stage == "waiting"
        assert progress.text().startswith("Waiting for another process")
    loader.join(timeout=120)
    assert done and progress.stage == "building"


def test_the_cli_draws_progress_on_one_terminal_line_only(monkeypatch) -> None:
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    assert cli._terminal_progress() is None  # piped or logged: nothing
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    progress = cli._terminal_progress()
    progress.update(stage="reading", files_total=3, current="zendesk/tickets.csv")
    assert terminal.getvalue() == "\r\033[KReading zendesk/tickets.csv (file 1 of 3); 0 rows so far"
