-- Customer satisfaction (CSAT), overall and per product line.
-- In plain words: CSAT: of the tickets solved in the period that the customer rated, the share
--   rated satisfied: "good", or 4 or 5 on a 1-5 scale ("bad" and 1-3 are not satisfied). A
--   survey that was only offered, or not offered, is not a rating.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines, $priorities, $channels
--   (empty list = all).
-- Definition: tickets solved in the period as in resolution.sql (is_solved, solved_at in the
--   period) with a rating: is_csat_satisfied not null (staging: ph_csat_satisfied, macros.sql).
--   rated: their count; satisfied: those true; score_pct = 100 * satisfied / rated (null when
--   none is rated).
with

tickets as (
    select * from fct_tickets
    where
        is_solved
        and solved_at >= $start_at
        and solved_at < $end_at
        and is_csat_satisfied is not null
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

final as (
    select
        product_line,
        count(*) as rated,
        count(*) filter (where is_csat_satisfied) as satisfied,
        100.0 * count(*) filter (where is_csat_satisfied) / nullif(count(*), 0) as score_pct
    from tickets
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
