-- Events (launches, incidents, campaigns) from events.csv files and [[events]] in the settings
-- -> typed rows (a view), rejected rows included with their reason.
-- Grain: one row per CSV row or [[events]] table. Dates are days in the reporting zone
-- (YYYY-MM-DD); end_date makes a span (inclusive). product_line null: the whole company.
with

rows as (
    select date, label, product_line, end_date, _file, _row, _line from raw_events_csv
    union all
    select date, label, product_line, end_date, _file, _row, _line from cfg_events
),

typed as (
    select
        try_strptime(trim(date), '%Y-%m-%d')::date as start_date,
        try_strptime(trim(end_date), '%Y-%m-%d')::date as end_date,
        nullif(trim(label), '') as label,
        nullif(trim(product_line), '') as product_line,
        date as date_raw,
        nullif(trim(end_date), '') as end_date_raw,
        _file,
        _row,
        _line
    from rows
)

select
    * exclude (date_raw, end_date_raw),
    case
        when date_raw is null or trim(date_raw) = '' then 'no date'
        when start_date is null then 'date ''' || left(date_raw, 40) || ''' is not a date written YYYY-MM-DD'
        when label is null then 'no label (what happened)'
        when regexp_matches(label, '[\x00-\x1f\x7f]') then 'the label has control characters (a line break, a tab, ...)'
        when length(label) > 200 then 'the label is longer than 200 characters'
        when product_line is not null and regexp_matches(product_line, '[\x00-\x1f\x7f]')
            then 'the product line has control characters'
        when end_date_raw is not null and end_date is null
            then 'end_date ''' || left(end_date_raw, 40) || ''' is not a date written YYYY-MM-DD'
        when end_date < start_date then 'end_date ' || end_date || ' is before the date ' || start_date
    end as reject_reason
from typed
