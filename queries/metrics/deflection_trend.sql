-- Deflection per month, overall and per product line, with the volumes behind it.
-- In plain words: The deflection rate of each calendar month, with the self-service sessions and the tickets
--   behind it (see Deflection rate).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: $start_at, $end_at, $product_lines (empty = all), $tz (the zone months are cut in).
-- Definition: as deflection.sql, by month in $tz.
with

sessions as (
    select
        date_trunc('month', timezone($tz, started_at))::date as month_start,
        product_line,
        sum(count_sessions)::bigint as sessions,
        sum(count_resolved)::bigint as self_service_resolved
    from fct_self_service
    where
        started_at >= $start_at
        and started_at < $end_at
        and ph_chosen($product_lines, product_line)
    group by grouping sets ((1), (1, 2))
),

tickets as (
    select
        date_trunc('month', timezone($tz, created_at))::date as month_start,
        product_line,
        count(*) as tickets_created
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_chosen($product_lines, product_line)
    group by grouping sets ((1), (1, 2))
),

final as (
    select
        coalesce(s.month_start, t.month_start) as month_start,
        coalesce(s.product_line, t.product_line) as product_line,
        coalesce(s.sessions, 0) as sessions,
        coalesce(s.self_service_resolved, 0) as self_service_resolved,
        coalesce(t.tickets_created, 0) as tickets_created,
        100.0 * s.self_service_resolved
            / nullif(coalesce(s.self_service_resolved, 0) + coalesce(t.tickets_created, 0), 0) as rate_pct
    from sessions as s
    full join tickets as t
        on t.month_start = s.month_start and t.product_line is not distinct from s.product_line
)

select * from final
order by month_start, product_line nulls first
