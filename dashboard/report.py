"""The data report: what was read from each file, what the model dropped and why (LoadReport),
filled from the report's views (queries/report/) after each build. No streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from dashboard.logs import log
from dashboard.sources import FileReport
from dashboard.sources.base import Reject


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


def describe(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    """Fill the per-file figures of the data report from its views (queries/report/)."""
    by_path = {f.path: f for f in report.files}
    entities: dict[str, list[str]] = {}
    rejects: dict[str, list[dict[str, Any]]] = {}
    for path, entity, loaded, first, last, rejected, some_rejects in con.execute(
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
    for path, what, count in con.execute("select * from rpt_file_notes").fetchall():
        by_path[path].notes.append(f"{count} {what}")
    for path, lines in con.execute("select * from rpt_file_product_lines").fetchall():
        by_path[path].product_lines = lines
    for source, measure, tickets, agree in con.execute("select * from rpt_business_agreement").fetchall():
        report.notes.append(
            f"business hours, {source} {measure}: the schedules' value and the export's own agree within a "
            f"minute for {agree:,} of {tickets:,} tickets ({100 * agree / tickets:.1f} %)"
        )
    tickets, issues, self_service_rows, links, newest = con.execute("select * from rpt_model").fetchone()
    report.counts = {"tickets": tickets, "issues": issues, "self_service_rows": self_service_rows, "links": links}
    report.data_as_of = newest.isoformat() if newest else None
    report.loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def log_rejects(report: LoadReport) -> None:
    """One log line per file with rejected rows, naming the first."""
    for f in report.files:
        if f.error is None and f.rows_rejected:
            first = f.rejects[0] if f.rejects else None
            example = f"; first at {first.where()}: {first.reason}" if first else ""
            log.warning("rows rejected: %s: %d rows%s", f.path, f.rows_rejected, " ".join(example.split("\n")))
