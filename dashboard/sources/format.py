"""The shape every reader has: a raw table, the vendor columns it keeps, how it is recognised."""

from __future__ import annotations

from typing import Any

import duckdb

from dashboard.config import Settings
from dashboard.sources.base import (
    FileReport,
    HeaderMap,
    RawParts,
    Sniffed,
    csv_expressions,
    insert_rows,
    load_csv,
)


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
        """Whether its raw rows are kept in the model file. A ticket, issue or self-service
        format's are not: their staged rows (stg_tickets, stg_issues, stg_self_service: every
        row of every file, with its _file and reject reason) are all a refresh needs, so the raw
        rows live in memory for one build (or refresh) only. Writing them into the file was a
        quarter of a cold load. (Links and events are small, and staged from their raw rows.)"""
        return self.entity not in ("tickets", "issues", "self_service")

    @property
    def raw_view(self) -> bool:
        """Whether raw_<name> is a view over each file's rows as read (base.RawParts) rather
        than a table they are copied into: a CSV format whose raw rows are not kept (a copy of
        10M rows was as long as reading them, and doubled the memory the build held)."""
        return not self.keeps_raw and self.name.endswith("_csv")

    def create_table(self, con: duckdb.DuckDBPyConnection) -> None:
        """raw_<name>, empty: a table in the model, a temporary table or an empty view (raw_view)."""
        if self.raw_view:
            RawParts(con).create_view(self.table, self.empty_select())
            return
        cols = [f"{c} varchar[]" if c in self.list_columns else f"{c} varchar" for c in self.columns]
        kind = "table" if self.keeps_raw else "temp table"
        con.execute(
            f"create {kind} if not exists {self.table} ({', '.join(cols)}, _file varchar, _row bigint, _line bigint)"
        )

    def empty_select(self) -> str:
        """A select of the raw columns with no rows (what raw_<name> is before a file is read)."""
        cols = [f"null::{'varchar[]' if c in self.list_columns else 'varchar'} as {c}" for c in self.columns]
        return (
            f"select {', '.join(cols)}, null::varchar as _file, null::bigint as _row, null::bigint as _line where false"
        )

    def forget(self, con: duckdb.DuckDBPyConnection, path: str) -> int:
        """Remove the raw rows of the file `path`; how many there were."""
        if self.raw_view:
            return RawParts(con).forget(self.table, path, self.empty_select())
        return con.execute(f"delete from {self.table} where _file = $f", {"f": path}).fetchone()[0]

    def free(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop every raw row (once staged), giving their memory back; raw_<name> stays, empty."""
        if self.raw_view:
            RawParts(con).drop_all(self.table, self.empty_select())
        else:
            con.execute(f"drop table {self.table}")
            self.create_table(con)

    def csv_constants(self, settings: Settings, custom: Any) -> dict[str, str]:
        """Raw columns whose value is the same for every row of a file, from the settings."""
        return {}

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
        load_csv(con, sniffed, self.table, exprs, report, self.raw_view, self.csv_constants(settings, custom))
        report.notes.extend(self.csv_notes(hmap, overrides))
