-- Jira Service Management requests -> canonical ticket rows.
-- Grain: one row per service-desk row of stg_jira. First response is
-- `Custom field ([CHART] Date of First Response)`; solved is the (possibly inferred) resolution.
-- export_url: the /browse/KEY address the REST export gives (stg_jira.url; CSV: none);
-- ticket_url_template: [sources.jira_service_management] ticket_url.
with

cfg as (
    select ticket_url from cfg_sources where source = 'jira_service_management'
)

select
    'jira_service_management' as source,
    issue_key as ticket_id,
    created_at,
    updated_at,
    first_response_at,
    resolved_at as solved_at,
    case when status_category = 'done' then 'solved' else 'open' end as status,
    status as status_raw,
    priority,
    reporter_id as requester_id,
    false as is_merged,
    false as is_deleted,
    title as subject,
    labels as tag_list,
    product_line_candidates,
    product_line_keys,
    product_line_values,
    true as has_response_data,
    url as export_url,
    cfg.ticket_url as ticket_url_template,
    _file,
    _row,
    _line,
    coalesce(
        reject_reason,
        case when first_response_at < created_at then 'Date of First Response is before Created' end
    ) as reject_reason
from stg_jira
cross join cfg
where is_service_desk
