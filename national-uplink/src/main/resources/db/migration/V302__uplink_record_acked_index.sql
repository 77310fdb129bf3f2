-- ACKED rows are most of uplink_record (kept hub.uplink.acked-retention, 30 days: about 120 million rows at a large
-- province's rate). The purge of old ones (every 10 minutes) and the operator summary's ACKED count find them by
-- this index instead of reading the whole table; the gauges and the health check count only the few PENDING,
-- SENDING and REJECTED rows, by the partial indexes of V300.
create index uplink_record_acked on uplink_record (acked_at) where state = 'ACKED';
