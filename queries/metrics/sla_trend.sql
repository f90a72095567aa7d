-- SLA attainment per month of creation, overall and per product line (sparklines, the pack).
-- In plain words: The share of tickets created in each calendar month whose first reply, and
--   whose solve, met the SLA target, as the data knows it (as of its cut-off; see SLA).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: as sla.sql, plus $tz: the reporting zone that months are cut in.
-- Definition: as sla.sql per month of creation; every month is judged as of the same cut-off
--   (fct_cutoff.data_as_of), so a month's row depends on that month's tickets and the cut-off
--   only (the precomputed pre_sla_trend, written with the model, has the model's cut-off).
with

tickets as (
    select
        *,
        date_trunc('month', timezone($tz, created_at))::date as month_start
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

judged as (
    select
        t.month_start,
        t.product_line,
        ph_sla_first_response_status(
            t.first_response_due_at, t.has_response_data, t.first_reply_at, t.first_response_hours, c.data_as_of
        ) as first_response_status,
        ph_sla_resolution_status(t.resolution_due_at, t.is_merged, t.status, t.is_solved, t.solved_at, c.data_as_of)
            as resolution_status
    from tickets as t
    cross join fct_cutoff as c
),

final as (
    select
        month_start,
        product_line,
        count(*) filter (where first_response_status = 'met') as first_response_met,
        count(*) filter (where first_response_status = 'breached') as first_response_breached,
        count(*) filter (where first_response_status = 'pending') as first_response_pending,
        100.0 * count(*) filter (where first_response_status = 'met')
            / nullif(count(*) filter (where first_response_status in ('met', 'breached')), 0) as first_response_met_pct,
        100.0 * count(*) filter (where resolution_status = 'met')
            / nullif(count(*) filter (where resolution_status in ('met', 'breached')), 0) as resolution_met_pct
    from judged
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
