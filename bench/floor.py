"""The fair floor: the overview's figures by the fewest hand-written DuckDB statements.

What a DuckDB expert would write by hand to put the overview on screen for one filter state,
from the same model tables: one statement per fact table (two for tickets: the backlog is a
state at each period's end), each reading its table once for all the periods at once (the
period, the one it is compared with, a year earlier and the twelve months of the sparklines)
with grouping sets for the totals and the product lines; What changed and the events are the
overview's own statements (already one each). The overview's figures it computes: every
tile's number and caption for the three periods (SLA, backlog and CSAT included), the
sparklines, the product-line table. `bench/run.py` times it against tiles.overview on the
same choices (overview_over_fair_floor) and checks it gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.db import Warehouse, read_sql
from dashboard.filters import Filters, months_back

BUCKETS = """
buckets as (
    select
        unnest($names) as bucket, unnest($starts) as start_at, unnest($ends) as end_at
)"""

TICKETS = f"""
with {BUCKETS},
chosen as (
    select * from fct_tickets
    where ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),
created as (
    select
        b.bucket, c.product_line, c.first_response_hours, c.has_response_data,
        ph_sla_first_response_status(
            c.first_response_due_at, c.has_response_data, c.first_reply_at, c.first_response_hours,
            (select data_as_of from fct_cutoff)  -- every period's SLA is judged at the data's cut-off
        ) as sla
    from chosen as c join buckets as b on c.created_at >= b.start_at and c.created_at < b.end_at
),
solved as (
    select b.bucket, c.product_line, c.resolution_hours, c.is_reopened, c.is_csat_satisfied
    from chosen as c join buckets as b on c.is_solved and c.solved_at >= b.start_at and c.solved_at < b.end_at
)
select
    'created' as kind, bucket, product_line, count(*) as n,
    count(*) filter (where has_response_data and first_response_hours is null) as extra,
    quantile_cont(first_response_hours, [0.5, 0.9]) as quantiles,
    count(*) filter (where sla = 'met') as a, count(*) filter (where sla = 'breached') as b,
    count(*) filter (where sla = 'pending') as c
from created group by grouping sets ((bucket), (bucket, product_line))
union all
select
    'solved', bucket, product_line, count(*),
    100.0 * count(*) filter (where is_reopened) / count(*),
    quantile_cont(resolution_hours, [0.5, 0.9]),
    count(is_csat_satisfied), count(*) filter (where is_csat_satisfied), null
from solved group by grouping sets ((bucket), (bucket, product_line))
"""

BACKLOG = f"""
with {BUCKETS},
chosen as (
    select created_at, closed_at, product_line from fct_tickets
    where ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),
open as (  -- open at the end of the period, the one before and a year earlier: their ages
    select b.bucket, c.product_line, ph_days(c.created_at, b.end_at) as age_days
    from chosen as c
    join buckets as b on c.created_at < b.end_at and (c.closed_at is null or c.closed_at >= b.end_at)
    where not starts_with(b.bucket, 'm')
),
moves as (  -- the sparkline's months: open at each month's end = created - closed up to then
    select c.product_line, b.bucket, b.end_at, count(*) as created, 0 as closed
    from chosen as c join buckets as b on c.created_at >= b.start_at and c.created_at < b.end_at
    where starts_with(b.bucket, 'm') group by all
    union all
    select c.product_line, b.bucket, b.end_at, 0, count(*)
    from chosen as c join buckets as b on c.closed_at >= b.start_at and c.closed_at < b.end_at
    where starts_with(b.bucket, 'm') group by all
),
before as (  -- open when the first sparkline month starts
    select c.product_line, count(*) as n
    from chosen as c, (select min(start_at) as first_at from buckets where starts_with(bucket, 'm'))
    where c.created_at < first_at and (c.closed_at is null or c.closed_at >= first_at)
    group by grouping sets ((), (c.product_line))
),
monthly as (
    select bucket, product_line, end_at, sum(created - closed) as delta
    from moves group by grouping sets ((bucket, end_at), (bucket, end_at, product_line))
)
select bucket, product_line, count(*) as open_at_end, quantile_cont(age_days, 0.5) as median_age_days
from open group by grouping sets ((bucket), (bucket, product_line))
union all
select
    m.bucket, m.product_line,
    coalesce(b.n, 0) + sum(m.delta) over (partition by m.product_line order by m.end_at), null
from monthly as m left join before as b on b.product_line is not distinct from m.product_line
"""

BUGS = f"""
with {BUCKETS},
open as (
    select b.bucket, i.product_line, ph_days(i.created_at, b.end_at) as age_days
    from fct_issues as i
    join buckets as b on i.created_at < b.end_at and (i.resolved_at is null or i.resolved_at >= b.end_at)
    where i.is_bug and ph_chosen($product_lines, i.product_line)
)
select
    bucket, product_line, count(*) as open_bugs, quantile_cont(age_days, 0.5) as median_days,
    count(*) filter (where age_days > 365) as older_than_365_days
from open group by grouping sets ((bucket), (bucket, product_line))
"""

DEFLECTION = f"""
with {BUCKETS}
select 'sessions' as kind, b.bucket, s.product_line, sum(s.count_resolved)::bigint as n
from fct_self_service as s join buckets as b on s.started_at >= b.start_at and s.started_at < b.end_at
where ph_chosen($product_lines, s.product_line)
group by grouping sets ((b.bucket), (b.bucket, s.product_line))
union all
select 'tickets', b.bucket, t.product_line, count(*)
from fct_tickets as t join buckets as b on t.created_at >= b.start_at and t.created_at < b.end_at
where ph_chosen($product_lines, t.product_line)
group by grouping sets ((b.bucket), (b.bucket, t.product_line))
"""

IMPACT = f"""
with {BUCKETS},
bug_tickets as (
    select distinct ticket_source as source, ticket_id from ticket_issue_links where is_bug
)
select b.bucket, t.product_line, count(bt.ticket_id) as bug_tickets
from fct_tickets as t
join buckets as b on t.created_at >= b.start_at and t.created_at < b.end_at
left join bug_tickets as bt on bt.source = t.source and bt.ticket_id = t.ticket_id
where ph_ticket_chosen($product_lines, $priorities, $channels, t.product_line, t.priority, t.channel)
group by grouping sets ((b.bucket), (b.bucket, t.product_line))
union all
select 'hurting', null, count(distinct (i.source, i.issue_key))
from fct_issues as i
join ticket_issue_links as l on l.issue_source = i.source and l.issue_key = i.issue_key
where
    i.is_bug and ph_chosen($product_lines, i.product_line)
    and (i.resolved_at is null or i.resolved_at >= $end_at)
    and ph_days(i.created_at, $end_at) >= $min_age_days
    and l.is_bug and l.ticket_created_at >= $start_at and l.ticket_created_at < $end_at
    and ph_chosen($priorities, l.ticket_priority) and ph_chosen($channels, l.ticket_channel)
"""


STATEMENTS = {"tickets": TICKETS, "backlog": BACKLOG, "bugs": BUGS, "deflection": DEFLECTION, "impact": IMPACT}


def buckets(filters: Filters) -> dict[str, list[Any]]:
    """The periods the overview shows, as bound lists: the period, the one before, a year
    earlier, and the 12 sparkline months (the last one cut at the period's end)."""
    periods = {"now": filters, "prev": filters.previous(), "year": filters.year_ago()}
    names, starts, ends = [], [], []
    for name, period in periods.items():
        names.append(name)
        starts.append(period.start_at)
        ends.append(period.end_at)
    trailing = filters.trailing_months(12)
    month = trailing.start.replace(day=1)
    while month <= trailing.end:
        whole = Filters(month, months_back(month, -1) - dt.timedelta(days=1), filters.timezone)
        names.append(f"m{month:%Y-%m}")
        starts.append(whole.start_at)
        ends.append(min(whole.end_at, trailing.end_at))
        month = months_back(month, -1)
    return {"names": names, "starts": starts, "ends": ends}


def statements(warehouse: Warehouse, filters: Filters) -> dict[str, list[tuple]]:
    """Run the floor's statements; their rows by name (what bench/run.py times)."""
    params = filters.params() | buckets(filters) | {"min_age_days": warehouse.settings.still_hurting_days}
    out = {}
    cursor = warehouse.con.cursor()
    try:
        for name, sql in STATEMENTS.items():
            out[name] = cursor.execute(sql, {k: params[k] for k in _names(sql)}).fetchall()
        for name in ("changes", "events"):
            sql = read_sql(f"metrics/{name}")
            out[name] = cursor.execute(sql, {k: params[k] for k in _names(sql)}).fetchall()
    finally:
        cursor.close()
    return out


def _names(sql: str) -> list[str]:
    from dashboard.db import sql_params

    return sql_params(sql)


def figures(rows: dict[str, list[tuple]]) -> dict[str, Any]:
    """The floor's rows as the overview's numbers: per (bucket, product line or None)."""
    out: dict[str, Any] = {}

    def put(bucket: str, line: str | None, key: str, value: Any) -> None:
        out.setdefault(bucket, {}).setdefault(line, {})[key] = value

    for kind, bucket, line, n, extra, quantiles, a, b, c in rows["tickets"]:
        median, p90 = quantiles or (None, None)
        if kind == "created":
            put(bucket, line, "tickets_created", n)
            put(bucket, line, "first_response.unanswered", extra)
            put(bucket, line, "first_response.median_hours", median)
            put(bucket, line, "first_response.p90_hours", p90)
            put(bucket, line, "sla.first_response.met", a)
            put(bucket, line, "sla.first_response.breached", b)
            put(bucket, line, "sla.first_response.pending", c)
            put(bucket, line, "sla.first_response.met_pct", 100 * a / (a + b) if a + b else None)
        else:
            put(bucket, line, "resolution.resolved", n)
            put(bucket, line, "resolution.reopened_pct", extra)
            put(bucket, line, "resolution.median_hours", median)
            put(bucket, line, "resolution.p90_hours", p90)
            put(bucket, line, "csat.rated", a)
            put(bucket, line, "csat.satisfied", b)
            put(bucket, line, "csat.score_pct", 100 * b / a if a else None)
    for bucket, line, open_at_end, median_age in rows["backlog"]:
        put(bucket, line, "backlog.open_at_end", open_at_end)
        if not bucket.startswith("m"):
            put(bucket, line, "backlog.median_age_days", median_age)
    for bucket, line, open_bugs, median_days, older in rows["bugs"]:
        put(bucket, line, "bug_age.open_bugs", open_bugs)
        put(bucket, line, "bug_age.median_days", median_days)
        put(bucket, line, "bug_age.older_than_365_days", older)
    counts: dict[tuple[str, str | None], dict[str, int]] = {}
    for kind, bucket, line, n in rows["deflection"]:
        counts.setdefault((bucket, line), {})[kind] = n
    for (bucket, line), found in counts.items():
        resolved, tickets = found.get("sessions") or 0, found.get("tickets") or 0
        put(bucket, line, "deflection.self_service_resolved", resolved)
        put(bucket, line, "deflection.rate_pct", 100 * resolved / (resolved + tickets) if resolved + tickets else None)
    for bucket, line, bug_tickets in rows["impact"]:
        if bucket == "hurting":
            put("now", None, "impact.still_hurting", bug_tickets)
            continue
        put(bucket, line, "impact.linked_tickets", bug_tickets)
        created = out.get(bucket, {}).get(line, {}).get("tickets_created")
        put(bucket, line, "impact.bug_ticket_share_pct", 100 * bug_tickets / created if created else None)
    return out
