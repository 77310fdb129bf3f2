-- A claim on a delivery is a lease: the hub instance that holds it (claimed_by) and the moment it
-- lapses (lease_until). The holder renews it while it sends and ends it with the result; a lease
-- that lapsed (its holder died, or lost the database before it could record the result) is taken
-- over by any hub's delivery-sweep, so a SENDING row never waits for a restart. Several hubs may
-- share one ledger: a live lease of another instance is never taken.
alter table delivery add column claimed_by  text;
alter table delivery add column lease_until timestamptz;
-- how many times an operator had an already delivered batch sent again to this target; the
-- re-send's duplicate ids carry the number, so the broker does not drop it as a copy
alter table delivery add column resends     integer not null default 0;
-- what the next claim sends: NORMAL (duplicate id messageId:target) or RESEND (messageId:target:resend-N)
alter table delivery add column mode        text    not null default 'NORMAL';
create index delivery_lease on delivery (lease_until) where status = 'SENDING';
