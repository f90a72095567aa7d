"""What every reader shares: sniffing a file, loading a CSV into a raw table, the per-file report.

Readers turn one export file into rows of a raw table (vendor fields under fixed names,
all text); the SQL under queries/staging/ does the typing. No streamlit here.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.errors import ProductHealthError

SNIFF_BYTES = 1 << 20
MAX_CELL_BYTES = 8 << 20  # a cell larger than this is a broken export, not data


@dataclass
class Reject:
    """One row that was not loaded, and why. `line` is the CSV record number (header = 1)."""

    line: int | None
    reason: str

    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else "record"


@dataclass
class FileReport:
    """What happened to one file: the `check` report row."""

    path: str
    format: str = "unknown"
    entity: str = ""
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    first_at: str | None = None
    last_at: str | None = None
    product_lines: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    modified_at: str | None = None
    size_bytes: int = 0
    rejected_lines: list[int] = field(default_factory=list, repr=False)

    def record_line(self, row: int) -> int:
        """Record number (header = 1) of the `row`-th loaded CSV row."""
        line = row + 1
        for rejected in sorted(self.rejected_lines):
            if rejected <= line:
                line += 1
        return line

    @property
    def failed(self) -> bool:
        return self.error is not None or self.rows_rejected > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "entity": self.entity,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rejects": [{"line": r.line, "reason": r.reason} for r in self.rejects[:100]],
            "first_timestamp": self.first_at,
            "last_timestamp": self.last_at,
            "product_lines": self.product_lines,
            "error": self.error,
            "notes": self.notes,
            "modified_at": self.modified_at,
            "size_bytes": self.size_bytes,
        }


@dataclass(frozen=True)
class Sniffed:
    """The first look at a file: CSV header (with dialect and encoding) or parsed JSON."""

    path: Path
    kind: str  # "csv" | "json"
    header: tuple[str, ...] = ()
    delimiter: str = ","
    encoding: str = "utf-8"
    document: Any = None


def normalise_header(name: str) -> str:
    """Case- and space-insensitive header key; strips a BOM and Linear's leading apostrophe."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().lstrip("'")).casefold()


def _decode_sample(raw: bytes) -> tuple[str, str]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(raw) - 4:  # a multi-byte character cut by the sample boundary
            return raw[: exc.start].decode("utf-8"), "utf-8"
        if any(b >= 0x80 for b in raw[: exc.start]):
            # Valid UTF-8 before the bad bytes: a UTF-8 file with broken rows; those rows
            # are rejected one by one when the file is read.
            return raw[: exc.start].decode("utf-8"), "utf-8"
        # Excel on Windows re-saves as cp1252; DuckDB reads it as Latin-1.
        return raw.decode("latin-1"), "latin-1"


def sniff(path: Path) -> Sniffed:
    """Recognise the container (CSV or JSON) by content; raise ProductHealthError if neither."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ProductHealthError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise ProductHealthError(f"{path}: the file is empty")
    if raw.startswith(b"PK\x03\x04"):
        raise ProductHealthError(f"{path}: this is a zip archive, not an export; unzip it into the data folder")
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ProductHealthError(f"{path}: this is a binary file, not a CSV or JSON export")
    text, encoding = _decode_sample(raw)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return Sniffed(path=path, kind="json", encoding=encoding, document=load_json(path, encoding))
    first_line = stripped.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise ProductHealthError(f"{path}: line 1: no comma, semicolon or tab: not a CSV export")
    try:
        header = next(csv.reader(io.StringIO(stripped), delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise ProductHealthError(f"{path}: line 1: the header row cannot be read: {exc}") from None
    return Sniffed(path=path, kind="csv", header=tuple(header), delimiter=delimiter, encoding=encoding)


def load_json(path: Path, encoding: str) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise ProductHealthError(f"{path}: not UTF-8 text (byte {exc.start}): re-export the file as UTF-8") from None
    except OSError as exc:
        raise ProductHealthError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        pages = _json_lines(text)
        if pages is not None:
            return pages
        raise ProductHealthError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg}); is the download truncated?") from None
    except RecursionError:
        raise ProductHealthError(f"{path}: JSON nested too deeply to be an export") from None


def _json_lines(text: str) -> list[Any] | None:
    """Several JSON documents one after another (pages saved to one file), or None."""
    decoder = json.JSONDecoder()
    pages, pos = [], 0
    try:
        while pos < len(text):
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos >= len(text):
                break
            page, pos = decoder.raw_decode(text, pos)
            pages.append(page)
    except (json.JSONDecodeError, RecursionError):
        return None
    return pages if len(pages) > 1 else None


class HeaderMap:
    """Finds vendor columns by any of their spellings; repeated headers become lists."""

    def __init__(self, header: tuple[str, ...]) -> None:
        self.header = header
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            self.positions.setdefault(normalise_header(name), []).append(index)

    def find(self, aliases: tuple[str, ...] | list[str]) -> list[int]:
        for alias in aliases:
            found = self.positions.get(normalise_header(alias))
            if found:
                return found
        return []

    def has(self, aliases: tuple[str, ...] | list[str]) -> bool:
        return bool(self.find(aliases))


def csv_expressions(
    hmap: HeaderMap,
    columns: dict[str, tuple[str, ...]],
    list_columns: set[str] = frozenset(),  # type: ignore[assignment]
    overrides: dict[str, list[int] | bool] | None = None,
) -> list[str]:
    """SQL select expressions over generated column names c0..cN (never header text).

    An override is either the positions of a column chosen by the settings, or a flag
    the reader derives from the header (emitted as the literal 'true' / 'false').
    """
    exprs = []
    for name, aliases in columns.items():
        override = (overrides or {}).get(name)
        if isinstance(override, bool):
            exprs.append(f"'{str(override).lower()}' as {name}")
            continue
        positions = override or hmap.find(aliases)
        if name in list_columns:
            if positions:
                items = ", ".join(f"c{i}" for i in positions)
                exprs.append(f"list_filter([{items}], lambda x: coalesce(trim(x), '') <> '') as {name}")
            else:
                exprs.append(f"[]::varchar[] as {name}")
        elif positions:
            exprs.append(f"nullif(trim(c{positions[0]}), '') as {name}")
        else:
            exprs.append(f"null::varchar as {name}")
    return exprs


def load_csv(
    con: duckdb.DuckDBPyConnection,
    sniffed: Sniffed,
    table: str,
    exprs: list[str],
    report: FileReport,
) -> None:
    """Append the file's rows to `table` (columns: exprs..., _file, _row, _line); record rejects.

    `table` and the expressions are code constants; the path is a bound parameter.
    """
    width = len(sniffed.header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    encoding = {"utf-8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}[sniffed.encoding]
    delim = {",": ",", ";": ";", "\t": "\\t"}[sniffed.delimiter]
    con.execute("drop table if exists temp._load")
    for name in ("_rejects", "_reject_scans"):
        con.execute(f"drop table if exists {name}")
    try:
        con.execute(  # a temporary table: in memory (spilling if need be), never in a model file
            f"""
            create temp table _load as
            select * from read_csv(
                $path, header = true, columns = {columns}, delim = '{delim}', quote = '"',
                escape = '"', encoding = '{encoding}', store_rejects = true,
                rejects_table = '_rejects', rejects_scan = '_reject_scans',
                max_line_size = {MAX_CELL_BYTES}, auto_detect = false
            )
            """,
            {"path": str(sniffed.path)},
        )
    except duckdb.Error as exc:
        raise ProductHealthError(f"{sniffed.path}: cannot be read as CSV: {_first_line(exc)}") from None
    if con.execute("select count(*) from temp._load").fetchone()[0] == 0 and not con.execute(
        "select count(*) from _rejects"
    ).fetchone()[0]:
        con.execute("drop table temp._load")
        raise ProductHealthError(f"{sniffed.path}: line 1: a header but no rows: the export is empty")
    rejected_lines = []
    for line, error_type, message in con.execute(
        # one reason per record: DuckDB can log a record once per scan of it
        "select line, first(error_type::varchar order by column_idx), first(error_message order by column_idx) "
        "from _rejects group by line order by line"
    ).fetchall():
        rejected_lines.append(int(line))
        report.rejects.append(Reject(int(line), _reject_reason(error_type, message)))
    report.rows_rejected += len(rejected_lines)
    select = ", ".join(exprs)
    # _row is the ordinal among loaded rows (DuckDB keeps file order, and a fresh table's
    # rowid counts its rows from 0); record_line() maps it back to the record number by
    # stepping over the records the reader rejected.
    report.rejected_lines.extend(rejected_lines)
    con.execute(
        f"""
        insert into {table}
        select {select}, $file as _file, rowid + 1 as _row, rowid + 2 as _line
        from temp._load
        """,
        {"file": str(sniffed.path)},
    )
    con.execute("drop table temp._load")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _reject_reason(error_type: str, message: str) -> str:
    reasons = {
        "MISSING COLUMNS": "too few columns (ragged row or a cut-off line)",
        "TOO MANY COLUMNS": "too many columns (an unquoted delimiter or a broken quote)",
        "UNQUOTED VALUE": "a quote in the middle of an unquoted cell",
        "LINE SIZE OVER MAXIMUM": f"a row larger than {MAX_CELL_BYTES >> 20} MB",
        "INVALID ENCODING": "bytes that are not valid text in the file's encoding",
        "INVALID STATE": "broken quoting",
    }
    return reasons.get(error_type, message.splitlines()[0][:200])


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[dict[str, Any]], path: Path
) -> None:
    """Append Python rows (from a JSON export) to a raw table; missing keys become NULL."""
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame["_file"] = str(path)
    frame["_row"] = range(1, len(frame) + 1)
    frame["_line"] = None
    frame["_line"] = frame["_line"].astype("Int64")
    con.register("_json_rows", frame)
    try:
        select = ", ".join(columns + ["_file", "_row", "_line"])
        con.execute(f"insert into {table} by name select {select} from _json_rows")
    finally:
        con.unregister("_json_rows")


def text(value: Any) -> str | None:
    """A JSON scalar as raw text (the staging SQL does the typing)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)

