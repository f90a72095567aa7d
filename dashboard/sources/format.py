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
    entity: str = ""  # tickets | issues | self_service | links
    # The `source` of its rows and of its cfg_sources row, read from [sources.<source>];
    # "" when it has no settings section (links; [[custom]] mappings name their own).
    source: str = ""
    # Sources its staging also yields, with this source's time zone and no settings of their own.
    also_sources: tuple[str, ...] = ()
    # What [sources.<source>] may say about the product line and bugs (sources/settings.py
    # checks the file against these): the fields `product_line_from` may name, the one used
    # when it names none, and the issue types counted as bugs when `bug_values` is not set.
    # Every format of one source declares the same (tests/test_formats.py).
    product_line_fields: tuple[str, ...] = ()
    default_product_line_field: str = ""
    default_bug_values: tuple[str, ...] = ()
    # Its staging views over raw_<name> (queries/staging/<view>.sql; layers.py orders them by
    # what each reads), and the entity whose staged table each feeds (unioned: stg_union_<entity>).
    staging: dict[str, str] = {}
    # raw column -> the header spellings the vendor uses (any language, old and new)
    columns: dict[str, tuple[str, ...]] = {}
    list_columns: frozenset[str] = frozenset()

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    @property
    def keeps_raw(self) -> bool:
        """Whether its raw rows are kept in the model file. A ticket or issue format's are not:
        their staged rows (stg_tickets, stg_issues: every row of every file, with its _file and
        reject reason) are all a refresh needs, so the raw table is a temporary one, in memory
        for one build (or refresh) only. Writing it into the file was a quarter of a cold load."""
        return self.entity not in ("tickets", "issues")

    def create_table(self, con: duckdb.DuckDBPyConnection) -> None:
        cols = [f"{c} varchar[]" if c in self.list_columns else f"{c} varchar" for c in self.columns]
        kind = "table" if self.keeps_raw else "temp table"
        con.execute(
            f"create {kind} if not exists {self.table} ({', '.join(cols)}, _file varchar, _row bigint, _line bigint)"
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

    def csv_notes(self, hmap: HeaderMap, overrides: dict[str, list[int] | bool]) -> list[str]:
        """What the report should say about the header: a column that appears twice is read
        from its first occurrence (never silently)."""
        notes = []
        for name, aliases in self.columns.items():
            if name in self.list_columns or name in overrides:
                continue
            positions = hmap.find(aliases)
            if len(positions) > 1:
                header = hmap.header[positions[0]].replace("\ufeff", "").strip()
                where = ", ".join(str(i + 1) for i in positions)
                notes.append(
                    f"column '{header}' appears {len(positions)} times (columns {where}): "
                    "the first is read, the others are ignored"
                )
        return notes

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
        overrides = self.csv_overrides(hmap, settings, custom)
        exprs = csv_expressions(hmap, self.columns, set(self.list_columns), overrides)
        load_csv(con, sniffed, self.table, exprs, report)
        report.notes.extend(self.csv_notes(hmap, overrides))
