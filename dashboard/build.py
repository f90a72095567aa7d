"""Build the model of one data folder: read every export into its raw table, then create the
settings tables, the staging views, the staged and marts tables, and the data report.

Layers (see queries/): raw_<format> tables written by the readers -> staging views ->
stg_tickets/stg_issues/stg_self_service (materialised) -> fct_* tables -> metrics queries,
the only layer with parameters. Imports db and folder; never store (which calls this) and
never streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard import precomputed
from dashboard.db import Warehouse, read_sql
from dashboard.errors import ProductHealthError
from dashboard.folder import IGNORED_SUFFIXES, FolderState, Skipped, file_identity
from dashboard.logs import log
from dashboard.sources import FileReport, recognise, sniff
from dashboard.sources.base import Reject, single_byte_encoding
from dashboard.sources.formats import ALL_FORMATS, ENTITY_VIEWS, SOURCES_WITH_SETTINGS, STAGING_VIEWS

# The materialised layers, built after the staging views and their unions per entity
# (STAGING_VIEWS and ENTITY_VIEWS, from the registry).
STAGED_TABLES = ("stg_tickets", "stg_issues", "stg_self_service", "stg_ticket_issue_refs")
MART_TABLES = (
    "fct_open_intervals",
    "fct_open_hours",
    "fct_open_marks",
    "fct_tickets",
    "fct_issues",
    "fct_self_service",
    "fct_link_refs",
    "fct_ticket_issue_links",
    "fct_events",
)
CANONICAL_VIEWS = {
    "tickets": "fct_tickets",
    "issues": "fct_issues",
    "self_service": "fct_self_service",
    "ticket_issue_links": "fct_ticket_issue_links",
}
# The valid events (fct_events keeps the rejected rows too, for the data report).
EVENTS_VIEW = "create or replace view events as select * from fct_events where version_rank = 1"
# The data report's views (queries/report/), read by _describe after each build.
REPORT_VIEWS = ("rpt_file_rows", "rpt_file_notes", "rpt_file_product_lines", "rpt_model", "rpt_business_agreement")
# How a staging view reads one source's settings row (checked against the rows at build time).
_SETTINGS_OF = re.compile(r"from cfg_sources where source = '([a-z_]+)'")


@dataclass
class LoadReport:
    """The data report: one FileReport per file, plus what the model dropped and why."""

    data_dir: str
    files: list[FileReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    loaded_at: str = ""
    data_as_of: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    settings_path: str | None = None

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_dir": self.data_dir,
            "settings": self.settings_path,
            "loaded_at": self.loaded_at,
            "data_as_of": self.data_as_of,
            "counts": self.counts,
            "ok": not self.failed,
            "notes": self.notes,
            "files": [f.as_dict() for f in self.files],
        }


@dataclass
class Progress:
    """How far a load has got, for whoever shows it: the dashboard reads it from another thread
    while the load runs, the CLI prints it on each change (`on_change`). Only the load writes it."""

    files_total: int = 0
    files_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    rows: int = 0
    current: str = ""  # the file being read, relative to the data folder
    stage: str = "starting"  # starting | waiting (for another process's build) | reading | building | done
    on_change: Callable[[Progress], None] | None = field(default=None, repr=False)

    def update(self, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        if self.on_change is not None:
            self.on_change(self)

    @property
    def fraction(self) -> float:
        """0..1: reading is the first 90 % (by bytes), building the model the rest."""
        if self.stage == "done":
            return 1.0
        if self.stage == "building":
            return 0.92
        return 0.9 * self.bytes_done / self.bytes_total if self.bytes_total else 0.0

    def text(self) -> str:
        if self.stage == "waiting":
            return "Waiting for another process that is building the model of this folder ..."
        if self.stage == "reading" and self.current:
            return (
                f"Reading {self.current} (file {self.files_done + 1} of {self.files_total}); {self.rows:,} rows so far"
            )
        if self.stage == "building":
            return f"Building the model from {self.rows:,} rows of {self.files_total} files ..."
        if self.stage == "reading" and self.files_done:
            return f"Read {self.files_done} of {self.files_total} files; {self.rows:,} rows so far"
        return "Reading the exports ..."


class Build:
    """One build of a model into a new, writable Warehouse (in memory or a file store.py names)."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.con = warehouse.con
        self.settings = warehouse.settings
        self.stage = "opening the model"  # what a load was doing, for the message if it stops
        self.sources: set[str] = set()  # the cfg_sources rows
        self._create_schema()

    def close(self) -> None:
        self.warehouse.close()

    # -- the settings and raw tables ------------------------------------------------------

    def _create_schema(self) -> None:
        self.con.execute(read_sql("macros"))
        self.con.execute(
            """
            create table cfg_sources (
                source varchar, timezone varchar, product_line_from varchar,
                product_line_keys varchar[], product_line_values varchar[],
                bug_values varchar[], merged_tag varchar
            )
            """
        )
        for name in SOURCES_WITH_SETTINGS:
            src = self.settings.source(name)
            self._insert_source(
                name, src.timezone, src.product_line_from, src.product_lines, list(src.bug_values), src.merged_tag
            )
        for name, parent in dict.fromkeys((also, f.source) for f in ALL_FORMATS for also in f.also_sources):
            self._insert_source(name, self.settings.source(parent).timezone, "", {}, [], "")
        for custom in self.settings.custom:
            self._insert_source(custom.name, custom.timezone, "", {}, [], "")
        self.con.execute(
            "create table cfg_reporting (timezone varchar, not_planned_resolutions varchar[], key_pattern varchar)"
        )
        self.con.execute(
            "insert into cfg_reporting values ($tz, $not_planned, $key_pattern)",
            {
                "tz": self.settings.timezone,
                "not_planned": list(self.settings.not_planned_resolutions),
                "key_pattern": self.settings.key_pattern,
            },
        )
        # [[events]] of the settings, read by the events staging like rows of an events.csv;
        # _row is set so that the data report's record line is the [[events]] line.
        self.con.execute(
            "create table cfg_events (date varchar, label varchar, product_line varchar, end_date varchar, "
            "_file varchar, _row bigint, _line bigint)"
        )
        for event in self.settings.events:
            self.con.execute(
                "insert into cfg_events values ($date, $label, $line, $end, $file, $row, $at)",
                {
                    "date": event.date.isoformat(),
                    "label": event.label,
                    "line": event.product_line,
                    "end": event.end_date.isoformat() if event.end_date else None,
                    "file": str(self.settings.path),
                    "row": event.line - 1,
                    "at": event.line,
                },
            )
        self._create_schedules()
        for fmt in ALL_FORMATS:
            fmt.create_table(self.con)

    def _create_schedules(self) -> None:
        """The business-hours schedules and SLA targets as small tables, every value bound
        (queries/marts/fct_open_intervals.sql and fct_tickets.sql read them)."""
        con = self.con
        con.execute(
            "create table cfg_schedules (schedule_id integer, name varchar, timezone varchar, is_default boolean)"
        )
        con.execute(
            "create table cfg_schedule_hours "
            "(schedule_id integer, iso_dow integer, open_minute integer, close_minute integer)"
        )
        con.execute("create table cfg_schedule_holidays (schedule_id integer, day date)")
        con.execute("create table cfg_schedule_lines (schedule_id integer, product_line varchar)")
        con.execute("create table cfg_sla (basis varchar)")
        con.execute("create table cfg_sla_targets (kind varchar, priority varchar, target_hours double)")
        for sid, schedule in enumerate(self.settings.schedules, start=1):
            con.execute(
                "insert into cfg_schedules values ($id, $name, $tz, $default)",
                {"id": sid, "name": schedule.name, "tz": schedule.timezone, "default": not schedule.product_lines},
            )
            if schedule.hours:
                con.executemany(
                    "insert into cfg_schedule_hours values (?, ?, ?, ?)", [(sid, *h) for h in schedule.hours]
                )
            if schedule.holidays:
                con.executemany(
                    "insert into cfg_schedule_holidays values (?, ?)", [(sid, d) for d in schedule.holidays]
                )
            if schedule.product_lines:
                con.executemany(
                    "insert into cfg_schedule_lines values (?, ?)", [(sid, line) for line in schedule.product_lines]
                )
        sla = self.settings.sla
        if sla is not None:
            con.execute("insert into cfg_sla values ($basis)", {"basis": sla.basis})
            rows = [("first_response", p, h) for p, h in sla.first_response_hours.items()]
            rows += [("resolution", p, h) for p, h in sla.resolution_hours.items()]
            if rows:
                con.executemany("insert into cfg_sla_targets values (?, ?, ?)", rows)

    def _insert_source(
        self, name: str, tz: str, pl_from: str, pl_map: dict[str, str], bugs: list[str], merged: str
    ) -> None:
        self.sources.add(name)
        self.con.execute(
            "insert into cfg_sources values ($name, $tz, $pl_from, $keys, $values, $bugs, $merged)",
            {
                "name": name,
                "tz": tz,
                "pl_from": pl_from,
                "keys": list(pl_map),
                "values": list(pl_map.values()),
                "bugs": bugs,
                "merged": merged,
            },
        )

    # -- reading the files ----------------------------------------------------------------

    def load_folder(
        self,
        state: FolderState,
        reuse: Callable[[Path], FileReport | None] | None = None,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Read every export of the walked folder `state`; a bad file is reported, never fatal.

        `reuse(path)` may return the reader's report of a file whose raw rows it has already
        copied in from an earlier model (store.py); other files are read. `progress` is kept
        up to date: the file being read, files and bytes done, raw rows so far.
        """
        progress = progress or Progress()
        holidays = {s.holidays_file for s in self.settings.schedules}
        exports = [
            e
            for e in state.entries
            if isinstance(e, Path) and e.suffix.lower() not in IGNORED_SUFFIXES and e.resolve() not in holidays
        ]
        sizes = {path: _size(path) for path in exports}
        progress.update(stage="reading", files_total=len(exports), bytes_total=sum(sizes.values()))
        data_dir = state.data_dir
        report = LoadReport(
            data_dir=str(data_dir), settings_path=str(self.settings.path) if self.settings.path else None
        )
        if not data_dir.is_dir():
            raise ProductHealthError(f"{data_dir}: no such folder; point --data at the folder with your exports")
        for entry in state.entries:
            if isinstance(entry, Skipped):
                error = f"{entry.path}: {entry.reason}"
                log.warning("not read: %s", error)
                report.files.append(FileReport(path=entry.path, format="not read", error=error))
                continue
            path = entry
            schedule = next((s.name for s in self.settings.schedules if s.holidays_file == path.resolve()), None)
            if schedule is not None:
                report.notes.append(f"{path.relative_to(data_dir)}: the holidays of schedule '{schedule}' (settings)")
                continue
            if path.suffix.lower() in IGNORED_SUFFIXES:
                report.notes.append(f"ignored {path.relative_to(data_dir)}: documentation, not an export")
                continue
            self.stage = f"reading {path}"
            progress.update(current=str(path.relative_to(data_dir)))
            reused = reuse(path) if reuse else None
            report.files.append(reused if reused is not None else self.load_file(path))
            progress.update(
                current="",
                files_done=progress.files_done + 1,
                bytes_done=progress.bytes_done + sizes[path],
                rows=self._raw_rows(),
            )
        progress.update(stage="building", current="")
        if self.settings.events:  # their rows are reported like a file's
            report.files.append(
                FileReport(path=str(self.settings.path), format="Events in the settings ([[events]])", entity="events")
            )
        self.stage = "building the model"
        self.build_model(report)
        for f in report.files:
            if f.error is None and f.rows_rejected:
                first = f.rejects[0] if f.rejects else None
                example = f"; first at {first.where()}: {first.reason}" if first else ""
                log.warning("rows rejected: %s: %d rows%s", f.path, f.rows_rejected, " ".join(example.split("\n")))
        return report

    def _raw_rows(self) -> int:
        """Rows in the raw tables so far (DuckDB keeps table counts: no scan)."""
        counts = " + ".join(f"(select count(*) from {fmt.table})" for fmt in ALL_FORMATS)
        return self.con.execute(f"select {counts}").fetchall()[0][0]  # fetchall: no result left open

    def load_file(self, path: Path) -> FileReport:
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
            self._forget(path)
        except Exception as exc:
            # Anything else a hostile file provokes (a reader's bug included) is still a
            # per-file failure, never a crash of the whole load.
            detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            file_report.error = f"{path}: cannot be loaded: {type(exc).__name__}" + (f": {detail}" if detail else "")
            self._forget(path)
        if file_report.error and not path.exists():
            file_report.error = f"{path}: the file disappeared while it was being read"
        if file_report.error:
            log.warning("load failed: %s", " ".join(file_report.error.split("\n")))
        return file_report

    def _forget(self, path: Path) -> None:
        """Remove whatever a failed file had appended, so a half-read file leaves no rows."""
        for fmt in ALL_FORMATS:
            self.con.execute(f"delete from {fmt.table} where _file = $file", {"file": str(path)})

    # -- the model ------------------------------------------------------------------------

    def build_model(self, report: LoadReport) -> None:
        self.stage = "building the model"
        # When each file was last modified: of two copies of a session, the newer file's counts.
        self.con.execute("create or replace table ph_file_times (_file varchar, modified_ns bigint)")
        times = [(f.path, f.modified_ns) for f in report.files if f.error is None]
        if times:
            self.con.executemany("insert into ph_file_times values (?, ?)", times)
        for view in STAGING_VIEWS:
            sql = read_sql(f"staging/{view}")
            # A `cross join cfg` over a source without a settings row would give no rows, silently.
            for source in set(_SETTINGS_OF.findall(sql)) - self.sources:
                raise ProductHealthError(
                    f"queries/staging/{view}.sql reads the settings of source '{source}', "
                    "which no format in sources/formats.py declares"
                )
            self.con.execute(f"create or replace view {view} as {sql}")
        for entity, views in ENTITY_VIEWS.items():  # every format's rows of an entity in one relation
            union = " union all by name ".join(f"select * from {view}" for view in views)
            self.con.execute(f"create or replace view stg_union_{entity} as {union}")
        for table in STAGED_TABLES:
            self.con.execute(f"create or replace table {table} as {read_sql('staging/' + table)}")
        for table in MART_TABLES:
            self.con.execute(f"create or replace table {table} as {read_sql('marts/' + table)}")
        for view, table in CANONICAL_VIEWS.items():
            self.con.execute(f"create or replace view {view} as select * from {table}")
        self.con.execute(EVENTS_VIEW)
        for view in REPORT_VIEWS:
            self.con.execute(f"create or replace view {view} as {read_sql('report/' + view)}")
        precomputed.write(self.con, self.settings.timezone)
        self._describe(report)

    def _describe(self, report: LoadReport) -> None:
        """Fill the per-file figures of the data report from its views (queries/report/)."""
        by_path = {f.path: f for f in report.files}
        entities: dict[str, list[str]] = {}
        rejects: dict[str, list[dict[str, Any]]] = {}
        for path, entity, loaded, first, last, rejected, some_rejects in self.con.execute(
            "select * from rpt_file_rows order by _file, entity"
        ).fetchall():
            f = by_path[path]
            f.rows_loaded += loaded
            if first is not None:
                f.first_at = min(filter(None, [f.first_at, first.isoformat()]))
                f.last_at = max(filter(None, [f.last_at, last.isoformat()]))
            if loaded:
                entities.setdefault(path, []).append(entity)
            f.rows_rejected += rejected
            rejects.setdefault(path, []).extend(some_rejects)
        for path, found in entities.items():
            by_path[path].entity = "+".join(found)
        for path, rows in rejects.items():
            f = by_path[path]
            for reject in sorted(rows, key=lambda r: r["row"])[: max(0, 1000 - len(f.rejects))]:
                line = reject["line"]
                f.rejects.append(Reject(f.record_line(reject["row"]) if line is not None else None, reject["reason"]))
        for path, what, count in self.con.execute("select * from rpt_file_notes").fetchall():
            by_path[path].notes.append(f"{count} {what}")
        for path, lines in self.con.execute("select * from rpt_file_product_lines").fetchall():
            by_path[path].product_lines = lines
        for source, measure, tickets, agree in self.con.execute("select * from rpt_business_agreement").fetchall():
            report.notes.append(
                f"business hours, {source} {measure}: the schedules' value and the export's own agree within a "
                f"minute for {agree:,} of {tickets:,} tickets ({100 * agree / tickets:.1f} %)"
            )
        tickets, issues, self_service_rows, links, newest = self.con.execute("select * from rpt_model").fetchone()
        report.counts = {"tickets": tickets, "issues": issues, "self_service_rows": self_service_rows, "links": links}
        report.data_as_of = newest.isoformat() if newest else None
        report.loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
