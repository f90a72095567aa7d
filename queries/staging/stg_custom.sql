-- CSV files mapped in [[custom]] settings -> canonical ticket rows.
-- Grain: one row per exported row. Timestamps: ISO or day-first, naive ones read in the
-- [[custom]] table's timezone. A row with a solved time counts as solved.
with

parsed as (
    select
        raw.*,
        cfg.timezone as tz,
        ph_dmy_local(raw.created_at) as created_local,
        ph_dmy_local(raw.first_response_at) as response_local,
        ph_dmy_local(raw.solved_at) as solved_local
    from raw_custom_csv as raw
    join cfg_sources as cfg on cfg.source = raw.source
),

final as (
    select
        source,
        ticket_id,
        ph_instant(created_at, tz, created_local) as created_at,
        ph_instant(first_response_at, tz, response_local) as first_response_at,
        ph_instant(solved_at, tz, solved_local) as solved_at,
        case when solved_at is not null then 'solved' else 'open' end as status,
        status as status_raw,
        priority,
        channel,
        false as is_merged,
        false as is_deleted,
        [product_line] as product_line_candidates,
        ph_product_line([product_line], []::varchar[], []::varchar[]) as product_line,
        true as has_response_data,
        _file,
        _row,
        _line,
        coalesce(
            case when ticket_id is null then 'no ticket id' end,
            case when created_at is null then 'no created time' end,
            ph_bad_instant('created', created_at, ph_instant(created_at, tz, created_local)),
            ph_bad_instant('first response', first_response_at, ph_instant(first_response_at, tz, response_local)),
            ph_bad_instant('solved', solved_at, ph_instant(solved_at, tz, solved_local)),
            case when solved_local < created_local then 'solved is before created' end
        ) as reject_reason
    from parsed
)

select * from final
