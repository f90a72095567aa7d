-- Every reference from a ticket to a tracker issue that the exports carry, before matching.
-- Grain: one row per reference found; the same pair can appear several times (fct_ticket_issue_links
-- keeps one). Materialised once per load. found_in says where it was found:
--   links export           stg_union_links (Zendesk's Jira links, plain ticket_id,issue_key CSVs);
--   Zendesk Ticket IDs     Jira's `Custom field (Zendesk Ticket IDs)`, comma-separated;
--   ticket tag             a tag matching the key pattern (Zendesk lower-cases tags: read upper-cased);
--   ticket custom field    a custom field value containing a key or a GitHub issue URL;
--   ticket subject         the subject containing a key or a GitHub issue URL.
-- The key pattern is the settings' links.key_pattern (default: Jira keys such as MOB-101);
-- GitHub issue URLs github.com/<owner>/<repo>/issues/<n> become the key '<owner>/<repo>#<n>'.
with

cfg as (
    select key_pattern from cfg_reporting
),

-- Only texts with a dash or a '/' can hold a key or a URL: a cheap test first (most tags,
-- 'billing', 'priority_high', have neither), the regular expressions after.
tickets as (
    select
        source, ticket_id, _file, _row, _line,
        list_filter(tag_list, lambda t: t like '%-%') as tag_list,
        list_filter(custom_values, lambda v: v like '%-%' or v like '%/%') as custom_values,
        case when subject like '%-%' or subject like '%/%' then subject end as subject
    from stg_tickets
    where version_rank = 1 and not is_deleted
),

candidates as (
    select * from tickets
    where len(tag_list) > 0 or len(custom_values) > 0 or subject is not null
),

ticket_texts as (
    select t.*, 'ticket tag' as found_in, upper(unnest(t.tag_list)) as text
    from candidates as t
    union all
    select t.*, 'ticket custom field', unnest(t.custom_values)
    from candidates as t
    union all
    select t.*, 'ticket subject', t.subject
    from candidates as t
    where t.subject is not null
),

ticket_refs as (
    select found_in, source as ticket_source, ticket_id, unnest(
        list_concat(
            regexp_extract_all(text, cfg.key_pattern),
            list_transform(
                regexp_extract_all(text, 'github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/issues/[0-9]+'),
                lambda u: regexp_replace(u, '^github\.com/(.+)/issues/([0-9]+)$', '\1#\2')
            )
        )
    ) as issue_key, _file, _row, _line
    from ticket_texts
    cross join cfg
    where text is not null
),

tracker_refs as (
    select 'Zendesk Ticket IDs' as found_in, issue_key, trim(unnest(string_split(linked_ticket_ids, ','))) as ticket_id,
           _file, _row, _line
    from stg_issues
    where version_rank = 1 and not is_pull_request and linked_ticket_ids is not null
)

select found_in, ticket_source, ticket_id, issue_id, issue_key, linked_at, _file, _row, _line, reject_reason
from stg_union_links
union all
select found_in, ticket_source, ticket_id, null, upper(issue_key), null, _file, _row, _line, null
from ticket_refs
union all
select found_in, null, ticket_id, null, upper(issue_key), null, _file, _row, _line, null
from tracker_refs
where ticket_id <> ''
