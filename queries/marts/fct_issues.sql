-- One row per tracker issue (Jira, GitHub, Linear); what bug age and time to fix read.
-- Grain: one row per (source, issue_key); pull requests, service-desk requests and rejected
-- rows left out; duplicates keep the version stg_issues ranks first (version_rank).
-- url: the issue's web address, kept only when it is an http(s) URL.
-- resolution: completed, not_planned (settings' not_planned_resolutions, GitHub
-- state_reason not_planned, Linear canceled), duplicate, or null while open.
with

latest as (
    select *
    from stg_issues
    where version_rank = 1 and not is_pull_request
),

final as (
    select
        l.source,
        l.issue_key,
        l.issue_id,
        l.title,
        l.issue_type,
        l.is_bug,
        ph_product_line(l.product_line_candidates, l.product_line_keys, l.product_line_values) as product_line,
        l.created_at,
        l.updated_at,
        l.resolved_at,
        l.is_resolved_at_inferred,
        l.status,
        l.status_category,
        l.resolution_raw,
        case
            when l.resolved_at is null then null
            when lower(l.resolution_raw) = 'duplicate' then 'duplicate'
            when ph_in_ci(l.resolution_raw, r.not_planned_resolutions) then 'not_planned'
            else 'completed'
        end as resolution,
        l.labels,
        l.components,
        l.linked_ticket_count,
        ph_http_url(l.url) as url,  -- never javascript: links
        l._file,
        l._line
    from latest as l
    cross join cfg_reporting as r
)

select * from final
