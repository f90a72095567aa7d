-- Ticket <-> issue links between tickets and issues that are both in the data.
-- Grain: one row per (ticket, issue) pair, however many places carry it (found_in lists them).
-- The ticket's creation time, product line, priority and channel and the issue's is_bug are
-- copied here so the impact metrics filter without joining.
with

pairs as (
    select
        ticket_source, ticket_id, issue_source, issue_key,
        string_agg(distinct found_in, ', ' order by found_in) as found_in,
        min(linked_at) as linked_at
    from fct_link_refs
    where ticket_id is not null and issue_key is not null
    group by all
)

select
    p.ticket_source,
    p.ticket_id,
    p.issue_source,
    p.issue_key,
    p.found_in,
    p.linked_at,
    t.created_at as ticket_created_at,
    t.product_line as ticket_product_line,
    t.priority as ticket_priority,
    t.channel as ticket_channel,
    i.is_bug
from pairs as p
join fct_tickets as t on t.source = p.ticket_source and t.ticket_id = p.ticket_id
join fct_issues as i on i.source = p.issue_source and i.issue_key = p.issue_key
