#!/usr/bin/env python3
"""Writes COUNT ferry packages of N records into OUT_DIR: manifest v2 signed SM3withSM2 with OpenSSL (DSSE envelope,
docs/ferry-contract.md) when KEY (a PKCS#8 PEM) is given, else a plain v1 manifest. Usage:
make_signed_packages.py OUT_DIR COUNT N PREFIX [KEY KEYID TARGET]"""
import base64, datetime, hashlib, json, os, subprocess, sys, tempfile, uuid

out_dir, count, n, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
key, keyid, target = (sys.argv[5], sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else (None, None, None)
TYPE = "application/vnd.energy-hub.ferry-manifest+json;v=2"
enterprises = ["91530100MA6NX4QW2G", "91350100M000100Y43", "91110000600037341L", "911100001000044477",
               "91530100MA6L2GA70M"]
os.makedirs(out_dir, exist_ok=True)
for p in range(count):
    lines = []
    for i in range(n):
        rec = {"enterpriseCode": enterprises[i % len(enterprises)], "regVersion": "1.0", "dicVersion": "1.0",
               "dataCode": "00000000023300%04d" % (p % 10000), "dataValue": "%d.5" % i, "convertRation": "",
               "valid": "1", "scope": "1", "inputType": "4", "statType": "1",
               "statDate": "2026-10-%02d 00:00:00" % (1 + i % 28), "uploadDate": "2026-11-01 01:10:05"}
        lines.append(json.dumps(rec, separators=(",", ":")) + "\n")
    data = "".join(lines).encode()
    name = "%s-%04d.jsonl" % (prefix, p)
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).replace(microsecond=0)
    m = {"batchId": str(uuid.uuid4()), "sender": enterprises[0], "kind": "DATA", "createdAt": now.isoformat(),
         "recordCount": n, "byteSize": len(data), "sha256": hashlib.sha256(data).hexdigest(), "schemaVersion": "1.0"}
    if key:
        m.update({"notAfter": (now + datetime.timedelta(days=1)).isoformat(), "target": target,
                  "sm3": hashlib.new("sm3", data).hexdigest()})
        payload = json.dumps(m, separators=(",", ":")).encode()
        pae = b"DSSEv1 %d %s %d " % (len(TYPE), TYPE.encode(), len(payload)) + payload
        with tempfile.NamedTemporaryFile() as t:
            t.write(pae)
            t.flush()
            sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt",
                                  "distid:1234567812345678", "-inkey", key, "-in", t.name],
                                 check=True, capture_output=True).stdout
        manifest = json.dumps({"payloadType": TYPE, "payload": base64.b64encode(payload).decode(),
                               "signatures": [{"keyid": keyid, "sig": base64.b64encode(sig).decode()}]})
    else:
        manifest = json.dumps(m)
    with open(os.path.join(out_dir, name + ".manifest"), "w") as f:
        f.write(manifest)
