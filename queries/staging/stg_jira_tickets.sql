-- Jira Service Management requests -> canonical ticket rows.
-- Grain: one row per service-desk row of stg_jira. First response is
-- `Custom field ([CHART] Date of First Response)`; solved is the (possibly inferred) resolution.
-- export_url: the /browse/KEY address the REST export gives (stg_jira.url; CSV: none);
-- ticket_url_template: [sources.jira_service_management] ticket_url (a left join: the rows never
-- depend on that settings row).
select
    'jira_service_management' as source,
    j.issue_key as ticket_id,
    j.created_at,
    j.updated_at,
    j.first_response_at,
    j.resolved_at as solved_at,
    case when j.status_category = 'done' then 'solved' else 'open' end as status,
    j.status as status_raw,
    j.priority,
    j.reporter_id as requester_id,
    false as is_merged,
    false as is_deleted,
    j.title as subject,
    j.labels as tag_list,
    j.product_line_candidates,
    ph_product_line(j.product_line_candidates, j.product_line_keys, j.product_line_values) as product_line,
    true as has_response_data,
    j.url as export_url,
    cfg.ticket_url as ticket_url_template,
    j._file,
    j._row,
    j._line,
    coalesce(
        j.reject_reason,
        case when j.first_response_at < j.created_at then 'Date of First Response is before Created' end
    ) as reject_reason
from stg_jira as j
left join cfg_sources as cfg on cfg.source = 'jira_service_management'
where j.is_service_desk
