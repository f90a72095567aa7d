-- The open intervals of each schedule by hour of cumulative open time: what SLA deadlines are
-- looked up in (the inverse of fct_open_hours; an equality join, streaming).
-- Grain: one row per (schedule_id, open_hour), open_hour = k for cumulative open time in
-- (k hours, k + 1 hours]; intervals: every interval whose cumulative range (open_before_us,
-- open_through_us] overlaps it. The instant the open time reaches C microseconds (C > 0) is in
-- the interval of bucket (C - 1) // 3600e6 with open_before_us < C <= open_through_us, at
-- open_at + (C - open_before_us).
with

expanded as (
    select
        schedule_id,
        open_at,
        open_before_us,
        open_through_us,
        unnest(range(open_before_us // 3600000000, (open_through_us - 1) // 3600000000 + 1)) as open_hour
    from fct_open_intervals
)

select
    schedule_id,
    open_hour,
    list(
        {'open_at': open_at, 'before_us': open_before_us, 'through_us': open_through_us} order by open_before_us
    ) as intervals
from expanded
group by all
order by schedule_id, open_hour
