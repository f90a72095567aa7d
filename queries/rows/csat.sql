-- The tickets behind the CSAT numbers (metrics/csat.sql): rated, and rated satisfied.
-- Grain: one row per ticket of the part, in creation order.
-- Params: as metrics/csat.sql ($start_at, $end_at, $product_lines, $priorities, $channels), plus
--   $part: 'rated' (solved in the period with a rating) or 'satisfied' (those rated satisfied).
-- Definition: the `tickets` CTE is metrics/csat.sql's, word for word (tests/test_rows.py checks the
--   counts); `rating` is the rating as exported. value is null (a count). The list's columns come
--   from rows/ticket_columns.sql.
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

picked as (
    select *, null::double as value
    from tickets
    where case $part
        when 'rated' then true
        when 'satisfied' then is_csat_satisfied
        else false
    end
)

select * from picked
