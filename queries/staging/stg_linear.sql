-- Linear CSV export -> canonical issue rows.
-- Grain: one row per exported row. Text cells may start with a protective ' (not data).
-- Dates are JavaScript dates with an offset, or ISO; naive ones are read in [sources.linear] timezone.
-- Completed -> resolved as completed; Canceled -> resolved as not planned.
with

cfg as (
    select * from cfg_sources where source = 'linear'
),

cleaned as (
    select
        ltrim(raw.id, '''') as id,
        ltrim(raw.team, '''') as team,
        ltrim(raw.title, '''') as title,
        ltrim(raw.status, '''') as status,
        ltrim(raw.priority, '''') as priority,
        list_filter(
            list_transform(string_split(ltrim(coalesce(raw.labels, ''), ''''), ','), lambda l: trim(l)),
            lambda l: l <> ''
        ) as labels,
        raw.created,
        raw.updated,
        raw.completed,
        raw.canceled,
        ltrim(raw.url, '''') as url,
        ph_instant(raw.created, cfg.timezone, ph_iso_local(raw.created)) as created_ts,
        ph_instant(raw.updated, cfg.timezone, ph_iso_local(raw.updated)) as updated_ts,
        ph_instant(raw.completed, cfg.timezone, ph_iso_local(raw.completed)) as completed_ts,
        ph_instant(raw.canceled, cfg.timezone, ph_iso_local(raw.canceled)) as canceled_ts,
        cfg.product_line_from,
        cfg.product_line_keys,
        cfg.product_line_values,
        cfg.bug_values,
        raw._file,
        raw._row,
        raw._line
    from raw_linear_csv as raw
    cross join cfg
),

final as (
    select
        'linear' as source,
        id as issue_key,
        id as issue_id,
        title,
        case when len(list_filter(labels, lambda l: ph_in_ci(l, bug_values))) > 0 then 'Bug' else 'Issue' end
            as issue_type,
        false as is_service_desk,
        status,
        case
            when completed_ts is not null or canceled_ts is not null then 'done'
            else 'todo'
        end as status_category,
        case when completed_ts is not null then 'completed' when canceled_ts is not null then 'canceled' end
            as resolution_raw,
        created_ts as created_at,
        updated_ts as updated_at,
        coalesce(completed_ts, canceled_ts) as resolved_at,
        false as is_resolved_at_inferred,
        priority,
        labels,
        []::varchar[] as components,
        case product_line_from when 'team' then [team] when 'label' then labels end as product_line_candidates,
        product_line_keys,
        product_line_values,
        len(list_filter(labels, lambda l: ph_in_ci(l, bug_values))) > 0 as is_bug,
        false as is_pull_request,
        url,
        _file,
        _row,
        _line,
        coalesce(
            case when id is null then 'no ID' end,
            case when created is null then 'no Created date' end,
            ph_bad_instant('Created', created, created_ts),
            ph_bad_instant('Completed', completed, completed_ts),
            ph_bad_instant('Canceled', canceled, canceled_ts),
            ph_bad_instant('Updated', updated, updated_ts),
            case when coalesce(completed_ts, canceled_ts) < created_ts then 'Completed is before Created' end
        ) as reject_reason
    from cleaned
)

select * from final
