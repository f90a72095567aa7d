"""The shape every reader has: a raw table, the vendor columns it keeps, how it is recognised."""

from __future__ import annotations

from typing import Any

import duckdb

from dashboard.config import Settings
from dashboard.sources.base import FileReport, HeaderMap, Sniffed, csv_expressions, insert_rows, load_csv


class Format:
    """A vendor export format. Subclasses set the class attributes and one `matches_*`."""

    name: str = ""
    label: str = ""
    entity: str = ""  # tickets | issues | self_service | tickets+issues
    # raw column -> the header spellings the vendor uses (any language, old and new)
    columns: dict[str, tuple[str, ...]] = {}
    list_columns: frozenset[str] = frozenset()

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    def create_table(self, con: duckdb.DuckDBPyConnection) -> None:
        cols = [f"{c} varchar[]" if c in self.list_columns else f"{c} varchar" for c in self.columns]
        con.execute(
            f"create table if not exists {self.table} ({', '.join(cols)}, _file varchar, _row bigint, _line bigint)"
        )

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return False

    def matches_json(self, document: Any) -> bool:
        return False

    def csv_overrides(self, hmap: HeaderMap, settings: Settings, custom: Any) -> dict[str, list[int] | bool]:
        """Columns whose header is chosen by the settings (a custom field for product lines)."""
        return {}

    def json_rows(self, document: Any, settings: Settings, report: FileReport) -> list[dict[str, Any]]:
        raise NotImplementedError

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        sniffed: Sniffed,
        settings: Settings,
        report: FileReport,
        custom: Any = None,
    ) -> None:
        if sniffed.kind == "json":
            rows = self.json_rows(sniffed.document, settings, report)
            insert_rows(con, self.table, list(self.columns), rows, sniffed.path)
            return
        hmap = HeaderMap(sniffed.header)
        exprs = csv_expressions(hmap, self.columns, set(self.list_columns), self.csv_overrides(hmap, settings, custom))
        load_csv(con, sniffed, self.table, exprs, report)
