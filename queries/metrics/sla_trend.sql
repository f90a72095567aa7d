-- SLA attainment per month of creation, overall and per product line (sparklines, the pack).
-- In plain words: The share of tickets created in each calendar month whose first reply, and
--   whose solve, met the SLA target, judged as of the end of that month (see SLA).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: as sla.sql, plus $tz: the reporting zone that months are cut in.
-- Definition: as sla.sql with each month's own end (its next month's first midnight in $tz)
--   in place of $end_at, so a month's row depends on that month only.
with

tickets as (
    select
        *,
        date_trunc('month', timezone($tz, created_at))::date as month_start,
        timezone($tz, (date_trunc('month', timezone($tz, created_at)) + interval 1 month)::timestamp) as month_end_at
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

judged as (
    select
        month_start,
        product_line,
        ph_sla_first_response_status(
            first_response_due_at, has_response_data, first_reply_at, first_response_hours, month_end_at
        ) as first_response_status,
        ph_sla_resolution_status(resolution_due_at, is_merged, status, is_solved, solved_at, month_end_at)
            as resolution_status
    from tickets
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
