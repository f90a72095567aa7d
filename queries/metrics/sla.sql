-- SLA attainment: first reply and solve against the targets of [sla], overall and per product line.
-- In plain words: SLA: for the tickets created in the period, whether the first reply, and the
--   solve, came within the target hours of the ticket's priority (counted in business hours of
--   the team's schedule, or in calendar hours, as the settings say), as the data knows it: as of
--   its cut-off, the latest update of any ticket in it. Met: it came by the deadline, whenever it
--   came. Breached: it came after the deadline, or it has not come and the deadline passed by
--   the cut-off. Pending: it has not come and the deadline is after the cut-off. Met % = met /
--   (met + breached). Tickets closed by merging are left out of the solve.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive); $product_lines, $priorities, $channels
--   (empty list = all).
-- Definition: tickets *created* in the period with a deadline (fct_tickets.first_response_due_at
--   / resolution_due_at: the instant the ticket's elapsed business or calendar time reaches its
--   priority's target, cfg_sla). Everything is judged as of the data's cut-off
--   (fct_cutoff.data_as_of, returned as data_as_of), not the period's end: a reply or solve after
--   the period's end counts as it came, and a month's numbers can move when a later export
--   brings news (dashboard/revisions.py says so).
--   The statuses are the macros ph_sla_first_response_status / ph_sla_resolution_status:
--   met: reply (first_reply_at) / solve (solved_at of a solved ticket) at or before the deadline;
--   breached: reply/solve after the deadline, or none and the deadline at or before the cut-off;
--   pending: none and the deadline after the cut-off.
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

cutoff as (
    select data_as_of from fct_cutoff
),

judged as (
    select
        t.product_line,
        ph_sla_first_response_status(
            t.first_response_due_at, t.has_response_data, t.first_reply_at, t.first_response_hours, c.data_as_of
        ) as first_response_status,
        ph_sla_resolution_status(t.resolution_due_at, t.is_merged, t.status, t.is_solved, t.solved_at, c.data_as_of)
            as resolution_status
    from tickets as t
    cross join cutoff as c
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
        (select basis from cfg_sla) as basis,
        (select data_as_of from cutoff) as data_as_of
    from judged
    group by grouping sets ((), (product_line))
)

select * from final
order by product_line nulls first
