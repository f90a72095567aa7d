-- Every self-service source's staged rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported session or daily-count row. Materialised once per load.
-- version_rank: 1 for the row that counts, 2.. for the copies it supersedes (the same export
-- downloaded twice, overlapping periods). A session is identified by its session_id, a daily
-- count by (day, product line, channel). The newest file wins (modification time), then the
-- later file path, then the later row. Null for rejected rows.
with

staged as (
    select s.*, f.modified_ns
    from stg_sessions as s
    left join ph_file_times as f on f._file = s._file
)

select
    * exclude (modified_ns),
    case when reject_reason is null then row_number() over (
        partition by
            reject_reason is null,
            session_id,
            case when session_id is null then started_at end,
            case when session_id is null then product_line end,
            case when session_id is null then channel end
        order by modified_ns desc nulls last, _file desc, _row desc
    ) end as version_rank
from staged
