-- national-uplink (migrations V300-V399): one row per record identity on its way to the national platform.
-- Last writer (newest uploadDate) wins; rev changes with every newer version so an answer to an older send
-- never marks a newer version ACKED.
create table uplink_record (
    id               bigserial primary key,
    enterprise_code  varchar(32)  not null,
    data_code        varchar(32)  not null,
    stat_type        varchar(4)   not null,
    stat_date        varchar(32)  not null,
    upload_date      varchar(32)  not null,
    payload          text         not null,
    state            varchar(10)  not null,          -- PENDING, SENDING, ACKED, REJECTED
    rev              integer      not null default 1,
    attempts         integer      not null default 0,
    next_attempt_at  timestamptz  not null default now(),
    lease_until      timestamptz,
    last_http_status integer,
    last_body_code   integer,
    last_message     varchar(500),
    platform_time    varchar(40),
    received_at      timestamptz  not null default now(),
    updated_at       timestamptz  not null default now(),
    acked_at         timestamptz,
    constraint uplink_record_identity unique (enterprise_code, data_code, stat_type, stat_date)
);
create index uplink_record_due on uplink_record (next_attempt_at) where state = 'PENDING';
create index uplink_record_sending on uplink_record (lease_until) where state = 'SENDING';
create index uplink_record_rejected on uplink_record (updated_at) where state = 'REJECTED';

-- the national platform's versions and base data as last fetched (one row)
create table uplink_platform_version (
    id                 integer primary key,
    dic_version        varchar(32),
    reg_version        varchar(32),
    modify_description varchar(500),
    base_data          text,
    fetched_at         timestamptz not null default now()
);
