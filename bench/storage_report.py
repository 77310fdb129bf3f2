#!/usr/bin/env python3
"""Turns bench/storage.sh's results.properties into the storage table of docs/operations.md: what every store grew by
per million records (growth from the hub's start to every batch delivered), and what a province-year holds with the
default retention and with nothing purged."""
import sys
from collections import defaultdict

PROVINCE_RECORDS_PER_DAY = 4_000_000   # issue 23: 2,000 units x 20 data codes every 15 min, plus daily data
PROVINCE_SERIES = 2_000 * 20 * 2       # each unit's 20 data codes, real-time and daily
# stores that grow with records: store -> (what bounds it, days kept by default; None = kept for ever)
PER_RECORD = {
    'chunk': ('hub.routing.body-retention 30d', 30),
    'batch': ('hub.retention.batches 90d', 90),
    'delivery': ('with its batch', 90),
    'record_error': ('with its batch', 90),
    'audit_event': ('hub.audit.retention 400d', 400),
    'camel_messageprocessed': ('claims of files still in the inbox; hub.cluster.claim-max-age', 0),
    'ferry-archive': ('hub.retention.archive 30d', 30),
    'ferry-outbox': ('ACK files, taken by the gate', 0),
}
# stores that grow with series, not records: store -> (rows a province holds with retention, and without)
PER_SERIES = {
    'dq_series': ('one row per series', PROVINCE_SERIES, PROVINCE_SERIES),
    'dq_slots': ('one row per series and month; hub.retention.quality-months 25', PROVINCE_SERIES * 26,
                 PROVINCE_SERIES * 12),
    'dq_sender': ('one row per unit', 2_000, 2_000),
}
SMALL = 64 * 1024


def main(path):
    v = {}
    for raw in open(path, encoding='utf-8'):
        raw = raw.strip()
        if '=' in raw and not raw.startswith('#'):
            k, _, val = raw.partition('=')
            v[k] = val
    records = int(v['records'])
    scale = 1_000_000 / records
    pg = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))  # phase -> table -> [table, indexes, toast, rows]
    files = defaultdict(dict)
    for k, val in v.items():
        parts = k.split('.')
        if len(parts) == 4 and parts[1] == 'pg':
            pg[parts[0]][parts[2]][['table', 'indexes', 'toast', 'rows'].index(parts[3])] = int(val)
        elif len(parts) == 3 and parts[1] == 'files':
            files[parts[0]][parts[2]] = int(val)
    base, done = pg['baseline'], pg['delivered']
    out = [
        "# Storage per million records\n",
        f"{records:,} records in {int(v['packages']):,} packages of {v['records_per_package']} "
        f"({int(v['data_bytes']) / records:.0f} bytes of JSONL a record), the shape a province sends (one package per "
        f"unit per quarter-hour); growth from the hub's start to every batch delivered to both queues (after VACUUM). "
        f"A province-year: {PROVINCE_RECORDS_PER_DAY:,} records a day, {PROVINCE_SERIES:,} series.\n",
        "| store | table | indexes | TOAST | per 1 M records | bounded by | held by a province with the default retention "
        "| after a year with nothing purged |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    kept_total = year_total = 0
    day = PROVINCE_RECORDS_PER_DAY / 1e6
    grown = {}
    for name in set(done) | set(base):
        g = [done[name][i] - base[name][i] for i in range(4)]
        if sum(g[:3]) > SMALL:
            grown[name] = g
    for name, g in sorted(grown.items(), key=lambda e: -sum(e[1][:3])):
        per = sum(g[:3]) * scale
        if name in PER_SERIES:
            rule, rows_kept, rows_year = PER_SERIES[name]
            per_row = sum(g[:3]) / max(1, g[3])
            kept, year = per_row * rows_kept, per_row * rows_year
            rule = f"{rule} ({per_row:,.0f} bytes a row)"
        elif name in PER_RECORD:
            rule, days = PER_RECORD[name]
            year = per * day * 365
            kept = per * day * days if days else per
        else:
            rule, year, kept = 'not a growing store (dead row versions, reused after VACUUM)', 0, 0
        kept_total += kept
        year_total += year
        out.append(f"| {name} | {mib(g[0] * scale)} | {mib(g[1] * scale)} | {mib(g[2] * scale)} | {mib(per)} | "
                   f"{rule} | {gib(kept)} | {gib(year)} |")
    for name in ('ferry-archive', 'ferry-outbox'):
        size = files['delivered'].get(name, 0) - files['baseline'].get(name, 0)
        rule, days = PER_RECORD[name]
        per = size * scale
        kept = per * day * days if days else per
        year = per * day * 365
        kept_total += kept
        year_total += year
        out.append(f"| {name} | {mib(per)} | | | {mib(per)} | {rule} | {gib(kept)} | {gib(year)} |")
    out.append(f"| **all** | | | | | | **{gib(kept_total)}** | **{gib(year_total)}** |\n")
    j0 = files['delivered'].get('broker-journal', 0) - files['baseline'].get('broker-journal', 0)
    j1 = files['consumed'].get('broker-journal', 0) - files['baseline'].get('broker-journal', 0)
    out.append(f"Broker journal: grew {mib(j0 * scale)} per million records held in both queues; "
               f"{mib(j1 * scale)} above its start once both platforms consumed them (its files are reused, so it "
               f"holds what the platforms have not yet taken, not what went through it).")
    print('\n'.join(out))


def mib(b):
    return f"{b / 1048576:,.1f} MiB"


def gib(b):
    return f"{b / 1073741824:,.1f} GiB"


if __name__ == '__main__':
    main(sys.argv[1])
