"""DuckDB: load a data folder into the model, and run a named query with bound parameters.

No streamlit here. Layers (see queries/): raw_<format> tables written by the readers ->
staging views -> stg_tickets/stg_issues/stg_self_service (materialised) -> fct_* tables ->
metrics queries, the only layer with parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat as stat_module
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd

from dashboard import QUERIES_DIR
from dashboard.config import CONFIG_FILE_NAME, Settings, load_settings
from dashboard.errors import ProductHealthError
from dashboard.logs import log
from dashboard.filters import Filters
from dashboard.sources import FileReport, recognise, sniff
from dashboard.sources.base import Reject, single_byte_encoding, special_file_kind
from dashboard.sources.formats import ALL_FORMATS

# Per-source staging views, in dependency order; then the materialised layers.
STAGING_VIEWS = (
    "stg_zendesk_csv",
    "stg_zendesk_json",
    "stg_freshdesk_csv",
    "stg_jira",
    "stg_jira_tickets",
    "stg_github",
    "stg_linear",
    "stg_custom",
    "stg_sessions",
    "stg_links",
)
STAGED_TABLES = ("stg_tickets", "stg_issues", "stg_self_service", "stg_ticket_issue_refs")
MART_TABLES = ("fct_tickets", "fct_issues", "fct_self_service", "fct_link_refs", "fct_ticket_issue_links")
CANONICAL_VIEWS = {
    "tickets": "fct_tickets",
    "issues": "fct_issues",
    "self_service": "fct_self_service",
    "ticket_issue_links": "fct_ticket_issue_links",
}
SKIPPED_NAMES = {CONFIG_FILE_NAME, ".DS_Store", "Thumbs.db"}
# Documentation and code kept beside exports; listed in the report as ignored, never read.
IGNORED_SUFFIXES = {".md", ".markdown", ".rst", ".toml", ".yaml", ".yml", ".py", ".sql", ".pdf", ".png", ".jpg"}
SOURCES_WITH_SETTINGS = ("zendesk", "freshdesk", "jira", "github", "linear", "self_service")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# Monthly trends computed once per model for all product lines (see _precompute_trends).
PRECOMPUTED_TRENDS = ("first_response_trend", "resolution_trend", "bug_age_trend", "deflection_trend", "impact_trend")


def read_sql(name: str) -> str:
    """The text of `queries/<name>.sql`; `name` is a code constant such as 'metrics/volume'."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise ProductHealthError(f"no query named '{name}' (looked for {path})")
    return path.read_text(encoding="utf-8")


def definition(name: str) -> str:
    """A metric's definition: the leading comment of `queries/metrics/<name>.sql`."""
    comment = []
    for line in read_sql(f"metrics/{name}").splitlines():
        if not line.startswith("--"):
            break
        comment.append(line[2:].strip())
    return "\n".join(comment)


def sql_params(sql: str) -> list[str]:
    """The $names a statement uses (DuckDB rejects missing and extra named parameters)."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return sorted(set(_PARAM.findall(without_comments)))


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


def shown(path: Path | str) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 as \\x escapes."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@dataclass(frozen=True)
class Skipped:
    """Something in the data folder that is not read, and why (a failure in the report)."""

    path: str  # printable (see shown())
    reason: str


def _list_folder(folder: Path) -> list[os.DirEntry]:
    """The entries of one folder, by name (tests replace this to refuse a folder, as a
    permission error would for a user other than root)."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def scan_folder(data_dir: Path) -> list[Path | Skipped]:
    """Every candidate export under `data_dir` at any depth, in a stable order, and every
    entry the walk cannot or will not read: folders it cannot open, names that are not
    UTF-8, broken links, paths too long to open, FIFOs, sockets and devices (never opened).
    Linked folders are followed, each real folder once."""
    found: list[Path | Skipped] = []
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            entries = _list_folder(folder)
        except OSError as exc:
            found.append(Skipped(shown(folder), f"this folder cannot be opened ({exc.strerror or exc}): "
                                                "its exports are not read"))
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in SKIPPED_NAMES:
                continue
            path = folder / name
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                found.append(Skipped(shown(path), "the name is not UTF-8 text (shown with \\x escapes): "
                                                  "rename it to read it"))
                continue
            try:
                st = os.stat(path)
            except FileNotFoundError:
                if entry.is_symlink():
                    found.append(Skipped(shown(path), f"a broken link: it points to {shown(os.readlink(path))}, "
                                                      "which does not exist"))
                else:
                    found.append(Skipped(shown(path), "the file disappeared while the folder was read"))
                continue
            except OSError as exc:
                found.append(Skipped(shown(path), f"cannot be opened ({exc.strerror or exc})"))
                continue
            if stat_module.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) not in seen:  # a link loop or a second path to one folder
                    seen.add((st.st_dev, st.st_ino))
                    visit(path)
            elif stat_module.S_ISREG(st.st_mode):
                found.append(path)
            else:
                found.append(Skipped(shown(path), f"{special_file_kind(st.st_mode)}, not a regular file: "
                                                  "skipped, never opened"))

    try:
        root = data_dir.stat()
        seen.add((root.st_dev, root.st_ino))
    except OSError:
        pass
    visit(data_dir)
    return found


def file_identity(stat: os.stat_result) -> str:
    """What tells one version of a file from another: size, modification and change times, and
    the inode (a file replaced by an atomic rename, or copied with its old mtime, is new)."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_dev}:{stat.st_ino}"


def fingerprint(data_dir: Path, config_path: Path | None = None) -> str:
    """Changes when any export or the settings file is added, removed, resized or touched."""
    digest = hashlib.sha256()
    entries = scan_folder(data_dir) if data_dir.is_dir() else []
    settings = config_path or data_dir / CONFIG_FILE_NAME
    for entry in entries:
        if isinstance(entry, Skipped):
            digest.update(f"{entry.path}\0{entry.reason}\n".encode())
    for path in [*(e for e in entries if isinstance(e, Path)), settings]:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{file_identity(stat)}\n".encode())
    return digest.hexdigest()[:16]


class Warehouse:
    """One DuckDB database holding the model of one data folder.

    Thread safety: each query runs on its own cursor (a DuckDB connection must not be
    used by two threads at once); loading happens before the warehouse is shared.
    """

    def __init__(
        self,
        settings: Settings,
        threads: int | None = None,
        path: Path | None = None,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        """In memory, or in the DuckDB file `path` (store.py keeps models there); a
        read-only warehouse opens a finished model and creates nothing."""
        self.settings = settings
        self.path = path
        self.stage = "opening the model"  # what a load was doing, for the message if it stops
        self.con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only)
        self.con.execute("set TimeZone = 'UTC'")
        self.con.execute("set enable_progress_bar = false")
        if threads:
            self.con.execute(f"set threads = {int(threads)}")
        if memory_limit:
            if not re.fullmatch(r"[0-9.]+ ?[KMGT]i?B", memory_limit):
                raise ProductHealthError(f"memory limit '{memory_limit}' is not a size such as '4GB'")
            self.con.execute(f"set memory_limit = '{memory_limit}'")
        self._lock = threading.Lock()
        if not read_only:
            self._create_schema()

    # -- building -------------------------------------------------------------------------

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
        names = list(SOURCES_WITH_SETTINGS)
        for name in names:
            src = self.settings.source(name)
            self._insert_source(name, src.timezone, src.product_line_from, src.product_lines,
                                list(src.bug_values), src.merged_tag)
        self._insert_source("jira_service_management", self.settings.source("jira").timezone, "", {}, [], "")
        for custom in self.settings.custom:
            self._insert_source(custom.name, custom.timezone, "", {}, [], "")
        self.con.execute(
            "create table cfg_reporting (timezone varchar, not_planned_resolutions varchar[], key_pattern varchar)"
        )
        self.con.execute(
            "insert into cfg_reporting values ($tz, $not_planned, $key_pattern)",
            {"tz": self.settings.timezone, "not_planned": list(self.settings.not_planned_resolutions),
             "key_pattern": self.settings.key_pattern},
        )
        for fmt in ALL_FORMATS:
            fmt.create_table(self.con)

    def _insert_source(
        self, name: str, tz: str, pl_from: str, pl_map: dict[str, str], bugs: list[str], merged: str
    ) -> None:
        self.con.execute(
            "insert into cfg_sources values ($name, $tz, $pl_from, $keys, $values, $bugs, $merged)",
            {
                "name": name, "tz": tz, "pl_from": pl_from, "keys": list(pl_map),
                "values": list(pl_map.values()), "bugs": bugs, "merged": merged,
            },
        )

    def load_folder(
        self, data_dir: Path, reuse: Callable[[Path], FileReport | None] | None = None
    ) -> LoadReport:
        """Read every export under `data_dir`; a bad file is reported, never fatal.

        `reuse(path)` may return the reader's report of a file whose raw rows it has already
        copied in from an earlier model (store.py); other files are read.
        """
        report = LoadReport(data_dir=str(data_dir), settings_path=str(self.settings.path) if self.settings.path else None)
        if not data_dir.is_dir():
            raise ProductHealthError(f"{data_dir}: no such folder; point --data at the folder with your exports")
        for entry in scan_folder(data_dir):
            if isinstance(entry, Skipped):
                error = f"{entry.path}: {entry.reason}"
                log.warning("not read: %s", error)
                report.files.append(FileReport(path=entry.path, format="not read", error=error))
                continue
            path = entry
            if path.suffix.lower() in IGNORED_SUFFIXES:
                report.notes.append(f"ignored {path.relative_to(data_dir)}: documentation, not an export")
                continue
            self.stage = f"reading {path}"
            reused = reuse(path) if reuse else None
            report.files.append(reused if reused is not None else self.load_file(path))
        self.stage = "building the model"
        self.build_model(report)
        for f in report.files:
            if f.error is None and f.rows_rejected:
                first = f.rejects[0] if f.rejects else None
                example = f"; first at {first.where()}: {first.reason}" if first else ""
                log.warning("rows rejected: %s: %d rows%s", f.path, f.rows_rejected, " ".join(example.split("\n")))
        return report

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
                file_report.notes.append(f"line {sniffed.skip_lines} is Excel's 'sep={sniffed.delimiter}' hint: "
                                         f"the header is line {sniffed.skip_lines + 1}")
            elif sniffed.skip_lines:
                file_report.notes.append(f"{sniffed.skip_lines} blank lines before the header: "
                                         f"the header is line {sniffed.skip_lines + 1}")
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
        except Exception as exc:  # noqa: BLE001
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

    def build_model(self, report: LoadReport) -> None:
        self.stage = "building the model"
        # When each file was last modified: of two copies of a session, the newer file's counts.
        self.con.execute("create or replace table ph_file_times (_file varchar, modified_ns bigint)")
        times = [(f.path, f.modified_ns) for f in report.files if f.error is None]
        if times:
            self.con.executemany("insert into ph_file_times values (?, ?)", times)
        for view in STAGING_VIEWS:
            self.con.execute(f"create or replace view {view} as {read_sql('staging/' + view)}")
        for table in STAGED_TABLES:
            self.con.execute(f"create or replace table {table} as {read_sql('staging/' + table)}")
        for table in MART_TABLES:
            self.con.execute(f"create or replace table {table} as {read_sql('marts/' + table)}")
        for view, table in CANONICAL_VIEWS.items():
            self.con.execute(f"create or replace view {view} as select * from {table}")
        self._precompute_trends()
        self._describe(report)

    def _precompute_trends(self) -> None:
        """Run each monthly trend once over every month of the data, for all product lines, in
        the settings' zone (metrics.run_metric answers from these tables where it can).

        A month's row of a trend depends only on that month once the month is wholly inside
        the queried period, so any period made of whole months in this range can be read here.
        """
        tz = self.settings.timezone
        first, last = self.con.execute(
            """
            select min(m), max(m) from (
                select date_trunc('month', timezone($tz, min(least(created_at, coalesce(solved_at, created_at))))) as m from fct_tickets
                union all select date_trunc('month', timezone($tz, max(greatest(created_at, coalesce(solved_at, created_at))))) from fct_tickets
                union all select date_trunc('month', timezone($tz, min(started_at))) from fct_self_service
                union all select date_trunc('month', timezone($tz, max(started_at))) from fct_self_service
                union all select date_trunc('month', timezone($tz, min(created_at))) from fct_issues
                union all select date_trunc('month', timezone($tz, max(greatest(created_at, coalesce(resolved_at, created_at))))) from fct_issues
            )
            """,
            {"tz": tz},
        ).fetchone()
        self.con.execute("create or replace table pre_range (timezone varchar, first_month date, last_month date)")
        if first is None:
            return
        first_month, last_month = first.date(), last.date()
        after = (last_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        params = Filters(first_month, after - dt.timedelta(days=1), tz).params()
        for name in PRECOMPUTED_TRENDS:
            sql = read_sql(f"metrics/{name}")
            self.con.execute(f"create or replace table pre_{name} as {sql}", {p: params[p] for p in sql_params(sql)})
        self.con.execute("insert into pre_range values ($tz, $first, $last)",
                         {"tz": tz, "first": first_month, "last": last_month})

    def _describe(self, report: LoadReport) -> None:
        """Fill the per-file figures of the data report from the staged and final tables."""
        by_path = {f.path: f for f in report.files}
        stats_sql = """
            select _file, entity, count(*) filter (where reject_reason is null and not is_left_out) as loaded,
                   min(created_at) filter (where reject_reason is null and not is_left_out),
                   max(created_at) filter (where reject_reason is null and not is_left_out)
            from (
                select _file, 'tickets' as entity, reject_reason, created_at, is_deleted as is_left_out
                from stg_tickets
                union all select _file, 'issues', reject_reason, created_at, is_pull_request from stg_issues
                union all select _file, 'self_service', reject_reason, started_at, false from stg_self_service
                union all select _file, 'links', reject_reason, linked_at, false from stg_links
            )
            group by all
        """
        entities: dict[str, list[str]] = {}
        for path, entity, loaded, first, last in self.con.execute(stats_sql + " order by 1, 2").fetchall():
            f = by_path[path]
            f.rows_loaded += loaded
            if first is not None:
                f.first_at = min(filter(None, [f.first_at, first.isoformat()]))
                f.last_at = max(filter(None, [f.last_at, last.isoformat()]))
            if loaded:
                entities.setdefault(path, []).append(entity)
        for path, found in entities.items():
            by_path[path].entity = "+".join(found)
        rejects_sql = """
            select _file, _row, _line, reject_reason from stg_tickets where reject_reason is not null
            union all select _file, _row, _line, reject_reason from stg_issues where reject_reason is not null
            union all select _file, _row, _line, reject_reason from stg_self_service where reject_reason is not null
            union all select _file, _row, _line, reject_reason from stg_links where reject_reason is not null
            order by 1, 2
        """
        for path, row, line, reason in self.con.execute(rejects_sql).fetchall():
            f = by_path[path]
            f.rows_rejected += 1
            if len(f.rejects) < 1000:
                f.rejects.append(Reject(f.record_line(row) if line is not None else None, reason))
        notes_sql = """
            select _file, 'deleted tickets left out (deleted in the help desk)', count(*)
            from stg_tickets where is_deleted and reject_reason is null group by 1
            union all
            select _file, 'pull requests left out (they are not issues)', count(*)
            from stg_issues where is_pull_request and reject_reason is null group by 1
            union all
            select _file, 'issues in a Done status without a resolution date: resolved at their last status change or update', count(*)
            from stg_issues where is_resolved_at_inferred and reject_reason is null group by 1
            union all
            select _file, 'rows superseded by a newer version of the same id (same or another file)', count(*)
            from (
                select _file, version_rank from stg_tickets
                union all select _file, version_rank from stg_issues where not is_pull_request
                union all select _file, version_rank from stg_self_service
            )
            where version_rank > 1 group by 1
            union all
            select _file, 'ticket-issue links found (' || found_in || ')', count(*)
            from fct_link_refs where ticket_id is not null and issue_key is not null group by _file, found_in
            union all
            select _file, 'links name a ticket that is not in the data (' || found_in || ')', count(*)
            from fct_link_refs where ticket_id is null group by _file, found_in
            union all
            select _file, 'links name an issue that is not in the data (' || found_in || '), e.g. '
                   || string_agg(distinct ref_issue, ', ' order by ref_issue)[:60], count(*)
            from fct_link_refs where ticket_id is not null and issue_key is null group by _file, found_in
        """
        for path, what, count in self.con.execute(notes_sql).fetchall():
            by_path[path].notes.append(f"{count} {what}")
        for path, lines in self.con.execute(
            """
            select _file, list(distinct product_line order by product_line) from (
                select _file, product_line from fct_tickets
                union all select _file, product_line from fct_issues
                union all select _file, product_line from fct_self_service
            ) group by 1
            """
        ).fetchall():
            by_path[path].product_lines = lines
        counts = self.con.execute(
            "select (select count(*) from fct_tickets), (select count(*) from fct_issues), "
            "(select count(*) from fct_self_service), (select count(*) from fct_ticket_issue_links)"
        ).fetchone()
        report.counts = {"tickets": counts[0], "issues": counts[1], "self_service_rows": counts[2], "links": counts[3]}
        newest = self.con.execute(
            """
            select max(t) from (
                select max(greatest(created_at, coalesce(updated_at, created_at), coalesce(solved_at, created_at))) as t from fct_tickets
                union all select max(greatest(created_at, coalesce(updated_at, created_at))) from fct_issues
                union all select max(started_at) from fct_self_service
            )
            """
        ).fetchone()[0]
        report.data_as_of = newest.isoformat() if newest else None
        report.loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    # -- querying -------------------------------------------------------------------------

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run `queries/<name>.sql` with exactly the parameters it names, on a fresh cursor."""
        sql = read_sql(name)
        wanted = sql_params(sql)
        params = params or {}
        missing = [p for p in wanted if p not in params]
        if missing:
            raise ProductHealthError(f"query '{name}' needs parameters: {', '.join(missing)}")
        bound = {p: params[p] for p in wanted}
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, bound).df()
        finally:
            cursor.close()

    def sql(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run ad-hoc SQL on a fresh cursor (tests and the benchmark)."""
        cursor = self.con.cursor()
        try:
            return cursor.execute(sql, params or {}).df()
        finally:
            cursor.close()

    def close(self) -> None:
        self.con.close()


def open_warehouse(
    data_dir: Path, config_path: Path | None = None, threads: int | None = None, persist: bool = True
) -> tuple[Warehouse, LoadReport]:
    """Settings + model in one call: what the CLI and the dashboard use.

    persist=True opens the persisted model of the folder, building (or updating) it first
    when the files changed (store.py); persist=False reads everything into memory.
    """
    # One spelling per folder ('data', './data', '/srv/data'): the paths in the model and
    # its key are absolute, so every spelling opens the same model.
    data_dir = Path(data_dir).resolve()
    settings = load_settings(data_dir, config_path)
    if persist:
        from dashboard.store import open_model

        return open_model(data_dir, settings, threads)
    warehouse = Warehouse(settings, threads=threads)
    report = warehouse.load_folder(data_dir)
    return warehouse, report
