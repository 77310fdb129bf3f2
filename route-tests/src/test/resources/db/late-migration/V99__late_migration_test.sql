-- LedgerMigrationTest: a routes migration (range 1-99) that a later release brings to a ledger already at V200
create table late_migration_test (id integer primary key);
