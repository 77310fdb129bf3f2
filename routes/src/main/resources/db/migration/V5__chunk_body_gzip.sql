-- A chunk's body is stored gzip-compressed (RFC 1952, level 1) by the hub itself instead of as text that
-- PostgreSQL compresses with pglz. The hub compresses once, for less CPU than pglz took (PostgreSQL's CPU
-- for a 1 M-record backlog 4.0 s -> 1.6 s), into fewer bytes (the table 32 -> 27 MB), and the stored bytes
-- are exactly the body a target with the gzip encoding receives, so they are sent as stored
-- (docs/benchmarks.md, docs/queue-contract.md). Chunks staged before this migration keep their text body,
-- now in body_text; each row has one of the two.
-- The text column is renamed so that a hub from before this migration, still running during a rolling
-- upgrade, fails where it would read or write a chunk (its statements name "body"), and its staging and
-- deliveries are retried by upgraded hubs, instead of reading a new chunk as having no body and sending an
-- empty text message (docs/operations.md, "Upgrade").
alter table chunk rename column body to body_text;
alter table chunk alter column body_text drop not null;
alter table chunk add column body_gzip bytea;
-- already compressed: PostgreSQL keeps it out of line without trying to compress it again
alter table chunk alter column body_gzip set storage external;
alter table chunk add constraint chunk_has_body check ((body_text is null) <> (body_gzip is null));
