#!/usr/bin/env python3
"""Modem utilisation: a broadcast draining on a slow modem, questions arriving meanwhile.

A fresh gateway on the dummy phone with modem.send_delay_ms = D (default
300 ms a part: a USB modem's ~3 s scaled 1:10) gets M broadcast messages
queued straight into the outbox table (kind 'broadcast', priority 50, one
GSM-7 part each, distinct recipients) before it starts. While they drain,
K two-part UCS-2 questions (bench/workload.py) are written into the phone,
spread evenly over the broadcast (the next one when another M/(K+1)
broadcast messages have gone).

From the send-capture timestamps (taken right after GSM_SendSMS returns;
the daemon then holds the modem D ms for the part):
  utilisation   sum of per-part send intervals (parts x D) / wall time from
                the first part to the end of the last broadcast part, the
                time the outbox had work (target > 95%);
  gaps          time the modem stood idle between parts: median gap between
                messages (database work per message), and the gaps longer
                than 20 ms (the single thread reading the phone: on the
                dummy a read probes 50,000 file names) - their count and sum;
  queue wait    of each interactive reply: from its question leaving the
                phone (the daemon deletes it right after committing it,
                and answers it in the same step; seen by polling the phone
                every ~2 ms, so +-5 ms) to the reply's first part; includes
                answering and the replies queued before it;
  behind bc     of that wait, the modem time spent on broadcast parts
                (target: at most one broadcast message's send time, D);
  ahead         broadcast messages started between that moment and the
                reply (target 0: replies go first);
  end to end    from the question written to its reply's last part
                (includes waiting for the next poll of the phone).

Each variant is a poll interval and a busy read share (gatewayd's
modem.poll_interval_ms and modem.busy_read_share): share 100 reads the
phone every poll interval even while the broadcast drains; the default 3
spaces reads so that they take at most 3% of the modem's time.

Env: BENCH_UTIL_M (100), BENCH_UTIL_K (8), BENCH_SEND_DELAY_MS (300),
BENCH_UTIL_POLL_MS (comma list of poll intervals, default "1000"),
BENCH_UTIL_SHARE (comma list of busy read shares, default "100,3"),
BENCH_RUNS (3), BENCH_GATEWAYD (binary to test, default the bench build).
Prints a table and writes bench/results/modem_util.json.
"""
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import workload  # noqa: E402
from benchlib import fmt  # noqa: E402

BCAST_BASE = 84902000000
# A gap longer than this is the thread reading the phone, not database work
# between messages (about 1 ms).
STALL_NS = 20_000_000
BCAST_TEXT = ("TB: Cong ty may Tan Lap tuyen 20 cong nhan, luong 7 trieu/thang, co BHXH."
              " Nop ho so tai UBND xa truoc 30/11. Nhan HUY de ngung nhan tin.")


def queue_broadcast(db, m):
    benchlib.queue_broadcast(db, ["+%d" % (BCAST_BASE + i) for i in range(m)], BCAST_TEXT)


def dummy_scan_cost():
    """Median cost of one look at an empty dummy phone (bench_dummy_scan)."""
    exe = os.path.join(benchlib.BUILD, "bin", "bench_dummy_scan")
    if not os.path.exists(exe):
        return None
    wd = benchlib.new_workdir("bench-scan-")
    try:
        p = subprocess.run([exe, wd, "7"], capture_output=True, text=True, timeout=300)
        return json.loads(p.stdout) if p.returncode == 0 else None
    finally:
        benchlib.remove_workdir(wd)


def one_run(exe, m, k, delay, poll_ms, share, timeout):
    wd = benchlib.new_workdir("bench-util-")
    try:
        os.environ["BENCH_POLL_MS"] = str(poll_ms)
        # one text to M numbers from one SIM: the operators' same-text limits
        # would hold it for days (bench/modems.py measures them apart)
        g = benchlib.make_gateway(wd, modem_extra="send_delay_ms = %d; busy_read_share = %d;"
                                  " same_text_per_5min = 0; same_text_per_hour = 0;"
                                  " same_text_per_day = 0;" % (delay, share))
        queue_broadcast(g["db"], m)
        questions = workload.messages(k, seed=31)
        inj = benchlib.inject_sms.Injector(g["phone"])
        child = benchlib.Child([exe, "-f", "-c", g["conf"]], benchlib.capture_env(g["capture"]),
                               os.path.join(wd, "daemon.log"))
        fol = benchlib.CaptureFollower(g["capture"])
        thresholds = [round((j + 1) * m / (k + 1)) for j in range(k)]
        pending = []   # [sender, written_ns, paths, left_ns]
        end = time.monotonic() + timeout
        last_cap = 0.0
        bsent = 0
        while time.monotonic() < end:
            t = time.monotonic()
            if t - last_cap >= 0.02:
                last_cap = t
                fol.poll()
                bsent = sum(1 for x in fol.done if x["to"].startswith("+%d" % (BCAST_BASE // 10**6)))
                answered = {x["to"] for x in fol.done}
                if bsent >= m and all(q[0] in answered for q in pending) and len(pending) == k:
                    break
                if not child.alive():
                    benchlib.log("  daemon exited early (status %s)" % child.status)
                    break
            if len(pending) < k and bsent >= thresholds[len(pending)]:
                who, text, ref = questions[len(pending)]
                paths = inj.inject(who, text, ref=ref, ref16=True)
                pending.append([who, time.time_ns(), paths, None])
            now = time.time_ns()
            for q in pending:
                if q[3] is None and not any(os.path.exists(p) for p in q[2]):
                    q[3] = now
            time.sleep(0.002)
        usage = child.stop()
        fol.poll()
        return analyse(fol, pending, m, delay, poll_ms, share, usage, g["conf_text"])
    finally:
        benchlib.remove_workdir(wd)


def analyse(fol, pending, m, delay, poll_ms, share, usage, conf):
    dns = delay * 1_000_000
    prefix = "+%d" % (BCAST_BASE // 10**6)
    parts = sorted(fol.parts, key=lambda p: p["sent_at_ns"])
    res = {"poll_interval_ms": poll_ms, "busy_read_share": share, "send_delay_ms": delay, "m": m, "k": len(pending),
           "config": conf}
    res.update(usage)
    bparts = [p for p in parts if p["to"].startswith(prefix)]
    if not bparts:
        return res
    # The drain: from the first part to the end of the last broadcast part.
    # Replies sent after it (the outbox then holds only them) are not in it.
    start, end = parts[0]["sent_at_ns"], bparts[-1]["sent_at_ns"] + dns
    inside = [p for p in parts if p["sent_at_ns"] < end]
    wall = end - start
    busy = len(inside) * dns
    gaps_between, stalls = [], []
    for a, b in zip(inside, inside[1:]):
        gap = b["sent_at_ns"] - (a["sent_at_ns"] + dns)
        same = (a["to"], a["ref"], a["total"]) == (b["to"], b["ref"], b["total"])
        if gap > STALL_NS:
            stalls.append(gap)
        elif not same:
            gaps_between.append(gap)
    bcast = [x for x in fol.done if x["to"].startswith(prefix)]
    bstarts = sorted(x["first_ns"] for x in bcast)
    replies = {x["to"]: x for x in fol.done if not x["to"].startswith(prefix)}
    waits, behind, e2e, ahead, missing = [], [], [], [], 0
    for who, written, _paths, left in pending:
        r = replies.get(who)
        if not r:
            missing += 1
            continue
        e2e.append((r["sent_at_ns"] - written) / 1e6)
        if left is not None:
            waits.append(max(0.0, (r["first_ns"] - left) / 1e6))  # 0: within resolution
            ahead.append(sum(1 for t in bstarts if left <= t < r["first_ns"]))
            # modem time spent on broadcast parts while this reply was queued
            behind.append(sum(max(0, min(p["sent_at_ns"] + dns, r["first_ns"]) -
                                  max(p["sent_at_ns"], left)) for p in bparts) / 1e6)
    res.update({
        "parts_sent": len(parts), "broadcast_sent": len(bcast), "replies": len(replies),
        "replies_missing": missing,
        "wall_s": round(wall / 1e9, 3), "busy_s": round(busy / 1e9, 3),
        "utilisation": round(busy / wall, 4),
        "gap_between_messages_ms": benchlib.median([g / 1e6 for g in gaps_between]),
        "idle_between_messages_s": round(sum(gaps_between) / 1e9, 3),
        "stalls": len(stalls), "stall_total_s": round(sum(stalls) / 1e9, 3),
        "stall_median_ms": benchlib.median([s / 1e6 for s in stalls]),
        "reply_queue_wait_ms": benchlib.summary(waits),
        "reply_behind_broadcast_ms": benchlib.summary(behind),
        "reply_e2e_ms": benchlib.summary(e2e),
        "broadcast_ahead_of_reply_max": max(ahead) if ahead else None,
        "one_message_send_ms": delay,  # a broadcast message is one part
    })
    return res


def main():
    m = benchlib.env_int("BENCH_UTIL_M", 100)
    k = benchlib.env_int("BENCH_UTIL_K", 8)
    delay = benchlib.env_int("BENCH_SEND_DELAY_MS", 300)
    nruns = benchlib.env_int("BENCH_RUNS", 3)
    polls = [int(x) for x in os.environ.get("BENCH_UTIL_POLL_MS", "1000").split(",") if x]
    shares = [int(x) for x in os.environ.get("BENCH_UTIL_SHARE", "100,3").split(",") if x]
    variants = [(p, sh) for p in polls for sh in shares]
    exe = os.path.abspath(os.environ.get("BENCH_GATEWAYD") or benchlib.GATEWAYD)
    timeout = benchlib.env_int("BENCH_TIMEOUT", 300)
    benchlib.need([exe, benchlib.GATEWAYCTL, benchlib.CAPTURE])
    assert len(BCAST_TEXT) <= 160
    scan = dummy_scan_cost()
    runs = {v: [] for v in variants}
    for i in range(nruns):
        for p, sh in variants:
            benchlib.log("modem utilisation run %d/%d: poll %d ms, busy read share %d%%"
                         % (i + 1, nruns, p, sh))
            r = one_run(exe, m, k, delay, p, sh, timeout)
            benchlib.log("  utilisation %s, %s stalls (%s s), reply wait max %s ms"
                         % (r.get("utilisation"), r.get("stalls"), r.get("stall_total_s"),
                            r.get("reply_queue_wait_ms", {}).get("max")))
            runs[(p, sh)].append(r)
    agg = {}
    rows = []
    for p, sh in variants:
        rs = runs[(p, sh)]
        a = {key: benchlib.run_median(rs, key) for key in
             ("utilisation", "wall_s", "busy_s", "gap_between_messages_ms", "idle_between_messages_s",
              "stalls", "stall_total_s", "stall_median_ms", "max_rss_kib", "cpu_s")}
        for key in ("reply_queue_wait_ms", "reply_behind_broadcast_ms", "reply_e2e_ms"):
            for s in ("median", "max"):
                a["%s_%s" % (key, s)] = benchlib.median(
                    [r[key][s] for r in rs if r.get(key) and r[key][s] is not None])
        a["broadcast_ahead_of_reply_max"] = max(
            (r["broadcast_ahead_of_reply_max"] for r in rs
             if r.get("broadcast_ahead_of_reply_max") is not None), default=None)
        a["all_sent"] = all(r.get("broadcast_sent") == m and r.get("replies") == k for r in rs)
        a["poll_interval_ms"], a["busy_read_share"] = p, sh
        agg["%d/%d" % (p, sh)] = a
        rows.append(["%d / %d%%" % (p, sh), fmt(a["utilisation"] and 100 * a["utilisation"], "%.1f%%"),
                     fmt(a["wall_s"], "%.2f"), fmt(a["gap_between_messages_ms"], "%.2f"),
                     fmt(a["stalls"], "%.0f"), fmt(a["stall_median_ms"], "%.0f"),
                     fmt(a["stall_total_s"], "%.2f"),
                     fmt(a["reply_queue_wait_ms_median"], "%.1f"),
                     fmt(a["reply_queue_wait_ms_max"], "%.1f"),
                     fmt(a["reply_behind_broadcast_ms_max"], "%.1f"),
                     fmt(a["broadcast_ahead_of_reply_max"], "%.0f"),
                     fmt(a["reply_e2e_ms_median"], "%.0f"), "yes" if a["all_sent"] else "NO"])
    benchlib.print_table(
        "Modem utilisation: %d broadcast messages (1 part, %d ms a part) + %d questions,"
        " medians of %d run(s)" % (m, delay, k, nruns),
        ["poll ms / share", "busy", "wall s", "gap/msg ms", "stalls", "stall ms", "stalled s",
         "wait med ms", "wait max ms", "behind bc ms", "bc ahead", "e2e med ms", "all sent"],
        rows)
    if scan:
        print("  one read of the dummy phone (50,000 probes): GetSMSStatus %.0f ms,"
              " GetNextSMS pass %.0f ms (median of %d)"
              % (scan["get_sms_status_ms"]["median"], scan["get_next_sms_pass_ms"]["median"],
                 scan["rounds"]))
    path = benchlib.write_result("modem_util", {
        "workload": {"m": m, "k": k, "send_delay_ms": delay, "runs": nruns, "poll_ms": polls,
                     "busy_read_share": shares,
                     "broadcast_text": BCAST_TEXT, "gatewayd": os.path.relpath(exe, benchlib.TOP),
                     "targets": {"utilisation": "> 0.95",
                                 "reply_queue_wait_ms": "<= %d (one message)" % delay}},
        "dummy_scan": scan, "summary": agg,
        "runs": {"%d/%d" % v: rs for v, rs in runs.items()}})
    print("  -> %s" % os.path.relpath(path, benchlib.TOP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
