-- Resolution time per month of solve, overall and per product line.
-- In plain words: The median and p90 resolution time of each calendar month, for the tickets solved in that
--   month, and the share of them that were reopened (see Resolution).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: as resolution.sql, plus $tz: the reporting zone that months are cut in.
-- Definition: as resolution.sql, by the month of solved_at in $tz.
with

tickets as (
    select
        date_trunc('month', timezone($tz, solved_at))::date as month_start,
        *,
        case when $basis = 'business' then resolution_business_hours else resolution_hours end as headline_hours
    from fct_tickets
    where
        is_solved
        and solved_at >= $start_at
        and solved_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        month_start,
        product_line,
        count(*) as resolved,
        ph_median_p90(headline_hours)[1] as median_hours,
        ph_median_p90(headline_hours)[2] as p90_hours,
        100.0 * count(*) filter (where is_reopened) / nullif(count(*), 0) as reopened_pct,
        count(*) filter (where headline_hours < 24) as count_under_1d,
        count(*) filter (where headline_hours >= 24 and headline_hours < 72) as count_1_3d,
        count(*) filter (where headline_hours >= 72 and headline_hours < 168) as count_3_7d,
        count(*) filter (where headline_hours >= 168 and headline_hours < 720) as count_7_30d,
        count(*) filter (where headline_hours >= 720) as count_over_30d
    from tickets
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
