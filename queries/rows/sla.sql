-- The tickets behind the SLA counts (metrics/sla.sql): met, breached or pending, first reply or solve.
-- Grain: one row per ticket of the part, in creation order.
-- Params: as metrics/sla.sql ($start_at, $end_at, $product_lines, $priorities, $channels), plus
--   $part: 'first_response.met', 'first_response.breached', 'first_response.pending',
--   'resolution.met', 'resolution.breached' or 'resolution.pending'.
-- Definition: the tickets created in the period whose status (ph_sla_first_response_status /
--   ph_sla_resolution_status as of $end_at, the macros metrics/sla.sql uses) is the part's;
--   the `tickets` CTE is metrics/sla.sql's, word for word (tests/test_rows.py checks the counts).
--   value is null (a count). The columns are every ticket rows file's.
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
        *,
        ph_sla_first_response_status(
            first_response_due_at, has_response_data, first_reply_at, first_response_hours, $end_at
        ) as first_response_status,
        ph_sla_resolution_status(resolution_due_at, is_merged, status, is_solved, solved_at, $end_at)
            as resolution_status
    from tickets
),

picked as (
    select *, null::double as value
    from judged
    where
        $part = 'first_response.' || first_response_status
        or $part = 'resolution.' || resolution_status
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
