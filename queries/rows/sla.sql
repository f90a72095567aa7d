-- The tickets behind the SLA counts (metrics/sla.sql): met, breached or pending, first reply or solve.
-- Grain: one row per ticket of the part, in creation order.
-- Params: as metrics/sla.sql ($start_at, $end_at, $product_lines, $priorities, $channels), plus
--   $part: 'first_response.met', 'first_response.breached', 'first_response.pending',
--   'resolution.met', 'resolution.breached' or 'resolution.pending'.
-- Definition: the tickets created in the period whose status (ph_sla_first_response_status /
--   ph_sla_resolution_status as of the data's cut-off fct_cutoff.data_as_of, as metrics/sla.sql
--   judges them) is the part's;
--   the `tickets` CTE is metrics/sla.sql's, word for word (tests/test_rows.py checks the counts).
--   value is null (a count). The list's columns come from
--   rows/ticket_columns.sql.
with

tickets as (
    select * from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

judged as (
    select
        t.*,
        ph_sla_first_response_status(
            t.first_response_due_at, t.has_response_data, t.first_reply_at, t.first_response_hours, c.data_as_of
        ) as first_response_status,
        ph_sla_resolution_status(t.resolution_due_at, t.is_merged, t.status, t.is_solved, t.solved_at, c.data_as_of)
            as resolution_status
    from tickets as t
    cross join fct_cutoff as c
),

picked as (
    select *, null::double as value
    from judged
    where
        $part = 'first_response.' || first_response_status
        or $part = 'resolution.' || resolution_status
)

select * from picked
