-- Chunk bodies are kept hub.routing.body-retention (the replay window) after the batch was delivered to every
-- target; then the retention purge deletes the chunk rows and notes when here. The batch row, its deliveries and
-- its batch_id stay (duplicate detection and the operator's history need them), so a replay or re-send of such a
-- batch answers "bodies purged on ..." instead of sending nothing.
alter table batch add column bodies_purged_at timestamptz;
-- the purge looks only at batches whose bodies are still kept
create index batch_bodies_kept on batch (id) where bodies_purged_at is null;
-- the operator's re-delivery of a time range to one platform finds the deliveries by target and time
create index delivery_delivered_at on delivery (target, delivered_at) where status = 'DELIVERED';
