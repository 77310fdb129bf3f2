-- The batch ledger: every batch the hub receives, what became of each record, and its
-- delivery to each target. It is both the audit trail and the transactional outbox: the
-- chunks are staged here in the same transaction as the batch row, then sent to each
-- target queue independently, so a crash at any moment loses and duplicates nothing.

create table batch (
    id              bigserial primary key,
    batch_id        text        not null,              -- the sender's batchId
    source          text        not null,              -- intake route id, e.g. ferry-inbox
    file_name       text,                              -- data file name, where the batch was a file
    digest_alg      text,                              -- SHA-256 or SM3
    digest          text,
    byte_size       bigint,
    declared_count  integer,                           -- recordCount of the manifest
    received        integer     not null default 0,
    accepted        integer     not null default 0,
    rejected        integer     not null default 0,
    status          text        not null,              -- DELIVERING, ACCEPTED, PARTIAL, REJECTED, DUPLICATE
    reason          text,                              -- why REJECTED or DUPLICATE
    ack_endpoint    text,                              -- where the ACK goes (a Camel endpoint of the intake)
    ack_ref         text,                              -- the intake's name for the ACK (e.g. the ACK file name)
    received_at     timestamptz not null default now(),
    settled_at      timestamptz,                       -- when the final status was known
    acked_at        timestamptz                        -- when the ACK was handed to the intake
);
-- a batchId is processed once; duplicates and rejected transfers get rows of their own
create unique index batch_processed_once on batch (batch_id) where status not in ('DUPLICATE', 'REJECTED');
create index batch_received_at on batch (received_at);
create index batch_status on batch (status);

create table record_error (
    batch_pk  bigint  not null references batch (id) on delete cascade,
    line      integer not null,                        -- 1-based line (or index), 0 for the whole package
    field     text    not null,
    code      text    not null,
    message   text    not null
);
create index record_error_batch on record_error (batch_pk, line);

create table chunk (
    batch_pk         bigint  not null references batch (id) on delete cascade,
    seq              integer not null,                 -- 1-based, deterministic for the same input
    message_id       text    not null,                 -- batchId-0001
    enterprise_code  text    not null,
    record_count     integer not null,
    body             text    not null,                 -- the queue message of contracts section 3
    primary key (batch_pk, seq)
);

create table delivery (
    batch_pk         bigint      not null references batch (id) on delete cascade,
    target           text        not null,             -- national, provincial
    status           text        not null,             -- PENDING, SENDING, DELIVERED, FAILED
    attempts         integer     not null default 0,
    last_error       text,
    next_attempt_at  timestamptz not null default now(),
    claimed_at       timestamptz,
    delivered_at     timestamptz,
    primary key (batch_pk, target)
);
create index delivery_due on delivery (status, next_attempt_at) where status <> 'DELIVERED';
