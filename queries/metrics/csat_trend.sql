-- CSAT per month of solve, overall and per product line.
-- In plain words: The share of rated tickets solved in each calendar month that were rated
--   satisfied (see CSAT).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: as csat.sql, plus $tz: the reporting zone that months are cut in.
-- Definition: as csat.sql, by the month of solved_at in $tz.
with

tickets as (
    select
        date_trunc('month', timezone($tz, solved_at))::date as month_start,
        *
    from fct_tickets
    where
        is_solved
        and solved_at >= $start_at
        and solved_at < $end_at
        and is_csat_satisfied is not null
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        month_start,
        product_line,
        count(*) as rated,
        count(*) filter (where is_csat_satisfied) as satisfied,
        100.0 * count(*) filter (where is_csat_satisfied) / nullif(count(*), 0) as score_pct
    from tickets
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
