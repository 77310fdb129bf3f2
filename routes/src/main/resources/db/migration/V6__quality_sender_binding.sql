-- 补传 requests go to the ferry sender bound to an enterprise (docs/resend-request.md, "Who is asked"): the
-- first plain sender that delivered the enterprise's records, or the one an operator set; never whoever
-- delivered last. Before this table the last sender of each series was asked, so one record of a victim's
-- series under a stranger's manifest redirected the victim's requests to the stranger.
create table dq_sender (
    enterprise_code text        primary key,
    sender          text        not null,          -- who 补传 requests of this enterprise go to
    bound_at        timestamptz not null default now(),
    bound_by        text        not null,          -- 'first delivery', or the operator who set it
    other_sender    text,                          -- the latest other sender that delivered records of it
    other_seen_at   timestamptz,
    other_deliveries integer    not null default 0  -- ledger writes with records of it from another sender
);

-- a hub upgraded with data: each enterprise is bound to the sender of its earliest series that is a plain
-- identifier as recipients are now ([0-9A-Za-z-]{1,64}); it was the last sender of that series, the
-- best the ledger knows. An operator can set another (PUT /api/operator/quality/senders/{enterpriseCode}).
insert into dq_sender (enterprise_code, sender, bound_by)
select distinct on (enterprise_code) enterprise_code, sender, 'upgrade (V6)'
from dq_series
where sender ~ '^[0-9A-Za-z-]{1,64}$'
order by enterprise_code, first_period, data_code, stat_type;
