-- The self-service sessions behind "resolved in self-service" (metrics/deflection.sql).
-- Grain: one row per session resolved without a ticket, in start order. An export of daily
--   counts has no sessions: its row stands for `count_resolved` sessions and is listed that many
--   times (id null, as for a session exported without an id), so the rows add up to the number.
-- Params: as metrics/deflection.sql ($start_at, $end_at, $product_lines), plus $part:
--   'self_service_resolved'.
-- Definition: the rows of fct_self_service metrics/deflection.sql sums count_resolved over, with
--   its filters word for word (tests/test_rows.py checks the count). Priority and channel
--   filters do not apply to sessions. value is null (a count).
with

sessions as (
    select * from fct_self_service
    where
        started_at >= $start_at
        and started_at < $end_at
        and ph_chosen($product_lines, product_line)
),

picked as (
    select *, unnest(range(count_resolved::bigint)) as copy_index
    from sessions
    where count_resolved > 0 and $part = 'self_service_resolved'
),

final as (
    select
        session_id as id,
        source,
        started_at,
        product_line,
        channel,
        null::varchar as url,
        null::double as value
    from picked
)

select * from final
order by started_at, id, channel
