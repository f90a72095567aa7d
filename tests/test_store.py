"""The persisted model: reused when nothing changed, updated file by file, never half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dashboard import SAMPLE_DATA_DIR
from dashboard.errors import ProductHealthError
from dashboard.store import STORE_DIR_NAME, open_warehouse, store_dir
from tests.test_metrics import BUGS, SESSIONS, TICKETS


def _report(report) -> dict:
    data = report.as_dict()
    data.pop("loaded_at")
    return data


def _figures(warehouse) -> list:
    return warehouse.con.execute(
        "select source, ticket_id, product_line, first_response_hours, resolution_hours from tickets order by all"
    ).fetchall()


@pytest.fixture
def folder(tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(TICKETS)
    (data / "bugs.csv").write_text(BUGS)
    (data / "sessions.csv").write_text(SESSIONS)
    return data


@pytest.mark.slow
def test_a_persisted_model_equals_the_in_memory_one_and_is_reused(folder) -> None:
    memory, memory_report = open_warehouse(folder, persist=False)
    first, first_report = open_warehouse(folder)
    models = sorted(store_dir(folder).glob("model-*.duckdb"))
    assert len(models) == 1
    first.close()
    again, again_report = open_warehouse(folder)
    assert again.path == models[0]  # opened, not rebuilt
    assert _report(memory_report) == _report(first_report) == _report(again_report)
    assert _figures(memory) == _figures(again)


@pytest.mark.slow
def test_a_changed_file_is_reread_and_the_others_are_copied(folder) -> None:
    open_warehouse(folder)[0].close()
    (folder / "tickets.csv").write_text(TICKETS + "6,81,B,Open,Mail,2024-03-25 10:00:00,,0,,\n")
    (folder / "more.csv").write_text(
        "session_id,started_at,product_line,channel,outcome\ns9,2024-03-09 10:00:00,A,chatbot,resolved\n"
    )
    updated, report = open_warehouse(folder)
    fresh, fresh_report = open_warehouse(folder, persist=False)
    assert _report(report) == _report(fresh_report)
    assert _figures(updated) == _figures(fresh)
    assert updated.sql("select count(*) n from tickets")["n"][0] == 6
    assert len(list(store_dir(folder).glob("model-*.duckdb"))) == 1  # the old one is gone


@pytest.mark.slow
def test_a_removed_file_leaves_the_model(folder) -> None:
    open_warehouse(folder)[0].close()
    (folder / "bugs.csv").unlink()
    warehouse, report = open_warehouse(folder)
    assert warehouse.sql("select count(*) n from issues")["n"][0] == 0
    assert [Path(f.path).name for f in report.files] == ["sessions.csv", "tickets.csv"]


@pytest.mark.slow
def test_settings_changes_rebuild_from_scratch(folder) -> None:
    first, _ = open_warehouse(folder)
    assert set(first.sql("select distinct product_line from tickets")["product_line"]) == {"A", "B"}
    first.close()
    (folder / "health.toml").write_text('[sources.zendesk]\nproduct_lines = { A = "Alpha", B = "Beta" }\n')
    second, _ = open_warehouse(folder)
    assert set(second.sql("select distinct product_line from tickets")["product_line"]) == {"Alpha", "Beta"}


def test_a_failed_build_leaves_the_last_model_and_no_temporary_file(folder, monkeypatch) -> None:
    open_warehouse(folder)[0].close()
    store = store_dir(folder)
    before = sorted(p.name for p in store.iterdir())
    (folder / "tickets.csv").write_text(TICKETS + "6,81,B,Open,Mail,2024-03-25 10:00:00,,0,,\n")

    from dashboard import build as build_module

    def broken(self, report):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module.Build, "build_model", broken)
    with pytest.raises(ProductHealthError, match="loading stopped while building the model: RuntimeError: disk full"):
        open_warehouse(folder)
    assert sorted(p.name for p in store.iterdir()) == before


def test_the_store_is_beside_the_data_or_in_the_user_cache_when_it_cannot_be(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PRODUCT_HEALTH_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR / "self-service", data)
    assert store_dir(data) == data / STORE_DIR_NAME
    shutil.rmtree(data / STORE_DIR_NAME)
    (data / STORE_DIR_NAME).write_text("not a folder")  # as unwritable as a read-only mount, even for root
    assert store_dir(data).parent == tmp_path / "home" / ".cache" / "product-health"


@pytest.mark.slow
def test_check_json_is_the_same_cold_and_warm(tmp_path, capsys) -> None:
    from dashboard.cli import main

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    outputs = []
    for _ in range(2):
        assert main(["check", "--data", str(data), "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        result.pop("loaded_at")
        outputs.append(result)
    assert outputs[0] == outputs[1]


def test_every_spelling_of_the_folder_opens_the_same_model(folder, monkeypatch) -> None:
    monkeypatch.chdir(folder.parent)
    first, _ = open_warehouse(Path("data"))
    models = sorted(store_dir(folder).glob("model-*.duckdb"))
    first.close()
    for spelling in (folder, Path("./data/"), Path("data/../data")):
        again, _ = open_warehouse(spelling)
        assert again.path == models[0]  # opened, not rebuilt (which would delete the other's model)
        again.close()
    assert sorted(store_dir(folder).glob("model-*.duckdb")) == models


BUILD_AND_COUNT = """
import sys
from pathlib import Path
from dashboard.store import open_warehouse
warehouse, report = open_warehouse(Path(sys.argv[1]))
print(warehouse.sql("select count(*) n from tickets")["n"][0], warehouse.path.name)
"""


@pytest.mark.slow
def test_processes_opening_one_folder_at_once_share_one_model_without_lock_errors(folder) -> None:
    """Replicas of the server on one data folder: one builds, the others wait and open it."""
    import os
    import subprocess
    import sys

    from dashboard import PROJECT_ROOT

    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PRODUCT_HEALTH_LOG_LEVEL="WARNING")
    for round_ in range(2):
        if round_:
            (folder / "more.csv").write_text(TICKETS.replace("\n1,", "\n91,").replace("\n2,", "\n92,"))
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", BUILD_AND_COUNT, str(folder)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        results = [p.communicate(timeout=300) for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], [err for _, err in results]
        assert len({out for out, _ in results}) == 1 and all(err == "" for _, err in results)
    assert len(list(store_dir(folder).glob("model-*.duckdb"))) == 1


@pytest.mark.slow
def test_a_file_replaced_with_the_same_size_and_modification_time_is_read_again(folder) -> None:
    import os

    open_warehouse(folder)[0].close()
    tickets = folder / "tickets.csv"
    before = tickets.stat()
    replacement = folder.parent / "replacement.csv"
    replacement.write_text(TICKETS.replace("Mail", "Chat"))  # same size
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, tickets)  # an atomic replace, as sync tools do
    assert (tickets.stat().st_size, tickets.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    warehouse, _ = open_warehouse(folder)
    assert set(warehouse.sql("select channel from tickets")["channel"]) == {"Chat"}
