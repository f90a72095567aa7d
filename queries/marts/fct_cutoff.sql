-- The data's cut-off: the instant up to which the ticket data knows what happened. The SLA
-- statuses are judged as of it (ph_sla_first_response_status / ph_sla_resolution_status), and
-- `kpis` reports it as data_as_of.
-- Grain: one row (data_as_of null when there are no tickets).
-- Definition: the latest update time of any ticket (fct_tickets.updated_at: Zendesk's updated_at
--   or generated_timestamp, Freshdesk's 'Last update time', Jira's 'Updated'). A ticket whose
--   export has no update time (the [[custom]] CSV has none) counts with its latest instant:
--   creation, first reply or solve; so do the ones with an update time, since an export's
--   update time can lag a reply it already records. The cut-off is therefore never before a
--   reply or solve in the data.
select
    max(greatest(created_at, updated_at, first_reply_at, solved_at)) as data_as_of
from fct_tickets
