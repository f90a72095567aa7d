-- The tickets behind the first-response numbers and the ticket volume (metrics/first_response.sql).
-- Grain: one row per ticket of the part; in creation order, a value part by its value.
-- Params: as metrics/first_response.sql ($start_at, $end_at, $product_lines, $priorities,
--   $channels, $basis), plus $part: which number's tickets:
--   'tickets_created': every ticket created in the period;
--   'responded': those with a first reply (first_response_hours not null);
--   'unanswered': those whose export has reply data and no reply;
--   'median_hours': those with hours on the $basis (what median/p90/mean are computed from),
--     value = those hours, ordered by value; is_median marks the one or two rows the
--     interpolated median is computed from.
-- Definition: the `tickets` CTE and the part filters are metrics/first_response.sql's, word for
--   word (tests/test_rows.py checks every count and the median against it). The list's columns
--   are added by rows/ticket_columns.sql (dashboard/rows.py runs this file before it).
with

tickets as (
    select
        *,
        case when $basis = 'business' then first_response_business_hours else first_response_hours end
            as headline_hours
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

picked as (
    select *, case when $part = 'median_hours' then headline_hours end as value
    from tickets
    where case $part
        when 'tickets_created' then true
        when 'responded' then first_response_hours is not null
        when 'unanswered' then has_response_data and first_response_hours is null
        when 'median_hours' then headline_hours is not null
        else false
    end
)

select * from picked
