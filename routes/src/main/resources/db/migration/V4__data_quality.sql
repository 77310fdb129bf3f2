-- The data-quality ledger (docs/data-quality.md): what each enterprise sent, per data code, statType
-- and period, written by BatchStager in the same transaction that stages the records, so it never
-- disagrees with what was delivered. Written only through energyhub.routing.quality.QualityLedger.

-- one row per series (enterprise, data code, statType): the span of periods seen and who sent them
create table dq_series (
    enterprise_code text      not null,
    data_code       text      not null,
    stat_type       smallint  not null,                -- 0 real-time (15 min), 1 day, 2 month, 3 year
    first_period    timestamp not null,                -- earliest statDate received
    last_period     timestamp not null,                -- latest statDate received
    sender          text,                              -- the ferry manifest's sender that last sent it (补传 requests go to it)
    source          text      not null,                -- the intake route that last delivered it
    updated_at      timestamptz not null default now(),
    primary key (enterprise_code, data_code, stat_type)
);

-- one row per series and month (statType 3: per year, month = 1 January): which periods were received
create table dq_slots (
    enterprise_code text     not null,
    data_code       text     not null,
    stat_type       smallint not null,
    month           date     not null,                 -- first day of the month (statType 3: of the year)
    supplier        boolean  not null,                 -- inputType 6 (能源供应单位): kept beside the enterprise's own
    plant           boolean  not null default false,   -- scope 1 (全厂) records: compared with the supplier's
    slots           integer  not null,                 -- periods in the row: 96 a day, a day each, or 1
    bits            bytea    not null,                 -- bit i set = period i received (java.util.BitSet order)
    received        integer  not null default 0,       -- bits set
    vals            text,                              -- statType 1 and 2: the value of each period, comma-separated (last writer wins)
    uploads         text,                              -- statType 1 and 2: the uploadDate of each value, comma-separated
    value_sum       numeric,                           -- sum of vals
    late            integer  not null default 0,       -- records whose uploadDate is after the period's deadline
    superseded      integer  not null default 0,       -- records received again for a period already received
    suspect         integer  not null default 0,       -- records the sender marked invalid (valid = 0)
    primary key (enterprise_code, data_code, stat_type, month, supplier)
);
-- the province's month of daily and monthly values (day-vs-month and supplier checks). Partial: a lookup by
-- key (statType a parameter) can never take it, whatever the statistics of a young table say, and the
-- real-time rows, most of the table, cost it nothing
create index dq_slots_month on dq_slots (month) where stat_type in (1, 2);

-- the imported schedule: which data codes and statTypes an enterprise must report (docs/data-quality.md);
-- an enterprise without rows here is expected to report every series it sent in the last N days
create table dq_schedule (
    enterprise_code text     not null,
    data_code       text     not null,
    stat_type       smallint not null,
    primary key (enterprise_code, data_code, stat_type)
);

-- every 补传 request written, so an operator sees what was asked of whom and when
create table dq_resend_request (
    id          bigserial   primary key,
    recipient   text        not null,
    batch_id    text        not null,
    file_name   text        not null,
    slots       integer     not null,                  -- missing periods listed
    created_at  timestamptz not null default now(),
    requested_by text       not null                   -- schedule, or the operator's name
);
