"""The model's SQL layers (queries/): staging views and tables, marts, the canonical views and
the data report's views, created in the order their SQL needs, worked out from the relations
each one reads (no hand-kept list). Imports db and the format registry; never streamlit.

Layers: raw_<format> and cfg_* tables (ingest.py, settings_tables.py) -> staging views (one per
format, registered in sources/formats.py) -> stg_union_<entity> -> staged tables
(queries/staging/, the files no format registers) -> marts (queries/marts/, tables) ->
canonical views (tickets, issues, ...) -> the report's views (queries/report/).
"""

from __future__ import annotations

import graphlib
import re
from dataclasses import dataclass

import duckdb

from dashboard import QUERIES_DIR
from dashboard.db import read_sql
from dashboard.errors import ProductHealthError
from dashboard.sources.formats import BUILD_ONLY_RAW, ENTITY_VIEWS, STAGING_VIEWS

# What the pages and metrics read: a plain name for each mart.
CANONICAL_VIEWS = {
    "tickets": "fct_tickets",
    "issues": "fct_issues",
    "self_service": "fct_self_service",
    "ticket_issue_links": "fct_ticket_issue_links",
}
# The valid events (fct_events keeps the rejected rows too, for the data report).
EVENTS_VIEW = "select * from fct_events where version_rank = 1"
# How a staging view reads one source's settings row (checked against the rows at build time).
_SETTINGS_OF = re.compile(r"from cfg_sources where source = '([a-z_]+)'")
_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()")
_CTE = re.compile(r"\b([a-z_][a-z0-9_]*)\s+as\s+(?:(?:not\s+)?materialized\s*)?\(")


@dataclass(frozen=True)
class Relation:
    """One relation of the model: a view or a table, its SQL, and where the SQL comes from."""

    name: str
    kind: str  # view | table
    sql: str
    origin: str  # the file, for messages

    @property
    def reads(self) -> set[str]:
        """The relations its SQL reads (after `from` or `join`), its own CTEs left out."""
        text = re.sub(r"'(?:[^']|'')*'", "''", re.sub(r"--[^\n]*", "", self.sql.lower()))
        return set(_READS.findall(text)) - set(_CTE.findall(text))


def _file(layer: str, name: str, kind: str) -> Relation:
    return Relation(name, kind, read_sql(f"{layer}/{name}"), f"queries/{layer}/{name}.sql")


def model_relations() -> dict[str, Relation]:
    """Every relation the build creates from queries/ and the registry, by name. The staging
    views a format registers only rename and cast, so they stay views; the other staging files
    (one per entity) and the marts are materialised; the report's queries are views."""
    staged = sorted(p.stem for p in (QUERIES_DIR / "staging").glob("*.sql") if p.stem not in STAGING_VIEWS)
    relations = [_file("staging", view, "view") for view in STAGING_VIEWS]
    relations += [
        Relation(
            f"stg_union_{entity}",
            "view",
            " union all by name ".join(f"select * from {view}" for view in views),
            f"the formats of {entity} (sources/formats.py)",
        )
        for entity, views in ENTITY_VIEWS.items()
    ]
    relations += [_file("staging", name, "table") for name in staged]
    relations += [_file("marts", p.stem, "table") for p in sorted((QUERIES_DIR / "marts").glob("*.sql"))]
    relations += [
        Relation(view, "view", f"select * from {table}", "layers.CANONICAL_VIEWS")
        for view, table in CANONICAL_VIEWS.items()
    ]
    relations.append(Relation("events", "view", EVENTS_VIEW, "layers.EVENTS_VIEW"))
    relations += [_file("report", p.stem, "view") for p in sorted((QUERIES_DIR / "report").glob("*.sql"))]
    return {r.name: r for r in relations}


def build_order(relations: dict[str, Relation], existing: set[str]) -> list[Relation]:
    """`relations` in an order where each comes after every relation it reads. A read of a
    relation that is neither built here nor among `existing` (raw and settings tables), or a
    cycle, is an error naming the files."""
    graph: dict[str, set[str]] = {}
    for name, relation in sorted(relations.items()):
        missing = sorted(relation.reads - relations.keys() - existing)
        if missing:
            raise ProductHealthError(
                f"{relation.origin} reads {', '.join(missing)}, which no query file, format or settings table creates"
            )
        graph[name] = relation.reads & relations.keys()
    try:
        return [relations[name] for name in graphlib.TopologicalSorter(graph).static_order()]
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        raise ProductHealthError(
            "the model's queries read each other in a circle: "
            + " -> ".join(f"{name} ({relations[name].origin})" for name in cycle)
        ) from None


def existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views on `con` (the raw tables of Format.raw_view are views)."""
    query = "select table_name from duckdb_tables() union select view_name from duckdb_views() where not internal"
    return {name for (name,) in con.execute(query).fetchall()}


def build_only(relations: dict[str, Relation]) -> set[str]:
    """The views over raw tables a model file does not keep (Format.keeps_raw: those of
    tickets, issues and sessions), directly or through each other: temporary views, which
    exist only while a build or refresh reads its files (create_build_only), so the model file
    has no view that cannot be read."""
    temporary = {fmt.table for fmt in BUILD_ONLY_RAW}
    views = {name for name, relation in relations.items() if relation.kind == "view"}
    found: set[str] = set()
    while True:
        more = {name for name in views - found if relations[name].reads & (temporary | found)}
        if not more:
            return found
        found |= more


def _readers_through(relations: dict[str, Relation], table: str, views: set[str]) -> set[str]:
    """The relations outside `views` that read `table`, directly or through `views`."""
    reached, found = {table}, set()
    while True:
        more = {name for name, relation in relations.items() if relation.reads & reached} - reached - found
        if not more:
            return found
        reached |= more & views
        found |= more - views


def create_build_only(con: duckdb.DuckDBPyConnection) -> None:
    """The build-only views (build_only) on `con` for a refresh, over just the raw tables the
    files read now filled (a full build creates them all, create_layers): stg_union_<entity>
    unions the staging views of those, or is an empty select of the staged table's columns
    when there are none. Binding every vendor's staging view cost more than staging a file."""
    relations = model_relations()
    names = build_only(relations)
    temporary = [fmt.table for fmt in BUILD_ONLY_RAW]
    found = con.execute("select " + ", ".join(f"exists (select 1 from {t})" for t in temporary)).fetchone()
    filled = {table for table, rows in zip(temporary, found, strict=True) if rows}
    for entity, views in ENTITY_VIEWS.items():
        union = f"stg_union_{entity}"
        if union not in names:
            continue
        used = [view for view in views if relations[view].reads & filled]
        for view in used:
            con.execute(f"create or replace temp view {view} as {relations[view].sql}")
        sql = " union all by name ".join(f"select * from {view}" for view in used)
        con.execute(
            f"create or replace temp view {union} as "
            + (sql or f"select * exclude (version_rank) from stg_{entity} where false")
        )


def create_layers(con: duckdb.DuckDBPyConnection, sources: set[str]) -> None:
    """Create every relation of the model on `con`, where the raw and cfg tables exist and
    cfg_sources has a row for each of `sources`."""
    existing = existing_relations(con)
    relations = model_relations()
    temporary = build_only(relations)
    # The relations kept in the model that read each build-only raw table (through the
    # build-only views), and the raw tables not yet freed.
    held = list(BUILD_ONLY_RAW)
    readers = {fmt.table: _readers_through(relations, fmt.table, temporary) for fmt in held}
    done: set[str] = set()
    for relation in build_order(relations, existing):
        if relation.name in STAGING_VIEWS:
            # A `cross join cfg` over a source without a settings row would give no rows, silently.
            for source in sorted(set(_SETTINGS_OF.findall(relation.sql)) - sources):
                raise ProductHealthError(
                    f"{relation.origin} reads the settings of source '{source}', "
                    "which no format in sources/formats.py declares"
                )
        kind = f"temp {relation.kind}" if relation.name in temporary else relation.kind
        con.execute(f"create or replace {kind} {relation.name} as {relation.sql}")
        done.add(relation.name)
        for fmt in [fmt for fmt in held if readers[fmt.table] <= done]:
            # Its raw rows are staged: the memory they held (gigabytes at 10M tickets) goes
            # to the rest of the build. The empty raw_<format> keeps the views over it valid.
            fmt.free(con)
            held.remove(fmt)
