-- Resolution time, overall and per product line.
-- In plain words: Resolution: for the tickets solved in the period (their final solve), the time from creation
--   to solve, in calendar hours (on the business basis, only the hours the team's schedule is
--   open); tickets closed by merging into another are left out. Reopened:
--   the share of those tickets that were reopened at least once.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines, $priorities, $channels
--   (empty list = all); $basis: 'calendar' or 'business', the hours of median/p90/mean.
-- Definition: tickets whose final solve (solved_at) falls in the period, status solved or
--   closed, not closed by merge: solved_at minus created_at in calendar hours (Zendesk's
--   "full resolution time"). reopened_pct: share of those tickets reopened at least once.
--   business_median_hours / business_p90_hours: over resolution_business_hours (fct_tickets:
--   open time of the ticket's schedule, else the export's business value); $basis = 'business'
--   makes median/p90/mean those business hours.
with

tickets as (
    select
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
        product_line,
        count(*) as resolved,
        ph_median_p90(headline_hours)[1] as median_hours,
        ph_median_p90(headline_hours)[2] as p90_hours,
        avg(headline_hours) as mean_hours,
        100.0 * count(*) filter (where is_reopened) / nullif(count(*), 0) as reopened_pct,
        ph_median_p90(resolution_business_hours)[1] as business_median_hours,
        ph_median_p90(resolution_business_hours)[2] as business_p90_hours
    from tickets
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
