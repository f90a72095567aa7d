-- Customer impact of known bugs, overall and per product line.
-- In plain words: Tickets about known bugs: the tickets created in the period that are linked to a tracker issue
--   that is a bug (by a links export, an issue key in a tag, a field or the subject, or the
--   tracker's list of ticket ids), and their share of all tickets created. Impacting bugs: bugs
--   open at the period's end with at least one linked ticket.
-- Grain: one row per product line plus one total row (product_line is null).
-- Params: $start_at (inclusive), $end_at (exclusive, = "as of"); $product_lines, $priorities,
--   $channels (empty list = all).
-- Definition: a ticket is "about a known bug" when ticket_issue_links ties it to an issue the
--   settings call a bug (any status). Tickets are those *created* in the period, filtered like
--   first_response.sql, and grouped by the ticket's product line:
--   bug_tickets = how many of them are about a known bug;
--   bug_ticket_share_pct = 100 * bug_tickets / tickets_created.
--   impacting_bugs = bugs open at $end_at (as bug_age.sql) with at least one linked ticket
--   created before $end_at, grouped by the bug's product line.
with

tickets as (
    select product_line, source, ticket_id
    from fct_tickets
    where
        created_at >= $start_at
        and created_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

bug_tickets as (
    select distinct ticket_source as source, ticket_id
    from ticket_issue_links
    where is_bug and ticket_created_at >= $start_at and ticket_created_at < $end_at
),

share as (
    select
        t.product_line,
        count(*) as tickets_created,
        count(b.ticket_id) as bug_tickets
    from tickets as t
    left join bug_tickets as b on b.source = t.source and b.ticket_id = t.ticket_id
    group by grouping sets ((), (t.product_line))
),

impacting as (
    select i.product_line, count(*) as impacting_bugs
    from fct_issues as i
    where
        i.is_bug
        and i.created_at < $end_at
        and (i.resolved_at is null or i.resolved_at >= $end_at)
        and ph_chosen($product_lines, i.product_line)
        and exists (
            select 1 from ticket_issue_links as l
            where l.issue_source = i.source and l.issue_key = i.issue_key and l.ticket_created_at < $end_at
        )
    group by grouping sets ((), (i.product_line))
),

final as (
    select
        coalesce(s.product_line, i.product_line) as product_line,
        coalesce(s.tickets_created, 0) as tickets_created,
        coalesce(s.bug_tickets, 0) as bug_tickets,
        100.0 * s.bug_tickets / nullif(s.tickets_created, 0) as bug_ticket_share_pct,
        coalesce(i.impacting_bugs, 0) as impacting_bugs
    from share as s
    full join impacting as i on i.product_line is not distinct from s.product_line
)

select * from final
order by product_line nulls first
