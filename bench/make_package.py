#!/usr/bin/env python3
"""Writes a ferry package of N valid records (contracts section 2) into a directory: data, then manifest."""
import hashlib, json, os, sys, uuid

out_dir, n = sys.argv[1], int(sys.argv[2])
name = sys.argv[3] if len(sys.argv) > 3 else "bench"
enterprises = ["91530100MA6NX4QW2G", "91350100M000100Y43", "91110000600037341L", "911100001000044477",
               "91530100MA6L2GA70M"]
data_path = os.path.join(out_dir, name + ".jsonl")
h = hashlib.sha256()
size = 0
with open(data_path, "wb") as f:
    for i in range(n):
        rec = {"enterpriseCode": enterprises[i % len(enterprises)], "regVersion": "1.0", "dicVersion": "1.0",
               "dataCode": "00000000023300%04d" % (i // 28 % 10000), "dataValue": "%d.5" % i, "convertRation": "",
               "valid": "1", "scope": "1", "inputType": "4", "statType": "1",
               "statDate": "2026-10-%02d 00:00:00" % (1 + i % 28), "uploadDate": "2026-11-01 01:10:05"}
        line = (json.dumps(rec, separators=(",", ":")) + "\n").encode()
        h.update(line)
        size += len(line)
        f.write(line)
manifest = {"batchId": str(uuid.uuid4()), "sender": enterprises[0], "kind": "DATA",
            "createdAt": "2026-11-24T10:15:00.123+08:00", "recordCount": n, "byteSize": size,
            "sha256": h.hexdigest(), "schemaVersion": "1.0"}
with open(data_path + ".manifest", "w") as f:
    json.dump(manifest, f)
print(data_path, size)
