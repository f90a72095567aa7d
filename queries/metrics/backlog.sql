-- The ticket backlog at the period's end, overall and per product line.
-- In plain words: Backlog: the tickets still open at the end of the period: created before it
--   ended and not solved or closed by then (deleted tickets are not tickets). Median age: how
--   long, in days, half of them had been open at the period's end.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $end_at (exclusive end of the period); $product_lines, $priorities, $channels (empty
--   list = all). $start_at is not used: the backlog is a state at the end.
-- Definition: open at $end_at = created_at < $end_at and not closed before $end_at (closed_at:
--   fct_tickets; closed by merge counts as closed). A ticket reopened and open now
--   counts as open since its creation: exports keep only the last solve, not the earlier ones.
--   open_at_end: their count; median_age_days / p90_age_days: $end_at - created_at in days
--   (quantile_cont; null when none is open).
with

tickets as (
    select * from fct_tickets
    where
        created_at < $end_at
        and (closed_at is null or closed_at >= $end_at)
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        product_line,
        count(*) as open_at_end,
        ph_median_p90(ph_days(created_at, $end_at))[1] as median_age_days,
        ph_median_p90(ph_days(created_at, $end_at))[2] as p90_age_days
    from tickets
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
