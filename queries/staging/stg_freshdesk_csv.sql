-- Freshdesk ticket CSV export -> canonical ticket rows.
-- Grain: one row per exported row.
-- Dates are day-first ('25/01/2025 1:30', Excel re-save) with no zone: read in
-- [sources.freshdesk] timezone. First response comes from `Initial response time` (a
-- timestamp) only: `First response time (in hrs)` is '0:00:00' both for "answered at once"
-- and "never answered", so it is not read (no timestamp: first response unknown).
with

cfg as (
    select * from cfg_sources where source = 'freshdesk'
),

parsed as (
    select
        raw.*,
        cfg.timezone as tz,
        cfg.product_line_keys,
        cfg.product_line_values,
        cfg.product_line_from,
        cfg.ticket_url as ticket_url_template,
        ph_dmy_local(raw.created_time) as created_local,
        ph_dmy_local(raw.updated_time) as updated_local,
        ph_dmy_local(raw.initial_response_time) as response_local,
        ph_dmy_local(coalesce(raw.resolved_time, raw.closed_time)) as solved_local,
        coalesce(raw.resolved_time, raw.closed_time) as solved_raw
    from raw_freshdesk_csv as raw
    cross join cfg
),

final as (
    select
        'freshdesk' as source,
        ticket_id,
        ph_instant(created_time, tz, created_local) as created_at,
        ph_instant(updated_time, tz, updated_local) as updated_at,
        ph_instant(initial_response_time, tz, response_local) as first_response_at,
        ph_instant(solved_raw, tz, solved_local) as solved_at,
        case
            when lower(status) = 'resolved' then 'solved'
            when lower(status) = 'closed' then 'closed'
            when lower(status) = 'open' then 'open'
            when lower(status) in ('pending') or lower(status) like 'waiting%' then 'pending'
            else 'open'
        end as status,
        status as status_raw,
        priority,
        channel,
        requester_id,
        nullif(trim(survey_result), '') as csat_rating,
        ph_csat_satisfied(survey_result) as is_csat_satisfied,
        false as is_merged,
        false as is_deleted,
        subject,
        list_filter(
            list_transform(string_split(coalesce(tags, ''), ','), lambda t: trim(t)), lambda t: t <> ''
        ) as tag_list,
        case product_line_from
            when 'product' then [nullif(product, 'No Product')]
            when 'group' then [group_name]
            when 'tag' then list_transform(string_split(coalesce(tags, ''), ','), lambda t: trim(t))
        end as product_line_candidates,
        -- the product line, mapped here: the map's lists are not copied into every row
        ph_product_line(product_line_candidates, product_line_keys, product_line_values) as product_line,
        true as has_response_data,
        ticket_url_template,  -- the export has no URL: [sources.freshdesk] ticket_url only
        _file,
        _row,
        _line,
        coalesce(
            case when ticket_id is null then 'no Ticket ID' end,
            case when created_time is null then 'no Created time' end,
            ph_bad_instant('Created time', created_time, ph_instant(created_time, tz, created_local)),
            ph_bad_instant('Initial response time', initial_response_time,
                ph_instant(initial_response_time, tz, response_local)),
            ph_bad_instant('Resolved time', solved_raw, ph_instant(solved_raw, tz, solved_local)),
            ph_bad_instant('Last update time', updated_time, ph_instant(updated_time, tz, updated_local)),
            case when solved_local < created_local then 'Resolved time is before Created time' end,
            case when response_local < created_local then 'Initial response time is before Created time' end
        ) as reject_reason
    from parsed
)

select * from final
