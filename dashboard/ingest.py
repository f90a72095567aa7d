"""Files -> raw tables: each export of the data folder is sniffed, recognised by its format and
appended to that format's raw rows (raw_<format>: text columns plus _file, _row, _line; a table
in the model, a temporary table, or a temporary view over each file's rows as read: see
Format.keeps_raw and Format.raw_view). A bad file is reported, never fatal, and leaves no rows.
No streamlit; typing and naming are the staging SQL's job (layers.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb

from dashboard.config import Settings
from dashboard.errors import ProductHealthError
from dashboard.folder import IGNORED_SUFFIXES, FolderState, Skipped, file_identity
from dashboard.logs import log
from dashboard.progress import Progress
from dashboard.report import LoadReport
from dashboard.sources import FileReport, recognise, sniff
from dashboard.sources.base import single_byte_encoding
from dashboard.sources.formats import ALL_FORMATS


class Ingest:
    """The raw tables of one model and the reading of files into them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
        self.con = con
        self.settings = settings
        self.reading: Path | None = None  # the file being read, for the message if the load stops
        for fmt in ALL_FORMATS:
            fmt.create_table(con)

    def read_folder(
        self,
        state: FolderState,
        report: LoadReport,
        reuse: Callable[[Path], FileReport | None] | None,
        progress: Progress,
    ) -> None:
        """Read every export of the walked folder `state` into the raw tables, adding a
        FileReport per file (and a note per file not read) to `report`.

        `reuse(path)` may return the reader's report of a file whose raw rows it has already
        copied in from an earlier model (store.py); other files are read. `progress` is kept
        up to date: the file being read, files and bytes done, raw rows so far.
        """
        holidays = {s.holidays_file: s.name for s in self.settings.schedules if s.holidays_file}
        exports = [
            e
            for e in state.entries
            if isinstance(e, Path) and e.suffix.lower() not in IGNORED_SUFFIXES and e.resolve() not in holidays
        ]
        sizes = {path: _size(path) for path in exports}
        progress.update(stage="reading", files_total=len(exports), bytes_total=sum(sizes.values()))
        data_dir = state.data_dir
        if not data_dir.is_dir():
            raise ProductHealthError(f"{data_dir}: no such folder; point --data at the folder with your exports")
        for entry in state.entries:
            if isinstance(entry, Skipped):
                error = f"{entry.path}: {entry.reason}"
                log.warning("not read: %s", error)
                report.files.append(FileReport(path=entry.path, format="not read", error=error))
                continue
            path = entry
            if path.resolve() in holidays:
                schedule = holidays[path.resolve()]
                report.notes.append(f"{path.relative_to(data_dir)}: the holidays of schedule '{schedule}' (settings)")
                continue
            if path.suffix.lower() in IGNORED_SUFFIXES:
                report.notes.append(f"ignored {path.relative_to(data_dir)}: documentation, not an export")
                continue
            self.reading = path
            progress.update(current=str(path.relative_to(data_dir)))
            reused = reuse(path) if reuse else None
            report.files.append(reused if reused is not None else self.load_file(path))
            progress.update(
                current="",
                files_done=progress.files_done + 1,
                bytes_done=progress.bytes_done + sizes[path],
                rows=self.raw_rows(),
            )
        self.reading = None

    def raw_rows(self) -> int:
        """Rows in the raw tables so far (DuckDB keeps table counts: no scan)."""
        counts = " + ".join(f"(select count(*) from {fmt.table})" for fmt in ALL_FORMATS)
        return self.con.execute(f"select {counts}").fetchall()[0][0]  # fetchall: no result left open

    def load_file(self, path: Path) -> FileReport:
        """Append the rows of the export `path` to its format's raw table; its report says how it went."""
        file_report = FileReport(path=str(path))
        try:
            stat = path.stat()
            file_report.size_bytes = stat.st_size
            file_report.modified_ns = stat.st_mtime_ns
            file_report.modified_at = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).isoformat(timespec="seconds")
            sniffed = sniff(path)
            fmt, custom = recognise(sniffed, self.settings.custom)
            file_report.format = fmt.label if custom is None else f"{fmt.label} '{custom.name}'"
            file_report.entity = fmt.entity
            if sniffed.encoding == "utf-16":
                file_report.notes.append("read as utf-16, not UTF-8")
            elif sniffed.encoding == "latin-1" and sniffed.kind == "json":
                file_report.notes.append(f"read as {single_byte_encoding(path)}, not UTF-8")
            if sniffed.excel_sep_line:
                file_report.notes.append(
                    f"line {sniffed.skip_lines} is Excel's 'sep={sniffed.delimiter}' hint: "
                    f"the header is line {sniffed.skip_lines + 1}"
                )
            elif sniffed.skip_lines:
                file_report.notes.append(
                    f"{sniffed.skip_lines} blank lines before the header: the header is line {sniffed.skip_lines + 1}"
                )
            if sniffed.kind == "csv" and sniffed.delimiter != ",":
                file_report.notes.append(f"delimiter {sniffed.delimiter!r}")
            fmt.load(self.con, sniffed, self.settings, file_report, custom)
            after = path.stat()
            if file_identity(after) != file_identity(stat):
                raise ProductHealthError(
                    f"{path}: the file changed while it was being read (a download or copy still running?); "
                    "it is read again when it stops changing"
                )
        except ProductHealthError as exc:
            file_report.error = str(exc)
            self.forget(path)
        except Exception as exc:
            # Anything else a hostile file provokes (a reader's bug included) is still a
            # per-file failure, never a crash of the whole load.
            detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            file_report.error = f"{path}: cannot be loaded: {type(exc).__name__}" + (f": {detail}" if detail else "")
            self.forget(path)
        if file_report.error and not path.exists():
            file_report.error = f"{path}: the file disappeared while it was being read"
        if file_report.error:
            log.warning("load failed: %s", " ".join(file_report.error.split("\n")))
        return file_report

    def forget(self, path: Path) -> None:
        """Remove whatever a failed file had appended, so a half-read file leaves no rows."""
        for fmt in ALL_FORMATS:
            fmt.forget(self.con, str(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
