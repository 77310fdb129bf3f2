-- The ferry key registry (issue 22, docs/ferry-contract.md): the public keys whose SM2 signatures the
-- hub accepts on ferry manifests, and the hub's own key it signs ACK files with. In PostgreSQL so that
-- every hub of a cluster sees the same keys; each hub re-reads it every hub.ferry.key-refresh.
-- V400+: cross-network-exchange's range (routes 1-99, suppliers 100-199, monitoring 200-299).

create table ferry_key (
    key_id        text        primary key check (key_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
    owner_kind    text        not null check (owner_kind in ('EXCHANGE', 'ENTERPRISE', 'HUB')),
    owner         text        not null,          -- the exchange server's name, the enterprise's code, or the hub's
    speaks_for    text,                          -- EXCHANGE: null = every enterprise, else codes separated by commas
    algorithm     text        not null check (algorithm in ('SM3withSM2')),
    public_key    text        not null,          -- SubjectPublicKeyInfo, PEM
    not_before    timestamptz not null,
    not_after     timestamptz not null check (not_after > not_before),
    status        text        not null check (status in ('ACTIVE', 'RETIRING', 'REVOKED')),
    status_at     timestamptz not null,          -- when it became RETIRING or REVOKED (registered: its creation)
    status_reason text,
    changed_by    text        not null,          -- operator:<login>, import:<file>, or hub
    changed_at    timestamptz not null default clock_timestamp()
);

-- Every change goes into the audit chain (audit_pending, moved by the hub into the hash chain), whoever made
-- it, through the API or behind the hub's back in SQL.
create function audit_ferry_key_event() returns trigger language plpgsql as $$
begin
    insert into audit_pending (action, subject, result, detail)
    values (case tg_op when 'INSERT' then 'FERRY_KEY_ADDED' when 'DELETE' then 'FERRY_KEY_DELETED'
                       else 'FERRY_KEY_CHANGED' end,
            coalesce(new.key_id, old.key_id), coalesce(new.status, 'DELETED'),
            case when tg_op = 'DELETE' then concat_ws(' ', 'owner=' || old.owner_kind || ':' || old.owner)
                 else concat_ws(' ', 'by=' || new.changed_by, 'owner=' || new.owner_kind || ':' || new.owner,
                                'speaks_for=' || new.speaks_for, 'algorithm=' || new.algorithm,
                                'valid=' || new.not_before || '..' || new.not_after, 'reason=' || new.status_reason)
            end);
    return null;
end $$;

create trigger ferry_key_audit after insert or update or delete on ferry_key
    for each row execute function audit_ferry_key_event();
