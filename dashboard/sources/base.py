"""What every reader shares: sniffing a file, loading a CSV into a raw table, the per-file report.

Readers turn one export file into rows of a raw table (vendor fields under fixed names,
all text); the SQL under queries/staging/ does the typing. No streamlit here.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import shutil
import stat as stat_module
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.compressed import refuse_compressed
from dashboard.errors import ProductHealthError

SNIFF_BYTES = 1 << 20
MAX_CELL_BYTES = 8 << 20  # a cell larger than this is a broken export, not data
TAIL_BYTES = 64 << 10  # the end of a file is checked for the NUL padding of an unfinished copy
# Characters DuckDB reads as a file-name pattern: a path with one is read through a link.
_PATTERN_CHARACTERS = re.compile(r"[*?\[\]{}]")
_EXCEL_SEP_LINE = re.compile(r"sep=(.)\s*", re.IGNORECASE)


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
    modified_ns: int = 0
    size_bytes: int = 0
    rejected_lines: list[int] = field(default_factory=list, repr=False)
    header_line: int = 1  # later after blank lines or Excel's 'sep=;' line

    def record_line(self, row: int) -> int:
        """Record number (the file's first line = 1) of the `row`-th loaded CSV row."""
        line = row + self.header_line
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
    encoding: str = "utf-8"  # utf-8 | utf-16 | latin-1 (single-byte: read as windows-1252)
    document: Any = None
    skip_lines: int = 0  # lines before the header (blank, or Excel's 'sep=;' hint)
    excel_sep_line: bool = False


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
        # Excel on Windows re-saves as windows-1252 (Latin-1 plus smart quotes and the euro
        # sign in 0x80-0x9F); the file is transcoded to UTF-8 before DuckDB reads it.
        return raw.decode("cp1252", errors="latin1_fallback"), "latin-1"


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """The five bytes windows-1252 leaves undefined are read as Latin-1 (control characters)."""
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("latin1_fallback", _latin1_fallback)


def single_byte_name(raw: bytes) -> str:
    """What to call a single-byte file's encoding: windows-1252 when it uses 0x80-0x9F."""
    return "windows-1252" if re.search(rb"[\x80-\x9f]", raw) else "latin-1"


def _looks_like_utf16_without_bom(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (
        max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.4
        and min(even.count(0) / len(even), odd.count(0) / len(odd)) < 0.05
    )


def _open_regular(path: Path) -> io.BufferedReader:
    """Open a regular file for reading; refuse FIFOs, sockets and devices without blocking
    (opening a FIFO for reading would wait for a writer for ever)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ProductHealthError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat_module.S_ISREG(mode):
        os.close(fd)
        raise ProductHealthError(f"{path}: {special_file_kind(mode)}, not a regular file: skipped, never read")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def special_file_kind(mode: int) -> str:
    if stat_module.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat_module.S_ISSOCK(mode):
        return "a socket"
    if stat_module.S_ISCHR(mode) or stat_module.S_ISBLK(mode):
        return "a device"
    if stat_module.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _refuse_nul_bytes(path: Path, raw: bytes, tail: bytes, size: int, skipped: int) -> None:
    """NUL bytes never occur in a UTF-8 export: a binary file, UTF-16 without its byte-order
    mark, or text followed by zeros (an unfinished download or copy, however long the zeros)."""
    first = raw.find(b"\x00")
    if first < 0 and b"\x00" not in tail:
        return
    zeros_to_the_end = (
        first > 0
        and not raw[first:].strip(b"\x00")
        and not tail.strip(b"\x00")
        and b"\n" in raw[:first]
        and not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", raw[:first])
    )
    if 0 <= first < 4096 and not zeros_to_the_end:
        if _looks_like_utf16_without_bom(raw):
            raise ProductHealthError(
                f"{path}: UTF-16 text without a byte-order mark: re-save it as UTF-8 (or UTF-16 with a BOM)"
            )
        raise ProductHealthError(f"{path}: this is a binary file, not a CSV or JSON export")
    if zeros_to_the_end or (first < 0 and not tail[tail.find(b"\x00") :].strip(b"\x00")):
        at = first if first >= 0 else size - len(tail) + tail.find(b"\x00")
        raise ProductHealthError(
            f"{path}: NUL bytes (binary zeros) from byte {at + skipped:,} to the end, as an unfinished "
            "download or copy leaves: download or copy the file again"
        )
    # NUL bytes inside the text: the rows that hold them are rejected when the file is read.


def sniff(path: Path) -> Sniffed:
    """Recognise the container (CSV or JSON) by content; raise ProductHealthError if neither."""
    try:
        with _open_regular(path) as handle:
            raw = handle.read(SNIFF_BYTES)
            size = os.fstat(handle.fileno()).st_size
            skipped = 0
            while not raw.strip() and len(raw) == SNIFF_BYTES:  # blank space before the content
                skipped += len(raw)
                raw = handle.read(SNIFF_BYTES)
            if skipped:
                raw = raw.lstrip()
            tail = b""
            if size > len(raw) + skipped:
                handle.seek(max(size - TAIL_BYTES, 0))
                tail = handle.read(TAIL_BYTES)
    except OSError as exc:
        raise ProductHealthError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not raw.strip():
        what = "the file is empty" if not skipped and not raw else "the file is empty (only blank space)"
        raise ProductHealthError(f"{path}: {what}")
    refuse_compressed(path, raw)  # gzip, zip, bzip2, xz, zstd, ... by their first bytes
    is_utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16:
        _refuse_nul_bytes(path, raw, tail, size, skipped)
    text, encoding = _decode_sample(raw)
    text = re.sub(r"\r\n?", "\n", text)  # CRLF, LF or an old Mac's CR: only the first lines are read here
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return Sniffed(path=path, kind="json", encoding=encoding, document=load_json(path, encoding))
    if skipped:
        raise ProductHealthError(
            f"{path}: {skipped >> 20} MiB or more of blank space before the first line: not an export as "
            "written; remove the blank space"
        )
    first_line = stripped.split("\n", 1)[0].rstrip("\r")
    skip_lines = text[: len(text) - len(stripped)].count("\n")  # blank lines before the header
    excel_hint = _EXCEL_SEP_LINE.fullmatch(first_line)
    if excel_hint:
        # Excel writes 'sep=;' as a first line to say which delimiter follows; the header is line 2.
        delimiter = excel_hint.group(1)
        if delimiter not in (",", ";", "\t", "|"):
            raise ProductHealthError(
                f"{path}: line 1: Excel's 'sep=' line names the delimiter "
                f"{delimiter!r}; only comma, semicolon, tab and | are read"
            )
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        skip_lines += 1
        if not stripped.strip():
            raise ProductHealthError(f"{path}: line 2: Excel's 'sep=' line but no header after it")
    else:
        first_line_counts = {d: first_line.count(d) for d in (",", ";", "\t")}
        delimiter = max(first_line_counts, key=lambda d: first_line_counts[d])
        if first_line_counts[delimiter] == 0:
            raise ProductHealthError(f"{path}: line 1: no comma, semicolon or tab: not a CSV export")
    try:
        header = next(csv.reader(io.StringIO(stripped), delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise ProductHealthError(f"{path}: line {1 + skip_lines}: the header row cannot be read: {exc}") from None
    return Sniffed(
        path=path,
        kind="csv",
        header=tuple(header),
        delimiter=delimiter,
        encoding=encoding,
        skip_lines=skip_lines,
        excel_sep_line=bool(excel_hint),
    )


def load_json(path: Path, encoding: str) -> Any:
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "latin-1": "cp1252"}[encoding]
    try:
        with _open_regular(path) as handle:
            text = handle.read().decode(codec, errors="latin1_fallback" if codec == "cp1252" else "strict")
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
        raise ProductHealthError(
            f"{path}: line {exc.lineno}: invalid JSON ({exc.msg}); is the download truncated?"
        ) from None
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


def single_byte_encoding(path: Path) -> str:
    """'windows-1252' when a single-byte file uses 0x80-0x9F anywhere, else 'latin-1'."""
    with _open_regular(path) as handle:
        while chunk := handle.read(SNIFF_BYTES):
            if single_byte_name(chunk) == "windows-1252":
                return "windows-1252"
    return "latin-1"


class _ReadableCopy:
    """A path DuckDB reads literally: the file itself, a link to it under a plain name (when
    its name holds pattern characters such as * ? [ ]), or a UTF-8 copy (single-byte files,
    which DuckDB's Latin-1 reader refuses for Excel's smart quotes and euro sign, and files
    whose line endings are mixed). Line numbers are the same in a copy. Removed on exit."""

    def __init__(self, path: Path, encoding: str, same_line_endings: bool = False) -> None:
        self.path = path
        self.encoding = encoding
        self.same_line_endings = same_line_endings
        self.folder: str | None = None
        # A copy is UTF-8 whatever the file's encoding; a link reads the file itself.
        self.transcoded = encoding == "latin-1" or same_line_endings

    def __enter__(self) -> str:
        if not self.transcoded and not _PATTERN_CHARACTERS.search(str(self.path)):
            return str(self.path)
        self.folder = tempfile.mkdtemp(prefix="product-health-read-")
        target = Path(self.folder) / "export.csv"
        if not self.transcoded:
            os.symlink(self.path.absolute(), target)
            return str(target)
        codec = {"latin-1": "cp1252", "utf-8": None, "utf-16": "utf-16"}[self.encoding]
        decoder = codecs.getincrementaldecoder(codec)(errors="latin1_fallback") if codec else None
        held = b""
        with _open_regular(self.path) as source, open(target, "wb") as sink:
            while True:
                chunk = source.read(SNIFF_BYTES)
                data = chunk if decoder is None else decoder.decode(chunk, final=not chunk).encode("utf-8")
                data = held + data
                held = b""
                if self.same_line_endings:
                    if data.endswith(b"\r") and chunk:
                        data, held = data[:-1], b"\r"
                    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                sink.write(data)
                if not chunk:
                    break
        return str(target)

    def __exit__(self, *exc: object) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


# A generated column name in a reader's select expression ('nullif(trim(c12), '''')').
_COLUMN_REF = re.compile(r"\bc(\d+)\b")


def load_csv(
    con: duckdb.DuckDBPyConnection,
    sniffed: Sniffed,
    table: str,
    exprs: list[str],
    report: FileReport,
    as_view: bool = False,
    constants: dict[str, str] | None = None,
) -> None:
    """Append the file's rows to `table` (columns: exprs..., _file, _row, _line); record rejects.
    as_view: `table` is a view over each file's rows as read (RawParts), not a table they are
    copied into. `constants`: raw columns with one value for the whole file (bound, never spliced).

    `table` and the expressions are code constants; the path is a bound parameter, and DuckDB
    never sees a name it could read as a pattern (see _ReadableCopy).
    """
    constants = constants or {}
    # Only the columns the expressions read are kept, with whether the row holds a NUL byte
    # anywhere (checked over every column, in the same pass as the read).
    kept = sorted({int(i) for i in _COLUMN_REF.findall(" ".join(exprs))})
    # A file with no NUL byte at all (a scan of its bytes, 0.3 s for 1.4 GB) needs no check per
    # cell (1 s for the same file).
    has_nul = _has_nul_byte(sniffed.path)
    try:
        _read_csv(con, sniffed, kept, has_nul, same_line_endings=False)
    except ProductHealthError as exc:
        if "state machine" not in str(exc):
            raise
        # Rows appended on another system: CRLF and LF lines in one file (or the CR of old
        # Mac exports). DuckDB's strict parser refuses the whole file; a copy with LF endings
        # reads line by line.
        _read_csv(con, sniffed, kept, has_nul, same_line_endings=True)
        report.notes.append("mixed line endings (CRLF, LF or CR: rows appended on another system): read line by line")
    if sniffed.encoding == "latin-1":
        report.notes.append(f"read as {single_byte_encoding(sniffed.path)}, not UTF-8")
    if (
        con.execute("select count(*) from temp._load").fetchone()[0] == 0
        and not con.execute("select count(*) from _rejects").fetchone()[0]
    ):
        con.execute("drop table temp._load")
        raise ProductHealthError(
            f"{sniffed.path}: line {1 + sniffed.skip_lines}: a header but no rows: the export is empty"
        )
    rejected_lines = []
    for line, error_type, message in con.execute(
        # one reason per record: DuckDB can log a record once per scan of it
        "select line, first(error_type::varchar order by column_idx), first(error_message order by column_idx) "
        "from _rejects group by line order by line"
    ).fetchall():
        rejected_lines.append(int(line))
        report.rejects.append(Reject(int(line), _reject_reason(error_type, message)))
    report.rows_rejected += len(rejected_lines)
    report.header_line = 1 + sniffed.skip_lines
    report.rejected_lines.extend(rejected_lines)
    # DuckDB keeps a NUL byte inside a value; no export writes one (damaged data).
    with_nul = [row for (row,) in con.execute("select rowid + 1 from temp._load where _nul order by 1").fetchall()]
    for row in with_nul:
        report.rejects.append(Reject(report.record_line(row), "a NUL byte (binary zero) in the row: damaged data"))
    report.rows_rejected += len(with_nul)
    first_row_line = 2 + sniffed.skip_lines
    if as_view:
        RawParts(con).add(table, exprs, str(sniffed.path), first_row_line, constants)
        return
    select = ", ".join(_with_constants(exprs, constants, lambda name: f"$constant_{name}"))
    # _row is the ordinal among loaded rows (DuckDB keeps file order, and a fresh table's
    # rowid counts its rows from 0); record_line() maps it back to the record number by
    # stepping over the records the reader rejected.
    con.execute(
        f"""
        insert into {table}
        select {select}, $file as _file, rowid + 1 as _row, rowid + $first_row_line as _line
        from temp._load
        where not _nul
        """,
        {"file": str(sniffed.path), "first_row_line": first_row_line}
        | {f"constant_{name}": value for name, value in constants.items()},
    )
    con.execute("drop table temp._load")


class RawParts:
    """The raw rows of a format whose raw table is a view (Format.raw_view): each file's rows
    stay in the temporary table they were read into (temp._load, renamed _raw_part_<n>), and
    raw_<format> is a temporary view of the union of its parts, each under its own expressions
    (the columns of its header), with _file, _row and _line as load_csv would have copied them.
    The parts are listed in the temporary table _raw_parts (the file and constants bound)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(
            "create temp table if not exists _raw_parts (part varchar, raw varchar, file varchar, "
            "first_line bigint, constant_names varchar[], constant_values varchar[], exprs varchar[])"
        )

    def create_view(self, table: str, empty: str) -> None:
        """raw view `table` over its parts (`empty`, a select of no rows, when it has none)."""
        parts = self.con.execute(
            "select part, exprs from _raw_parts where raw = $raw order by part", {"raw": table}
        ).fetchall()
        selects = [
            f"select {', '.join(_part_expr(e) for e in exprs)}, p.file as _file, r.rowid + 1 as _row, "
            f"r.rowid + p.first_line as _line from {part} as r "
            f"cross join (select * from _raw_parts where part = '{part}') as p where not r._nul"
            for part, exprs in parts
        ]
        self.con.execute(f"create or replace temp view {table} as {' union all '.join(selects) or empty}")

    def add(self, table: str, exprs: list[str], file: str, first_line: int, constants: dict[str, str]) -> None:
        """temp._load becomes a part of `table`."""
        number = self.con.execute("select count(*) from _raw_parts").fetchone()[0]
        part = f"_raw_part_{number}"
        while self.con.execute("select count(*) from duckdb_tables() where table_name = $p", {"p": part}).fetchone()[0]:
            number += 1
            part = f"_raw_part_{number}"
        self.con.execute(f"alter table temp._load rename to {part}")
        self.con.execute(
            "insert into _raw_parts values ($part, $raw, $file, $first, $names, $values, $exprs)",
            {
                "part": part,
                "raw": table,
                "file": file,
                "first": first_line,
                "names": list(constants),
                "values": list(constants.values()),
                "exprs": _with_constants(
                    exprs, constants, lambda name: f"p.constant_values[list_position(p.constant_names, '{name}')]"
                ),
            },
        )
        self.create_view(table, "")

    def forget(self, table: str, file: str, empty: str) -> int:
        """Drop the parts of `file`; how many rows they had."""
        parts = [
            p
            for (p,) in self.con.execute(
                "select part from _raw_parts where raw = $raw and file = $file", {"raw": table, "file": file}
            ).fetchall()
        ]
        if not parts:
            return 0
        rows = sum(self.con.execute(f"select count(*) from {p} where not _nul").fetchone()[0] for p in parts)
        for part in parts:
            self.con.execute(f"drop table {part}")
            self.con.execute("delete from _raw_parts where part = $p", {"p": part})
        self.create_view(table, empty)
        return rows

    def drop_all(self, table: str, empty: str) -> None:
        for (part,) in self.con.execute("select part from _raw_parts where raw = $raw", {"raw": table}).fetchall():
            self.con.execute(f"drop table {part}")
        self.con.execute("delete from _raw_parts where raw = $raw", {"raw": table})
        self.create_view(table, empty)


def _with_constants(exprs: list[str], constants: dict[str, str], value: Callable[[str], str]) -> list[str]:
    """`exprs` with each constant column (an expression ending 'as <name>') reading `value(name)`,
    the SQL of its bound value, instead of its header's column."""
    return [
        next((f"{value(name)} as {name}" for name in constants if expr.endswith(f" as {name}")), expr) for expr in exprs
    ]


def _part_expr(expr: str) -> str:
    """An expression of generated columns c<i> read from the part (r.c<i>)."""
    return _COLUMN_REF.sub(lambda m: f"r.{m.group(0)}", expr)


def _read_csv(
    con: duckdb.DuckDBPyConnection, sniffed: Sniffed, kept: list[int], has_nul: bool, same_line_endings: bool
) -> None:
    """Read the file into temp._load (the text columns c<i> of `kept`, and _nul: whether any
    cell of the row holds a NUL byte; false throughout when the file has none, `has_nul`) and
    its bad records into _rejects."""
    width = len(sniffed.header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    any_nul = " or ".join(f"coalesce(contains(c{i}, chr(0)), false)" for i in range(width)) if has_nul else "false"
    select = "".join(f"c{i}, " for i in kept) + f"({any_nul}) as _nul"
    delim = {",": ",", ";": ";", "\t": "\\t", "|": "|"}[sniffed.delimiter]
    con.execute("drop table if exists temp._load")
    for name in ("_rejects", "_reject_scans"):
        con.execute(f"drop table if exists {name}")
    copy = _ReadableCopy(sniffed.path, sniffed.encoding, same_line_endings)
    try:
        encoding = "utf-8" if copy.transcoded else sniffed.encoding
        with copy as readable:
            con.execute(  # a temporary table: in memory (spilling if need be), never in a model file
                f"""
                create temp table _load as
                select {select} from read_csv(
                    $path, header = true, columns = {columns}, delim = '{delim}', quote = '"',
                    escape = '"', encoding = '{encoding}', store_rejects = true,
                    rejects_table = '_rejects', rejects_scan = '_reject_scans',
                    max_line_size = {MAX_CELL_BYTES}, auto_detect = false, skip = {int(sniffed.skip_lines)}
                )
                """,
                {"path": readable},
            )
    except duckdb.Error as exc:
        raise ProductHealthError(f"{sniffed.path}: cannot be read as CSV: {_first_line(exc)}") from None
    except OSError as exc:
        raise ProductHealthError(f"{sniffed.path}: cannot be read: {exc.strerror or exc}") from None


def _has_nul_byte(path: Path) -> bool:
    """Whether the file holds a NUL byte anywhere (True when it cannot be read: the check then
    runs per cell, and the read reports the error)."""
    try:
        with _open_regular(path) as handle:
            while chunk := handle.read(16 << 20):
                if b"\x00" in chunk:
                    return True
    except (OSError, ProductHealthError):
        return True
    return False


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
