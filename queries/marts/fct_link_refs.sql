-- Every ticket-to-issue reference (stg_ticket_issue_refs) with what it points at.
-- Grain: one row per reference. ticket_source/ticket_id and issue_source/issue_key of the
-- match are null when the reference names a ticket or an issue that is not in the data:
-- the data report counts those per file (nothing is dropped silently).
-- Issues are matched by Jira's immutable issue_id when the link has one, else by key
-- (case-insensitive); tickets by id, within the ticket's own help desk when known.
with

refs as (
    select * from stg_ticket_issue_refs
    where reject_reason is null
),

issue_keys as (
    select source, issue_key, issue_id, upper(issue_key) as key_upper from fct_issues
),

matched as (
    select
        r.found_in,
        r.ticket_id as ref_ticket_id,
        coalesce(r.issue_key, r.issue_id) as ref_issue,
        t.source as ticket_source,
        t.ticket_id,
        coalesce(by_id.source, by_key.source) as issue_source,
        coalesce(by_id.issue_key, by_key.issue_key) as issue_key,
        r.linked_at,
        r._file,
        r._line
    from refs as r
    left join issue_keys as by_id
        on r.issue_id is not null and by_id.source = 'jira' and by_id.issue_id = r.issue_id
    left join issue_keys as by_key
        on by_id.issue_key is null and by_key.key_upper = r.issue_key
    left join fct_tickets as t
        on t.ticket_id = r.ticket_id and (r.ticket_source is null or t.source = r.ticket_source)
)

select * from matched
