-- SLA attainment: first reply and solve against the targets of [sla], overall and per product line.
-- In plain words: SLA: for the tickets created in the period, whether the first reply, and the
--   solve, came within the target hours of the ticket's priority (counted in business hours of
--   the team's schedule, or in calendar hours, as the settings say). Met: it came by the
--   deadline. Breached: it came after the deadline, or it has not come and the deadline passed
--   by the period's end. Pending: it has not come by the period's end and the deadline is
--   later. Met % = met / (met + breached). Tickets closed by merging are left out of the solve.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines, $priorities, $channels
--   (empty list = all).
-- Definition: tickets *created* in the period with a deadline (fct_tickets.first_response_due_at
--   / resolution_due_at: the instant the ticket's elapsed business or calendar time reaches its
--   priority's target, cfg_sla). Everything is judged as of the period's end ($end_at): a reply
--   (first_reply_at) or solve (solved_at of a solved ticket) at or after $end_at has not
--   happened yet.
--   The statuses are the macros ph_sla_first_response_status / ph_sla_resolution_status:
--   met: reply/solve before $end_at and at or before the deadline;
--   breached: reply/solve before $end_at and after the deadline, or none before $end_at and the
--     deadline at or before $end_at;
--   pending: none before $end_at and the deadline after $end_at.
--   First reply: tickets whose export says nothing about replies, or gives only business
--   minutes (no reply instant), are not judged. Resolution: tickets closed by merge, and solved
--   ones whose export has no solve time, are not judged.
--   met_pct = 100 * met / (met + breached); null when both are 0.
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
        product_line,
        ph_sla_first_response_status(
            first_response_due_at, has_response_data, first_reply_at, first_response_hours, $end_at
        ) as first_response_status,
        ph_sla_resolution_status(resolution_due_at, is_merged, status, is_solved, solved_at, $end_at)
            as resolution_status
    from tickets
),

final as (
    select
        product_line,
        count(*) filter (where first_response_status = 'met') as first_response_met,
        count(*) filter (where first_response_status = 'breached') as first_response_breached,
        count(*) filter (where first_response_status = 'pending') as first_response_pending,
        100.0 * count(*) filter (where first_response_status = 'met')
            / nullif(count(*) filter (where first_response_status in ('met', 'breached')), 0) as first_response_met_pct,
        count(*) filter (where resolution_status = 'met') as resolution_met,
        count(*) filter (where resolution_status = 'breached') as resolution_breached,
        count(*) filter (where resolution_status = 'pending') as resolution_pending,
        100.0 * count(*) filter (where resolution_status = 'met')
            / nullif(count(*) filter (where resolution_status in ('met', 'breached')), 0) as resolution_met_pct,
        (select basis from cfg_sla) as basis
    from judged
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
