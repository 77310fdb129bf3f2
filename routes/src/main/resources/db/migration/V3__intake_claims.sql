-- Claims on intake files shared by several hubs (one inbox, one SFTP folder): Camel's
-- JdbcOrphanLockAwareIdempotentRepository (camel-sql) keeps one row per file being read, so a file
-- is read by exactly one hub at a time. The table is Camel's CAMEL_MESSAGEPROCESSED (PostgreSQL
-- folds the unquoted names to lower case); the primary key makes a concurrent second claim fail
-- instead of adding a second row (the claim is one insert ... on conflict statement, OwnClaimsRepository).
-- The holder refreshes createdAt (the database's clock) while it reads; a row older than
-- hub.cluster.claim-max-age belongs to a hub that died and is taken over by another.
create table camel_messageprocessed (
    processorname text        not null,   -- the intake route (ferry-inbox, ferry-{source})
    messageid     text        not null,   -- the manifest's name (local inbox) or remote path (SFTP)
    createdat     timestamptz not null,   -- claimed or last kept alive at (the database's now())
    primary key (processorname, messageid)
);
