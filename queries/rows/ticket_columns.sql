-- The columns of every ticket list (dashboard/rows.py TICKET_COLUMNS), for the tickets one
-- number counts: rows.py runs it after a ticket rows file, whose rows are `picked` here.
-- Grain: one row per ticket of `picked`; in creation order, a value list by its value.
-- Params: none of its own (the SLA statuses are as of the data's cut-off, fct_cutoff.data_as_of,
--   as metrics/sla.sql judges them).
-- Definition: position orders the list (by value, then creation); is_median marks the one or two
--   rows the interpolated median of `value` is computed from; linked_bug_key is the first of the
--   ticket's bugs by key; url is the ticket's page in its tool (fct_tickets.url).
with

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
            t.first_response_due_at, t.has_response_data, t.first_reply_at, t.first_response_hours, c.data_as_of
        ) as sla_first_response_status,
        t.first_response_due_at,
        ph_sla_resolution_status(t.resolution_due_at, t.is_merged, t.status, t.is_solved, t.solved_at, c.data_as_of)
            as sla_resolution_status,
        t.resolution_due_at,
        t.csat_rating as rating,
        b.linked_bug_key,
        t.url,
        t.value,
        t.value is not null and t.position between (t.picked_count - 1) // 2 and t.picked_count // 2 as is_median,
        t.position
    from ranked as t
    cross join fct_cutoff as c
    left join linked_bugs as b on b.source = t.source and b.ticket_id = t.ticket_id
)

select * exclude (position) from final
order by position
