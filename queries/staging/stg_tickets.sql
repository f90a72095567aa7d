-- Every help desk's staged ticket rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported ticket row. Materialised once per load: the data report and
-- fct_tickets both read it.
-- version_rank: 1 for the version of a (source, ticket_id) that counts, 2.. for the versions it
-- supersedes (overlapping incremental pages, the same month exported twice): newest
-- updated_at, then the later file path, then the later row. Null for rejected rows.
with

-- stg_union_tickets: every ticket format's staging view, `union all by name` (build.py, from
-- the format registry). It is read three times and not materialised: holding every staged
-- row in memory (a materialised CTE) spilled at 10M tickets and cost more than the reads.
-- The keys that occur more than once, rejected rows counted too (ranking only the rows that
-- are not rejected, a key with one such row still ranks it 1): only the key columns are
-- computed for this, and counted by their hash (one number instead of two texts: at 10M
-- tickets a third of the time). Two keys sharing a hash are both ranked, each within its own
-- partition below: still 1 for the version that counts.
repeated as (
    select hash(source, ticket_id) as key_hash
    from stg_union_tickets
    group by all
    having count(*) > 1
)

-- Ranking needs a sort; only keys that occur more than once are ranked (the rest are 1).
select u.*, case when u.reject_reason is null then 1::bigint end as version_rank
from stg_union_tickets as u
anti join repeated as r on r.key_hash = hash(u.source, u.ticket_id)
union all by name
select
    u.*,
    case when u.reject_reason is null then row_number() over (
        partition by u.source, u.ticket_id, u.reject_reason is null
        order by u.updated_at desc nulls last, u._file desc, u._row desc
    ) end as version_rank
from stg_union_tickets as u
semi join repeated as r on r.key_hash = hash(u.source, u.ticket_id)
