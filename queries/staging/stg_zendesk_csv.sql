-- Zendesk Support CSV export -> canonical ticket rows.
-- Grain: one row per exported row (duplicates are resolved in fct_tickets).
-- Timestamps have no zone in this export (Zendesk writes the account's zone): read in
-- [sources.zendesk] timezone. Status values: New/Open/Pending/Hold/Solved/Closed.
-- Unsolved tickets carry the placeholder '1900-01-01 00:00:00' in `Solved at`: read as empty.
with

cfg as (
    select * from cfg_sources where source = 'zendesk'
),

parsed as (
    select
        raw.*,
        cfg.timezone as tz,
        cfg.product_line_keys,
        cfg.product_line_values,
        cfg.product_line_from,
        cfg.merged_tag,
        string_split(coalesce(raw.tags, ''), ' ') as tag_list,
        ph_iso_local(raw.created_at) as created_local,
        ph_iso_local(raw.updated_at) as updated_local,
        ph_iso_local(raw.solved_at) as solved_local
    from (
        select * replace (case when solved_at like '1900-01-01%' then null else solved_at end as solved_at)
        from raw_zendesk_csv
    ) as raw
    cross join cfg
),

final as (
    select
        'zendesk' as source,
        id as ticket_id,
        ph_instant(created_at, tz, created_local) as created_at,
        ph_instant(updated_at, tz, updated_local) as updated_at,
        null::timestamptz as first_response_at,
        ph_instant(solved_at, tz, solved_local) as solved_at,
        lower(status) as status,
        status as status_raw,
        priority,
        channel,
        requester_id,
        try_cast(reopens as integer) as reopens,
        list_contains(tag_list, merged_tag) as is_merged,
        lower(status) = 'deleted' as is_deleted,
        subject,
        tag_list,
        custom_values,
        case product_line_from
            when 'group' then [group_name]
            when 'brand' then [brand]
            when 'tag' then tag_list
            when 'field' then [product_line_value]
        end as product_line_candidates,
        product_line_keys,
        product_line_values,
        ph_minutes(first_reply_calendar_minutes) as first_response_calendar_minutes,
        ph_minutes(first_reply_business_minutes) as first_response_business_minutes,
        ph_minutes(full_resolution_calendar_minutes) as full_resolution_calendar_minutes,
        ph_minutes(full_resolution_business_minutes) as full_resolution_business_minutes,
        -- set by the reader: true when the export has a reply-time column at all
        has_metrics = 'true' as has_response_data,
        _file,
        _row,
        _line,
        coalesce(
            case when id is null then 'no ticket Id' end,
            case when created_at is null then 'no Created at' end,
            ph_bad_instant('Created at', created_at, ph_instant(created_at, tz, created_local)),
            ph_bad_instant('Solved at', solved_at, ph_instant(solved_at, tz, solved_local)),
            ph_bad_instant('Updated at', updated_at, ph_instant(updated_at, tz, updated_local)),
            ph_bad_count('Reopens', reopens),
            case when ph_instant(solved_at, tz, solved_local) < ph_instant(created_at, tz, created_local)
                then 'Solved at is before Created at' end,
            ph_bad_minutes('first reply time', first_reply_calendar_minutes),
            ph_bad_minutes('first reply time', first_reply_business_minutes),
            ph_bad_minutes('full resolution time', full_resolution_calendar_minutes),
            ph_bad_minutes('full resolution time', full_resolution_business_minutes)
        ) as reject_reason
    from parsed
)

select * from final
