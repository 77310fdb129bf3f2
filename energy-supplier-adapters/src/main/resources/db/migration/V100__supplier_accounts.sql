-- Energy suppliers (能源供应单位, contracts section 4): the account registry that maps a supplier's
-- account (户号) to an enterprise and data code, the files (and API windows) received from each
-- supplier, and the rows that could not be matched to an account yet. The routing core's ledger
-- (batch, record_error, ...) holds what became of the matched records.

create table supplier_account (
    supplier_code    text        not null,             -- the supplier's code, as in its file names
    account_type     smallint    not null check (account_type between 1 and 4), -- 1 水 2 电 3 燃气 4 热
    account_no       text        not null,             -- 户号
    enterprise_code  text        not null,             -- 统一社会信用代码 of the consuming enterprise
    data_code        text        not null,             -- the enterprise's data code for this supply
    active           boolean     not null default true,
    updated_at       timestamptz not null default now(),
    updated_by       text,                             -- operator or import file that last changed it
    primary key (supplier_code, account_type, account_no)
);

-- one row per distinct file (by content) a configured supplier delivered; a second delivery of the
-- same content is recognised here and answered by the routing core as a re-read or a duplicate
create table supplier_file (
    id           bigserial   primary key,
    supplier     text        not null,                 -- configured supplier name (hub.suppliers key)
    file_name    text        not null,                 -- name of the first delivery
    sha256       text        not null,
    batch_id     text        not null,                 -- the routing core's batchId for it
    rows_read    integer     not null default 0,
    matched      integer     not null default 0,
    unmatched    integer     not null default 0,
    row_errors   integer     not null default 0,       -- rows refused by the adapter itself
    reason       text,                                 -- why the whole file was refused
    received_at  timestamptz not null default now(),
    unique (supplier, sha256)
);
create unique index supplier_file_batch on supplier_file (batch_id);

-- rows the adapter could not read (bad number, bad date, ...), listed in the file's report
create table supplier_row_error (
    file_pk  bigint  not null references supplier_file (id) on delete cascade,
    line     integer not null,
    field    text    not null,
    code     text    not null,
    message  text    not null,
    raw_row  text
);
create index supplier_row_error_file on supplier_row_error (file_pk, line);

-- readings whose account is unknown or inactive: kept with the raw row and the reason, re-matched
-- whenever the registry changes, then routed as a batch of their own
create table supplier_unmatched (
    id              bigserial   primary key,
    file_pk         bigint      not null references supplier_file (id) on delete cascade,
    supplier        text        not null,
    supplier_code   text        not null,
    account_type    smallint    not null,
    account_no      text        not null,
    line            integer     not null,              -- row (or item) in the supplier's file
    raw_row         text        not null,
    reason          text        not null,              -- UNKNOWN_ACCOUNT or INACTIVE_ACCOUNT
    stat_type       text        not null,
    stat_date       date        not null,
    data_value      text        not null,              -- already converted to the canonical unit
    valid           text        not null,
    status          text        not null default 'OPEN', -- OPEN, ROUTED
    routed_batch_id text,
    received_at     timestamptz not null default now(),
    routed_at       timestamptz
);
create index supplier_unmatched_open on supplier_unmatched (supplier_code, account_type, account_no) where status = 'OPEN';

-- heat API pull windows: a completed window is never fetched again, a failed one is retried
create table supplier_pull_window (
    supplier     text        not null,
    window_from  date        not null,
    window_to    date        not null,
    status       text        not null,                 -- FAILED, COMPLETED
    attempts     integer     not null default 0,       -- scheduled pulls of this window
    pages        integer,
    items        integer,
    batch_id     text,
    last_error   text,
    updated_at   timestamptz not null default now(),
    primary key (supplier, window_from, window_to)
);
