-- The days and months the data covers, per kind of data: where a period has data and where
-- it has none.
-- In plain words: the first and the last day on which the exports have a ticket created, a
--   tracker issue, or a self-service session, and the calendar months that have any. A period
--   without any is shown as "no data", never as 0, and a comparison is made only with a period
--   the data has. Bugs stay open between their creation and their fix, so every month from the
--   first issue to the last counts for them.
--   A month is full when the data runs to its last week (a ticket on one of its last 7 days):
--   the default period is the last full month with tickets.
-- Grain: one row per entity ('tickets', 'issues', 'self_service'); no row for an entity the
--   data does not have.
-- Params: $tz: the reporting zone days and months are cut in.
with

days as (
    select 'tickets' as entity, timezone($tz, created_at)::date as day from fct_tickets
    union all
    select 'self_service', timezone($tz, started_at)::date from fct_self_service
),

by_month as (
    select entity, date_trunc('month', day)::date as month, min(day) as first_day, max(day) as last_day
    from days
    group by all
),

spans as (
    select entity, min(first_day) as first_day, max(last_day) as last_day,
           list(month order by month) as months,
           list(month order by month) filter (where last_day > last_day(month) - interval 7 day) as full_months
    from by_month
    group by entity
    union all
    select 'issues', min(timezone($tz, created_at))::date,
           max(timezone($tz, greatest(created_at, coalesce(updated_at, created_at))))::date, null, null
    from fct_issues
    having count(*) > 0
)

select
    entity,
    first_day,
    last_day,
    coalesce(months, [m::date for m in generate_series(date_trunc('month', first_day), last_day, interval 1 month)])
        as months,
    coalesce(full_months, []) as full_months
from spans
