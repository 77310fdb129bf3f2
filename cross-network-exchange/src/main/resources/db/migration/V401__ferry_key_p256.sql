-- ECDSA P-256 as a second algorithm of a ferry key (issue 22: "by configuration per key, never chosen by the
-- file"; docs/ferry-contract.md, "Algorithms"): a key is SM3withSM2 (the default) or SHA256withECDSA on P-256,
-- as registered; the hub verifies each signature with its key's algorithm from this table only.
alter table ferry_key drop constraint ferry_key_algorithm_check;
alter table ferry_key add constraint ferry_key_algorithm_check check (algorithm in ('SM3withSM2', 'SHA256withECDSA'));
