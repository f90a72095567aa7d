-- Resolution time, overall and per product line.
-- In plain words: Resolution: for the tickets solved in the period (their final solve), the time from creation
--   to solve, in calendar hours; tickets closed by merging into another are left out. Reopened:
--   the share of those tickets that were reopened at least once.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines, $priorities, $channels
--   (empty list = all).
-- Definition: tickets whose final solve (solved_at) falls in the period, status solved or
--   closed, not closed by merge: solved_at minus created_at in calendar hours (Zendesk's
--   "full resolution time"). reopened_pct: share of those tickets reopened at least once.
with

tickets as (
    select * from fct_tickets
    where
        is_solved
        and solved_at >= $start_at
        and solved_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        product_line,
        count(*) as resolved,
        quantile_cont(resolution_hours, 0.5) as median_hours,
        quantile_cont(resolution_hours, 0.9) as p90_hours,
        avg(resolution_hours) as mean_hours,
        100.0 * count(*) filter (where is_reopened) / nullif(count(*), 0) as reopened_pct
    from tickets
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
