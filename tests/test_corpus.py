"""The bad-input corpus (tests/corpus/bad/, described in expected.json) plus the cases that
cannot be files in git: a 10 MB cell, a file that disappears and one that changes while it is
read. Each bad file is loaded beside the good exports (tests/corpus/good/): the data report
names the file, the line where there is one, and the reason; the good files' rows are exactly
what they are without it; `check` exits non-zero; and the dashboard renders every page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT
from dashboard.cli import main
from dashboard.warehouse import open_warehouse
from tests.conftest import file_report

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
        assert {Path(f.path).name: f.rows_loaded for f in report.files if Path(f.path).name in good_counts} == good_counts
    warehouse.close()
    assert main(["check", "--data", str(folder)]) == (0 if outcome in ("loaded", "supersedes") else 1)
    assert name in capsys.readouterr().out


def test_a_ten_megabyte_cell_is_rejected_with_its_line(tmp_path) -> None:
    huge = tmp_path / "zendesk-huge-cell.csv"
    header = (CORPUS / "good" / "zendesk.csv").read_text().splitlines()[0]
    huge.write_text(header + "\n" + "301,77,G,Open,Normal,Mail,2024-03-01 10:00:00,,,0,,,"
                    + "x" * (10 << 20) + "\n" + "302,77,G,Open,Normal,Mail,2024-03-02 10:00:00,,,0,,,billing\n")
    warehouse, report = open_warehouse(_folder(tmp_path, huge), persist=False)
    bad = file_report(report, huge.name)
    assert bad.rows_loaded == 1 and [(r.line, "larger than 8 MB" in r.reason) for r in bad.rejects] == [(2, True)]


@pytest.mark.parametrize("when", ["before it is sniffed", "after it is sniffed"])
def test_a_file_that_disappears_while_it_is_read_is_reported(when, tmp_path, monkeypatch) -> None:
    from dashboard import warehouse as module

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
    from dashboard import warehouse as module

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
