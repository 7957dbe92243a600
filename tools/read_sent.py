#!/usr/bin/env python3
"""Read what a daemon sent, from the send-capture shim's directory.

tests/capture/sendcapture.so (LD_PRELOAD, GW_CAPTURE_DIR=DIR) writes one
smsbackup file per part sent and one .ussd file per USSD code dialled.
This links the parts back into messages by recipient + reference + total
(in send order, so a reference reused after it wrapped starts a new
message) and prints one JSON object per line:

  {"to": "+849...", "text": "...", "parts": 2, "ucs2": true,
   "sent_at_ns": <last part>, "first_sent_at_ns": <first part>,
   "complete": true}

Incomplete messages are printed too, with "complete": false and the
missing part numbers in "missing". With --ussd, dialled codes are printed
as {"ussd": "*101#", "sent_at_ns": N}.

CLI:    read_sent.py CAPTURE_DIR [--ussd] [--since-ns N] [--count]
Module: read_sent.read_dir(path, include_ussd=False, since_ns=0) -> [dict]
"""

import argparse
import json
import os
import sys


def parse_ini(text):
    """{section: {key: value}} for Gammu's INI dialect (';' and '#' comments)."""
    sections, cur = {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.endswith("]"):
            cur = sections.setdefault(line[1:-1], {})
            continue
        if cur is not None and "=" in line:
            k, v = line.split("=", 1)
            cur[k.strip()] = v.strip()
    return sections


def _ucs2(hexstr):
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")


def _field(sec, key):
    """A number field: KeyUnicode (hex) wins over the quoted form."""
    if sec.get(key + "Unicode"):
        return _ucs2(sec[key + "Unicode"])
    v = sec.get(key, "")
    return v[1:-1] if len(v) >= 2 and v[0] == '"' and v[-1] == '"' else v


def _concat(udh_hex):
    """(ref, total, seq) from a UDH, or None when not concatenated."""
    try:
        b = bytes.fromhex(udh_hex or "")
    except ValueError:
        return None
    i = 1
    while i + 1 < len(b):
        iei, iel = b[i], b[i + 1]
        d = b[i + 2:i + 2 + iel]
        if len(d) < iel:
            break
        if iei == 0x00 and iel == 3:
            return d[0], d[1], d[2]
        if iei == 0x08 and iel == 4:
            return (d[0] << 8) | d[1], d[2], d[3]
        i += 2 + iel
    return None


def parse_file(path):
    """One capture file as a dict (kind 'sms' or 'ussd'), or None."""
    with open(path, encoding="utf-8", errors="replace") as f:
        ini = parse_ini(f.read())
    if "USSD" in ini:
        sec = ini["USSD"]
        code = sec.get("Code", "")
        if len(code) >= 2 and code[0] == '"' and code[-1] == '"':
            code = code[1:-1]
        return {"kind": "ussd", "ussd": code, "sent_at_ns": int(sec.get("SentAtNs", 0))}
    sec = next((v for k, v in ini.items() if k.lower().startswith("smsbackup")), None)
    if sec is None:
        return None
    coding = sec.get("Coding", "8bit")
    hexstr = "".join(sec[k] for k in sorted(sec) if k.startswith("Text") and k[4:].isdigit())
    binary = not coding.startswith(("Unicode", "Default"))
    c = _concat(sec.get("UDH"))
    return {
        "kind": "sms",
        "to": _field(sec, "Number"),
        "text": hexstr if binary else _ucs2(hexstr),
        "ucs2": coding.startswith("Unicode"),
        "binary": binary,
        "ref": c[0] if c else 0,
        "total": c[1] if c else 1,
        "seq": c[2] if c else 1,
        "sent_at_ns": int(sec.get("SentAtNs", 0)),
    }


def _message(group):
    parts = group["parts"]
    total = group["total"]
    msg = {
        "to": group["to"],
        "text": "".join(parts[s]["text"] for s in sorted(parts)),
        "parts": total,
        "ucs2": any(p["ucs2"] for p in parts.values()),
        "sent_at_ns": max(p["sent_at_ns"] for p in parts.values()),
        "first_sent_at_ns": min(p["sent_at_ns"] for p in parts.values()),
        "complete": len(parts) == total,
    }
    if not msg["complete"]:
        msg["missing"] = [s for s in range(1, total + 1) if s not in parts]
    return msg


def read_dir(path, include_ussd=False, since_ns=0):
    """Messages (and USSD codes) captured in path, in completion order."""
    entries = []
    for name in os.listdir(path):
        if name.startswith(".") or not name.endswith((".smsbackup", ".ussd")):
            continue
        rec = parse_file(os.path.join(path, name))
        if rec and rec["sent_at_ns"] >= since_ns:
            entries.append((rec["sent_at_ns"], name, rec))
    entries.sort(key=lambda e: (e[0], e[1]))
    out, open_groups = [], {}
    for _, _, rec in entries:
        if rec["kind"] == "ussd":
            if include_ussd:
                out.append({"ussd": rec["ussd"], "sent_at_ns": rec["sent_at_ns"]})
            continue
        if rec["total"] <= 1:
            out.append(_message({"to": rec["to"], "total": 1, "parts": {1: rec}}))
            continue
        key = (rec["to"], rec["ref"], rec["total"])
        g = open_groups.get(key)
        if g is not None and rec["seq"] in g["parts"]:
            out.append(_message(g))  # same reference again: an earlier, broken message
            g = None
        if g is None:
            g = open_groups[key] = {"to": rec["to"], "total": rec["total"], "parts": {}}
        g["parts"][rec["seq"]] = rec
        if len(g["parts"]) == g["total"]:
            out.append(_message(g))
            del open_groups[key]
    out.extend(_message(g) for g in open_groups.values())
    out.sort(key=lambda m: m["sent_at_ns"])
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="GW_CAPTURE_DIR of the send-capture shim")
    ap.add_argument("--ussd", action="store_true", help="include dialled USSD codes")
    ap.add_argument("--since-ns", type=int, default=0, help="only parts sent at or after")
    ap.add_argument("--count", action="store_true", help="print only the number of messages")
    a = ap.parse_args(argv)
    msgs = read_dir(a.dir, a.ussd, a.since_ns)
    if a.count:
        print(len(msgs))
        return 0
    for m in msgs:
        print(json.dumps(m, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
