-- Events that touch a period, for the markers on the trend charts and the kpis JSON.
-- In plain words: Events: launches, incidents and campaigns from events.csv or the settings,
--   marked on every trend chart. With product lines chosen, their events and the company-wide
--   ones are shown.
-- Grain: one row per event (the `events` view: valid rows, each event once).
-- Params: $start_at (inclusive), $end_at (exclusive) as UTC instants; $tz (the events' days
--   are days in the reporting zone); $product_lines (empty list = all events).
-- Definition: an event touches the period when its first day starts before $end_at and its
--   last day (end_date, else its date) ends after $start_at. product_line null = company-wide,
--   shown whatever the product-line filter.
select
    start_date,
    end_date,
    label,
    product_line
from events
where
    timezone($tz, start_date::timestamp) < $end_at
    and timezone($tz, coalesce(end_date, start_date)::timestamp + interval 1 day) > $start_at
    and (product_line is null or ph_chosen($product_lines, product_line))
order by start_date, label
