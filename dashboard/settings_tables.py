"""The settings as small cfg_* tables the model's SQL reads (every value bound, never spliced):
cfg_sources (one row per source), cfg_reporting, cfg_events ([[events]]), and the business
hours and SLA targets. No streamlit.
"""

from __future__ import annotations

import duckdb

from dashboard.config import Settings
from dashboard.sources.formats import ALL_FORMATS, SOURCES_WITH_SETTINGS


def create_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> set[str]:
    """Create and fill the cfg_* tables; the sources that have a cfg_sources row."""
    sources = _create_sources(con, settings)
    con.execute("create table cfg_reporting (timezone varchar, not_planned_resolutions varchar[], key_pattern varchar)")
    con.execute(
        "insert into cfg_reporting values ($tz, $not_planned, $key_pattern)",
        {
            "tz": settings.timezone,
            "not_planned": list(settings.not_planned_resolutions),
            "key_pattern": settings.key_pattern,
        },
    )
    _create_events(con, settings)
    _create_schedules(con, settings)
    return sources


def _create_sources(con: duckdb.DuckDBPyConnection, settings: Settings) -> set[str]:
    """cfg_sources: a row per registered source (its settings), per source a staging also
    yields (its parent's zone) and per [[custom]] mapping (its own zone)."""
    con.execute(
        """
        create table cfg_sources (
            source varchar, timezone varchar, product_line_from varchar,
            product_line_keys varchar[], product_line_values varchar[],
            bug_values varchar[], merged_tag varchar, ticket_url varchar
        )
        """
    )
    rows = []
    for name in SOURCES_WITH_SETTINGS:
        src = settings.source(name)
        keys, values = list(src.product_lines), list(src.product_lines.values())
        rows.append(
            (name, src.timezone, src.product_line_from, keys, values, src.bug_values, src.merged_tag, src.ticket_url)
        )
    for name, parent in dict.fromkeys((also, f.source) for f in ALL_FORMATS for also in f.also_sources):
        # the parent's zone; a link template of its own ([sources.jira_service_management] ticket_url)
        rows.append((name, settings.source(parent).timezone, "", [], [], [], "", settings.source(name).ticket_url))
    for custom in settings.custom:
        rows.append((custom.name, custom.timezone, "", [], [], [], "", ""))
    for name, tz, pl_from, keys, values, bugs, merged, ticket_url in rows:
        con.execute(
            "insert into cfg_sources values ($name, $tz, $pl_from, $keys, $values, $bugs, $merged, $ticket_url)",
            {
                "name": name,
                "tz": tz,
                "pl_from": pl_from,
                "keys": keys,
                "values": values,
                "bugs": list(bugs),
                "merged": merged,
                "ticket_url": ticket_url or None,
            },
        )
    return {row[0] for row in rows}


def _create_events(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """[[events]] of the settings, read by the events staging like rows of an events.csv;
    _row is set so that the data report's record line is the [[events]] line."""
    con.execute(
        "create table cfg_events (date varchar, label varchar, product_line varchar, end_date varchar, "
        "_file varchar, _row bigint, _line bigint)"
    )
    for event in settings.events:
        con.execute(
            "insert into cfg_events values ($date, $label, $line, $end, $file, $row, $at)",
            {
                "date": event.date.isoformat(),
                "label": event.label,
                "line": event.product_line,
                "end": event.end_date.isoformat() if event.end_date else None,
                "file": str(settings.path),
                "row": event.line - 1,
                "at": event.line,
            },
        )


def _create_schedules(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The business-hours schedules and SLA targets (queries/marts/fct_open_intervals.sql and
    fct_tickets.sql read them)."""
    con.execute("create table cfg_schedules (schedule_id integer, name varchar, timezone varchar, is_default boolean)")
    con.execute(
        "create table cfg_schedule_hours "
        "(schedule_id integer, iso_dow integer, open_minute integer, close_minute integer)"
    )
    con.execute("create table cfg_schedule_holidays (schedule_id integer, day date)")
    con.execute("create table cfg_schedule_lines (schedule_id integer, product_line varchar)")
    con.execute("create table cfg_sla (basis varchar)")
    con.execute("create table cfg_sla_targets (kind varchar, priority varchar, target_hours double)")
    for sid, schedule in enumerate(settings.schedules, start=1):
        con.execute(
            "insert into cfg_schedules values ($id, $name, $tz, $default)",
            {"id": sid, "name": schedule.name, "tz": schedule.timezone, "default": not schedule.product_lines},
        )
        if schedule.hours:
            con.executemany("insert into cfg_schedule_hours values (?, ?, ?, ?)", [(sid, *h) for h in schedule.hours])
        if schedule.holidays:
            con.executemany("insert into cfg_schedule_holidays values (?, ?)", [(sid, d) for d in schedule.holidays])
        if schedule.product_lines:
            con.executemany(
                "insert into cfg_schedule_lines values (?, ?)", [(sid, line) for line in schedule.product_lines]
            )
    sla = settings.sla
    if sla is not None:
        con.execute("insert into cfg_sla values ($basis)", {"basis": sla.basis})
        rows = [("first_response", p, h) for p, h in sla.first_response_hours.items()]
        rows += [("resolution", p, h) for p, h in sla.resolution_hours.items()]
        if rows:
            con.executemany("insert into cfg_sla_targets values (?, ?, ?)", rows)
