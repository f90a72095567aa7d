"""A bad file is reported (file, line, reason) and every other file still loads unchanged."""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from pathlib import Path

import pytest

from dashboard.compressed import compression_of
from dashboard.store import open_warehouse
from tests.conftest import file_report

pytestmark = pytest.mark.slow  # each case loads a whole model

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
    "solved-early.csv": (
        ZENDESK_HEADER + "1,Solved,Mail,2024-03-02 10:00:00,2024-03-01 10:00:00,5\n",
        2,
        "Solved at is before Created at",
    ),
    "negative.csv": (ZENDESK_HEADER + "1,Open,Mail,2024-03-01 10:00:00,,-5\n", 2, "negative first reply time"),
    "bad-bytes.csv": (
        ZENDESK_HEADER.encode()
        + "1,Open,Téléphone,2024-03-01 10:00:00,,5\n".encode()
        + b"2,Open,M\xffail,2024-03-01 10:00:00,,5\n",
        3,
        "not valid text",
    ),
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
        assert [(r.line, reason in r.reason) for r in f.rejects][:1] == [(line, True)]
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


# -- round two -------------------------------------------------------------------------------------

ZENDESK_MINUTES = "Id,Status,Via,Created at,Updated at,Solved at,Reopens,First reply time in minutes\n"


@pytest.mark.parametrize("value", ["n/a", "1h", "12,5", "true", "1.234", "1e3", "-"])
def test_reply_minutes_that_are_not_plain_numbers_are_rejected_not_counted_as_unanswered(load_files, value) -> None:
    rows = (
        ZENDESK_MINUTES
        + f'1,Solved,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,2024-03-02 10:00:00,0,"{value}"\n'
        + "2,Solved,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,2024-03-02 10:00:00,0,90\n"
    )
    w, report = load_files({"tickets.csv": rows})
    f = file_report(report, "tickets.csv")
    assert [(r.line, f"'{value}'" in r.reason) for r in f.rejects] == [(2, True)]
    assert w.sql("select ticket_id, first_response_hours from tickets").values.tolist() == [["2", 1.5]]


def test_plain_minutes_with_a_decimal_point_are_read(load_files) -> None:
    rows = ZENDESK_MINUTES + "1,Solved,Mail,2024-03-01 10:00:00,2024-03-02 10:00:00,2024-03-02 10:00:00,0,12.5\n"
    w, report = load_files({"tickets.csv": rows})
    assert not report.failed and w.sql("select first_response_hours * 60 m from tickets")["m"][0] == 12.5


def test_a_version_updated_in_year_9999_neither_wins_nor_dates_the_data(load_files) -> None:
    real = ZENDESK_MINUTES + "1,Solved,Mail,2024-03-01 10:00:00,2024-03-05 10:00:00,2024-03-05 10:00:00,0,60\n"
    future = ZENDESK_MINUTES + "1,Open,Mail,2024-03-01 10:00:00,9999-12-31 23:59:59,,0,\n"
    w, report = load_files({"a.csv": real, "b.csv": future})
    assert w.sql("select status from tickets")["status"].tolist() == ["solved"]
    assert report.data_as_of.startswith("2024-03-05")
    assert "outside 1990 to today" in file_report(report, "b.csv").rejects[0].reason


def test_an_epoch_beyond_year_9999_rejects_its_row_not_the_whole_build(load_files) -> None:
    import json

    page = {
        "tickets": [
            {"id": 1, "created_at": "2024-03-01T10:00:00Z", "generated_timestamp": 10**17, "status": "open"},
            {"id": 2, "created_at": "2024-03-01T10:00:00Z", "generated_timestamp": 1709287200, "status": "open"},
        ]
    }
    w, report = load_files({"page.json": json.dumps(page), "good.csv": GOOD_SESSIONS})
    assert w.sql("select ticket_id from tickets")["ticket_id"].tolist() == ["2"]
    assert file_report(report, "page.json").rows_rejected == 1 and file_report(report, "good.csv").rows_loaded == 1


@pytest.mark.parametrize("names", [("sessions.csv", "sessions (1).csv"), ("sessions (1).csv", "sessions.csv")])
def test_the_same_sessions_downloaded_twice_count_once_and_the_newer_file_wins(load_files, tmp_path, names) -> None:
    old = GOOD_SESSIONS + "b,2024-03-02 10:00:00,Billing,chatbot,escalated\n"
    new = old.replace("escalated", "resolved")
    w, report = load_files({names[0]: old, names[1]: new}, persist=False)
    # load_files wrote them in order: the second is the newer file whatever its name
    folder = Path(report.data_dir)
    os.utime(folder / names[0], ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    w, report = open_warehouse(folder, persist=False)
    rows = w.sql("select session_id, count_resolved, _file from self_service order by 1")
    assert rows["session_id"].tolist() == ["a", "b"] and rows["count_resolved"].tolist() == [1, 1]
    assert set(rows["_file"].map(lambda p: Path(p).name)) == {names[1]}
    assert "2 rows superseded by a newer version" in " ".join(file_report(report, names[0]).notes)


def test_daily_counts_downloaded_twice_count_once(load_files) -> None:
    daily = "date,product_line,channel,sessions,resolved,escalated\n2024-03-01,Billing,chatbot,10,4,3\n"
    w, _ = load_files({"daily.csv": daily, "daily (1).csv": daily})
    assert w.sql("select sum(count_sessions) n from self_service")["n"][0] == 10


def test_names_with_pattern_characters_are_read_literally(load_files) -> None:
    def one(session: str) -> str:
        return f"session_id,started_at,product_line,channel,outcome\n{session},2024-03-01 10:00:00,B,chatbot,resolved\n"

    names = {
        "export[1].csv": "x1",
        "export1.csv": "y1",
        "sessions-*.csv": "star",
        "sessions-a.csv": "a",
        "what?.csv": "q",
        "whatX.csv": "x",
        "{a,b}.csv": "brace",
    }
    w, report = load_files({name: one(session) for name, session in names.items()})
    rows = w.sql("select session_id, _file from self_service")
    assert {Path(f).name: s for s, f in rows.values.tolist()} == dict(names)
    assert not report.failed


def test_an_excel_windows_1252_file_is_read_with_its_smart_quotes_and_euro_sign(load_files) -> None:
    text = "Id,Status,Via,Created at,Group\n1,Open,Mail \u201cdirect\u201d,2024-03-01 10:00:00,EU \u20ac\n"
    w, report = load_files({"excel.csv": text.encode("cp1252")})
    assert w.sql("select channel, product_line from tickets").values.tolist() == [
        ["Mail \u201cdirect\u201d", "EU \u20ac"]
    ]
    assert "read as windows-1252, not UTF-8" in file_report(report, "excel.csv").notes


def test_rows_appended_with_other_line_endings_are_all_read_with_their_lines(load_files) -> None:
    text = (
        ZENDESK_HEADER.replace("\n", "\r\n")
        + "1,Open,Mail,2024-03-01 10:00:00,,5\r\n"
        + "2,Open,Mail,yesterday,,5\n"
        + "3,Open,Mail,2024-03-03 10:00:00,,5\n"
    )
    w, report = load_files({"mixed.csv": text.encode()})
    f = file_report(report, "mixed.csv")
    assert sorted(w.sql("select ticket_id from tickets")["ticket_id"]) == ["1", "3"]
    assert [(r.line, "'yesterday' is not a date" in r.reason) for r in f.rejects] == [(3, True)]
    assert any("mixed line endings" in note for note in f.notes)


def test_a_load_failure_and_a_build_are_logged_one_line_each(load_files) -> None:
    import logging

    from dashboard.logs import log

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        load_files(
            {
                "empty.csv": b"",
                "good.csv": GOOD_SESSIONS,
                "bad-row.csv": GOOD_SESSIONS + "b,2024-03-01 10:00:00,Billing,chatbot,maybe\n",
            }
        )
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    messages = [r.getMessage() for r in records]
    assert any(m.startswith("load failed: ") and "empty.csv: the file is empty" in m for m in messages)
    assert any(m.startswith("built the model of ") for m in messages)
    assert any(
        m.startswith("rows rejected: ") and "bad-row.csv: 1 rows; first at line 3: outcome 'maybe'" in m
        for m in messages
    )
    assert all("\n" not in m for m in messages)


def test_sessions_without_an_id_are_never_merged_with_each_other(load_files) -> None:
    rows = "session_id,started_at,product_line,channel,outcome\n" + ",2024-03-01 10:00:00,B,chatbot,resolved\n" * 2
    w, report = load_files({"sessions.csv": rows})
    assert w.sql("select count(*) n from self_service")["n"][0] == 2 and not report.failed


def test_blank_lines_before_the_header_are_skipped_and_lines_still_count_them(load_files) -> None:
    rows = "\n\n" + GOOD_SESSIONS + "b,2024-03-01 10:00:00,Billing,chatbot,maybe\n"
    w, report = load_files({"sessions.csv": rows.encode()})  # bytes: written as they are
    f = file_report(report, "sessions.csv")
    assert f.rows_loaded == 1 and [r.line for r in f.rejects] == [5]
    assert "2 blank lines before the header: the header is line 3" in f.notes


@pytest.mark.parametrize(
    ("column", "value"),
    [("sessions", "12.5"), ("sessions", "1e3"), ("resolved", "0x10"), ("escalated", "n/a"), ("escalated", "1,000")],
)
def test_daily_counts_that_are_not_whole_numbers_are_rejected_not_rounded(load_files, column, value) -> None:
    row = {"sessions": "20", "resolved": "4", "escalated": "3"} | {column: value}
    daily = (
        "date,product_line,channel,sessions,resolved,escalated\n"
        f'2024-03-01,Billing,chatbot,"{row["sessions"]}","{row["resolved"]}","{row["escalated"]}"\n'
        "2024-03-02,Billing,chatbot,10,4,3\n"
    )
    w, report = load_files({"daily.csv": daily})
    f = file_report(report, "daily.csv")
    assert [(r.line, f"{column} '{value}' is not a count" in r.reason) for r in f.rejects] == [(2, True)]
    assert w.sql("select sum(count_sessions) n from self_service")["n"][0] == 10


def test_a_nul_byte_inside_a_row_rejects_that_row_with_its_line(load_files) -> None:
    rows = (
        "session_id,started_at,product_line,channel,outcome\n"
        + "".join(f"s{i},2024-03-01 10:00:00,Billing,,resolved\n" for i in range(300))  # NULs past the first 4 KiB
        + "bad,2024-03-01 10:00:00,Bill\x00ing,chatbot,resolved\n"
        + "last,2024-03-01 10:00:00,Billing,,resolved\n"
    )
    w, report = load_files({"sessions.csv": rows.encode()})
    f = file_report(report, "sessions.csv")
    assert f.error is None and [(r.line, "NUL byte" in r.reason) for r in f.rejects] == [(302, True)]
    assert w.sql("select count(*) n from self_service")["n"][0] == 301
    assert w.sql("select max(_line) n from self_service")["n"][0] == 303


@pytest.mark.parametrize("endings", [("\r", "\r", "\r"), ("\n", "\r", "\n"), ("\r\n", "\r", "\n")])
def test_old_mac_and_mixed_line_endings_are_read_row_by_row(load_files, endings) -> None:
    header = "session_id,started_at,product_line,channel,outcome"
    rows = [f"{s},2024-03-01 10:00:00,Billing,chatbot,resolved" for s in "abc"]
    text = header + endings[0] + rows[0] + endings[1] + rows[1] + endings[2] + rows[2] + endings[2]
    w, report = load_files({"sessions.csv": text.encode()})
    assert not report.failed
    assert w.sql("select session_id, _line from self_service order by 1").values.tolist() == [
        ["a", 2],
        ["b", 3],
        ["c", 4],
    ]


# -- round three: compressed files named like exports, and other odd files of the folder -------------


def _compressed(kind: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma
    import tarfile

    if kind == "gzip":
        return gzip.compress(data)
    if kind == "bzip2":
        return bz2.compress(data)
    if kind == "xz":
        return lzma.compress(data)
    if kind == "zip":
        return zip_bytes()
    if kind == "tar":
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            info = tarfile.TarInfo("tickets.csv")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        return buffer.getvalue()
    # zstd (RFC 8878): a frame of one raw block, written by hand (the standard library has no zstd
    # before 3.14): magic, a single-segment header with a one-byte size, the last raw block.
    assert kind == "zstd" and len(data) < 256
    return b"\x28\xb5\x2f\xfd" + bytes([0x20, len(data)]) + (len(data) << 3 | 1).to_bytes(3, "little") + data


COMPRESSED = [
    # (file name, compression, what the error says, the command it suggests)
    ("tickets.csv", "gzip", "gzip-compressed data", "gzip -dc tickets.csv > tickets-unpacked.csv"),
    ("tickets.csv.gz", "gzip", "gzip-compressed data", "gzip -dc tickets.csv.gz > tickets.csv"),
    ("issues.json", "gzip", "gzip-compressed data", "gzip -dc issues.json > issues-unpacked.json"),
    ("tickets.csv", "bzip2", "bzip2-compressed data", "bzip2 -dc tickets.csv"),
    ("tickets.csv.bz2", "bzip2", "bzip2-compressed data", "bzip2 -dc tickets.csv.bz2 > tickets.csv"),
    ("tickets.csv", "xz", "xz-compressed data", "xz -dc tickets.csv"),
    ("tickets.csv.xz", "xz", "xz-compressed data", "xz -dc tickets.csv.xz > tickets.csv"),
    ("tickets.csv", "zstd", "zstd-compressed data", "zstd -dc tickets.csv"),
    ("tickets.csv.zst", "zstd", "zstd-compressed data", "zstd -dc tickets.csv.zst > tickets.csv"),
    ("tickets.csv", "zip", "a zip archive", "unzip tickets.csv"),
    ("export.zip", "zip", "a zip archive", "unzip export.zip"),
    ("tickets.csv", "tar", "a tar archive", "tar -xf tickets.csv"),
    ("my tickets.csv", "gzip", "gzip-compressed data", "gzip -dc 'my tickets.csv' > 'my tickets-unpacked.csv'"),
]


@pytest.mark.parametrize(("name", "kind", "what", "command"), COMPRESSED, ids=[f"{n}-{k}" for n, k, *_ in COMPRESSED])
def test_a_compressed_file_is_named_for_what_it_is_whatever_its_name_and_the_rest_loads(
    load_files, name: str, kind: str, what: str, command: str
) -> None:
    """Found by its first bytes: the error names the file, the compression and the command that
    gives the export itself; the other files load and nothing else is dropped."""
    export = (ZENDESK_HEADER + "1,Open,Mail,2024-03-01 10:00:00,,5\n").encode()
    w, report = load_files({name: _compressed(kind, export), "good.csv": GOOD_SESSIONS})
    bad = file_report(report, name)
    assert bad.error.startswith(f"{bad.path}: this is {what}, not a CSV or JSON export"), bad.error
    assert f"({command}" in bad.error and "\n" not in bad.error
    assert report.failed and [f.path for f in report.files if f.error] == [bad.path]
    assert file_report(report, "good.csv").rows_loaded == 1
    assert (
        w.sql("select count(*) n from self_service")["n"][0] == 1
        and w.sql("select count(*) n from tickets")["n"][0] == 0
    )


@pytest.mark.parametrize("text", [b"BZh9,status\n1,open\n", b"PK,name\n1,x\n", b"7z,Rar!\n", b"\x1f"])
def test_text_that_only_starts_like_a_compressed_file_is_not_taken_for_one(text: bytes) -> None:
    assert compression_of(text) is None


@pytest.mark.parametrize(
    ("files", "name", "message"),
    [
        ({"empty.csv": b""}, "empty.csv", "the file is empty"),
        ({"blank.json": b"  \n\n  "}, "blank.json", "the file is empty (only blank space)"),
        ({"tickets.csv/.keep": b""}, "tickets.csv", "a folder named like an export file, with nothing in it"),
        ({"nobom.csv": ZENDESK_HEADER.encode("utf-16-le")}, "nobom.csv", "UTF-16 text without a byte-order mark"),
    ],
)
def test_odd_files_of_the_folder_each_say_what_they_are(load_files, files, name: str, message: str) -> None:
    _, report = load_files({**files, "good.csv": GOOD_SESSIONS})
    assert message in file_report(report, name).error and file_report(report, "good.csv").rows_loaded == 1


def test_a_folder_named_like_an_export_is_read_for_the_exports_in_it(load_files) -> None:
    w, report = load_files({"sessions.csv/march.csv": GOOD_SESSIONS})
    assert not report.failed and w.sql("select count(*) n from self_service")["n"][0] == 1


def test_a_utf8_bom_export_is_read(load_files) -> None:
    w, report = load_files({"bom.csv": codecs.BOM_UTF8 + GOOD_SESSIONS.encode()})
    assert not report.failed and w.sql("select session_id from self_service")["session_id"].tolist() == ["a"]


def test_links_that_loop_are_named_and_the_rest_loads(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "good.csv").write_text(GOOD_SESSIONS)
    (folder / "a.csv").symlink_to("b.csv")
    (folder / "b.csv").symlink_to("a.csv")
    (folder / "itself").symlink_to(".")
    (folder / "me.csv").symlink_to("me.csv")
    _, report = open_warehouse(folder, persist=False)
    errors = {Path(f.path).name: f.error for f in report.files if f.error}
    assert set(errors) == {"a.csv", "b.csv", "me.csv"}
    assert all("cannot be opened (Too many levels of symbolic links)" in e for e in errors.values())
    assert file_report(report, "good.csv").rows_loaded == 1
