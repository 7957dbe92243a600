#!/usr/bin/env python3
"""gatewayd behind Debian's bearerbox and smsbox at a rising rate (issue 17).

    python3 bench/kannel_gatewayd.py            # rates 50..1000/s, 20 s each
    BENCH_KANNEL_RATES=100,300 BENCH_KANNEL_SECONDS=10 python3 bench/kannel_gatewayd.py
    BENCH_KANNEL_LINK=box python3 bench/kannel_gatewayd.py   # no smsbox

All three processes on this machine: a fake SMSC (Kannel's line protocol,
tests/integration/kannellib.py) writes questions (the fixture texts whose
answer is one reply, a new household number each) to bearerbox at R/s;
smsbox calls gatewayd's /kannel/mo with issue 17's get-url; gatewayd (the
optimised build of build/bench) stores, answers and sends each answer
through smsbox's sendsms with a delivery report asked for; the answer's
last part arriving at the fake SMSC ends the question's latency (MO line
written -> answer there, CLOCK_MONOTONIC in this process). Each rate runs
BENCH_KANNEL_SECONDS, then waits up to 30 s for the answers; a rate keeps
up when every question was answered, answers/s (answered / (last answer -
first question)) is within 5 % of R and p95 < 1 s. The run stops at the
first rate that falls behind; the sustained figure is the highest rate
that kept up. Kannel: store-type file, log-level 1 (the recommended
settings of config/kannel.conf.example). CPU per process from /proc.
With BENCH_KANNEL_LINK=box gatewayd is a box of bearerbox itself
(kannel.link = "box", an smsbox-route giving it the fake SMSC's messages)
and no smsbox runs; results then go to kannel_gatewayd_box.json.
SKIP without bearerbox/smsbox. Results: bench/results/kannel_gatewayd.json.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
os.environ.setdefault("GW_BUILD", os.environ.get("BENCH_BUILD", os.path.join(TOP, "build", "bench")))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import benchlib  # noqa: E402
import kannellib as kl  # noqa: E402
from kannel_hops import CpuMeter, lat_summary  # noqa: E402
from kannelgw import BOX_ROUTE, KannelBoxGateway, KannelGateway, questions  # noqa: E402



def with_children(pid):
    """pid and its child processes (gatewayd's workers: the Kannel link)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [pid] + [int(x) for x in f.read().split()]
    except OSError:
        return [pid]


def run_rate(fake, texts, rate, seconds, base, drain=30.0):
    """Offer rate/s for seconds from numbers base+i; the step's figures."""
    n = int(rate * seconds)
    sent = {}
    t_first = time.monotonic()
    step = 0.02
    i = 0
    while i < n:
        due = min(n, int((time.monotonic() - t_first) * rate) + 1)
        lines = []
        now = time.monotonic()
        for k in range(i, due):
            sender = "+8491%07d" % (base + k)
            sent[sender.lstrip("+")] = now
            lines.append(fake.line_text(sender, "8100", texts[(base + k) % len(texts)]))
        if lines:
            fake.send_lines(lines)
        i = due
        time.sleep(step)
    t_offered = time.monotonic()
    last = {}

    def collect():
        for m in fake.take_mt():
            r = (m.get("receiver") or "").lstrip("+")
            if r in sent:
                last[r] = max(last.get(r, 0), m["t"])
        return len(last) >= n

    end = t_offered + drain
    while not collect() and time.monotonic() < end:
        time.sleep(0.05)
    t_in_time = t_offered + 2.0  # answered within 2 s of the last question
    lat = [last[r] - sent[r] for r in last]
    res = {"rate": rate, "offered": n, "answered": len(last),
           "answered_in_time": sum(1 for t in last.values() if t <= t_in_time),
           "answers_per_s": round(len(last) / (max(last.values()) - t_first), 1) if last else 0,
           "offer_per_s": round(n / (t_offered - t_first), 1), "latency_ms": lat_summary(lat)}
    p95 = res["latency_ms"]["p95"]
    res["kept_up"] = (len(last) == n and res["answers_per_s"] >= 0.95 * rate
                      and p95 is not None and p95 < 1000)
    return res


def main():
    if not kl.find_binaries():
        print("SKIP: bearerbox/smsbox not installed (tools/deps.sh bench installs kannel)")
        return 0
    rates = [int(x) for x in os.environ.get("BENCH_KANNEL_RATES",
                                            "50,100,200,300,400,600,800,1000").split(",")]
    seconds = benchlib.env_int("BENCH_KANNEL_SECONDS", 20)
    texts = questions()
    workdir = benchlib.new_workdir("gw-bench-kannel-")
    box = os.environ.get("BENCH_KANNEL_LINK", "sendsms") == "box"
    extra = os.environ.get("BENCH_KANNEL_EXTRA", "")
    sendsms_port = kl.free_port()
    if box:
        conf = kl.KannelConf(workdir, store_type="file", log_level=1, extra_groups=[BOX_ROUTE])
        # as many box connections as sendsms senders: the default 4
        g = KannelBoxGateway(conf.box_port, senders=4, kannel_extra=extra)
    else:
        # no rate limit in the way: each question comes from a new number
        g = KannelGateway(sendsms_port, kannel_extra=extra)
    with open(g.conf) as f:  # a log line per message is not what is measured
        text = f.read().replace('level = "info"', 'level = "notice"')
    with open(g.conf, "w") as f:
        f.write(text)
    if not box:
        conf = kl.KannelConf(workdir, mo_url=g.mo_url(), sendsms_port=sendsms_port,
                             store_type="file", log_level=1, http_request_retry=100,
                             http_queue_delay=1, max_pending_requests=512)
    k = kl.Kannel(conf)
    results = {"command": "%spython3 bench/kannel_gatewayd.py"
               % ("BENCH_KANNEL_LINK=box " if box else ""), "seconds_per_rate": seconds,
               "link": "box" if box else "sendsms",
               "gatewayd": os.path.relpath(os.path.join(os.environ["GW_BUILD"], "bin", "gatewayd"),
                                           TOP),
               "steps": [], "machine": benchlib.machine(), "load_before": benchlib.loadavg()}
    fake = None
    try:
        if box:
            k.start_bearerbox()
        else:
            k.start()
        fake = kl.FakeSMSC(conf.fake_port)
        kl.wait_until(lambda: k.smsc_online(), 15)
        g.start()
        # warm up: content caches, keep-alive connections
        warm = run_rate(fake, texts, 20, 1, 9000000)
        benchlib.log("warm-up: %d/%d answered" % (warm["answered"], warm["offered"]))
        base = 0
        for rate in rates:
            meter = CpuMeter({"bearerbox": lambda: k.members("bearerbox"),
                              "smsbox": lambda: k.members("smsbox"),
                              "gatewayd": lambda: with_children(g.proc.pid)})
            meter.start()
            res = run_rate(fake, texts, rate, seconds, base)
            res["cpu_pct"] = meter.stop()
            base += res["offered"]
            results["steps"].append(res)
            benchlib.log("rate %4d/s: %d/%d answered, %.0f answers/s, p50 %s ms, p95 %s ms,"
                         " CPU %% bb/sb/gw %s/%s/%s, machine %s %%%s"
                         % (rate, res["answered"], res["offered"], res["answers_per_s"],
                            res["latency_ms"]["median"], res["latency_ms"]["p95"],
                            res["cpu_pct"]["bearerbox"], res["cpu_pct"]["smsbox"],
                            res["cpu_pct"]["gatewayd"], res["cpu_pct"]["machine_busy"],
                            "" if res["kept_up"] else "  <- falls behind"))
            if not res["kept_up"]:
                break
        kept = [s for s in results["steps"] if s["kept_up"]]
        best = max(kept, key=lambda s: s["rate"]) if kept else None
        results["sustained"] = ({"answers_per_s": best["answers_per_s"], "rate": best["rate"],
                                 "p50_ms": best["latency_ms"]["median"],
                                 "p95_ms": best["latency_ms"]["p95"]} if best else None)
        results["dlr_recorded"] = g.q1("SELECT count(*) FROM outbox WHERE dlr <> ''")
        results["outbox_rows"] = g.q1("SELECT count(*) FROM outbox")
        results["load_after"] = benchlib.loadavg()
    finally:
        if fake:
            fake.close()
        g.stop()
        g.close()
        k.close()
        benchlib.remove_workdir(workdir)
    s = results.get("sustained")
    benchlib.log("sustained: %s" % ("%.0f answers/s (rate %d/s), p50 %s ms, p95 %s ms"
                                    % (s["answers_per_s"], s["rate"], s["p50_ms"], s["p95_ms"])
                                    if s else "no rate kept up"))
    benchlib.write_result("kannel_gatewayd_box" if box else "kannel_gatewayd", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
