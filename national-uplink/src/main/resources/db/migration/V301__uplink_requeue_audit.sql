-- national-uplink (V300-V399): each operator re-queue of REJECTED records, one row per call, and by a trigger its
-- row in the audit chain, as the ferry key registry's changes do: audit_pending (monitoring's V200), which the hub
-- moves into the hash chain within seconds. The row and the re-queue are one statement, so neither is without the
-- other.
create table uplink_requeue (
    id           bigserial   primary key,
    at           timestamptz not null default clock_timestamp(),
    requested_by text        not null,                  -- operator:<login>
    scope        text        not null check (scope in ('ALL', 'IDS')),
    ids          text,                                  -- IDS: the ids asked for (clipped to 1000 characters)
    requeued     integer     not null                   -- REJECTED rows made PENDING by this call
);

create function audit_uplink_requeue() returns trigger language plpgsql as $$
begin
    insert into audit_pending (action, subject, result, detail)
    values ('UPLINK_REQUEUED', 'uplink_record', 'OK',
            concat_ws(' ', 'by=' || new.requested_by, 'count=' || new.requeued, 'scope=' || lower(new.scope),
                      'ids=' || new.ids));
    return null;
end $$;

create trigger uplink_requeue_audit after insert on uplink_requeue
    for each row execute function audit_uplink_requeue();
