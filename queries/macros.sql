-- Macros shared by the SQL layers: parsing helpers for staging, the filter, SLA and test helpers
-- of the metrics. Parameter-free; created once per database.

-- Naive ISO-like timestamps ('2023-04-08 20:52:00', '2023-09-05 13:17:13.234', '2024-03-01').
create or replace macro ph_iso_local(s) as try_strptime(s, [
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S',
    '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M', '%Y-%m-%d', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M'
]);

-- Day-first dates as Freshdesk (through Excel) and ServiceNow write them: '25/01/2025 1:30'.
create or replace macro ph_dmy_local(s) as coalesce(try_strptime(s, [
    '%d/%m/%Y %-H:%M', '%d/%m/%Y %-H:%M:%S', '%d-%m-%Y %-H:%M', '%d-%m-%Y %-H:%M:%S', '%d/%m/%Y'
]), ph_iso_local(s));

-- Jira's month abbreviations in English, Spanish, Portuguese, French and German.
create or replace macro ph_month_en(m) as map {
    'jan': 'Jan', 'ene': 'Jan', 'janv': 'Jan', 'jän': 'Jan',
    'feb': 'Feb', 'fev': 'Feb', 'févr': 'Feb',
    'mar': 'Mar', 'mars': 'Mar', 'mär': 'Mar',
    'apr': 'Apr', 'abr': 'Apr', 'avr': 'Apr',
    'may': 'May', 'mai': 'May',
    'jun': 'Jun', 'juin': 'Jun',
    'jul': 'Jul', 'juil': 'Jul',
    'aug': 'Aug', 'ago': 'Aug', 'août': 'Aug',
    'sep': 'Sep', 'sept': 'Sep', 'set': 'Sep',
    'oct': 'Oct', 'out': 'Oct', 'okt': 'Oct',
    'nov': 'Nov',
    'dec': 'Dec', 'dic': 'Dec', 'dez': 'Dec', 'déc': 'Dec'
}[lower(rtrim(m, '.'))];

-- Jira CSV dates: '12/Mar/21 3:15 PM', '05/set/23 9:50 AM', '04/nov/25 1:16 p. m.'. English
-- dates are read as they are (coalesce stops there); only the others are rewritten first.
create or replace macro ph_jira_local(s) as coalesce(
    try_strptime(s, ['%d/%b/%y %-I:%M %p', '%d/%b/%Y %-I:%M %p', '%d/%b/%y %H:%M', '%d/%b/%Y %H:%M', '%d/%b/%y']),
    try_strptime(
        regexp_replace(
            regexp_replace(regexp_replace(s, '\s*a\.\s?m\.$', ' AM'), '\s*p\.\s?m\.$', ' PM'),
            '^(\d{1,2})/([^/\d]+)/',
            '\1/' || coalesce(ph_month_en(regexp_extract(s, '^\d{1,2}/([^/\d]+)/', 1)), 'XXX') || '/'
        ),
        ['%d/%b/%y %-I:%M %p', '%d/%b/%Y %-I:%M %p', '%d/%b/%y %H:%M', '%d/%b/%Y %H:%M', '%d/%b/%y']
    ),
    ph_iso_local(s)
);

-- Linear writes JavaScript dates: 'Mon Jan 15 2024 10:23:45 GMT+0100 (Central European Standard Time)'.
create or replace macro ph_js_instant(s) as try_strptime(
    regexp_replace(s, '\s*\(.*\)$', ''), '%a %b %d %Y %H:%M:%S GMT%z'
);

-- True when the text carries its own zone ('Z', '+0000', '+01:00').
-- (Text of 19 characters or fewer, '2024-03-01 10:00:00', cannot end in an offset: no regex.)
create or replace macro ph_has_zone(s) as
    right(s, 1) = 'Z' or (length(s) > 19 and regexp_matches(s, '(Z|[+-]\d{2}:?\d{2})$'));

-- A UTC instant from text: zoned text as written, naive text read in the source's zone `tz`.
create or replace macro ph_instant(s, tz, local_ts) as case
    when s is null then null
    when ph_has_zone(s) then coalesce(try_cast(s as timestamptz), ph_js_instant(s))
    when local_ts is null then ph_js_instant(s)
    else timezone(tz, local_ts)
end;

-- Why a row cannot be used; null when it can. Dates outside 1990..tomorrow are typos or bugs.
create or replace macro ph_bad_instant(label, raw, ts) as case
    when raw is not null and ts is null then label || ' ''' || left(raw, 40) || ''' is not a date'
    when ts < timestamptz '1990-01-01' or ts > now() + interval 1 day
        then label || ' ''' || left(raw, 40) || ''' is outside 1990 to today'
end;

-- A vendor duration in minutes: plain digits with an optional decimal point ('90', '12.5').
-- Anything else ('n/a', '1h', '12,5', 'true') is not a number of minutes (ph_bad_minutes
-- rejects the row) rather than an unanswered ticket; '1.234' could be German for 1234 and
-- is refused as ambiguous (help desks write whole minutes).
create or replace macro ph_minutes(raw) as case
    when regexp_full_match(raw, '[0-9]+') then try_cast(raw as double)  -- digits: the cheapest test (ltrim is 5x slower)
    when regexp_full_match(raw, '-?[0-9]+(\.[0-9]+)?') and not regexp_full_match(raw, '-?[0-9]{1,3}(\.[0-9]{3})+')
        then try_cast(raw as double)
end;

-- Why a vendor duration in minutes cannot be used; null when it can (ten years = 5,256,000 min).
-- `minutes` is ph_minutes(raw), computed once by the caller: the usual value (a number within
-- range) is decided by one comparison, and only the others reach the regular expression.
create or replace macro ph_bad_minutes(label, raw, minutes) as case
    when raw is null or minutes between 0 and 5256000 then null
    when minutes is null and regexp_full_match(raw, '-?[0-9]{1,3}(\.[0-9]{3})+')
        then label || ' ''' || left(raw, 20) || ''' is ambiguous: 1.234 minutes, or 1,234 with a thousands separator? '
             || 'Export whole minutes without separators'
    when minutes is null then label || ' ''' || left(raw, 20) || ''' is not a number of minutes'
    when minutes < 0 then 'negative ' || label
    else label || ' of ' || left(raw, 20) || ' minutes is longer than ten years'
end;

-- A count such as Zendesk's Reopens or a daily number of sessions: digits only. (A plain
-- cast would read '12.5' as 13, '1e3' as 1000 and '0x10' as 16.)
create or replace macro ph_count(raw) as case
    when regexp_full_match(trim(raw), '[0-9]{1,9}') then trim(raw)::integer
end;

-- Why a count cannot be used, or null.
create or replace macro ph_bad_count(label, raw) as case
    when raw is not null and ph_count(raw) is null then label || ' ''' || left(raw, 20) || ''' is not a count'
end;

-- Zendesk's generated_timestamp (seconds since 1970) as an instant; null when it is not a
-- number or beyond year 9999 (to_timestamp would stop the whole build).
create or replace macro ph_epoch(raw) as case
    when try_cast(raw as bigint) between -62135596800 and 253402300799 then to_timestamp(try_cast(raw as bigint))
end;

-- The product line of a row: the first candidate found in the source's map, or with no
-- map the first non-empty candidate; 'Unassigned' otherwise.
create or replace macro ph_product_line(candidates, map_keys, map_values) as coalesce(
    case
        when len(map_keys) > 0 then list_filter(
            list_transform(candidates, lambda v: map_values[list_position(map_keys, v)]), lambda x: x is not null
        )[1]
        else list_filter(candidates, lambda v: coalesce(trim(v), '') <> '')[1]
    end,
    'Unassigned'
);

create or replace macro ph_in_ci(value, candidates) as
    list_contains(list_transform(candidates, lambda c: lower(c)), lower(value));

-- A value filter of the metrics: an empty list means all (the dashboard's "All product lines").
create or replace macro ph_chosen(chosen, value) as (len(chosen) = 0 or list_contains(chosen, value));

-- The ticket filters every ticket metric applies: product lines, priorities, channels.
create or replace macro ph_ticket_chosen(product_lines, priorities, channels, product_line, priority, channel) as (
    ph_chosen(product_lines, product_line) and ph_chosen(priorities, priority) and ph_chosen(channels, channel)
);

-- Two-sided p-value of a standard-normal z: erfc(|z| / sqrt 2), by Abramowitz & Stegun 7.1.26
-- (absolute error below 1.5e-7). DuckDB has no erf.
create or replace macro ph_as_poly(t) as
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
create or replace macro ph_two_sided_p(z) as
    ph_as_poly(1 / (1 + 0.3275911 * abs(z) / sqrt(2))) * exp(-(z * z) / 2);

-- What changed (metrics/changes.sql) reads two periods at once: whether `instant` lies in
-- either (written as two ranges, so a scan still skips the row groups of other dates), and
-- which one ('current' or 'previous'; `instant` is in one of them).
create or replace macro ph_in_periods(instant, start_at, end_at, prev_start_at, prev_end_at) as
    (instant >= start_at and instant < end_at) or (instant >= prev_start_at and instant < prev_end_at);
create or replace macro ph_period_of(instant, start_at, end_at) as
    case when instant >= start_at and instant < end_at then 'current' else 'previous' end;

-- z of the two-proportion test (pooled): x_current of n_current against x_previous of
-- n_previous; null when it cannot be computed (no trials, or all or none succeed).
create or replace macro ph_two_proportion_z(x_current, n_current, x_previous, n_previous) as
    (x_current / n_current - x_previous / n_previous) / nullif(sqrt(
        (x_current + x_previous) / (n_current + n_previous)
        * (1 - (x_current + x_previous) / (n_current + n_previous))
        * (1 / n_current + 1 / n_previous)
    ), 0);

-- A customer-satisfaction rating as exported -> true (satisfied), false (not), null (not a
-- rating). Zendesk: 'good' / 'bad' (the API's score; CSV exports may add 'with comment') or a
-- 1-5 score (4-5 satisfied, 1-3 not); 'offered', 'unoffered' and empty are not ratings.
-- Freshdesk survey labels: '... dissatisfied', 'unhappy', 'not good', 'neutral', 'just okay'
-- are not satisfied; '... satisfied', 'happy', 'awesome' are; any other label is not a rating.
create or replace macro ph_csat_satisfied(raw) as case
    when trim(raw) in ('4', '5') then true
    when trim(raw) in ('1', '2', '3') then false
    when lower(trim(raw)) like 'good%' then true
    when lower(trim(raw)) like 'bad%' then false
    when regexp_matches(lower(raw), 'dissatisfied|unhappy|not good|neutral|just okay') then false
    when regexp_matches(lower(raw), 'satisfied|happy|awesome') then true
end;

-- A ticket counts as solved: status solved or closed with a solve time, not closed by merge.
create or replace macro ph_is_solved(status, solved_at, is_merged) as
    status in ('solved', 'closed') and solved_at is not null and not is_merged;

-- The first reply instant: the export's timestamp, else creation plus the export's calendar
-- minutes (null when the export gives only business minutes, or no reply).
create or replace macro ph_first_reply_at(first_response_at, created_at, calendar_minutes) as coalesce(
    first_response_at, created_at + to_microseconds(round(calendar_minutes * 60e6)::bigint)
);

-- The open time in one hour of fct_open_hours before the instant `at_us` (epoch microseconds):
-- the parts of its open spans before it. Most hours have no span or one (no list lambda then).
create or replace macro ph_open_in_hour(spans, at_us) as case len(spans)
    when 0 then 0
    when 1 then greatest(0, least(at_us, spans[1].to_us) - spans[1].from_us)
    else list_sum(list_transform(spans, lambda p: greatest(0, least(at_us, p.to_us) - p.from_us)))::bigint
end;

-- A ticket's SLA status as the data knows it (metrics/sla.sql, sla_trend.sql, changes.sql,
-- rows/): 'met' (the reply or solve in the data came by the deadline, whenever it came),
-- 'breached' (it came after the deadline, or it has not come and the deadline is at or before
-- `as_of`, the data's cut-off fct_cutoff.data_as_of), 'pending' (it has not come and the deadline
-- is after the cut-off); null when not judged. First reply: not judged without a deadline, when
-- the export says nothing about replies, or gives only business minutes (no reply instant).
create or replace macro ph_sla_first_response_status(due_at, has_response_data, first_reply_at, first_response_hours, as_of) as case
    when due_at is null then null
    when not has_response_data or (first_reply_at is null and first_response_hours is not null) then null
    when first_reply_at is not null then case when first_reply_at <= due_at then 'met' else 'breached' end
    when due_at <= as_of then 'breached'
    else 'pending'
end;

-- The solve: not judged without a deadline, for tickets closed by merge, or solved ones whose
-- export has no solve time.
create or replace macro ph_sla_resolution_status(due_at, is_merged, status, is_solved, solved_at, as_of) as case
    when due_at is null or is_merged or (status in ('solved', 'closed') and solved_at is null) then null
    when is_solved then case when solved_at <= due_at then 'met' else 'breached' end
    when due_at <= as_of then 'breached'
    else 'pending'
end;


-- Days and hours from instant a to instant b (b - a), as doubles, from the microseconds
-- between them: about 30 times faster in DuckDB 2.0 than epoch(b - a) / 86400 (and / 3600),
-- which goes through an interval. The same value (bit for bit for whole seconds; within the
-- last bit otherwise).
create or replace macro ph_days(a, b) as (epoch_us(b) - epoch_us(a)) / 86400000000;
create or replace macro ph_hours(a, b) as (epoch_us(b) - epoch_us(a)) / 3600000000;

-- The median and the p90 of x from one sort: ph_median_p90(x)[1] and ph_median_p90(x)[2] in one
-- select are the same aggregate, which DuckDB computes once (two quantile_cont calls sort twice).
create or replace macro ph_median_p90(x) as quantile_cont(x, [0.5, 0.9]);

-- Links back to the vendor. Only an http(s) address with a host is ever a link: a javascript:
-- or data: address out of an export gives null (config.py checks templates the same way).
create or replace macro ph_http_url(u) as case when regexp_matches(u, '^https?://[^\s/?#]+[^\s]*$') then u end;

-- A ticket's web page (fct_tickets.url): the source's ticket_url template with {id} replaced by
-- the URL-encoded ticket id; else the export's own address, Zendesk's API address
-- ('https://acme.zendesk.com/api/v2/tickets/123.json') made the agent's page on the same host
-- ('https://acme.zendesk.com/agent/tickets/123'); else null.
create or replace macro ph_ticket_url(source, ticket_id, template, export_url) as ph_http_url(coalesce(
    replace(template, '{id}', url_encode(ticket_id)),
    case
        when source <> 'zendesk' then export_url
        when regexp_matches(export_url, '^https?://[^\s/?#]+/api/v2/tickets/[0-9]+\.json$')
            then regexp_extract(export_url, '^(https?://[^/]+)/', 1) || '/agent/tickets/' || url_encode(ticket_id)
    end
));
