"""The cold floor: the model's content from the benchmark's exports by the fewest hand-written
DuckDB statements, persisted and checkpointed.

What a DuckDB expert would write by hand for these four files, knowing their layout: each
file read once with explicit types straight into its table; one ticket table with the product
line, calendar first-reply and resolution hours, business first-reply and resolution hours in
the ticket's schedule (the settings' schedules, holidays and clock changes included: one
calendar of open intervals with the open time before each, looked up per instant by an ASOF
join) and the SLA deadlines and verdict (met / breached / pending at the data's cut-off: the
newest instant any ticket records); issues, sessions and links. `bench/run.py` times it (cold_floor_s) against
the cold load of the same files (cold_over_floor); tests/test_bench.py checks its numbers
equal the model's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.exports import export_paths  # noqa: E402
from dashboard.settings import load_settings  # noqa: E402

# The calendar's span: every instant of the benchmark's data (two years to November 2026,
# refresh exports to December 2026) and its deadlines.
CALENDAR = ("2024-10-01", "2028-01-01")

OPEN_INTERVALS = """
create table open_intervals as
with
hours as (
    select unnest($sid) as sid, unnest($zone) as zone, unnest($dow) as dow,
           unnest($open_minute) as open_minute, unnest($close_minute) as close_minute
),
holidays as (select unnest($holiday_sid) as sid, unnest($holiday)::date as day),
shifts as (
    select h.sid, timezone(h.zone, d.day + h.open_minute * interval 1 minute) as open_at,
           timezone(h.zone, d.day + h.close_minute * interval 1 minute) as close_at
    from (select unnest(range($first::date, $last::date, interval 1 day))::date as day) as d
    join hours as h on h.dow = isodow(d.day)
    anti join holidays as x on x.sid = h.sid and x.day = d.day
)
select sid, open_at, epoch_us(close_at) - epoch_us(open_at) as open_us,
       coalesce(sum(epoch_us(close_at) - epoch_us(open_at)) over (
           partition by sid order by open_at rows between unbounded preceding and 1 preceding), 0)::bigint as before_us
from shifts
"""

TICKETS = """
create table tickets as
with
raw as (
    select * from read_csv($path, header = true, timestampformat = '%Y-%m-%d %H:%M:%S', columns = {
        'Id': 'VARCHAR', 'Requester id': 'VARCHAR', 'Group': 'VARCHAR', 'Status': 'VARCHAR',
        'Priority': 'VARCHAR', 'Via': 'VARCHAR', 'Created at': 'TIMESTAMP', 'Updated at': 'TIMESTAMP',
        'Solved at': 'TIMESTAMP', 'Reopens': 'INTEGER', 'Replies': 'INTEGER',
        'First reply time in minutes': 'DOUBLE', 'First reply time in minutes within business hours': 'DOUBLE',
        'Full resolution time in minutes': 'DOUBLE',
        'Full resolution time in minutes within business hours': 'DOUBLE', 'Tags': 'VARCHAR'})
),
t as (
    select
        Id as ticket_id,
        coalesce(map($line_keys, $line_values)[Tags], 'Unassigned') as product_line,
        lower(Priority) as priority, lower(Status) as status, Reopens as reopens,
        "Created at"::timestamptz as created_at, "Updated at"::timestamptz as updated_at,
        "Solved at"::timestamptz as solved_at,
        "First reply time in minutes" / 60 as first_response_hours,
        "Created at"::timestamptz + to_microseconds(round("First reply time in minutes" * 60e6)::bigint)
            as first_reply_at,
        lower(Status) in ('solved', 'closed') and "Solved at" is not null as is_solved
    from raw
),
s as (
    select t.*, coalesce(map($schedule_lines, $schedule_ids)[product_line], $default_sid) as sid,
           map($priorities, $first_targets)[priority] * 3600e6 as first_target_us,
           map($priorities, $resolution_targets)[priority] * 3600e6 as resolution_target_us
    from t
),
c as (
    select s.*, i.before_us + least(greatest(epoch_us(s.created_at) - epoch_us(i.open_at), 0), i.open_us) as c_us
    from s asof left join open_intervals as i on i.sid = s.sid and s.created_at >= i.open_at
),
r as (
    select c.*, i.before_us + least(greatest(epoch_us(c.first_reply_at) - epoch_us(i.open_at), 0), i.open_us) as r_us
    from c asof left join open_intervals as i on i.sid = c.sid and c.first_reply_at >= i.open_at
),
v as (
    select r.*, i.before_us + least(greatest(epoch_us(r.solved_at) - epoch_us(i.open_at), 0), i.open_us) as v_us
    from r asof left join open_intervals as i on i.sid = r.sid and r.solved_at >= i.open_at
),
f as (
    select v.*, i.open_at + to_microseconds((v.c_us + round(v.first_target_us)::bigint) - i.before_us)
        as first_response_due_at
    from v asof left join open_intervals as i
        on i.sid = v.sid and v.c_us + round(v.first_target_us)::bigint > i.before_us
),
d as (
    select f.*, i.open_at + to_microseconds((f.c_us + round(f.resolution_target_us)::bigint) - i.before_us)
        as resolution_due_at
    from f asof left join open_intervals as i
        on i.sid = f.sid and f.c_us + round(f.resolution_target_us)::bigint > i.before_us
)
select
    ticket_id, product_line, priority, status, reopens, created_at, updated_at, solved_at, is_solved,
    first_response_hours, first_reply_at,
    case when is_solved then (epoch_us(solved_at) - epoch_us(created_at)) / 3600e6 end as resolution_hours,
    (r_us - c_us) / 3600e6 as first_response_business_hours,
    case when is_solved then (v_us - c_us) / 3600e6 end as resolution_business_hours,
    first_response_due_at, resolution_due_at,
    case
        when first_reply_at is not null then
            case when first_reply_at <= first_response_due_at then 'met' else 'breached' end
        when first_response_due_at <= max(greatest(created_at, updated_at, first_reply_at, solved_at)) over ()
            then 'breached'
        else 'pending'
    end as first_response_sla
from d
"""

ISSUES = """
create table issues as
select
    "Issue key" as issue_key, "Issue Type" = 'Bug' as is_bug,
    coalesce(map($project_keys, $project_values)["Project key"], 'Unassigned') as product_line,
    "Created"::timestamptz as created_at, "Resolved"::timestamptz as resolved_at, "Resolution" as resolution
from read_csv($path, header = true, timestampformat = '%d/%b/%y %-I:%M %p', columns = {
    'Summary': 'VARCHAR', 'Issue key': 'VARCHAR', 'Issue id': 'VARCHAR', 'Issue Type': 'VARCHAR',
    'Status': 'VARCHAR', 'Project key': 'VARCHAR', 'Project name': 'VARCHAR', 'Project type': 'VARCHAR',
    'Priority': 'VARCHAR', 'Resolution': 'VARCHAR', 'Created': 'TIMESTAMP', 'Updated': 'TIMESTAMP',
    'Resolved': 'TIMESTAMP', 'Labels': 'VARCHAR', 'Status Category': 'VARCHAR'})
"""

SESSIONS = """
create table sessions as
select session_id, started_at::timestamptz as started_at, product_line, channel, outcome
from read_csv($path, header = true, timestampformat = '%Y-%m-%d %H:%M:%S', columns = {
    'session_id': 'VARCHAR', 'started_at': 'TIMESTAMP', 'product_line': 'VARCHAR', 'channel': 'VARCHAR',
    'outcome': 'VARCHAR'})
"""

LINKS = """
create table links as
select * from read_csv($path, header = true, columns = {
    'ticket_id': 'VARCHAR', 'issue_id': 'VARCHAR', 'issue_key': 'VARCHAR'})
"""


def parameters(data: Path) -> dict[str, Any]:
    """The settings of the benchmark folder as the statements' parameters."""
    settings = load_settings(data, None)
    zendesk, jira = settings.source("zendesk"), settings.source("jira")
    hours = [(sid, s.timezone, *h) for sid, s in enumerate(settings.schedules, 1) for h in s.hours]
    holidays = [(sid, day) for sid, s in enumerate(settings.schedules, 1) for day in s.holidays]
    lines = [(line, sid) for sid, s in enumerate(settings.schedules, 1) for line in s.product_lines]
    default = next(sid for sid, s in enumerate(settings.schedules, 1) if not s.product_lines)
    sla = settings.sla

    priorities = ["low", "normal", "high", "urgent"]

    def targets(hours_by_priority: dict[str, float]) -> list[float]:
        return [hours_by_priority.get(p, hours_by_priority.get("default")) for p in priorities]

    return {
        "calendar": {
            "sid": [h[0] for h in hours],
            "zone": [h[1] for h in hours],
            "dow": [h[2] for h in hours],
            "open_minute": [h[3] for h in hours],
            "close_minute": [h[4] for h in hours],
            "holiday_sid": [h[0] for h in holidays],
            "holiday": [h[1] for h in holidays],
            "first": CALENDAR[0],
            "last": CALENDAR[1],
        },
        "tickets": {
            "line_keys": list(zendesk.product_lines),
            "line_values": list(zendesk.product_lines.values()),
            "schedule_lines": [line for line, _ in lines],
            "schedule_ids": [sid for _, sid in lines],
            "default_sid": default,
            "priorities": priorities,
            "first_targets": targets(sla.first_response_hours),
            "resolution_targets": targets(sla.resolution_hours),
        },
        "issues": {"project_keys": list(jira.product_lines), "project_values": list(jira.product_lines.values())},
    }


def build(data: Path, database: Path) -> float:
    """Build the floor's model of the benchmark folder `data` into `database`; seconds taken
    (the settings read and the statements run, the checkpoint included)."""
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    params, files = parameters(data), export_paths(data)
    with duckdb.connect(str(database)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(OPEN_INTERVALS, params["calendar"])
        con.execute(TICKETS, {"path": str(files["tickets"]), **params["tickets"]})
        con.execute(ISSUES, {"path": str(files["issues"]), **params["issues"]})
        con.execute(SESSIONS, {"path": str(files["sessions"])})
        con.execute(LINKS, {"path": str(files["links"])})
        con.execute("checkpoint")
    return time.perf_counter() - started


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    print(f"cold floor: {build(folder, Path(sys.argv[2]) if len(sys.argv) > 2 else folder / 'floor.duckdb'):.2f} s")
