-- GitHub issues (REST or gh --json) -> canonical issue rows.
-- Grain: one row per exported item, pull requests included (flagged; fct_issues drops them).
-- Timestamps are UTC ('Z'). state_reason: completed / not_planned / reopened / duplicate.
with

cfg as (
    select * from cfg_sources where source = 'github'
),

final as (
    select
        'github' as source,
        coalesce(raw.repository || '#', '#') || raw.number as issue_key,
        raw.number as issue_id,
        raw.title,
        case when is_pull_request = 'true' then 'pull request' else 'issue' end as issue_type,
        false as is_service_desk,
        lower(raw.state) as status,
        case when lower(raw.state) = 'closed' then 'done' else 'todo' end as status_category,
        lower(raw.state_reason) as resolution_raw,
        try_cast(raw.created_at as timestamptz) as created_at,
        try_cast(raw.updated_at as timestamptz) as updated_at,
        try_cast(raw.closed_at as timestamptz) as resolved_at,
        false as is_resolved_at_inferred,
        raw.labels,
        []::varchar[] as components,
        case cfg.product_line_from
            when 'repository' then [raw.repository]
            when 'label' then raw.labels
        end as product_line_candidates,
        cfg.product_line_keys,
        cfg.product_line_values,
        raw.is_pull_request <> 'true'
            and len(list_filter(raw.labels, lambda l: ph_in_ci(l, cfg.bug_values))) > 0 as is_bug,
        raw.is_pull_request = 'true' as is_pull_request,
        raw.url,
        raw._file,
        raw._row,
        raw._line,
        coalesce(
            case when raw.number is null then 'no issue number' end,
            case when raw.created_at is null then 'no created_at' end,
            ph_bad_instant('created_at', raw.created_at, try_cast(raw.created_at as timestamptz)),
            ph_bad_instant('closed_at', raw.closed_at, try_cast(raw.closed_at as timestamptz)),
            ph_bad_instant('updated_at', raw.updated_at, try_cast(raw.updated_at as timestamptz)),
            case when try_cast(raw.closed_at as timestamptz) < try_cast(raw.created_at as timestamptz)
                then 'closed_at is before created_at' end
        ) as reject_reason
    from raw_github_json as raw
    cross join cfg
)

select * from final
