#!/usr/bin/env python3
"""USSD load: --concurrency sessions at once (100) send --requests requests
(10,000) to the daemon's USSD callback (gateway/ussd/ussd_http.c), as an
aggregator would. Every request must be answered (200 with "CON "/"END ")
or cleanly refused (the connection closed at once or an HTTP 503, or the
gateway's "END ... he thong dang ban" when the database is busy) - never
left hanging past --timeout, never a 5xx crash, never a wrong screen.

Screens are checked against a reference: first the campaign walks
--scripts session scripts one at a time (a seeded random walk through the
numbered menus: pick a listed option, sometimes 0 = back or 00 = main
menu) and records the screen each step gives; under load every worker
replays those scripts with fresh session ids and phone numbers, and
each answered screen must be the recorded one (a session mixed up with
another, or a half-applied retry, shows as a different screen). An SMS
household is answered meanwhile (the modem side is not starved).

  ussd_load.py                                 # 100 concurrent, 10,000 requests
  ussd_load.py --concurrency 20 --requests 600 # short
"""
import argparse
import collections
import http.client
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import soaklib as S  # noqa: E402
from soaklib import check, figure  # noqa: E402
import gwtest  # noqa: E402

SECRET = "load-secret"
CODE = "*384*123#"
BUSY = "he thong dang ban"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(port, sid, phone, text, timeout):
    """(outcome, status, body, seconds); outcome in ok / refused / timeout / error."""
    body = urllib.parse.urlencode({"sessionId": sid, "serviceCode": CODE, "phoneNumber": phone,
                                   "text": text})
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/ussd", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Gateway-Secret": SECRET})
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace").rstrip("\n")
        dt = time.monotonic() - t0
        if r.status == 200 and data[:4] in ("CON ", "END "):
            return ("refused" if BUSY in data else "ok"), r.status, data, dt
        if r.status in (503, 429):
            return "refused", r.status, data, dt
        return "error", r.status, data, dt
    except socket.timeout:
        return "timeout", None, "", time.monotonic() - t0
    except (ConnectionResetError, ConnectionRefusedError, BrokenPipeError,
            http.client.RemoteDisconnected) as e:
        dt = time.monotonic() - t0
        # closed at once: the connection limit; closed late: a failure
        return ("refused" if dt < 1.0 else "error"), None, repr(e), dt
    except OSError as e:
        return "error", None, repr(e), time.monotonic() - t0
    finally:
        c.close()


def options(screen):
    """Numbered choices a screen offers ("1. ...", "2. ...")."""
    return re.findall(r"(?m)^(\d+)\. ", screen)


def make_scripts(port, n, steps, r, timeout):
    """Walk n sessions one at a time; returns [[(path, screen), ...], ...]."""
    scripts = []
    for i in range(n):
        phone = "+8490977%04d" % i
        sid = "ref-%d" % i
        path, out = [], []
        for k in range(steps):
            text = "*".join(path)
            oc, st, body, _ = post(port, sid, phone, text, timeout)
            if oc != "ok":
                raise RuntimeError("reference walk: %s %s %r" % (oc, st, body))
            out.append((text, body))
            if body.startswith("END "):
                break
            opts = options(body)
            roll = r.random()
            if opts and roll < 0.8:
                path.append(r.choice(opts))
            elif k > 0 and roll < 0.92:
                path.append("0")
            else:
                path.append("00")
        scripts.append(out)
    return scripts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--scripts", type=int, default=40)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds a request may take")
    ap.add_argument("--retries", type=int, default=3, help="retries of a refused request")
    ap.add_argument("--build", choices=("opt", "san"), default="opt")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    work = S.make_workdir("gw-ussd-")
    gwtest.GATEWAYD, gwtest.GATEWAYCTL = S.private_bins(args.build, os.path.join(work, "bin"))
    port = free_port()
    print("USSD load: %d concurrent sessions, %d requests, %s build, seed %d, port %d"
          % (args.concurrency, args.requests, args.build, args.seed, port), flush=True)
    g = gwtest.Gateway('ussd = { enabled = true; listen = "127.0.0.1"; port = %d; path = "/ussd";'
                       ' secret = "%s"; timeout = 10; };' % (port, SECRET))
    t0 = time.monotonic()
    try:
        g.start()

        def port_open():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False
        check("USSD port open (bounded wait)", S.wait_for(port_open, 30))
        run(args, g, port)
        rc = g.stop()
        check("daemon stops cleanly after the load", rc == 0, rc)
        log = g.daemon_log()
        check("no sanitizer report", "ERROR: AddressSanitizer" not in log and
              "runtime error" not in log, log[-2000:])
    finally:
        g.stop()
        S.cleanup(g.dir, args.keep or S.failures > 0)
    figure("elapsed (s)", "%.0f" % (time.monotonic() - t0))
    rc = S.finish("ussd_load")
    S.cleanup(work, args.keep)
    return rc


def run(args, g, port):
    r = random.Random(args.seed)
    scripts = make_scripts(port, args.scripts, args.steps, r, args.timeout)
    figure("reference scripts / steps", "%d / %d" % (len(scripts), sum(len(s) for s in scripts)))

    lock = threading.Lock()
    budget = [args.requests]
    outcomes = collections.Counter()
    latencies = []
    wrong = []
    errors = []
    retried = [0]
    sessions = [0]

    def take():
        with lock:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            return True

    def worker(w):
        wr = random.Random(args.seed * 1000 + w)
        n = 0
        while True:
            script = scripts[wr.randrange(len(scripts))]
            n += 1
            sid = "w%d-s%d" % (w, n)
            # a new household each session: what a session leaves (a job
            # applied for) changes the next one's screens, as it should
            phone = "+849%03d%05d" % (100 + w, n)
            with lock:
                sessions[0] += 1
            for text, want in script:
                if not take():
                    return
                for attempt in range(args.retries + 1):
                    oc, st, body, dt = post(port, sid, phone, text, args.timeout)
                    if oc != "refused" or attempt == args.retries:
                        break
                    with lock:
                        retried[0] += 1
                    time.sleep(0.05 * (attempt + 1))
                with lock:
                    outcomes[oc] += 1
                    latencies.append(dt)
                    if oc == "ok" and body != want:
                        wrong.append((sid, text, want[:60], body[:60]))
                    elif oc in ("error", "timeout"):
                        errors.append((sid, text, st, body[:100], round(dt, 2)))
                if oc != "ok":
                    break  # the aggregator drops a session it could not continue

    # an SMS household asks during the load
    sms_phone = "+84909990001"
    threads = [threading.Thread(target=worker, args=(w,), daemon=True)
               for w in range(args.concurrency)]
    t_load = time.monotonic()
    cpu0 = S.daemon_cpu_s(g.proc.pid)
    for th in threads:
        th.start()
    g.inject(sms_phone, "UT 4242")
    t_sms = time.monotonic()
    sms_ok = S.wait_for(lambda: len(g.sent_to(sms_phone)) >= 1, 120, 0.05)
    sms_latency = time.monotonic() - t_sms
    for th in threads:
        th.join(timeout=args.timeout * (args.retries + 2) * args.steps + 600)
    load_s = time.monotonic() - t_load
    cpu1 = S.daemon_cpu_s(g.proc.pid)
    total = sum(outcomes.values())

    figure("build", "optimised (-O2)" if args.build == "opt" else "sanitized (ASan+UBSan)")
    figure("concurrent sessions", args.concurrency)
    figure("requests", total)
    figure("sessions", sessions[0])
    figure("answered / refused / timed out / errors", "%d / %d / %d / %d" % (
        outcomes["ok"], outcomes["refused"], outcomes["timeout"], outcomes["error"]))
    figure("retries after a refusal", retried[0])
    figure("throughput (requests/s)", "%.0f" % (total / load_s if load_s else 0))
    if latencies:
        lat = sorted(latencies)
        figure("latency median / p95 / max (s)", "%.3f / %.3f / %.3f" % (
            statistics.median(lat), lat[int(0.95 * (len(lat) - 1))], lat[-1]))
    figure("daemon cpu during the load (s)", "%.1f" % (cpu1 - cpu0)
           if cpu0 is not None and cpu1 is not None else "?")
    figure("SMS answered during the load after (s)", "%.1f" % sms_latency if sms_ok else "never")

    check("every thread finished", not any(th.is_alive() for th in threads))
    check("all %d requests made" % args.requests, total == args.requests, total)
    check("every request answered or cleanly refused (no timeout, no error)",
          outcomes["timeout"] == 0 and outcomes["error"] == 0, errors[:5])
    check("every answered screen is the one its session should see", not wrong, wrong[:5])
    check("most requests answered (>= 90%)", outcomes["ok"] >= 0.9 * total, dict(outcomes))
    check("an SMS is answered during the load", sms_ok, g.q("SELECT status FROM inbox"))
    check("daemon alive", g.proc.poll() is None)


if __name__ == "__main__":
    sys.exit(main())
