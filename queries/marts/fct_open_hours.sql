-- The open time of each schedule by UTC hour: what a ticket's instants are looked up in (an
-- equality join on the hour, streaming, instead of a sort-based range join).
-- Grain: one row per (schedule_id, hour_at) for every UTC hour of the model's span (as
-- fct_open_intervals: from the day before fct_open_span's first day to its last open interval).
-- open_before_us: microseconds of open time before hour_at; spans: the open parts inside the
-- hour, as epoch microseconds [from_us, to_us) (empty when the hour is closed). The open time
-- before an instant t in the hour = open_before_us + the parts of the spans before t.
with

bounds as (
    select
        s.schedule_id,
        (min(t.first_day) - 1)::timestamptz as first_hour,
        max(iv.close_at) as last_at
    from cfg_schedules as s
    cross join fct_open_span as t
    inner join fct_open_intervals as iv on iv.schedule_id = s.schedule_id
    group by all
),

hours as (
    select schedule_id, unnest(range(first_hour, last_at + interval 1 hour, interval 1 hour)) as hour_at
    from bounds
),

parts as (
    select
        schedule_id,
        open_at,
        close_at,
        unnest(range(date_trunc('hour', open_at), close_at, interval 1 hour)) as hour_at
    from fct_open_intervals
),

per_hour as (
    select
        schedule_id,
        hour_at,
        list(
            {
                'from_us': epoch_us(greatest(open_at, hour_at)),
                'to_us': epoch_us(least(close_at, hour_at + interval 1 hour))
            }
            order by open_at
        ) as spans
    from parts
    group by all
),

final as (
    select
        h.schedule_id,
        h.hour_at,
        coalesce(p.spans, []) as spans,
        coalesce(list_sum(list_transform(p.spans, lambda s: s.to_us - s.from_us)), 0) as hour_open_us
    from hours as h
    left join per_hour as p using (schedule_id, hour_at)
)

select
    schedule_id,
    hour_at,
    spans,
    coalesce(sum(hour_open_us) over (
        partition by schedule_id order by hour_at rows between unbounded preceding and 1 preceding
    ), 0)::bigint as open_before_us
from final
order by schedule_id, hour_at
