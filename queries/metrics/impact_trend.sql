-- Tickets about known bugs per month, overall and per product line.
-- In plain words: The tickets about known bugs, and their share of all tickets, for each calendar month of
--   ticket creation (see Tickets about known bugs).
-- Grain: one row per (month_start, product_line), plus per month a total row (product_line null).
-- Params: $start_at, $end_at, $tz (the zone months are cut in), $product_lines, $priorities,
--   $channels (empty list = all).
-- Definition: as impact.sql (bug_tickets, bug_ticket_share_pct), by month of ticket creation in $tz.
with

tickets as (
    select
        date_trunc('month', timezone($tz, t.created_at))::date as month_start,
        t.product_line,
        exists(
            select 1 from ticket_issue_links as l
            where l.is_bug and l.ticket_source = t.source and l.ticket_id = t.ticket_id
        ) as is_bug_ticket
    from fct_tickets as t
    where
        t.created_at >= $start_at
        and t.created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, t.product_line, t.priority, t.channel)
),

final as (
    select
        month_start,
        product_line,
        count(*) as tickets_created,
        count(*) filter (where is_bug_ticket) as bug_tickets,
        100.0 * count(*) filter (where is_bug_ticket) / count(*) as bug_ticket_share_pct
    from tickets
    group by grouping sets ((month_start), (month_start, product_line))
)

select * from final
order by month_start, product_line nulls first
