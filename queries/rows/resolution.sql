-- The tickets behind the resolution numbers (metrics/resolution.sql).
-- Grain: one row per ticket of the part; in creation order, a value part by its value.
-- Params: as metrics/resolution.sql ($start_at, $end_at, $product_lines, $priorities, $channels,
--   $basis), plus $part: which number's tickets:
--   'resolved': the tickets solved in the period (final solve; not closed by merge);
--   'reopened': those of them reopened at least once (reopened_pct of resolved);
--   'median_hours': those with hours on the $basis, value = those hours, ordered by value;
--     is_median marks the one or two rows the interpolated median is computed from.
-- Definition: the `tickets` CTE is metrics/resolution.sql's, word for word (tests/test_rows.py
--   checks every count and the median against it); the columns are every ticket rows file's.
with

tickets as (
    select
        *,
        case when $basis = 'business' then resolution_business_hours else resolution_hours end as headline_hours
    from fct_tickets
    where
        is_solved
        and solved_at >= $start_at
        and solved_at < $end_at
        and ph_ticket_chosen($product_lines, $priorities, $channels, product_line, priority, channel)
),

picked as (
    select *, case when $part = 'median_hours' then headline_hours end as value
    from tickets
    where case $part
        when 'resolved' then true
        when 'reopened' then is_reopened
        when 'median_hours' then headline_hours is not null
        else false
    end
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
