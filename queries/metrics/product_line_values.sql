-- What each source's product-line field holds: the values found and how many tickets or
-- issues carry each (the first run on new exports, and the `product_lines` mapping).
-- In plain words: for every help desk and tracker, each value of the field that product lines
--   come from (a group, a project, a tag, ...), with how many tickets or issues have it and
--   whether the settings map it.
-- Grain: one row per (source, value); value null = the field is empty. Current versions only
--   (version_rank 1), deleted tickets and pull requests left out. No parameters.
with

latest as (
    select source, product_line_candidates as candidates
    from stg_tickets
    where version_rank = 1 and not coalesce(is_deleted, false)
    union all
    select source, product_line_candidates
    from stg_issues
    where version_rank = 1 and not is_pull_request
),

found as (
    select source, nullif(trim(unnest(if(len(candidates) = 0, [null::varchar], candidates))), '') as value
    from latest
)

select
    f.source,
    any_value(c.product_line_from) as field,
    f.value,
    count(*) as rows,
    coalesce(list_contains(any_value(c.product_line_keys), f.value), false) as is_mapped
from found as f
left join cfg_sources as c on c.source = f.source
group by f.source, f.value
order by f.source, rows desc, f.value  -- noqa: PRS
