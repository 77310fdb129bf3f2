-- delivery-sweep asks every hub.routing.sweep-interval (5 s) for batches whose ACK was not handed over
-- (BatchLedger.unacknowledged). Without an index on them it read every batch row kept (hub.retention.batches,
-- 90 days: about 17 million rows at a large province's rate) each time; measured at 2 million rows, 0.74 s a sweep.
-- Every batch is answered within seconds, so this index holds the few in flight.
create index batch_unanswered on batch (id) where acked_at is null;
