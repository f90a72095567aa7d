-- The open hours of every business-hours schedule as UTC instants, with the open time before
-- each: what business durations and SLA deadlines in fct_tickets are computed from.
-- Grain: one row per (schedule_id, open interval): one per shift per local day that is not a
-- holiday, over the days of fct_open_span (the tickets' years, and 400 days after the last).
-- Local wall times become instants in the schedule's zone, so a shift is 8 real hours on the
-- days clocks change too; a shift edge inside the skipped or repeated hour of a clock change is
-- read as ICU reads it (the skipped hour: the offset before the change; the repeated hour: the
-- offset after it).
-- open_before_us: microseconds of open time in the schedule before open_at (cumulative sum),
-- so the open time between any two instants is a difference of two lookups (fct_open_hours,
-- fct_open_marks index it for fct_tickets).
with

span as (
    select first_day, last_day from fct_open_span
),

local_days as (
    select
        s.schedule_id,
        s.timezone,
        unnest(range(span.first_day, span.last_day + 1, interval 1 day))::date as local_day
    from cfg_schedules as s
    cross join span
),

shifts as (
    select
        d.schedule_id,
        timezone(d.timezone, d.local_day + h.open_minute * interval 1 minute) as open_at,
        timezone(d.timezone, d.local_day + h.close_minute * interval 1 minute) as close_at
    from local_days as d
    inner join cfg_schedule_hours as h
        on h.schedule_id = d.schedule_id and h.iso_dow = isodow(d.local_day)
    anti join cfg_schedule_holidays as hol
        on hol.schedule_id = d.schedule_id and hol.day = d.local_day
),

-- Open time is the union of the shifts: a shift starts no earlier than every earlier shift's
-- end (they can only meet around a clock change, e.g. one ending inside the skipped hour).
disjoint as (
    select
        schedule_id,
        greatest(open_at, coalesce(max(close_at) over (
            partition by schedule_id order by open_at, close_at
            rows between unbounded preceding and 1 preceding
        ), open_at)) as open_at,
        close_at
    from shifts
),

final as (
    select
        schedule_id,
        open_at,
        close_at,
        epoch_us(close_at) - epoch_us(open_at) as open_us,
        coalesce(sum(epoch_us(close_at) - epoch_us(open_at)) over (
            partition by schedule_id order by open_at
            rows between unbounded preceding and 1 preceding
        ), 0)::bigint as open_before_us
    from disjoint
    where close_at > open_at
)

select *, open_before_us + open_us as open_through_us from final
order by schedule_id, open_at
