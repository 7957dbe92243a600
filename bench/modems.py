#!/usr/bin/env python3
"""Several modems: broadcast throughput with 1, 2 and 3 modems, each modem's busy share.

A fresh gateway with N dummy modems (N = 1, 2, 3; one gatewayd worker
process each), every modem taking modem.send_delay_ms = D a part (default
300 ms: a USB modem's ~3 s scaled 1:10), with operators viettel, vinaphone
and mobifone in turn, gets M one-part broadcast messages queued straight
into the outbox before it starts, to recipients spread evenly over the N
modems' operators (each modem is preferred for M/N of them). The operators'
same-text limits are off here: they hold one text to 10 an hour per SIM
(docs/ROUTING.md), which is what they are for; this measures what the
modems and the daemon can do.

From the send-capture timestamps (taken right after GSM_SendSMS returns;
the modem is then held D ms for the part):
  wall        from the first part's start to the end of the last part
  throughput  messages / wall
  scaling     throughput / (N x the one-modem throughput of the same run
              set; goal >= 0.9)
  busy        per modem: its parts x D / wall (outbox.modem says which
              modem sent which message)
  own SIM     messages that went through the recipient's operator's modem

The same on the AT modem simulator (tests/modemsim, one simulator process
per modem, libgammu's real `at` driver, whose fixed sleeps make about a
part a second): BENCH_MODEMS_AT_M messages (60), BENCH_MODEMS_AT_RUNS runs
(1); throughput from the simulators' acceptance times (wall = the span
between the first and the last acceptance, stretched by one part: M/(M-1)).
BENCH_MODEMS_AT_M=0 skips it.

Env: BENCH_MODEMS_M (300), BENCH_SEND_DELAY_MS (300), BENCH_MODEMS_N
("1,2,3"), BENCH_RUNS (3), BENCH_GATEWAYD (binary, default the bench
build). Prints a table and writes bench/results/modems.json.
"""
import os
import sqlite3
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import fmt  # noqa: E402

sys.path.insert(0, os.path.join(benchlib.TOP, "tests", "soak"))
import soaklib  # noqa: E402  (the modem simulator's driver)

OPERATORS = [("viettel", "+8496%07d"), ("vinaphone", "+8491%07d"), ("mobifone", "+8490%07d")]
TEXT = ("TB: Cong ty may Tan Lap tuyen 20 cong nhan, luong 7 trieu/thang, co BHXH."
        " Nop ho so tai UBND xa truoc 30/11. Nhan HUY de ngung nhan tin.")


def conf_text(phones, db, delay):
    groups = []
    for i, phone in enumerate(phones):
        groups.append('  { name = "m%d"; model = "dummy"; connection = "none"; device = "%s";'
                      ' pin = ""; poll_interval_ms = %d; send_delay_ms = %d; operators = "%s";'
                      ' same_text_per_5min = 0; same_text_per_hour = 0; same_text_per_day = 0; }'
                      % (i + 1, phone, benchlib.env_int("BENCH_POLL_MS", 1000), delay,
                         OPERATORS[i % len(OPERATORS)][0]))
    return ('modems = (\n%s\n);\ndatabase = { path = "%s"; };\nlog = { level = "info"; };\n'
            'broadcast = { quiet_start = "00:00"; quiet_end = "00:00"; daily_cap = 0; };\n'
            % (",\n".join(groups), db))


def recipients(n_modems, m):
    return [OPERATORS[i % n_modems][1] % (i + 1) for i in range(m)]


def by_modem(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        return dict(c.execute("SELECT phone, modem FROM outbox WHERE status = 'sent'").fetchall())
    finally:
        c.close()


def one_run(exe, n, m, delay, timeout):
    wd = benchlib.new_workdir("bench-modems-")
    try:
        phones = [os.path.join(wd, "phone%d" % i) for i in range(n)]
        capture, db, conf = os.path.join(wd, "sent"), os.path.join(wd, "gw.db"), \
            os.path.join(wd, "gateway.conf")
        for p in phones + [capture]:
            os.makedirs(p)
        text = conf_text(phones, db, delay)
        with open(conf, "w") as f:
            f.write(text)
        benchlib.ctl(conf, "init")
        to = recipients(n, m)
        benchlib.queue_broadcast(db, to, TEXT)
        child = benchlib.Child([exe, "-f", "-c", conf], benchlib.capture_env(capture),
                               os.path.join(wd, "daemon.log"))
        fol = benchlib.CaptureFollower(capture)
        end = time.monotonic() + timeout
        while time.monotonic() < end and len(fol.done) < m and child.alive():
            fol.poll()
            time.sleep(0.05)
        usage = child.stop()
        fol.poll()
        return analyse(fol, by_modem(db), to, n, m, delay, usage, text)
    finally:
        benchlib.remove_workdir(wd)


def analyse(fol, modem_of, to, n, m, delay, usage, conf):
    dns = delay * 1_000_000
    parts = sorted(fol.parts, key=lambda p: p["sent_at_ns"])
    res = {"modems": n, "m": m, "send_delay_ms": delay, "sent": len(fol.done), "config": conf}
    res.update(usage)
    if not parts:
        return res
    # a part's timestamp is taken when GSM_SendSMS returns: the modem was
    # busy the D ms before it (send_delay_ms is slept inside the call)
    start, stop = parts[0]["sent_at_ns"] - dns, parts[-1]["sent_at_ns"]
    wall = (stop - start) / 1e9
    per = {}
    for p in parts:
        mod = modem_of.get(p["to"], "?")
        per[mod] = per.get(mod, 0) + 1
    own = sum(1 for i, phone in enumerate(to)
              if modem_of.get(phone) == "m%d" % (i % n + 1))
    res.update({"wall_s": round(wall, 3), "msgs_per_s": round(len(fol.done) / wall, 3),
                "busy": {k: round(v * delay / 1000.0 / wall, 4) for k, v in sorted(per.items())},
                "own_sim": own})
    return res


SIM_OPERATORS = ["Viettel", "VinaPhone", "MobiFone"]


def one_run_at(exe, n, m, timeout):
    """The same broadcast on n AT modem simulators."""
    wd = benchlib.new_workdir("bench-modems-at-")
    sims = []
    child = None
    try:
        sims = [soaklib.ModemSim(wd, "--operator", SIM_OPERATORS[i], "--seed", str(11 + i),
                                 name="sim%d" % i) for i in range(n)]
        db, conf = os.path.join(wd, "gw.db"), os.path.join(wd, "gateway.conf")
        groups = ['  { name = "m%d"; model = "at"; connection = "at"; device = "%s";'
                  ' operators = "%s"; poll_interval_ms = %d; same_text_per_5min = 0;'
                  ' same_text_per_hour = 0; same_text_per_day = 0; }'
                  % (i + 1, sims[i].link, OPERATORS[i][0], benchlib.env_int("BENCH_POLL_MS", 1000))
                  for i in range(n)]
        text = ('modems = (\n%s\n);\ndatabase = { path = "%s"; };\nlog = { level = "info"; };\n'
                'broadcast = { quiet_start = "00:00"; quiet_end = "00:00"; daily_cap = 0; };\n'
                % (",\n".join(groups), db))
        with open(conf, "w") as f:
            f.write(text)
        benchlib.ctl(conf, "init")
        to = recipients(n, m)
        benchlib.queue_broadcast(db, to, TEXT)
        child = benchlib.Child([exe, "-f", "-c", conf], dict(os.environ),
                               os.path.join(wd, "daemon.log"))
        end = time.monotonic() + timeout
        while time.monotonic() < end and child.alive() and \
                sum(len(s.sent()) for s in sims) < m:
            time.sleep(0.1)
        usage = child.stop()
        child = None
        times = sorted(rec["t"] for s in sims for rec in s.sent())
        res = {"modems": n, "m": m, "sent": len(times), "config": text}
        res.update(usage)
        if len(times) > 1:
            wall = (times[-1] - times[0]) / 1e9 * len(times) / (len(times) - 1)
            res.update({"wall_s": round(wall, 3), "msgs_per_s": round(len(times) / wall, 3),
                        "per_modem": [len(s.sent()) for s in sims]})
        return res
    finally:
        if child:
            child.stop()
        for s in sims:
            s.stop()
        benchlib.remove_workdir(wd)


def summarise(runs, m, keys):
    summary = {}
    for n, rs in runs.items():
        ok = [r for r in rs if r.get("sent") == m]
        summary[n] = {k: benchlib.median([f(r) for r in ok]) if ok else None
                      for k, f in keys.items()}
        summary[n]["complete_runs"] = len(ok)
    one = summary.get("1", {}).get("msgs_per_s")
    for n, s in summary.items():
        s["scaling"] = round(s["msgs_per_s"] / (int(n) * one), 3) if one and s["msgs_per_s"] \
            else None
    return summary


def main():
    exe = os.environ.get("BENCH_GATEWAYD") or os.path.join(benchlib.BUILD, "bin", "gatewayd")
    benchlib.need([exe, benchlib.GATEWAYCTL, benchlib.CAPTURE])
    m = benchlib.env_int("BENCH_MODEMS_M", 300)
    delay = benchlib.env_int("BENCH_SEND_DELAY_MS", 300)
    nruns = benchlib.env_int("BENCH_RUNS", 3)
    counts = [int(x) for x in os.environ.get("BENCH_MODEMS_N", "1,2,3").split(",") if x]
    timeout = benchlib.env_int("BENCH_TIMEOUT", 300)
    runs = {}
    for n in counts:
        for k in range(nruns):
            benchlib.log("modems: %d modem(s), run %d/%d, %d messages" % (n, k + 1, nruns, m))
            runs.setdefault(str(n), []).append(one_run(exe, n, m, delay, timeout))
    summary = summarise(runs, m, {
        "msgs_per_s": lambda r: r["msgs_per_s"], "wall_s": lambda r: r["wall_s"],
        "busy_min": lambda r: min(r["busy"].values()),
        "busy_max": lambda r: max(r["busy"].values()), "own_sim": lambda r: r["own_sim"],
        "max_rss_kib": lambda r: r.get("max_rss_kib") or 0})
    rows = [[n, "%d/%d" % (s["complete_runs"], nruns), fmt(s["wall_s"], "%.1f"),
             fmt(s["msgs_per_s"], "%.2f"), fmt(s["scaling"], "%.2f"),
             "%s-%s" % (fmt(s["busy_min"] and 100 * s["busy_min"], "%.1f"),
                        fmt(s["busy_max"] and 100 * s["busy_max"], "%.1f")),
             "%s/%d" % (fmt(s["own_sim"], "%.0f"), m),
             fmt(s["max_rss_kib"] and s["max_rss_kib"] / 1024, "%.1f")]
            for n, s in summary.items()]
    benchlib.print_table("Broadcast throughput with several modems (%d one-part messages, %d ms a"
                         " part, medians of %d runs)" % (m, delay, nruns),
                         ["modems", "complete", "wall s", "msgs/s", "x N of one", "busy %",
                          "own SIM", "RSS MiB"], rows)
    at_m = benchlib.env_int("BENCH_MODEMS_AT_M", 60)
    at_runs_n = benchlib.env_int("BENCH_MODEMS_AT_RUNS", 1)
    at_runs, at_summary = {}, {}
    if at_m > 0:
        for n in counts:
            for k in range(at_runs_n):
                benchlib.log("modems (AT simulator): %d modem(s), run %d/%d, %d messages"
                             % (n, k + 1, at_runs_n, at_m))
                at_runs.setdefault(str(n), []).append(one_run_at(exe, n, at_m, timeout))
        at_summary = summarise(at_runs, at_m, {
            "msgs_per_s": lambda r: r["msgs_per_s"], "wall_s": lambda r: r["wall_s"],
            "max_rss_kib": lambda r: r.get("max_rss_kib") or 0})
        benchlib.print_table("The same on the AT modem simulator (%d messages, medians of %d"
                             " run(s))" % (at_m, at_runs_n),
                             ["modems", "complete", "wall s", "msgs/s", "x N of one", "RSS MiB"],
                             [[n, "%d/%d" % (s["complete_runs"], at_runs_n),
                               fmt(s["wall_s"], "%.1f"), fmt(s["msgs_per_s"], "%.2f"),
                               fmt(s["scaling"], "%.2f"),
                               fmt(s["max_rss_kib"] and s["max_rss_kib"] / 1024, "%.1f")]
                              for n, s in at_summary.items()])
    benchlib.write_result("modems", {"workload": {"m": m, "send_delay_ms": delay, "runs": nruns,
                                                  "modems": counts, "at_m": at_m,
                                                  "at_runs": at_runs_n},
                                     "runs": runs, "summary": summary,
                                     "at_runs": at_runs, "at_summary": at_summary})
    return 0


if __name__ == "__main__":
    sys.exit(main())
