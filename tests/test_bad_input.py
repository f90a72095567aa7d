"""A bad file is reported (file, line, reason) and every other file still loads unchanged."""

from __future__ import annotations

import codecs
import zipfile
import io

import pytest

from tests.conftest import file_report

GOOD_SESSIONS = "session_id,started_at,product_line,channel,outcome\na,2024-03-01 10:00:00,Billing,chatbot,resolved\n"
ZENDESK_HEADER = "Id,Status,Via,Created at,Solved at,First reply time in minutes\n"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tickets.csv", ZENDESK_HEADER)
    return buffer.getvalue()


BAD_FILES = {
    # name: (content, what the error or reject must say, line or None)
    "empty.csv": (b"", "the file is empty", None),
    "truncated.json": ('{"tickets": [{"id": 1, "created_at": "2024-', "invalid JSON", 1),
    "wrong-shape.json": ('{"users": [{"id": 1}]}', "JSON of an unknown shape", None),
    "notes.csv": ("just some words\nand more words\n", "no comma, semicolon or tab", 1),
    "unknown-columns.csv": ("alpha,beta\n1,2\n", "not a supported export", 1),
    "binary.csv": (bytes(range(256)) * 8, "binary file", None),
    "archive.csv": (zip_bytes(), "zip archive", None),
}

BAD_ROWS = {
    # name: (content, line, reason fragment)
    "ragged.csv": (ZENDESK_HEADER + "1,Open,Mail,2024-03-01 10:00:00,,5\n2,Open,Mail\n", 3, "too few columns"),
    "extra.csv": (ZENDESK_HEADER + "1,Open,Mail,2024-03-01 10:00:00,,5,9,9\n", 2, "too many columns"),
    "bad-date.csv": (ZENDESK_HEADER + "1,Open,Mail,yesterday,,5\n", 2, "'yesterday' is not a date"),
    "feb-31.csv": (ZENDESK_HEADER + "1,Open,Mail,2024-02-31 10:00:00,,5\n", 2, "is not a date"),
    "year-1.csv": (ZENDESK_HEADER + "1,Open,Mail,0001-01-01 10:00:00,,5\n", 2, "outside 1990 to today"),
    "future.csv": (ZENDESK_HEADER + "1,Open,Mail,2999-01-01 10:00:00,,5\n", 2, "outside 1990 to today"),
    "solved-early.csv": (ZENDESK_HEADER + "1,Solved,Mail,2024-03-02 10:00:00,2024-03-01 10:00:00,5\n", 2,
                         "Solved at is before Created at"),
    "negative.csv": (ZENDESK_HEADER + "1,Open,Mail,2024-03-01 10:00:00,,-5\n", 2, "negative first reply time"),
    "bad-bytes.csv": (ZENDESK_HEADER.encode() + "1,Open,Téléphone,2024-03-01 10:00:00,,5\n".encode()
                      + b"2,Open,M\xffail,2024-03-01 10:00:00,,5\n", 3, "not valid text"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_reported_and_the_other_files_still_load(load_files, name: str) -> None:
    content, message, line = BAD_FILES[name]
    w, report = load_files({name: content, "good.csv": GOOD_SESSIONS})
    bad = file_report(report, name)
    assert bad.error and message in bad.error and name in bad.error
    if line is not None:
        assert f"line {line}" in bad.error
    assert report.failed
    assert file_report(report, "good.csv").rows_loaded == 1
    assert w.sql("select count(*) n from self_service")["n"][0] == 1


@pytest.mark.parametrize("name", sorted(BAD_ROWS))
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_nothing_else_is_lost(load_files, name: str) -> None:
    content, line, reason = BAD_ROWS[name]
    good_row = "7,Open,Mail,2024-03-01 10:00:00,,5\n"
    data = content + good_row if isinstance(content, str) else content + good_row.encode()
    w, report = load_files({name: data})
    f = file_report(report, name)
    assert f.rows_rejected >= 1 and report.failed
    if line is not None:
        assert [(r.line, reason in r.reason) for r in f.rejects] [:1] == [(line, True)]
    assert "7" in w.sql("select ticket_id from tickets")["ticket_id"].tolist()


def test_latin1_and_utf16_exports_are_read(load_files) -> None:
    latin = (ZENDESK_HEADER.replace("Via", "Via") + "1,Open,Téléphone,2024-03-01 10:00:00,,5\n").encode("latin-1")
    utf16 = codecs.BOM_UTF16_LE + (ZENDESK_HEADER + "2,Open,Mail,2024-03-01 10:00:00,,5\n").encode("utf-16-le")
    w, report = load_files({"latin.csv": latin, "utf16.csv": utf16})
    assert sorted(w.sql("select channel from tickets")["channel"].tolist()) == ["Mail", "Téléphone"]
    assert "read as latin-1" in " ".join(file_report(report, "latin.csv").notes)


def test_the_same_ticket_in_two_files_keeps_the_newer_version_whatever_the_order(load_files) -> None:
    header = "Id,Status,Via,Created at,Updated at,Solved at\n"
    old = header + "1,Open,Mail,2024-03-01 10:00:00,2024-03-01 10:00:00,\n"
    new = header + "1,Solved,Mail,2024-03-01 10:00:00,2024-03-05 10:00:00,2024-03-05 10:00:00\n"
    for names in (("a.csv", "b.csv"), ("b.csv", "a.csv")):
        w, report = load_files({names[0]: new, names[1]: old})
        rows = w.sql("select status, _file from tickets")
        assert rows["status"].tolist() == ["solved"]
        assert rows["_file"][0].endswith(names[0])
        assert "1 rows superseded" in " ".join(file_report(report, names[1]).notes)


def test_an_equal_duplicate_resolves_to_the_later_file_deterministically(load_files) -> None:
    row = "Id,Status,Via,Created at\n1,Open,Mail,2024-03-01 10:00:00\n"
    w, _ = load_files({"2024/march.csv": row, "2025/march.csv": row.replace("Mail", "Web")})
    assert w.sql("select channel from tickets")["channel"].tolist() == ["Web"]


def test_documentation_beside_the_exports_is_ignored_not_failed(load_files) -> None:
    _, report = load_files({"README.md": "# notes", "good.csv": GOOD_SESSIONS})
    assert not report.failed and report.notes == ["ignored README.md: documentation, not an export"]
