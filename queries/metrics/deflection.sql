-- Deflection rate, overall and per product line.
-- In plain words: Deflection rate: help-center or chatbot sessions that ended without a ticket, as a share of
--   those sessions plus the tickets created in the period. 40 % means four in ten people who needed
--   help got it without a ticket. Priority and channel filters do not apply to sessions.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines (empty list = all).
-- Definition: self-service sessions resolved without a ticket in the period, divided by
--   (those sessions + tickets created in the period), as a percentage. Null when there is
--   neither. self_service_score = self-service sessions / distinct ticket requesters in the
--   period (null without requester ids). Priority and channel filters do not apply: sessions
--   have neither.
with

sessions as (
    select
        product_line,
        sum(count_sessions)::bigint as sessions,
        sum(count_resolved)::bigint as self_service_resolved,
        sum(count_escalated)::bigint as escalated
    from fct_self_service
    where
        started_at >= $start_at
        and started_at < $end_at
        and ph_chosen($product_lines, product_line)
    group by grouping sets ((), (product_line))
),

tickets as (
    select
        product_line,
        count(*) as tickets_created,
        count(distinct requester_id) as requesters
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_chosen($product_lines, product_line)
    group by grouping sets ((), (product_line))
),

lines as (
    select product_line from sessions
    union select product_line from tickets
    union select null::varchar
),

final as (
    select
        lines.product_line,
        coalesce(s.sessions, 0) as sessions,
        coalesce(s.self_service_resolved, 0) as self_service_resolved,
        coalesce(s.escalated, 0) as escalated,
        coalesce(t.tickets_created, 0) as tickets_created,
        100.0 * s.self_service_resolved
            / nullif(coalesce(s.self_service_resolved, 0) + coalesce(t.tickets_created, 0), 0) as rate_pct,
        s.sessions / nullif(t.requesters, 0) as self_service_score
    from lines
    left join sessions as s on s.product_line is not distinct from lines.product_line
    left join tickets as t on t.product_line is not distinct from lines.product_line
)

select * from final
order by product_line nulls first
