-- The tickets behind the resolution numbers (metrics/resolution.sql).
-- Grain: one row per ticket of the part; in creation order, a value part by its value.
-- Params: as metrics/resolution.sql ($start_at, $end_at, $product_lines, $priorities, $channels,
--   $basis), plus $part: which number's tickets:
--   'resolved': the tickets solved in the period (final solve; not closed by merge);
--   'reopened': those of them reopened at least once (reopened_pct of resolved);
--   'median_hours': those with hours on the $basis, value = those hours, ordered by value;
--     is_median marks the one or two rows the interpolated median is computed from.
-- Definition: the `tickets` CTE is metrics/resolution.sql's, word for word (tests/test_rows.py
--   checks every count and the median against it); the list's columns come from
--   rows/ticket_columns.sql.
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

picked as (
    select *, case when $part = 'median_hours' then headline_hours end as value
    from tickets
    where case $part
        when 'resolved' then true
        when 'reopened' then is_reopened
        when 'median_hours' then headline_hours is not null
        else false
    end
)

select * from picked
