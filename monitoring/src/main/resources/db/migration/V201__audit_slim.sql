-- A slimmer audit row (issue 23: the trail was ~1.6 KB per package, the largest table at a province's rate).
-- prev_hash repeated the hash of the row before, which verification has in hand as it walks the chain in seq
-- order, and the seal was 64 hex characters: the seal is now its 32 bytes and prev_hash is gone. Every seal is
-- computed as before (over the row's fields and the previous seal in hex), so rows written before this stay
-- verifiable, and an edited, deleted, inserted or re-sealed row is still found (docs/operator-api.md).
-- The type change rewrites the table once, under a lock, during the upgrade's migration.
alter table audit_event alter column hash type bytea using decode(hash, 'hex');
alter table audit_event drop column prev_hash;
comment on column audit_event.hash is 'seal: SHA-256 (or HMAC-SHA-256 with hub.audit.key) of the row''s fields and the hex seal of row seq-1';
