-- The tickets behind "tickets about known bugs" (metrics/impact.sql).
-- Grain: one row per ticket, in creation order.
-- Params: as metrics/impact.sql ($start_at, $end_at, $product_lines, $priorities, $channels), plus
--   $part: 'linked_tickets'; $issue_key: null, or one bug's key.
-- Definition: the tickets created in the period (filtered as metrics/impact.sql) that
--   ticket_issue_links ties to a bug; the `tickets` and `bug_tickets` CTEs are metrics/impact.sql's,
--   word for word (tests/test_rows.py checks the count). With $issue_key: that bug's linked
--   tickets created in the period, of the chosen priorities and channels whatever their product
--   line, as metrics/bug_impact.sql counts its tickets_in_period (the `links` CTE's filters).
--   linked_bug_key: the first of its bugs by key. value is null (a count). The columns are every
--   ticket rows file's.
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
),

ranked as (
    select
        *,
        row_number() over (order by value, created_at, source, ticket_id) - 1 as position,
        count(*) over () as picked_count
    from picked
),

linked_bugs as (  -- one linked bug per ticket: the first by key
    select ticket_source as source, ticket_id, min(issue_key) as linked_bug_key
    from ticket_issue_links
    where is_bug
    group by all
),

final as (
    select
        t.ticket_id as id,
        t.source,
        t.created_at,
        t.product_line,
        t.priority,
        t.channel,
        t.status,
        t.first_response_hours,
        t.first_response_business_hours,
        t.resolution_hours,
        ph_sla_first_response_status(
            t.first_response_due_at, t.has_response_data, t.first_reply_at, t.first_response_hours, $end_at
        ) as sla_first_response_status,
        t.first_response_due_at,
        ph_sla_resolution_status(t.resolution_due_at, t.is_merged, t.status, t.is_solved, t.solved_at, $end_at)
            as sla_resolution_status,
        t.resolution_due_at,
        t.csat_rating as rating,
        b.linked_bug_key,
        t.url,
        t.value,
        t.value is not null and t.position between (t.picked_count - 1) // 2 and t.picked_count // 2 as is_median,
        t.position
    from ranked as t
    left join linked_bugs as b on b.source = t.source and b.ticket_id = t.ticket_id
)

select * exclude (position) from final
order by position
