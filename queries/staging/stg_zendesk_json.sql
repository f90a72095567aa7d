-- Zendesk incremental ticket export (JSON) -> canonical ticket rows.
-- Grain: one row per ticket version in the export (pages overlap; fct_tickets keeps the latest).
-- Timestamps are UTC ('Z'). Metrics come from `metric_set` / sideloaded `metric_sets` when
-- present; a ticket without them has unknown first response (neither answered nor unanswered).
with

cfg as (
    select * from cfg_sources where source = 'zendesk'
),

parsed as (
    select
        raw.*,
        cfg.product_line_keys,
        cfg.product_line_values,
        cfg.product_line_from,
        cfg.merged_tag,
        try_cast(raw.created_at as timestamptz) as created_ts,
        ph_epoch(raw.generated_at) as generated_ts,
        coalesce(ph_epoch(raw.generated_at), try_cast(raw.updated_at as timestamptz)) as updated_ts,
        try_cast(raw.solved_at as timestamptz) as solved_ts
    from raw_zendesk_json as raw
    cross join cfg
),

final as (
    select
        'zendesk' as source,
        id as ticket_id,
        created_ts as created_at,
        updated_ts as updated_at,
        null::timestamptz as first_response_at,
        solved_ts as solved_at,
        lower(status) as status,
        status as status_raw,
        priority,
        channel,
        requester_id,
        try_cast(reopens as integer) as reopens,
        list_contains(tags, merged_tag) as is_merged,
        lower(status) = 'deleted' as is_deleted,
        subject,
        tags as tag_list,
        custom_values,
        case product_line_from
            when 'group' then [group_name]
            when 'brand' then [brand]
            when 'tag' then tags
            when 'field' then [product_line_value]
        end as product_line_candidates,
        product_line_keys,
        product_line_values,
        ph_minutes(first_reply_calendar_minutes) as first_response_calendar_minutes,
        ph_minutes(first_reply_business_minutes) as first_response_business_minutes,
        ph_minutes(full_resolution_calendar_minutes) as full_resolution_calendar_minutes,
        ph_minutes(full_resolution_business_minutes) as full_resolution_business_minutes,
        has_metrics = 'true' as has_response_data,
        _file,
        _row,
        _line,
        coalesce(
            case when id is null then 'no ticket id' end,
            case when created_at is null and lower(coalesce(status, '')) <> 'deleted' then 'no created_at' end,
            case when lower(coalesce(status, '')) <> 'deleted'
                then ph_bad_instant('created_at', created_at, created_ts) end,
            ph_bad_instant('solved_at', solved_at, solved_ts),
            ph_bad_instant('updated_at', updated_at, try_cast(updated_at as timestamptz)),
            ph_bad_instant('generated_timestamp', generated_at, generated_ts),
            ph_bad_count('reopens', reopens),
            case when solved_ts < created_ts then 'solved_at is before created_at' end,
            ph_bad_minutes('reply_time_in_minutes', first_reply_calendar_minutes),
            ph_bad_minutes('reply_time_in_minutes', first_reply_business_minutes),
            ph_bad_minutes('full_resolution_time_in_minutes', full_resolution_calendar_minutes),
            ph_bad_minutes('full_resolution_time_in_minutes', full_resolution_business_minutes)
        ) as reject_reason
    from parsed
)

select * from final
