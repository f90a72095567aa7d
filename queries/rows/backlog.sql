-- The tickets behind the backlog numbers (metrics/backlog.sql): open at the period's end.
-- Grain: one row per ticket of the part; in creation order, a value part by its value.
-- Params: as metrics/backlog.sql ($end_at, $product_lines, $priorities, $channels), plus $part:
--   'open_at_end': the tickets open at $end_at;
--   'median_age_days': the same tickets, value = their age in days at $end_at, ordered by it;
--     is_median marks the one or two rows the interpolated median is computed from.
-- Definition: the `tickets` CTE is metrics/backlog.sql's, word for word (tests/test_rows.py checks
--   the count and the median against it); the list's columns come from
--   rows/ticket_columns.sql.
with

tickets as (
    select * from fct_tickets
    where
        created_at < $end_at
        and (closed_at is null or closed_at >= $end_at)
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

picked as (
    select *, case when $part = 'median_age_days' then ph_days(created_at, $end_at) end as value
    from tickets
    where $part in ('open_at_end', 'median_age_days')
)

select * from picked
