-- Jira CSV export and REST /search JSON -> typed Jira rows (issues and service-desk requests).
-- Grain: one row per exported row. Service-desk rows (project type 'service_desk') become
-- tickets in stg_jira_tickets; all others are issues.
-- CSV dates ('12/Mar/21 3:15 PM', localised months) have no zone: read in [sources.jira]
-- timezone. REST dates carry their offset.
-- Resolved: the Resolved date; if empty while the status category is Done, the last status
-- change (Status Category Changed / changelog), else Updated — flagged as inferred.
with

cfg as (
    select * from cfg_sources where source = 'jira'
),

unioned as (
    select * from raw_jira_csv
    union all by name
    select * from raw_jira_json
),

parsed as (
    select
        u.*,
        cfg.timezone as tz,
        cfg.product_line_keys,
        cfg.product_line_values,
        cfg.product_line_from,
        cfg.bug_values,
        ph_instant(u.created, cfg.timezone, ph_jira_local(u.created)) as created_ts,
        ph_instant(u.updated, cfg.timezone, ph_jira_local(u.updated)) as updated_ts,
        ph_instant(u.resolved, cfg.timezone, ph_jira_local(u.resolved)) as resolved_ts,
        ph_instant(u.first_response, cfg.timezone, ph_jira_local(u.first_response)) as first_response_ts,
        coalesce(
            ph_instant(u.last_status_change, cfg.timezone, ph_jira_local(u.last_status_change)),
            ph_instant(u.status_category_changed, cfg.timezone, ph_jira_local(u.status_category_changed))
        ) as status_changed_ts,
        coalesce(
            u.status_category_key = 'done',
            lower(u.status_category) in ('done', 'itens concluídos', 'concluído', 'listo', 'hecho', 'terminado',
                'finalizada', 'erledigt', 'terminé')
        ) as is_done_category
    from unioned as u
    cross join cfg
),

final as (
    select
        'jira' as source,
        key as issue_key,
        id as issue_id,
        summary as title,
        issue_type,
        coalesce(lower(project_type) = 'service_desk', false) as is_service_desk,
        status,
        case
            when is_done_category then 'done'
            when lower(status_category) in ('to do', 'itens pendentes', 'pendiente', 'por hacer', 'new') then 'todo'
            when status_category is not null or status_category_key is not null then 'in_progress'
        end as status_category,
        resolution as resolution_raw,
        created_ts as created_at,
        updated_ts as updated_at,
        coalesce(
            resolved_ts,
            case when is_done_category then coalesce(status_changed_ts, updated_ts) end
        ) as resolved_at,
        resolved_ts is null and is_done_category as is_resolved_at_inferred,
        first_response_ts as first_response_at,
        priority,
        labels,
        components,
        case product_line_from
            when 'project' then [coalesce(project_key, regexp_extract(key, '^([A-Za-z][A-Za-z0-9_]*)-', 1))]
            when 'component' then components
            when 'label' then labels
        end as product_line_candidates,
        product_line_keys,
        product_line_values,
        coalesce(ph_in_ci(issue_type, bug_values), false) as is_bug,
        false as is_pull_request,
        ph_count(linked_ticket_count) as linked_ticket_count,
        linked_ticket_ids,
        url,
        reporter_id,
        _file,
        _row,
        _line,
        coalesce(
            case when key is null then 'no Issue key' end,
            case when created is null then 'no Created date' end,
            ph_bad_instant('Created', created, created_ts),
            ph_bad_instant('Resolved', resolved, resolved_ts),
            ph_bad_instant('Updated', updated, updated_ts),
            ph_bad_count('Zendesk Ticket Count', linked_ticket_count),
            case when resolved_ts < created_ts then 'Resolved is before Created' end
        ) as reject_reason
    from parsed
)

select * from final
