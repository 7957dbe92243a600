"""Sub-commands other than `run`: ctl (control client), at (a tiny AT
terminal for tests) and merge (join multipart sent-log lines)."""

import argparse
import json
import os
import re
import select
import socket
import sys
import termios
import time
import tty


def ctl_main(argv):
    p = argparse.ArgumentParser(prog="modemsim.py ctl")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("socket")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    if not a.command:
        p.error("missing command")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    try:
        s.connect(a.socket)
    except OSError as e:
        sys.stderr.write("modemsim ctl: cannot connect to %s: %s\n" % (a.socket, e))
        return 2
    if a.command == ["-"]:
        cmds = [ln.rstrip("\n") for ln in sys.stdin if ln.strip()]
        lines = [c.encode("utf-8") for c in cmds]
    else:
        lines = [json.dumps({"argv": a.command}, ensure_ascii=False).encode("utf-8")]
    rc = 0
    f = s.makefile("rb")
    for ln in lines:
        try:
            s.sendall(ln + b"\n")
            reply = f.readline().decode("utf-8", "replace").rstrip("\n")
        except OSError as e:
            sys.stderr.write("modemsim ctl: %s\n" % e)
            return 2
        print(reply)
        if not (reply.startswith("ok") or reply.startswith("{") or reply.startswith("[")):
            rc = 1
    s.close()
    return rc


def merge_records(records):
    """Group sent-log parts into messages, in order of first appearance, as
    a handset joins them: parts with one (sender, reference, total) fill one
    message; a part number seen again before that message is complete is
    the same part twice (counted in "repeated"), after it is complete it
    starts a new message."""
    out, open_groups = [], {}
    for r in records:
        total = r.get("total") or 1
        if total <= 1 or r.get("ref") is None:
            out.append({"to": r["to"], "text": r["text"], "parts": 1, "ref": None,
                        "ucs2": r.get("ucs2"), "complete": True, "repeated": 0})
            continue
        key = (r["to"], r["ref"], total)
        g = open_groups.get(key)
        if g is not None and r["seq"] in g["_seqs"] and len(g["_seqs"]) < total:
            g["repeated"] += 1
        elif g is None or r["seq"] in g["_seqs"]:
            g = {"to": r["to"], "ref": r["ref"], "parts": total, "ucs2": r.get("ucs2"),
                 "repeated": 0, "_seqs": {}}
            open_groups[key] = g
            out.append(g)
        g["_seqs"][r["seq"]] = r["text"]
    for g in out:
        if "_seqs" in g:
            seqs = g.pop("_seqs")
            g["text"] = "".join(seqs[k] for k in sorted(seqs))
            g["complete"] = sorted(seqs) == list(range(1, g["parts"] + 1))
    return out


def merge_main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: modemsim.py merge SENT_LOG\n")
        return 2
    recs = []
    with open(argv[0], encoding="utf-8") as f:
        for ln in f:
            ln = ln.strip()
            if ln:
                recs.append(json.loads(ln))
    for m in merge_records(recs):
        print(json.dumps(m, ensure_ascii=False))
    return 0


# A final result code on its own line (unsolicited codes may follow it in the
# same read), or the SMS prompt at the very end.
FINAL_RE = re.compile(rb"\r\n(OK|ERROR|NO CARRIER|\+CME ERROR:[^\r]*|\+CMS ERROR:[^\r]*)\r\n|\r\n> $")


def at_main(argv):
    """Tiny AT terminal for tests: modemsim.py at DEVICE ITEM...

    ITEM: 'AT...' send a command and wait for its final result (or '> ');
          'pdu:HEX' send HEX + Ctrl-Z and wait; 'raw:HEX' send bytes;
          'wait:SECS' collect unsolicited output for SECS seconds.
    Everything received is printed, CR removed.  Exit 3 on a timeout."""
    p = argparse.ArgumentParser(prog="modemsim.py at")
    p.add_argument("-t", "--timeout", type=float, default=5.0)
    p.add_argument("device")
    p.add_argument("items", nargs="+")
    a = p.parse_args(argv)
    fd = os.open(a.device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd, termios.TCSANOW)     # TCSAFLUSH would drop pending unsolicited output
    rc = 0

    def collect(until_final, secs):
        buf = b""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return buf, False
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except BlockingIOError:
                    continue
                except OSError:
                    return buf, False
                buf += chunk
                if until_final and FINAL_RE.search(buf):
                    return buf, True

    def out(b):
        sys.stdout.write(b.replace(b"\r", b"").decode("latin-1"))
        if b and not b.endswith(b"\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()

    for item in a.items:
        if item.startswith("wait:"):
            buf, _ = collect(False, float(item[5:]))
            out(buf)
            continue
        if item.startswith("raw:"):
            os.write(fd, bytes.fromhex(item[4:]))
            continue
        data = (item[4:].encode() + b"\x1a") if item.startswith("pdu:") else item.encode() + b"\r"
        os.write(fd, data)
        buf, ok = collect(True, a.timeout)
        out(buf)
        if not ok:
            sys.stdout.write("<timeout>\n")
            rc = 3
    os.close(fd)
    return rc
