"""The data folder is walked once per load, and its one fingerprint changes with what a load reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import folder as folder_module
from dashboard.folder import Skipped, fingerprint, folder_state
from dashboard.store import open_warehouse

SESSIONS = "session_id,started_at,product_line,channel,outcome\ns1,2024-03-01 12:00:00,Billing,help center,resolved\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "inner").mkdir(parents=True)
    (folder / "sessions.csv").write_text(SESSIONS)
    (folder / "inner" / "more.csv").write_text(SESSIONS.replace("s1,", "s2,"))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("persist", [True, False])
def test_a_load_walks_the_data_folder_once(data, monkeypatch, persist) -> None:
    listed: list[Path] = []
    real = folder_module._list_folder

    def counting(path: Path):
        listed.append(path)
        return real(path)

    monkeypatch.setattr(folder_module, "_list_folder", counting)
    warehouse, report = open_warehouse(data, persist=persist)
    assert sorted(listed) == [data.resolve(), data.resolve() / "inner"]
    assert report.counts["self_service_rows"] == 2
    warehouse.close()


def test_a_load_reads_the_walk_it_is_given(data, monkeypatch) -> None:
    state = folder_state(data.resolve())
    monkeypatch.setattr(folder_module, "_list_folder", lambda path: pytest.fail(f"walked {path} again"))
    warehouse, report = open_warehouse(data, state=state)
    assert len(report.files) == 2
    warehouse.close()


def test_the_fingerprint_changes_with_an_export_or_the_settings_and_only_then(data) -> None:
    before = fingerprint(data)
    assert fingerprint(data) == before
    (data / "sessions.csv").write_text(SESSIONS + "s3,2024-03-02 12:00:00,Billing,chatbot,resolved\n")
    touched = fingerprint(data)
    assert touched != before
    (data / "health.toml").write_text('timezone = "Europe/Berlin"\n')
    assert fingerprint(data) != touched


def test_the_walk_lists_what_it_skips_in_order_with_the_exports(data) -> None:
    os.mkfifo(data / "a-fifo.csv")
    state = folder_state(data)
    assert [e.path if isinstance(e, Skipped) else e.name for e in state.entries][:1] == [str(data / "a-fifo.csv")]
    assert set(state.identities) == {str(data / "inner" / "more.csv"), str(data / "sessions.csv")}
