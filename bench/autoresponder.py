#!/usr/bin/env python3
"""Autoresponder side by side: gatewayd and gammu-smsd on libgammu's dummy phone.

The same N two-part UCS-2 Vietnamese questions from N distinct senders
(bench/workload.py) are written into a fresh dummy phone folder (sms/1/,
one file per part, atomically) BEFORE each daemon starts: a burst, the same
for every daemon and run. The clock starts when the daemon is spawned; the
send-capture shim (LD_PRELOAD, for both daemons) timestamps every part the
daemon passes to GSM_SendSMS. Measured: time until all N replies were
passed to libgammu, replies per second, and each message's latency from
being written to the last part of its reply (median, p95, max), the
daemon's peak RSS and CPU time (wait4).

Daemons:
  gatewayd       optimised build, its normal settings (poll_interval_ms
                 BENCH_POLL_MS, default 500), sample content.
  smsd-fast      gammu-smsd, files backend, RunOnReceive shell script that
                 writes a fixed three-part reply into its outbox;
                 LoopSleep=0 ReceiveFrequency=0 CommTimeout=0
                 StatusFrequency=0 CheckSecurity=0.
  smsd-default   the same with gammu-smsd's defaults for those five keys,
                 on BENCH_SMSD_DEFAULT_N messages (default 50) because it
                 sends about one message a second.

Env: BENCH_N (500), BENCH_RUNS (3), BENCH_SMSD_DEFAULT_N (50),
BENCH_TIMEOUT (s per run, 300), BENCH_DAEMONS (comma list, default all).
Prints a table and writes bench/results/autoresponder.json.
"""
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import workload  # noqa: E402
from benchlib import fmt  # noqa: E402

# 135..201 UTF-16 units: three UCS-2 parts.
SMSD_REPLY = ("Cảm ơn bạn đã hỏi. Hộ nghèo được nhà nước cấp thẻ bảo hiểm y tế miễn phí; "
              "hộ cận nghèo được hỗ trợ ít nhất 70% tiền mua thẻ. Hồ sơ nộp tại UBND xã, "
              "mang theo sổ hộ khẩu. Nhắn CS BHYT để biết thêm.")

SMSD_FAST = {"LoopSleep": 0, "ReceiveFrequency": 0, "CommTimeout": 0, "StatusFrequency": 0,
             "CheckSecurity": 0}
SMSD_DEFAULTS_DOC = {"LoopSleep": 1, "ReceiveFrequency": 15, "CommTimeout": 30,
                     "StatusFrequency": 60, "CheckSecurity": 1}

REPLY_SH = """#!/bin/sh
# gammu-smsd RunOnReceive: queue a fixed three-part reply to the sender.
OUT='%(outbox)s'
[ -n "$SMS_1_NUMBER" ] || exit 0
printf '%%s' '%(text)s' > "$OUT/.reply.$$"
mv "$OUT/.reply.$$" "$OUT/OUTA$(date +%%Y%%m%%d_%%H%%M%%S)_$$_${SMS_1_NUMBER}_reply.txt"
"""


def smsd_setup(wd, fast):
    d = {k: os.path.join(wd, k) for k in ("phone", "inbox", "outbox", "sent", "error", "capture")}
    for p in d.values():
        os.makedirs(p, exist_ok=True)
    script = os.path.join(wd, "reply.sh")
    with open(script, "w") as f:
        f.write(REPLY_SH % {"outbox": d["outbox"], "text": SMSD_REPLY})
    os.chmod(script, 0o755)
    rc = os.path.join(wd, "smsdrc")
    lines = ["[gammu]", "model = dummy", "connection = none", "device = %s" % d["phone"], "",
             "[smsd]", "service = files", "inboxpath = %s/" % d["inbox"],
             "outboxpath = %s/" % d["outbox"], "sentsmspath = %s/" % d["sent"],
             "errorsmspath = %s/" % d["error"], "inboxformat = unicode",
             "transmitformat = unicode", "logfile = %s" % os.path.join(wd, "smsd.log"),
             "runonreceive = %s" % script]
    if fast:
        lines += ["%s = %d" % (k, v) for k, v in SMSD_FAST.items()]
    with open(rc, "w") as f:
        f.write("\n".join(lines) + "\n")
    d["rc"] = rc
    d["rc_text"] = "\n".join(lines)
    return d


def follow(child, capdir, n, timeout):
    """Wait until n distinct recipients got a complete reply, the child
    died, or timeout; returns the CaptureFollower."""
    fol = benchlib.CaptureFollower(capdir)
    end = time.monotonic() + timeout
    while True:
        fol.poll()
        if len({m["to"] for m in fol.done}) >= n:
            break
        if not child.alive():
            benchlib.log("  daemon exited early (status %s)" % child.status)
            break
        if time.monotonic() > end:
            benchlib.log("  timeout after %d s" % timeout)
            break
        time.sleep(0.05)
    return fol


def measure(name, fol, written, started_ns, usage, n):
    firsts = {}
    for m in fol.done:
        if m["to"] in written and m["to"] not in firsts:
            firsts[m["to"]] = m
    replies = len(firsts)
    dup = len(fol.done) - replies
    lat = [(m["sent_at_ns"] - written[to]) / 1e6 for to, m in firsts.items()]
    last = max((m["sent_at_ns"] for m in firsts.values()), default=None)
    first = min((m["first_ns"] for m in firsts.values()), default=None)
    total_s = (last - started_ns) / 1e9 if last else None
    parts = [m["parts"] for m in firsts.values()]
    res = {
        "daemon": name, "n": n, "replies": replies, "complete": replies == n,
        "extra_messages": dup, "incomplete_sets": len(fol.open),
        "total_s": round(total_s, 3) if total_s else None,
        "replies_per_s": round(replies / total_s, 2) if total_s else None,
        "first_reply_s": round((first - started_ns) / 1e9, 3) if first else None,
        "latency_ms": {k: (round(v, 1) if v is not None else None)
                       for k, v in benchlib.summary(lat).items()},
        "reply_parts_mean": round(sum(parts) / len(parts), 2) if parts else None,
        "reply_ucs2_share": round(sum(1 for m in firsts.values() if m["ucs2"]) / replies, 2)
        if replies else None,
        "parts_sent": len(fol.parts),
    }
    res.update(usage)
    return res


def run_gatewayd(msgs, timeout):
    wd = benchlib.new_workdir("bench-ar-gw-")
    try:
        g = benchlib.make_gateway(wd)
        written = workload.inject_all(g["phone"], msgs)
        child = benchlib.Child([benchlib.GATEWAYD, "-f", "-c", g["conf"]],
                               benchlib.capture_env(g["capture"]), os.path.join(wd, "daemon.log"))
        fol = follow(child, g["capture"], len(msgs), timeout)
        usage = child.stop()
        fol.poll()
        res = measure("gatewayd", fol, written, child.started_ns, usage, len(msgs))
        res.update(benchlib.inbox_outcome(g["db"]))
        if res.get("inbox_failed"):
            benchlib.log("  WARNING: %d questions failed in the handler (answered with an"
                         " apology): the figures are not valid" % res["inbox_failed"])
        res["config"] = g["conf_text"]
        return res
    finally:
        benchlib.remove_workdir(wd)


def run_smsd(msgs, timeout, fast):
    wd = benchlib.new_workdir("bench-ar-smsd-")
    name = "smsd-fast" if fast else "smsd-default"
    try:
        d = smsd_setup(wd, fast)
        written = workload.inject_all(d["phone"], msgs)
        child = benchlib.Child([shutil.which("gammu-smsd") or "gammu-smsd", "-c", d["rc"]],
                               benchlib.capture_env(d["capture"]), os.path.join(wd, "stdout.log"))
        fol = follow(child, d["capture"], len(msgs), timeout)
        # gammu-smsd ignores a second SIGTERM; Child.stop falls back to SIGKILL
        usage = child.stop(timeout=15)
        fol.poll()
        res = measure(name, fol, written, child.started_ns, usage, len(msgs))
        res["config"] = d["rc_text"]
        res["timed_out"] = not res["complete"]
        return res
    finally:
        benchlib.remove_workdir(wd)


def aggregate(runs):
    keys = ["total_s", "replies_per_s", "first_reply_s", "max_rss_kib", "cpu_s", "replies"]
    agg = {k: benchlib.run_median(runs, k) for k in keys}
    for k in ("median", "p95", "max"):
        agg["latency_%s_ms" % k] = benchlib.median([r["latency_ms"][k] for r in runs
                                                   if r["latency_ms"][k] is not None])
    agg["reply_parts_mean"] = benchlib.run_median(runs, "reply_parts_mean")
    agg["all_complete"] = all(r["complete"] for r in runs)
    return agg


def main():
    n = benchlib.env_int("BENCH_N", 500)
    nruns = benchlib.env_int("BENCH_RUNS", 3)
    n_def = benchlib.env_int("BENCH_SMSD_DEFAULT_N", 50)
    timeout = benchlib.env_int("BENCH_TIMEOUT", 300)
    daemons = [x for x in os.environ.get("BENCH_DAEMONS", "gatewayd,smsd-fast,smsd-default")
               .split(",") if x]
    need = [benchlib.CAPTURE]
    if "gatewayd" in daemons:
        need += [benchlib.GATEWAYD, benchlib.GATEWAYCTL]
    benchlib.need(need)
    if any(d.startswith("smsd") for d in daemons) and not shutil.which("gammu-smsd"):
        sys.exit("gammu-smsd not found: apt-get install gammu-smsd (make bench does it)")

    msgs = workload.messages(n)
    msgs_def = workload.messages(min(n_def, n))
    runs = {d: [] for d in daemons}
    for i in range(nruns):
        for d in daemons:
            benchlib.log("autoresponder run %d/%d: %s" % (i + 1, nruns, d))
            if d == "gatewayd":
                r = run_gatewayd(msgs, timeout)
            elif d == "smsd-fast":
                r = run_smsd(msgs, timeout, True)
            elif d == "smsd-default":
                r = run_smsd(msgs_def, timeout, False)
            else:
                sys.exit("unknown daemon %r" % d)
            benchlib.log("  %d/%d replies in %s s, %s replies/s, latency median %s ms, RSS %s KiB"
                         % (r["replies"], r["n"], r["total_s"], r["replies_per_s"],
                            r["latency_ms"]["median"], r.get("max_rss_kib")))
            runs[d].append(r)

    agg = {d: aggregate(rs) for d, rs in runs.items()}
    ratios = {}
    gw = agg.get("gatewayd", {}).get("replies_per_s")
    for d in daemons:
        if d != "gatewayd" and gw and agg[d].get("replies_per_s"):
            ratios["gatewayd_vs_" + d] = round(gw / agg[d]["replies_per_s"], 1)
    rows = []
    for d in daemons:
        a = agg[d]
        nn = runs[d][0]["n"]
        rows.append([d, "%d/%d" % (a["replies"] or 0, nn), fmt(a["total_s"], "%.2f"),
                     fmt(a["replies_per_s"], "%.1f"),
                     fmt(a["latency_median_ms"] and a["latency_median_ms"] / 1000, "%.2f"),
                     fmt(a["latency_p95_ms"] and a["latency_p95_ms"] / 1000, "%.2f"),
                     fmt(a["latency_max_ms"] and a["latency_max_ms"] / 1000, "%.2f"),
                     fmt(a["reply_parts_mean"], "%.2f"),
                     fmt(a["max_rss_kib"] and a["max_rss_kib"] / 1024, "%.1f"),
                     fmt(a["cpu_s"], "%.2f")])
    benchlib.print_table(
        "Autoresponder on the dummy phone: %d two-part UCS-2 questions written before start,"
        " medians of %d run(s)" % (n, nruns),
        ["daemon", "replies", "time s", "replies/s", "lat med s", "lat p95 s", "lat max s",
         "parts/reply", "max RSS MiB", "CPU s"], rows)
    for k, v in ratios.items():
        print("  %s: %.1fx replies/s" % (k, v))
    path = benchlib.write_result("autoresponder", {
        "workload": {"n": n, "smsd_default_n": min(n_def, n), "runs": nruns,
                     "inbound": "two-part UCS-2 Vietnamese, distinct senders, 16-bit refs",
                     "injection": "all messages written into sms/1 before the daemon starts",
                     "clock": "from spawning the daemon to the last part of the last reply "
                              "passed to GSM_SendSMS (LD_PRELOAD capture)",
                     "smsd_reply": SMSD_REPLY, "smsd_fast": SMSD_FAST,
                     "smsd_defaults": SMSD_DEFAULTS_DOC},
        "summary": agg, "ratios": ratios, "runs": runs})
    print("  -> %s" % os.path.relpath(path, benchlib.TOP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
