-- Every self-service source's staged rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported session or daily-count row. Materialised once per load.
-- version_rank: 1 for the row that counts, 2.. for the copies it supersedes (the same export
-- downloaded twice, overlapping periods). A session is identified by its session_id (one
-- without an id by itself alone), a daily count by (day, product line, channel). The newest
-- file wins (modification time), then the later file path, then the later row. Null for
-- rejected rows.
with

staged as (
    select s.*, f.modified_ns
    from stg_union_self_service as s
    left join ph_file_times as f on f._file = s._file
)

select
    * exclude (modified_ns),
    case when reject_reason is null then row_number() over (
        partition by
            reject_reason is null,
            row_kind,
            case when row_kind = 'session' then coalesce(session_id, _file || '#' || _row) end,
            case when row_kind = 'daily' then started_at end,
            case when row_kind = 'daily' then product_line end,
            case when row_kind = 'daily' then channel end
        order by modified_ns desc nulls last, _file desc, _row desc
    ) end as version_rank
from staged
