"""Benchmark exports at any scale, in the vendors' shapes, written by DuckDB (seconds, not
minutes, at ten million rows; memory stays flat).

Every pseudo-random value is hash(row number, column salt): the files are the same on every
machine and every run, whatever the thread count. Shapes: a Zendesk Support CSV export, a Jira
CSV export (N/10 issues), a self-service sessions CSV (N rows) and a Zendesk Jira links CSV
(N/50 links). Two years of data ending 2026-11-01; Mobile App's first response slows after
August 2026 and deflection rises after May 2026, as in the sample.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dashboard.generate import HEALTH_TOML as SAMPLE_HEALTH_TOML

GENERATOR_VERSION = "1"
# The sample's settings, with Jira's dates written in UTC (as this generator writes them).
HEALTH_TOML = SAMPLE_HEALTH_TOML.replace('timezone = "Europe/Berlin"', 'timezone = "UTC"')

# h: a non-negative BIGINT hash; u(k): a uniform (0, 1) value for the row and salt k;
# z(a, b): a standard normal (Box-Muller).
_MACROS = """
create or replace macro h(i, k) as (hash(i, k) % 9223372036854775807)::bigint;
create or replace macro u(i, k) as ((hash(i, k) % 1000000) + 0.5) / 1000000.0;
create or replace macro z(i, a, b) as sqrt(-2 * ln(u(i, a))) * cos(2 * pi() * u(i, b));
create or replace macro ts(i, k) as timestamp '2024-11-01' + to_seconds(cast(u(i, k) * 63072000 as bigint));
create or replace macro line_of(x) as case when x < 0.3 then 0 when x < 0.6 then 1 when x < 0.8 then 2 else 3 end;
"""

TICKETS_SQL = """
copy (
    with t as (
        select
            i,
            line_of(u(i, 1)) as line,
            $from::timestamp + to_seconds(cast(u(i, 2) * $span as bigint)) as created,
            u(i, 5) < 0.06 as unanswered
        from range($first, $first + $n) as r(i)
    ),
    d as (
        select
            *,
            exp(ln(case when line = 1 and created >= timestamp '2026-08-01' then 8 else 2.5 end)
                + 0.9 * z(i, 3, 4)) as reply_h,
            exp(ln(30) + 1.1 * z(i, 6, 7)) as work_h
        from t
    ),
    s as (
        select
            *,
            created + to_seconds(cast((work_h + reply_h) * 3600 as bigint)) as solved,
            created + to_seconds(cast((work_h + reply_h) * 3600 as bigint)) < $cutoff::timestamp
                and u(i, 8) < 0.93 as is_solved
        from d
    )
    select
        i as "Id",
        10000 + h(i, 12) % greatest($n // 3, 10) as "Requester id",
        ['Billing', 'Mobile App', 'Analytics', 'Integrations'][line + 1] || ' Support' as "Group",
        case when is_solved then (case when u(i, 9) < 0.6 then 'Closed' else 'Solved' end)
             else ['Open', 'Pending', 'Hold', 'New'][1 + h(i, 10) % 4] end as "Status",
        case when u(i, 11) < 0.3 then 'Low' when u(i, 11) < 0.8 then 'Normal'
             when u(i, 11) < 0.95 then 'High' else 'Urgent' end as "Priority",
        case when u(i, 13) < 0.5 then 'Mail' when u(i, 13) < 0.8 then 'Web form'
             when u(i, 13) < 0.95 then 'Chat' else 'Api' end as "Via",
        strftime(created, '%Y-%m-%d %H:%M:%S') as "Created at",
        strftime(case when is_solved then solved else created end, '%Y-%m-%d %H:%M:%S') as "Updated at",
        case when is_solved then strftime(solved, '%Y-%m-%d %H:%M:%S') else '' end as "Solved at",
        case when u(i, 14) < 0.08 then 1 else 0 end as "Reopens",
        case when unanswered then 0 else 1 end as "Replies",
        case when unanswered then null else round(reply_h * 60)::bigint end as "First reply time in minutes",
        case when unanswered then null else round(reply_h * 27)::bigint end
            as "First reply time in minutes within business hours",
        case when is_solved then round((work_h + reply_h) * 60)::bigint end as "Full resolution time in minutes",
        case when is_solved then round((work_h + reply_h) * 24)::bigint end
            as "Full resolution time in minutes within business hours",
        ['billing', 'mobile_app', 'analytics', 'integrations'][line + 1] as "Tags"
    from s
    order by i
) to '{path}' (header, delimiter ',')
"""

ISSUES_SQL = """
copy (
    with t as (
        select
            i,
            ['BILL', 'MOB', 'ANA', 'INT'][1 + h(i, 21) % 4] as project,
            timestamp '2023-11-01' + to_seconds(cast(u(i, 22) * 94694400 as bigint)) as created,
            u(i, 23) < 0.45 as is_bug
        from range(1, $issues + 1) as r(i)
    ),
    f as (
        select
            *,
            created + to_seconds(
                cast(exp(ln(case when is_bug then 20 else 35 end) + z(i, 24, 25)) * 86400 as bigint)
            ) as resolved_ts,
            u(i, 26) < 0.85 as finishes
        from t
    ),
    g as (
        select *, finishes and resolved_ts < timestamp '2026-11-01' as done from f
    )
    select
        (case when is_bug then 'Fix ' else 'Add ' end) || ['export', 'login', 'sync', 'invoice'][1 + h(i, 27) % 4]
            || ' ' || ['timeout', 'rounding', 'crash', 'option'][1 + h(i, 28) % 4] as "Summary",
        project || '-' || i as "Issue key",
        100000 + i as "Issue id",
        case when is_bug then 'Bug' when u(i, 29) < 0.5 then 'Story' else 'Task' end as "Issue Type",
        case when done then 'Done' else ['To Do', 'In Progress', 'In Review'][1 + h(i, 30) % 3] end as "Status",
        project as "Project key",
        project || ' project' as "Project name",
        'software' as "Project type",
        'Medium' as "Priority",
        case when not done then ''
             when u(i, 31) < 0.85 then 'Done'
             when u(i, 31) < 0.95 then 'Won''t Do'
             else 'Duplicate' end as "Resolution",
        strftime(created, '%d/%b/%y %-I:%M %p') as "Created",
        strftime(case when done then resolved_ts else created end, '%d/%b/%y %-I:%M %p') as "Updated",
        case when done then strftime(resolved_ts, '%d/%b/%y %-I:%M %p') else '' end as "Resolved",
        case when u(i, 32) < 0.6 then ['backend', 'frontend', 'customer-reported'][1 + h(i, 33) % 3] else ''
             end as "Labels",
        case when done then 'Done' when h(i, 30) % 3 = 0 then 'To Do' else 'In Progress' end as "Status Category"
    from g
    order by i
) to '{path}' (header, delimiter ',')
"""

SESSIONS_SQL = """
copy (
    with t as (
        select i, ts(i, 41) as started, u(i, 43) as x from range(1, $n + 1) as r(i)
    )
    select
        's' || i as session_id,
        strftime(started, '%Y-%m-%d %H:%M:%S') as started_at,
        ['Billing', 'Mobile App', 'Analytics', 'Integrations'][line_of(u(i, 42)) + 1] as product_line,
        case when h(i, 44) % 2 = 0 then 'help_center' else 'chatbot' end as channel,
        case when x < (case when started < timestamp '2026-05-01' then 0.22 else 0.45 end) then 'resolved'
             when x < (case when started < timestamp '2026-05-01' then 0.47 else 0.70 end) then 'escalated'
             else 'abandoned' end as outcome
    from t
    order by i
) to '{path}' (header, delimiter ',')
"""

# Links from tickets to bugs: ticket ids spread over all tickets, issues among the bugs.
LINKS_SQL = """
copy (
    with bugs as (
        select row_number() over (order by i) - 1 as n, i
        from range(1, $issues + 1) as r(i)
        where u(i, 23) < 0.45
    ),
    counted as (select count(*) as bugs from bugs),
    l as (
        select j, 1 + h(j, 51) % $n as ticket_id, h(j, 52) % counted.bugs as bug
        from range(1, $links + 1) as r(j), counted
    )
    select l.ticket_id, 100000 + b.i as issue_id,
           ['BILL', 'MOB', 'ANA', 'INT'][1 + h(b.i, 21) % 4] || '-' || b.i as issue_key
    from l join bugs as b on b.n = l.bug
    order by j
) to '{path}' (header, delimiter ',')
"""


# The tickets of the main export: ids 1..N created over the two years before 2026-11-01.
TWO_YEARS = {"first": 1, "from": "2024-11-01", "span": 63072000, "cutoff": "2026-11-01"}


def write_tickets(path: Path, first: int, count: int, start: str, days: int, cutoff: str) -> Path:
    """A Zendesk tickets export of ids first..first+count-1 created over `days` days from
    `start`, as the help desk showed them at `cutoff` (a later cut-off: more of them solved,
    later updates: a newer export of the same tickets). The refresh benchmark's new files."""
    params = {"n": count, "first": first, "from": start, "span": days * 86400, "cutoff": cutoff}
    with duckdb.connect() as con:
        con.execute(_MACROS)
        statement = TICKETS_SQL.replace("{path}", str(path).replace("'", "''"))
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    return path


def export_paths(folder: Path) -> dict[str, Path]:
    return {
        "tickets": folder / "zendesk" / "tickets-export.csv",
        "issues": folder / "jira" / "jira-export.csv",
        "sessions": folder / "self-service" / "sessions.csv",
        "links": folder / "links" / "zendesk-jira-links.csv",
    }


def write_exports(folder: Path, tickets: int) -> dict[str, Path]:
    """Write (or keep, when already complete) the exports for `tickets` tickets in `folder`."""
    files = export_paths(folder)
    marker = folder / f".complete-{GENERATOR_VERSION}"
    if marker.is_file() and all(p.is_file() for p in files.values()):
        return files
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    (folder / "health.toml").write_text(HEALTH_TOML, encoding="utf-8")
    params = {
        "n": tickets,
        "issues": max(tickets // 10, 10),
        "links": max(tickets // 50, 10),
        **TWO_YEARS,
    }
    with duckdb.connect() as con:
        con.execute(_MACROS)
        for name, sql in (
            ("tickets", TICKETS_SQL),
            ("issues", ISSUES_SQL),
            ("sessions", SESSIONS_SQL),
            ("links", LINKS_SQL),
        ):
            # The path is ours (the scratch folder), quoted as a SQL string literal.
            statement = sql.replace("{path}", str(files[name]).replace("'", "''"))
            con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    marker.write_text("complete\n", encoding="utf-8")
    return files
