#!/usr/bin/env python3
"""Throughput and latency of the Kannel hops gatewayd will sit behind
(issue 17), with a fast stand-in application instead of gatewayd.

    python3 bench/kannel_hops.py                 # the standard table (~4 min)
    python3 bench/kannel_hops.py --quick         # fewer messages (~1 min)
    python3 bench/kannel_hops.py --only mo,loop  # some scenarios
    python3 bench/kannel_hops.py --case 'loop rate=300 n=3000 pool=8'

Scenarios (each a fresh bearerbox + smsbox, fake SMSC, spool store):
  mo    fake SMSC -> bearerbox -> smsbox -> get-url (or post-url) of the app,
        the app answers 200 at once. Messages/s and latency (MO line written
        -> request at the app).
  mt    sendsms -> smsbox -> bearerbox -> fake SMSC line. `conc` HTTP/1.1
        keep-alive connections (0 = a new connection per request).
        Accepted/s (sendsms answers), delivered/s (MT lines), latency
        (request written -> MT line).
  loop  MO -> app -> the app answers 200 and sends the answer through
        sendsms on `pool` keep-alive connections -> MT line. Answers/s and
        latency MO line written -> answer MT line (the issue-17 path).
`rate=R` paces the MO/MT offer at R/s (0 = all at once); `dlr=31` adds
dlr-mask/dlr-url to every answer (the app receives the reports too);
`delay=MS` makes the app take MS ms before answering each request;
`pending=N` is smsbox's max-pending-requests, `log=0` debug logging (1 =
info, the default here), `method=post` post-url instead of get-url,
`app_close=1` the app closes the connection after each answer,
`smsboxes=2` a second smsbox on the same bearerbox, `thr=N` the fake SMSC's
throughput setting, `pool=N` the app's sendsms connections.

The stand-in app is an asyncio HTTP/1.1 server in its own process (so it
gets a core of its own when one is free). Timestamps are CLOCK_MONOTONIC,
which is shared between processes. CPU per process comes from
/proc/PID/stat over the measured interval. Nothing is asserted: it reports.
Results: bench/results/kannel_hops.json.
"""
import argparse
import asyncio
import multiprocessing as mp
import os
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import benchlib  # noqa: E402
import kannelbox as kb  # noqa: E402
import kannellib as kl  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- stand-in app

async def _read_response(reader):
    """Status and body of one HTTP/1.1 response (Content-Length framed)."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed")
    status = int(line.split(b" ", 2)[1])
    clen = 0
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        if h[:15].lower() == b"content-length:":
            clen = int(h[15:])
    body = await reader.readexactly(clen) if clen else b""
    return status, body


class SendsmsPool:
    """`size` keep-alive connections to smsbox's sendsms, fed from a queue
    of request targets; records (t_done, status, tag)."""

    def __init__(self, port, size):
        self.port, self.size = port, size
        self.queue = asyncio.Queue()
        self.done = []
        self.tasks = [asyncio.ensure_future(self._worker()) for _ in range(max(size, 1))]

    async def _worker(self):
        reader = writer = None
        while True:
            target, tag = await self.queue.get()
            for attempt in range(3):
                try:
                    if writer is None or self.size == 0:
                        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    st, _ = await _read_response(reader)
                    self.done.append((time.monotonic(), st, tag))
                    if self.size == 0:
                        writer.close()
                        writer = None
                    break
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                    writer = None
            else:
                self.done.append((time.monotonic(), -1, tag))


def app_process(pipe, port_box, conf):
    """The stand-in application: answers every request 200 'ok'; in
    loop mode a /kannel/mo request also queues an answer on the sendsms
    pool. Talks to the driver over `pipe` (dump / stop)."""
    async def main():
        arrivals = []
        pool = None
        if conf.get("answer"):
            pool = SendsmsPool(conf["sendsms_port"], conf.get("pool", 4))
        close_each = conf.get("app_close", False)
        delay = conf.get("delay_ms", 0) / 1000.0
        dlr = conf.get("dlr")
        my_port = []

        async def handle(reader, writer):
            try:
                while True:
                    line = await reader.readline()
                    if not line:
                        break
                    clen = 0
                    while True:
                        h = await reader.readline()
                        if h in (b"\r\n", b"\n", b""):
                            break
                        if h[:15].lower() == b"content-length:":
                            clen = int(h[15:])
                    body = await reader.readexactly(clen) if clen else b""
                    target = line.split(b" ", 2)[1]
                    now = time.monotonic()
                    route, _, qs = target.partition(b"?")
                    arrivals.append((now, route.decode(), qs.decode("latin-1"), body))
                    if pool is not None and route == b"/kannel/mo":
                        args = dict(urllib.parse.parse_qsl(qs.decode("latin-1")))
                        text = body.decode("latin-1") if body else args.get("text", "")
                        tag = text.replace("m", "a", 1)
                        q = [("username", "gw"), ("password", "gw-pw"), ("from", "8100"),
                             ("to", args.get("from", "")), ("text", tag), ("charset", "UTF-8")]
                        if dlr:
                            q += [("dlr-mask", str(dlr)), ("dlr-url", "http://127.0.0.1:%d/kannel/"
                                   "dlr?id=%s&type=%%d" % (my_port[0], tag))]
                        target = "/cgi-bin/sendsms?" + urllib.parse.urlencode(q)
                        pool.queue.put_nowait((target.encode(), tag))
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 b"Content-Length: 2\r\n" +
                                 (b"Connection: close\r\n" if close_each else b"") +
                                 b"\r\nok")
                    await writer.drain()
                    if close_each:
                        break
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", conf["port"], backlog=1024)
        my_port.append(server.sockets[0].getsockname()[1])
        port_box.put(my_port[0])
        loop = asyncio.get_running_loop()
        while True:
            cmd = await loop.run_in_executor(None, pipe.recv)
            if cmd == "dump":
                pipe.send({"arrivals": [(t, r, q + ("&text=" + urllib.parse.quote(b) if b else ""))
                                        for t, r, q, b in arrivals],
                           "sent": pool.done if pool else []})
            elif cmd == "stop":
                server.close()
                pipe.send("bye")
                return
    asyncio.run(main())


def box_process(pipe, port_box, conf):
    """Stand-in application speaking the box protocol to bearerbox directly
    (no smsbox): acks each MO and report, answers each MO with one MT sms."""
    arrivals = []
    lock = threading.Lock()
    dlr = conf.get("dlr")

    def on_sms(m):
        now = time.monotonic()
        if m["sms_type"] == kb.MO:
            tag = m["msgdata"].decode("utf-8", "replace")
            with lock:
                arrivals.append((now, "/kannel/mo", "text=" + tag))
            box.send_mt(m["receiver"], m["sender"], tag.replace("m", "a", 1),
                        dlr_mask=dlr, dlr_url=("id=%s" % tag.replace("m", "a", 1)) if dlr else None)
        else:
            with lock:
                arrivals.append((now, "/kannel/dlr", m["dlr_url"].decode() + "&type=%d"
                                 % m["dlr_mask"]))
        return True
    box = kb.BoxClient(conf["box_port"], on_sms=on_sms)
    port_box.put(0)
    while True:
        cmd = pipe.recv()
        if cmd == "dump":
            with lock:
                pipe.send({"arrivals": list(arrivals), "sent": []})
        elif cmd == "stop":
            box.close()
            pipe.send("bye")
            return


class App:
    def __init__(self, target=None, **conf):
        conf.setdefault("port", 0)
        self.pipe, child = mp.Pipe()
        q = mp.Queue()
        self.proc = mp.Process(target=target or app_process, args=(child, q, conf), daemon=True)
        self.proc.start()
        self.port = q.get(timeout=10)
        self.base = "http://127.0.0.1:%d" % self.port

    def dump(self):
        self.pipe.send("dump")
        return self.pipe.recv()

    def close(self):
        self.pipe.send("stop")
        self.pipe.recv()
        self.proc.join(5)


# ---------------------------------------------------------------- measuring

def cpu_ticks(pids):
    t = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            t += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return t


class CpuMeter:
    def __init__(self, groups):
        self.groups = groups  # name -> callable giving pids

    @staticmethod
    def _sys():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]

    def start(self):
        self.s0 = self._sys()
        self.t0 = time.monotonic()
        self.c0 = {n: cpu_ticks(f()) for n, f in self.groups.items()}

    def stop(self):
        dt = time.monotonic() - self.t0
        res = {n: round(100.0 * (cpu_ticks(f()) - self.c0[n]) / CLK_TCK / dt, 1)
               for n, f in self.groups.items()}
        tot, idle = self._sys()
        # share of all cores busy (anyone's work), in % of one core
        res["machine_busy"] = round(100.0 * os.cpu_count() *
                                    (1 - (idle - self.s0[1]) / max(1, tot - self.s0[0])), 1)
        return res


async def sendsms_flood(port, targets, conc, rate):
    """Send (target, tag) requests on `conc` keep-alive connections (0: a
    connection per request, 32 at a time); returns [(t_sent, t_done, status, tag)]."""
    q = asyncio.Queue()
    out = []
    t_start = time.monotonic()
    for i, x in enumerate(targets):
        q.put_nowait((i, x))

    async def worker():
        reader = writer = None
        while not q.empty():
            i, (target, tag) = q.get_nowait()
            if rate:
                delay = t_start + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            t0 = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                             (b"Connection: close\r\n" if conc == 0 else b"") + b"\r\n")
                st, _ = await _read_response(reader)
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                st, writer = -1, None
            out.append((t0, time.monotonic(), st, tag))
            if conc == 0 and writer is not None:
                writer.close()
                writer = None
    await asyncio.gather(*[worker() for _ in range(conc or 32)])
    return out


def rate_of(times, t_first=None):
    """Events per second from t_first (the first offer) to the last event;
    without t_first, from the first event (the spread of the events)."""
    if len(times) < 2:
        return None
    t0 = min(times) if t_first is None else t_first
    return len(times) / (max(times) - t0) if max(times) > t0 else None


def lat_summary(lat):
    s = benchlib.summary(lat)
    return {k: (round(v * 1000, 1) if v is not None else None) for k, v in s.items()}


# ---------------------------------------------------------------- scenarios

def kannel_for(case, app_base, workdir):
    post = case.get("method") == "post"
    url = app_base + "/kannel/mo?" + (
        "from=%p&to=%P&id=%I&smsc=%i&charset=%C&coding=%c&time=%t" if post else kl.MO_QUERY)
    kw = dict(log_level=case.get("log", 1), user_max_messages=10,
              max_pending_requests=case.get("pending"), http_request_retry=case.get("retry"),
              http_queue_delay=10 if case.get("retry") else None,
              smsc_throughput=case.get("thr"), access_log=bool(case.get("alog")),
              store_type={"none": None}.get(case.get("store", "spool"), case.get("store", "spool")))
    if case.get("store") == "shm":
        # a spool on tmpfs: the spool's cost without the disk's
        kw["store_type"] = "spool"
        kw["spool"] = os.path.join("/dev/shm", os.path.basename(workdir.rstrip("/")) + "-spool")
    conf = kl.KannelConf(workdir, mo_url=url, mo_method="post" if post else "get", **kw)
    return kl.Kannel(conf=conf)


def run_case(case):
    kind = case["kind"]
    n = case.get("n", 2000)
    rate = case.get("rate", 0)
    workdir = benchlib.new_workdir("kannel-bench-")
    # the app must know smsbox's sendsms port before it starts: pick ports first
    sendsms_port = kl.free_port()
    k = None
    app = None
    try:
        dlr = case.get("dlr")
        app = App(answer=(kind == "loop"), sendsms_port=sendsms_port, pool=case.get("pool", 4),
                  app_close=bool(case.get("app_close")), dlr=dlr,
                  delay_ms=case.get("delay", 0))
        k = kannel_for(case, app.base, workdir)
        k.conf.sendsms_port = sendsms_port
        k.conf.write()
        if kind == "box":
            app.close()
            k.start_bearerbox()
            app = App(target=box_process, box_port=k.conf.box_port, dlr=dlr)
            kl.wait_until(k.smsbox_connected, 10)
        else:
            k.start()
        if case.get("smsboxes", 1) > 1:
            for extra in range(1, case["smsboxes"]):
                c2 = kl.KannelConf(workdir, mo_url=k.conf.mo_url, mo_method=k.conf.mo_method,
                                   admin_port=k.conf.admin_port, box_port=k.conf.box_port,
                                   fake_port=k.conf.fake_port, log_level=k.conf.log_level,
                                   max_pending_requests=k.conf.max_pending_requests)
                c2.path = os.path.join(workdir, "smsbox%d.conf" % extra)
                c2.write()
                k.extra_smsbox(c2, "smsbox%d" % extra)
        fake = kl.FakeSMSC(k.conf.fake_port)
        if not kl.wait_until(k.smsc_online, 10):
            raise RuntimeError("fake SMSC not online")
        groups = {"bearerbox": lambda: k.members("bearerbox"),
                  "smsbox": lambda: [p for nm in k.procs if nm.startswith("smsbox")
                                     for p in k.members(nm)],
                  "app": lambda: [app.proc.pid], "driver": lambda: [os.getpid()]}
        meter = CpuMeter(groups)
        res = {"case": case_name(case)}
        meter.start()
        if kind in ("mo", "loop", "box"):
            sent = {}
            t_start = time.monotonic()
            batch = max(1, int(rate / 50)) if rate else 200
            for i in range(0, n, batch):
                if rate:
                    delay = t_start + i / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                lines = []
                now = time.monotonic()
                for j in range(i, min(n, i + batch)):
                    tag = "m%06d" % j
                    sent["m%06d" % j] = now
                    lines.append(kl.FakeSMSC.line_text("+8490%07d" % j, "8100", tag))
                fake.send_lines(lines)
            want_mo = n
            if kind == "mo":
                ok = kl.wait_until(lambda: len([a for a in app.dump()["arrivals"]
                                                if a[1] == "/kannel/mo"]) >= want_mo,
                                   case.get("timeout", 120), step=0.2)
            else:
                ok = kl.wait_until(lambda: len(fake.mt) >= n, case.get("timeout", 120), step=0.2)
                if dlr and kind == "loop":
                    kl.wait_until(lambda: len([a for a in app.dump()["arrivals"]
                                               if a[1] == "/kannel/dlr"]) >= 2 * n, 30, step=0.2)
            cpu = meter.stop()
            d = app.dump()
            mo_arr = {}
            for t, route, qs in d["arrivals"]:
                if route == "/kannel/mo":
                    args = dict(urllib.parse.parse_qsl(qs))
                    tag = args.get("text", "")
                    mo_arr.setdefault(tag, t)
            lat = [mo_arr[t] - sent[t] for t in mo_arr if t in sent]
            res.update({"n": n, "offered_rate": rate or None, "complete": bool(ok),
                        "mo_received": len(mo_arr),
                        "mo_per_s": round(rate_of(list(mo_arr.values()), t_start) or 0, 1),
                        "mo_latency_ms": lat_summary(lat)})
            if kind in ("loop", "box"):
                mt_t = {}
                for m in fake.mt:
                    tag = m["data"].decode("utf-8", "replace")
                    if tag.startswith("a"):
                        mt_t.setdefault("m" + tag[1:], m["t"])
                lat2 = [mt_t[t] - sent[t] for t in mt_t if t in sent]
                # where the time goes: MO at app -> sendsms answered -> MT line -> DLR
                ss = {"m" + tag[1:]: t for t, _, tag in d["sent"]}
                dl = {}
                for t, route, qs in d["arrivals"]:
                    if route == "/kannel/dlr":
                        a = dict(urllib.parse.parse_qsl(qs))
                        dl.setdefault(("m" + a.get("id", "")[1:], a.get("type")), t)
                res["stages_ms"] = {
                    "mo_to_sendsms_done": lat_summary([ss[t] - mo_arr[t] for t in ss
                                                       if t in mo_arr]),
                    "sendsms_done_to_mt": lat_summary([mt_t[t] - ss[t] for t in mt_t if t in ss]),
                    "mt_to_dlr8": lat_summary([dl[(t, "8")] - mt_t[t] for t in mt_t
                                               if (t, "8") in dl]),
                    "mt_to_dlr1": lat_summary([dl[(t, "1")] - mt_t[t] for t in mt_t
                                               if (t, "1") in dl])}
                # 5-second windows (by MO send time): answered, p95 ms
                win = {}
                for t in mt_t:
                    if t in sent:
                        w = int((sent[t] - t_start) // 5)
                        win.setdefault(w, []).append(mt_t[t] - sent[t])
                res["windows_5s"] = [(w * 5, len(v), round(1000 * benchlib.percentile(v, 95)))
                                     for w, v in sorted(win.items())]
                res.update({"answers": len(mt_t),
                            "answers_per_s": round(rate_of(list(mt_t.values()), t_start) or 0, 1),
                            "answer_latency_ms": lat_summary(lat2),
                            "sendsms_status": sorted({s for _, s, _ in d["sent"]}),
                            "dlr_received": len([a for a in d["arrivals"]
                                                 if a[1] == "/kannel/dlr"])})
        else:  # mt
            targets = []
            for j in range(n):
                tag = "a%06d" % j
                q = [("username", "gw"), ("password", "gw-pw"), ("from", "8100"),
                     ("to", "+8490%07d" % j), ("text", tag)]
                if dlr:
                    q += [("dlr-mask", str(dlr)),
                          ("dlr-url", app.base + "/kannel/dlr?id=%s&type=%%d" % tag)]
                targets.append((("/cgi-bin/sendsms?" + urllib.parse.urlencode(q)).encode(), tag))
            t_start = time.monotonic()
            out = asyncio.run(sendsms_flood(k.conf.sendsms_port, targets, case.get("conc", 1),
                                            rate))
            ok = kl.wait_until(lambda: len(fake.mt) >= n, case.get("timeout", 120), step=0.2)
            cpu = meter.stop()
            sent = {tag: t0 for t0, _, _, tag in out}
            mt_t = {}
            for m in fake.mt:
                mt_t.setdefault(m["data"].decode("utf-8", "replace"), m["t"])
            lat = [mt_t[t] - sent[t] for t in mt_t if t in sent]
            res.update({"n": n, "offered_rate": rate or None, "complete": bool(ok),
                        "accepted_per_s": round(rate_of([t1 for _, t1, st, _ in out
                                                         if st == 202], t_start) or 0, 1),
                        "http_status": sorted({st for _, _, st, _ in out}),
                        "http_ms": lat_summary([t1 - t0 for t0, t1, _, _ in out]),
                        "delivered": len(mt_t),
                        "delivered_per_s": round(rate_of(list(mt_t.values()), t_start) or 0, 1),
                        "mt_latency_ms": lat_summary(lat)})
        res["cpu_percent"] = cpu
        fake.close()
        return res
    finally:
        if k is not None:
            k.close()
        if app is not None:
            app.close()
        benchlib.remove_workdir(workdir)
        if k is not None and k.conf.spool.startswith("/dev/shm/"):
            benchlib.remove_workdir(k.conf.spool)


def _extra_smsbox(self, conf, name):
    """A further smsbox on the same bearerbox (its own sendsms port)."""
    out = open(os.path.join(self.dir, name + ".out"), "ab")
    p = subprocess.Popen([self.bins["smsbox"], "-v", "4", conf.path], stdout=out,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    self.procs[name] = p
    self.outs[name] = out
    want = len([nm for nm in self.procs if nm.startswith("smsbox")])
    kl.wait_until(lambda: len([b for b in (self.status() or {}).get("boxes", [])
                               if b["type"] == "smsbox"]) >= want, 15)


kl.Kannel.extra_smsbox = _extra_smsbox


def parse_case(text):
    words = text.split()
    case = {"kind": words[0]}
    for w in words[1:]:
        k, _, v = w.partition("=")
        case[k] = int(v) if v.lstrip("-").isdigit() else v
    return case


def case_name(case):
    return " ".join([case["kind"]] + ["%s=%s" % (k, v) for k, v in case.items() if k != "kind"])


STANDARD = [
    # the MO hop alone (bursts: capacity; rate=: latency at a steady offer)
    "mo n=3000", "mo n=3000 log=0", "mo n=3000 method=post", "mo n=3000 app_close=1",
    "mo n=3000 pending=8", "mo n=2000 delay=50", "mo n=2000 delay=50 pending=8",
    "mo n=3000 smsboxes=2", "mo n=6000 rate=1000",
    # MT through sendsms
    "mt n=3000 conc=1", "mt n=3000 conc=8", "mt n=3000 conc=32", "mt n=1000 conc=0",
    "mt n=3000 conc=8 log=0", "mt n=3000 conc=8 dlr=31", "mt n=3000 conc=8 dlr=31 store=file",
    "mt n=1000 conc=8 thr=100",
    # the issue-17 loop: MO -> app -> sendsms -> MT (-> DLRs to the app)
    "loop n=3000 pool=1", "loop n=3000 pool=8", "loop n=3000 pool=8 dlr=31",
    "loop n=6000 rate=300 pool=8", "loop n=6000 rate=300 pool=8 dlr=31",
    "loop n=6000 rate=300 pool=8 dlr=19", "loop n=6000 rate=300 pool=8 dlr=31 store=file",
    "loop n=6000 rate=300 pool=8 dlr=31 log=0", "loop n=6000 rate=600 pool=8",
    "loop n=6000 rate=600 pool=8 dlr=31 store=file",
    # the same loop speaking the box protocol to bearerbox (no smsbox)
    "box n=3000", "box n=3000 dlr=31", "box n=3000 dlr=31 store=file",
    "box n=6000 rate=600 dlr=31", "box n=6000 rate=600 dlr=31 store=file",
]


# long steady runs: is 300 answers/s with p95 < 1 s sustained, and where
# does the loop through smsbox stop keeping up (store: spool on the disk,
# file, or a spool on tmpfs to take the disk out)
SUSTAINED = [
    "loop n=18000 rate=300 pool=8 dlr=31", "loop n=18000 rate=300 pool=8 dlr=31 store=file",
    "loop n=9000 rate=300 pool=8 dlr=31 store=shm",
    "loop n=9000 rate=800 pool=8 dlr=31 store=file", "loop n=9000 rate=1000 pool=16 dlr=31 store=file",
    "box n=9000 rate=1000 dlr=31 store=file", "box n=9000 rate=1500 dlr=31 store=file",
]

SETS = {"standard": STANDARD, "sustained": SUSTAINED}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="n divided by 5")
    ap.add_argument("--only", default="", help="comma list of kinds: mo,mt,loop")
    ap.add_argument("--case", action="append", default=[], help="one case, e.g. 'mo n=500'")
    ap.add_argument("--set", default="standard", choices=sorted(SETS),
                    help="case list (results: kannel_hops.json, kannel_hops_sustained.json)")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each case (table: median)")
    a = ap.parse_args()
    kl.require_kannel("kannel_hops")
    cases = [parse_case(c) for c in (a.case or SETS[a.set])]
    if a.only:
        cases = [c for c in cases if c["kind"] in a.only.split(",")]
    if a.quick:
        for c in cases:
            c["n"] = max(100, c.get("n", 2000) // 5)
    m = benchlib.machine()
    benchlib.log(benchlib.machine_line(m))
    results = []
    for rep in range(a.repeat):
        for c in cases:
            benchlib.log("case: %s (run %d, load %s)" % (case_name(c), rep + 1,
                                                        benchlib.loadavg()))
            r = run_case(c)
            r["run"] = rep + 1
            r["loadavg_after"] = benchlib.loadavg()
            results.append(r)
            benchlib.log("  %s" % {k: v for k, v in r.items() if k != "case"})
    rows = []
    for c in cases:
        runs = [r for r in results if r["case"] == case_name(c)]

        def med(f):
            vals = [f(r) for r in runs if f(r) is not None]
            return benchlib.median(vals) if vals else None

        def spread(f):
            vals = [f(r) for r in runs if f(r) is not None]
            return "" if len(vals) < 2 else " (%.0f-%.0f)" % (min(vals), max(vals))

        def rate(r):
            return r.get("answers_per_s") or r.get("mo_per_s") or r.get("delivered_per_s")

        def lat(r):
            return (r.get("answer_latency_ms") or r.get("mo_latency_ms") or
                    r.get("mt_latency_ms"))
        rows.append([case_name(c), benchlib.fmt(med(rate)) + spread(rate),
                     benchlib.fmt(med(lambda r: r.get("accepted_per_s"))),
                     benchlib.fmt(med(lambda r: lat(r)["median"])),
                     benchlib.fmt(med(lambda r: lat(r)["p95"])) +
                     spread(lambda r: lat(r)["p95"]),
                     "yes" if all(r["complete"] for r in runs) else "NO",
                     "%s/%s/%s" % tuple(benchlib.fmt(med(lambda r: r["cpu_percent"][p]), "%.0f")
                                        for p in ("bearerbox", "smsbox", "app")),
                     benchlib.fmt(med(lambda r: r["cpu_percent"]["machine_busy"]), "%.0f")])
    benchlib.print_table("Kannel hops: msgs/s from the first offer to the last arrival; "
                         "latency ms (median of %d run(s), range)" % a.repeat,
                         ["case", "msgs/s", "sendsms accepted/s", "lat p50", "lat p95", "all",
                          "CPU% bb/sb/app", "machine busy %"], rows)
    if not a.no_save:
        benchlib.write_result("kannel_hops" if a.set == "standard" else "kannel_hops_" + a.set,
                              {"machine": m, "results": results})


if __name__ == "__main__":
    main()
