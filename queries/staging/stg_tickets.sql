-- Every help desk's staged ticket rows in one relation, rejected rows included (with reason).
-- Grain: one row per exported ticket row. Materialised once per load: the data report and
-- fct_tickets both read it.
-- version_rank: 1 for the version of a (source, ticket_id) that counts, 2.. for the versions it
-- supersedes (overlapping incremental pages, the same month exported twice): newest
-- updated_at, then the later file path, then the later row. Null for rejected rows.
with

-- stg_union_tickets: every ticket format's staging view, `union all by name` (build.py, from
-- the format registry).
unioned as materialized (
    select * from stg_union_tickets
),

-- Ranking needs a sort; only ids that occur more than once are ranked (the rest are 1).
repeated as (
    select source, ticket_id
    from unioned
    where reject_reason is null
    group by all
    having count(*) > 1
)

select u.*, 1::bigint as version_rank
from unioned as u
anti join repeated as r on r.source = u.source and r.ticket_id = u.ticket_id
where u.reject_reason is null
union all by name
select u.*, row_number() over (
    partition by u.source, u.ticket_id
    order by u.updated_at desc nulls last, u._file desc, u._row desc
) as version_rank
from unioned as u
semi join repeated as r on r.source = u.source and r.ticket_id = u.ticket_id
where u.reject_reason is null
union all by name
select *
from unioned
where reject_reason is not null
