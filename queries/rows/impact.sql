-- The tickets behind "tickets about known bugs" (metrics/impact.sql).
-- Grain: one row per ticket, in creation order.
-- Params: as metrics/impact.sql ($start_at, $end_at, $product_lines, $priorities, $channels), plus
--   $part: 'linked_tickets'; $issue_key: null, or one bug's key.
-- Definition: the tickets created in the period (filtered as metrics/impact.sql) that
--   ticket_issue_links ties to a bug; the `tickets` and `bug_tickets` CTEs are metrics/impact.sql's,
--   word for word (tests/test_rows.py checks the count). With $issue_key: that bug's linked
--   tickets created in the period, of the chosen priorities and channels whatever their product
--   line, as metrics/bug_impact.sql counts its tickets_in_period (the `links` CTE's filters).
--   value is null (a count). The list's columns (linked_bug_key: the first of its bugs by key)
--   come from rows/ticket_columns.sql.
with

tickets as (
    select *
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

one_bug as (
    select distinct ticket_source as source, ticket_id
    from ticket_issue_links
    where
        is_bug
        and issue_key = $issue_key
        and ticket_created_at >= $start_at
        and ticket_created_at < $end_at
        and ph_chosen($priorities, ticket_priority)
        and ph_chosen($channels, ticket_channel)
),

picked as (
    select
        t.*,
        null::double as value
    from tickets as t
    semi join bug_tickets as b on t.source = b.source and t.ticket_id = b.ticket_id
    where $part = 'linked_tickets' and $issue_key is null
    union all
    select
        t.*,
        null::double as value
    from fct_tickets as t
    semi join one_bug as b on t.source = b.source and t.ticket_id = b.ticket_id
    where $part = 'linked_tickets' and $issue_key is not null
)

select * from picked
