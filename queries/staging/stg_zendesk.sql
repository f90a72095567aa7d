-- Zendesk Support CSV export and incremental ticket export (JSON) -> canonical ticket rows.
-- Grain: one row per exported row or ticket version (pages overlap, the same tickets are
-- exported twice: fct_tickets keeps the latest).
-- CSV: timestamps have no zone (Zendesk writes the account's zone): read in [sources.zendesk]
-- timezone. Unsolved tickets carry the placeholder '1900-01-01 00:00:00' in `Solved at`: read as
-- empty. Status values: New/Open/Pending/Hold/Solved/Closed.
-- JSON: timestamps are UTC ('Z'). Metrics come from `metric_set` / sideloaded `metric_sets` when
-- present; a ticket without them has unknown first response (neither answered nor unanswered).
-- JSON: `url` is the ticket's API address ('https://acme.zendesk.com/api/v2/tickets/123.json'),
-- kept as export_url (fct_tickets makes the agent's link of it); the CSV export has none.
-- Each export's own columns are typed and checked in its CTE; `final` is shared.
with

cfg as (
    select * from cfg_sources where source = 'zendesk'
),

csv_local as (
    select
        raw.* replace (case when raw.solved_at like '1900-01-01%' then null else raw.solved_at end as solved_at),
        cfg.timezone as tz,
        ph_iso_local(raw.created_at) as created_local,
        ph_iso_local(raw.updated_at) as updated_local,
        ph_iso_local(case when raw.solved_at like '1900-01-01%' then null else raw.solved_at end) as solved_local
    from raw_zendesk_csv as raw
    cross join cfg
),

-- Each instant is computed once (csv_ts), then checked (csv).
csv_ts as (
    select
        * exclude (tz, created_local, updated_local, solved_local),
        ph_instant(created_at, tz, created_local) as created_ts,
        ph_instant(updated_at, tz, updated_local) as updated_ts,
        ph_instant(solved_at, tz, solved_local) as solved_ts
    from csv_local
),

csv as (
    select
        * exclude (tags),
        string_split(coalesce(tags, ''), ' ') as tag_list,
        coalesce(
            case when id is null then 'no ticket Id' end,
            case when created_at is null then 'no Created at' end,
            ph_bad_instant('Created at', created_at, created_ts),
            ph_bad_instant('Solved at', solved_at, solved_ts),
            ph_bad_instant('Updated at', updated_at, updated_ts),
            ph_bad_count('Reopens', reopens),
            case when solved_ts < created_ts then 'Solved at is before Created at' end
        ) as export_reject_reason,
        'first reply time' as reply_time_label,
        'full resolution time' as resolution_time_label
    from csv_ts
),

json_ts as (
    select
        raw.*,
        try_cast(raw.created_at as timestamptz) as created_ts,
        ph_epoch(raw.generated_at) as generated_ts,
        coalesce(ph_epoch(raw.generated_at), try_cast(raw.updated_at as timestamptz)) as updated_ts,
        try_cast(raw.solved_at as timestamptz) as solved_ts
    from raw_zendesk_json as raw
),

json as (
    select
        * exclude (tags, generated_ts),
        tags as tag_list,
        coalesce(
            case when id is null then 'no ticket id' end,
            case when created_at is null and lower(coalesce(status, '')) <> 'deleted' then 'no created_at' end,
            case when lower(coalesce(status, '')) <> 'deleted'
                then ph_bad_instant('created_at', created_at, created_ts) end,
            ph_bad_instant('solved_at', solved_at, solved_ts),
            ph_bad_instant('updated_at', updated_at, try_cast(updated_at as timestamptz)),
            ph_bad_instant('generated_timestamp', generated_at, generated_ts),
            ph_bad_count('reopens', reopens),
            case when solved_ts < created_ts then 'solved_at is before created_at' end
        ) as export_reject_reason,
        'reply_time_in_minutes' as reply_time_label,
        'full_resolution_time_in_minutes' as resolution_time_label
    from json_ts
),

-- Each duration in minutes is parsed once, then both kept and checked (final).
minutes as (
    select
        *,
        ph_minutes(first_reply_calendar_minutes) as reply_calendar,
        ph_minutes(first_reply_business_minutes) as reply_business,
        ph_minutes(full_resolution_calendar_minutes) as resolution_calendar,
        ph_minutes(full_resolution_business_minutes) as resolution_business
    from (
        select * from json
        union all by name
        select * from csv
    )
),

final as (
    select
        'zendesk' as source,
        t.id as ticket_id,
        t.created_ts as created_at,
        t.updated_ts as updated_at,
        null::timestamptz as first_response_at,
        t.solved_ts as solved_at,
        lower(t.status) as status,
        t.status as status_raw,
        t.priority,
        t.channel,
        t.requester_id,
        try_cast(t.reopens as integer) as reopens,
        nullif(trim(t.satisfaction), '') as csat_rating,
        ph_csat_satisfied(t.satisfaction) as is_csat_satisfied,
        list_contains(t.tag_list, cfg.merged_tag) as is_merged,
        lower(t.status) = 'deleted' as is_deleted,
        t.subject,
        t.tag_list,
        t.custom_values,
        case cfg.product_line_from
            when 'group' then [t.group_name]
            when 'brand' then [t.brand]
            when 'tag' then t.tag_list
            when 'field' then [t.product_line_value]
        end as product_line_candidates,
        -- the product line, mapped here: the map's lists are not copied into every row
        ph_product_line(product_line_candidates, cfg.product_line_keys, cfg.product_line_values) as product_line,
        t.reply_calendar as first_response_calendar_minutes,
        t.reply_business as first_response_business_minutes,
        t.resolution_calendar as full_resolution_calendar_minutes,
        t.resolution_business as full_resolution_business_minutes,
        -- set by the readers: true when the export has a reply-time column (metrics) at all
        t.has_metrics = 'true' as has_response_data,
        t.url as export_url,
        cfg.ticket_url as ticket_url_template,
        t._file,
        t._row,
        t._line,
        coalesce(
            t.export_reject_reason,
            ph_bad_minutes(t.reply_time_label, t.first_reply_calendar_minutes, t.reply_calendar),
            ph_bad_minutes(t.reply_time_label, t.first_reply_business_minutes, t.reply_business),
            ph_bad_minutes(t.resolution_time_label, t.full_resolution_calendar_minutes, t.resolution_calendar),
            ph_bad_minutes(t.resolution_time_label, t.full_resolution_business_minutes, t.resolution_business)
        ) as reject_reason
    from minutes as t
    cross join cfg
)

select * from final
