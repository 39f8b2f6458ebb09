-- Up Migration
-- Nightly reconciliation: records modified in Zoho during the last `since_hours` are synced
-- again, so a webhook Zoho never delivered (rule misconfigured, outage) is caught up within a
-- day. Unchanged records cost one Zoho read and no Moodle write.
insert into app_settings (key, value, description) values
  ('sync.reconcile', '{"enabled": true, "since_hours": 26}',
   'Nightly (01:30 UTC) re-sync of the Zoho records modified in the last since_hours (bin/sync does the same on demand).')
on conflict (key) do nothing;
