"""The bad-input corpus (tests/corpus/bad/, described in expected.json) plus the cases that
cannot be files in git: a 10 MB cell, a file that disappears and one that changes while it is
read. Each bad file is loaded beside the good exports (tests/corpus/good/): the data report
names the file, the line where there is one, and the reason; the good files' rows are exactly
what they are without it; `check` exits non-zero; and the dashboard renders every page."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT
from dashboard.cli import main
from dashboard.store import open_warehouse
from tests.conftest import file_report

pytestmark = pytest.mark.slow

CORPUS = PROJECT_ROOT / "tests" / "corpus"
_ALL_EXPECTED = json.loads((CORPUS / "expected.json").read_text())
EXPECTED = {k: v for k, v in _ALL_EXPECTED.items() if not k.startswith("_")}
MADE_AT_TEST_TIME = _ALL_EXPECTED["_made_at_test_time"]
GOOD = sorted(p.name for p in (CORPUS / "good").iterdir())
TABLES = ("tickets", "issues", "self_service")


def _folder(tmp_path: Path, *extra: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(CORPUS / "good", folder)
    for path in extra:
        shutil.copy(path, folder / path.name)
    return folder


def _good_rows(warehouse) -> dict[str, list]:
    """Every modelled row that came from a good file, keyed by table, file path aside."""
    rows = {}
    for table in TABLES:
        rows[table] = warehouse.con.execute(
            f"select * exclude (_file), regexp_extract(_file, '[^/]+$') as file from {table} "
            "where regexp_extract(_file, '[^/]+$') in (select unnest($good)) order by all",
            {"good": GOOD},
        ).fetchall()
    return rows


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    warehouse, report = open_warehouse(_folder(tmp_path_factory.mktemp("good")), persist=False)
    assert not report.failed
    return _good_rows(warehouse), {Path(f.path).name: f.rows_loaded for f in report.files}


def test_the_corpus_has_every_kind_and_at_least_forty_files() -> None:
    assert len(EXPECTED) >= 40
    assert sorted(EXPECTED) == sorted(p.name for p in (CORPUS / "bad").iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_file_is_reported_and_the_other_files_are_untouched(name, baseline, tmp_path, capsys) -> None:
    folder = _folder(tmp_path, CORPUS / "bad" / name)
    _check_outcome(folder, name, EXPECTED[name], baseline, capsys)


def _check_outcome(folder: Path, name: str, expected: list, baseline, capsys) -> None:
    """The data report says what expected.json says about `name` (a file, or a folder in its
    path); the good files' rows are what they are alone; `check` exits 0 only when nothing
    was refused."""
    outcome, line, reason = expected
    warehouse, report = open_warehouse(folder, persist=False)
    matches = [f for f in report.files if name in f.path]
    assert matches, f"{name} not in report: {[f.path for f in report.files]}"
    bad = matches[0]
    said = [bad.error or "", *(r.reason for r in bad.rejects), *bad.notes]
    if outcome == "supersedes":
        said = [note for f in report.files for note in f.notes]
    assert reason is None or any(reason in text for text in said), said
    if outcome == "failed":
        assert bad.error and bad.error.startswith(str(folder)) and name in bad.error and bad.rows_loaded == 0
        if line is not None:
            assert f": line {line}:" in bad.error
    elif outcome == "rejected":
        assert bad.error is None and bad.rows_rejected >= 1
        assert [r.line for r in bad.rejects if reason in r.reason][0] == line
    else:
        assert all(f.error is None and f.rows_rejected == 0 for f in matches) and bad.rows_loaded > 0
    good_rows, good_counts = baseline
    if outcome != "supersedes":
        assert _good_rows(warehouse) == good_rows
        assert {
            Path(f.path).name: f.rows_loaded for f in report.files if Path(f.path).name in good_counts
        } == good_counts
    warehouse.close()
    assert main(["check", "--data", str(folder)]) == (0 if outcome in ("loaded", "supersedes") else 1)
    assert name in capsys.readouterr().out


def test_a_ten_megabyte_cell_is_rejected_with_its_line(tmp_path) -> None:
    huge = tmp_path / "zendesk-huge-cell.csv"
    header = (CORPUS / "good" / "zendesk.csv").read_text().splitlines()[0]
    huge.write_text(
        header
        + "\n"
        + "301,77,G,Open,Normal,Mail,2024-03-01 10:00:00,,,0,,,"
        + "x" * (10 << 20)
        + "\n"
        + "302,77,G,Open,Normal,Mail,2024-03-02 10:00:00,,,0,,,billing\n"
    )
    warehouse, report = open_warehouse(_folder(tmp_path, huge), persist=False)
    bad = file_report(report, huge.name)
    assert bad.rows_loaded == 1 and [(r.line, "larger than 8 MB" in r.reason) for r in bad.rejects] == [(2, True)]


@pytest.mark.parametrize("when", ["before it is sniffed", "after it is sniffed"])
def test_a_file_that_disappears_while_it_is_read_is_reported(when, tmp_path, monkeypatch) -> None:
    from dashboard import ingest as module

    folder = _folder(tmp_path)
    victim = folder / "sessions.csv"
    real_sniff = module.sniff

    def vanishing(path):
        if path == victim and when.startswith("before"):
            victim.unlink()
        sniffed = real_sniff(path)
        if path == victim:
            victim.unlink()
        return sniffed

    monkeypatch.setattr(module, "sniff", vanishing)
    _, report = open_warehouse(folder, persist=False)
    assert file_report(report, "sessions.csv").error == f"{victim}: the file disappeared while it was being read"
    assert file_report(report, "zendesk.csv").rows_loaded == 5


def test_a_file_that_changes_while_it_is_read_is_reported_and_left_out(tmp_path, monkeypatch) -> None:
    from dashboard import ingest as module

    folder = _folder(tmp_path)
    growing = folder / "sessions.csv"
    real_sniff = module.sniff

    def still_downloading(path):
        sniffed = real_sniff(path)
        if path == growing:
            with growing.open("a") as handle:
                handle.write("s9,2024-03-09 10:00:00,Billing,chatbot,resolved\n")
        return sniffed

    monkeypatch.setattr(module, "sniff", still_downloading)
    warehouse, report = open_warehouse(folder, persist=False)
    assert "changed while it was being read" in file_report(report, "sessions.csv").error
    assert warehouse.sql("select count(*) n from self_service")["n"][0] == 0


def test_the_dashboard_renders_every_page_over_the_whole_corpus(tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    folder = _folder(tmp_path, *sorted((CORPUS / "bad").iterdir()))
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert any("Some export files failed" in w.value for w in at.warning)
    for page in ("first_response", "resolution", "bugs", "deflection", "impact", "data_report"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page


# -- the cases that cannot be files in git (expected.json, "_made_at_test_time") -------------------

GOOD_SESSION_ROWS = "".join(f"s{i},2024-03-0{i} 12:00:00,Billing,help center,resolved\n" for i in range(6, 9))
SESSIONS_HEADER = "session_id,started_at,product_line,channel,outcome\n"


def _fifo(folder: Path, monkeypatch) -> None:
    os.mkfifo(folder / "fifo.csv")  # opening it for reading would wait for a writer for ever


def _name_not_utf8(folder: Path, monkeypatch) -> None:
    with open(os.fsencode(folder) + b"/name-not-utf8-\xff.csv", "w") as handle:
        handle.write(SESSIONS_HEADER + GOOD_SESSION_ROWS)


def _broken_link(folder: Path, monkeypatch) -> None:
    (folder / "broken-link.csv").symlink_to(folder / "moved-away.csv")


def _unreadable_folder(folder: Path, monkeypatch) -> None:
    from dashboard import folder as module

    locked = folder / "unreadable-folder"
    locked.mkdir()
    (locked / "sessions-april.csv").write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    if os.geteuid() != 0:
        locked.chmod(0)
        return
    # Root enters any folder: refuse this one the way the file system refuses other users.
    real = module._list_folder

    def refusing(path: Path):
        if path == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(module, "_list_folder", refusing)


def _over_long_path(folder: Path, monkeypatch) -> None:
    component = "x" * 230 + "over-long-path"
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 245 characters: longer than PATH_MAX (4096)
            os.mkdir(component, dir_fd=fd)
            inner = os.open(component, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        file = os.open("sessions.csv", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(file, (SESSIONS_HEADER + GOOD_SESSION_ROWS).encode())
        os.close(file)
    finally:
        os.close(fd)


def _linked_folder(folder: Path, monkeypatch) -> None:
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "sessions-april.csv").write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    (folder / "linked-folder").symlink_to(elsewhere, target_is_directory=True)


def _link_loop(folder: Path, monkeypatch) -> None:
    inner = folder / "link-loop"
    inner.mkdir()
    (inner / "sessions-april.csv").write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    (inner / "back-to-the-top").symlink_to(folder, target_is_directory=True)


def _nul_tail(folder: Path, monkeypatch) -> None:
    path = folder / "nul-tail-128-mib.csv"
    path.write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    with path.open("r+b") as handle:  # 128 MiB of zeros, written as a sparse file
        handle.truncate(path.stat().st_size + (128 << 20))


def _blank_space_before(folder: Path, monkeypatch) -> None:
    item = {
        "number": 77,
        "title": "t",
        "state": "open",
        "created_at": "2024-03-01T10:00:00Z",
        "updated_at": "2024-03-01T10:00:00Z",
        "labels": [],
        "html_url": "https://github.com/acme/other/issues/77",
    }
    (folder / "blank-space-before.json").write_text(" \n" * (3 << 19) + json.dumps([item]))


MAKERS = {
    "fifo.csv": _fifo,
    "name-not-utf8-\\xff.csv": _name_not_utf8,
    "broken-link.csv": _broken_link,
    "unreadable-folder": _unreadable_folder,
    "over-long-path": _over_long_path,
    "linked-folder": _linked_folder,
    "link-loop": _link_loop,
    "nul-tail-128-mib.csv": _nul_tail,
    "blank-space-before.json": _blank_space_before,
}
BUILD_CASES = ("grows-while-read.csv", "changed-after-read.csv", "killed-build")  # tests of their own below


def test_every_case_made_at_test_time_is_tested() -> None:
    assert sorted([*MAKERS, *BUILD_CASES]) == sorted(MADE_AT_TEST_TIME)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_a_case_made_at_test_time_is_reported_and_the_other_files_are_untouched(
    name, baseline, tmp_path, monkeypatch, capsys
) -> None:
    folder = _folder(tmp_path)
    MAKERS[name](folder, monkeypatch)
    _check_outcome(folder, name, MADE_AT_TEST_TIME[name], baseline, capsys)


def test_a_file_that_grows_while_it_is_read_is_read_again_next_time(tmp_path, monkeypatch) -> None:
    """The persisted model records a file's identity as it was before reading it."""
    from dashboard import ingest as module

    folder = _folder(tmp_path)
    growing = folder / "grows-while-read.csv"
    growing.write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    real_sniff = module.sniff

    def still_downloading(path):
        sniffed = real_sniff(path)
        if path == growing:
            with growing.open("a") as handle:
                handle.write("s9,2024-03-09 10:00:00,Billing,chatbot,resolved\n")
        return sniffed

    monkeypatch.setattr(module, "sniff", still_downloading)
    outcome, _, reason = MADE_AT_TEST_TIME["grows-while-read.csv"]
    first, report = open_warehouse(folder)
    assert outcome == "failed" and reason in file_report(report, growing.name).error
    first.close()
    monkeypatch.setattr(module, "sniff", real_sniff)  # the download has finished
    again, report = open_warehouse(folder)
    assert file_report(report, growing.name).error is None and file_report(report, growing.name).rows_loaded == 4


def test_a_file_changed_during_a_build_is_read_again_by_the_next(tmp_path, monkeypatch) -> None:
    from dashboard import build as module

    folder = _folder(tmp_path)
    changed = folder / "changed-after-read.csv"
    changed.write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS)
    real_build = module.Build.build_model

    def a_new_version_arrives(self, report):
        changed.write_text(SESSIONS_HEADER + GOOD_SESSION_ROWS + "s9,2024-03-09 10:00:00,Billing,chatbot,resolved\n")
        return real_build(self, report)

    monkeypatch.setattr(module.Build, "build_model", a_new_version_arrives)
    first, report = open_warehouse(folder)
    assert file_report(report, changed.name).rows_loaded == 3  # read before the change
    first.close()
    monkeypatch.setattr(module.Build, "build_model", real_build)
    outcome, _, _ = MADE_AT_TEST_TIME["changed-after-read.csv"]
    again, report = open_warehouse(folder)
    assert outcome == "loaded" and file_report(report, changed.name).rows_loaded == 4
    assert again.sql("select count(*) n from self_service")["n"][0] == 9


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from dashboard import build, store
def killed(self, report):
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 in the middle of a build
build.Build.build_model = killed
store.open_warehouse(Path(sys.argv[1]))
"""


def test_a_build_killed_with_sigkill_leaves_nothing_behind_after_the_next(tmp_path) -> None:
    from dashboard.store import store_dir

    folder = _folder(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(folder)], env=env, cwd=PROJECT_ROOT)
    assert killed.returncode == -signal.SIGKILL
    store = store_dir(folder)
    assert list(store.glob(".model-*.tmp*"))  # what kill -9 left
    warehouse, report = open_warehouse(folder)
    assert MADE_AT_TEST_TIME["killed-build"][0] == "loaded" and not report.failed
    assert list(store.glob(".model-*")) == [] and len(list(store.glob("model-*.duckdb"))) == 1
    assert warehouse.sql("select count(*) n from tickets")["n"][0] == 5
