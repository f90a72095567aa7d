-- One row per ticket, all help desks together; what every ticket metric reads.
-- Grain: one row per (source, ticket_id), deleted tickets and rejected rows left out.
-- Duplicates keep the version stg_tickets ranks first (version_rank, defined there).
-- Durations are computed once here:
--   first_response_hours: vendor calendar value if exported, else first reply - created
--     from timestamps, else the vendor business-hours value (basis says which);
--   resolution_hours: solved_at - created_at, calendar hours, for solved/closed tickets.
with

latest as (
    select * from stg_tickets
    where version_rank = 1
),

final as (
    select
        source,
        ticket_id,
        ph_product_line(product_line_candidates, product_line_keys, product_line_values) as product_line,
        created_at,
        updated_at,
        first_response_at,
        solved_at,
        status,
        coalesce(priority, '(none)') as priority,
        coalesce(channel, '(none)') as channel,
        requester_id,
        coalesce(reopens, 0) as reopens,
        coalesce(reopens, 0) > 0 as is_reopened,
        is_merged,
        subject,
        first_response_calendar_minutes,
        first_response_business_minutes,
        full_resolution_calendar_minutes,
        full_resolution_business_minutes,
        case
            when first_response_calendar_minutes is not null then first_response_calendar_minutes / 60
            when first_response_at is not null then epoch(first_response_at - created_at) / 3600
            when first_response_business_minutes is not null then first_response_business_minutes / 60
        end as first_response_hours,
        case
            when first_response_calendar_minutes is not null or first_response_at is not null then 'calendar'
            when first_response_business_minutes is not null then 'business'
        end as first_response_basis,
        has_response_data,
        status in ('solved', 'closed') and solved_at is not null and not is_merged as is_solved,
        case
            when status in ('solved', 'closed') and solved_at is not null and not is_merged
                then epoch(solved_at - created_at) / 3600
        end as resolution_hours,
        _file,
        _line
    from latest
    where not is_deleted
)

-- In creation order: a period filter then reads only the row groups of its dates.
select * from final
order by created_at
