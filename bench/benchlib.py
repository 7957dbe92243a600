"""Shared helpers for the benchmarks in bench/ (stdlib only).

- where the optimised binaries are (BENCH_BUILD, default build/bench/),
- the machine the figures come from (CPU, cores, RAM, kernel, versions),
- statistics (median, percentiles) and result files (bench/results/*.json),
- a throw-away gateway (config, database, content) on a dummy phone,
- running a daemon as a child and collecting its rusage with wait4()
  (peak RSS, CPU), and following the send-capture directory incrementally.

Nothing here asserts a timing: benchmarks report.
"""
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ.get("BENCH_BUILD", os.path.join(TOP, "build", "bench")))
RESULTS = os.path.abspath(os.environ.get("BENCH_RESULTS", os.path.join(TOP, "bench", "results")))
GATEWAYD = os.path.join(BUILD, "bin", "gatewayd")
GATEWAYCTL = os.path.join(BUILD, "bin", "gatewayctl")
CAPTURE = os.path.join(BUILD, "lib", "sendcapture.so")

sys.path.insert(0, os.path.join(TOP, "tools"))
import inject_sms  # noqa: E402
import read_sent  # noqa: E402


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v.strip() else default
    except ValueError:
        sys.exit("%s=%r is not a whole number" % (name, v))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- statistics

def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def percentile(xs, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def summary(xs):
    return {"median": median(xs), "p95": percentile(xs, 95), "max": max(xs) if xs else None,
            "min": min(xs) if xs else None}


def run_median(runs, key):
    """Median of one numeric field over runs (None values skipped)."""
    vals = [r[key] for r in runs if r.get(key) is not None]
    return median(vals)


# ---------------------------------------------------------------- machine

def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _cmd(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        return (p.stdout or p.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _dpkg_version(pkg):
    return _cmd(["dpkg-query", "-W", "-f=${Version}", pkg]) or None


def machine():
    cpu = re.search(r"^model name\s*:\s*(.*)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", _read("/proc/meminfo"), re.M)
    osr = re.search(r'^PRETTY_NAME="?([^"\n]*)', _read("/etc/os-release"), re.M)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    git = _cmd(["git", "-C", TOP, "describe", "--always", "--dirty"])
    if git.endswith("-dirty"):  # say what differs from the revision
        changed = [ln.split(None, 1)[-1] for ln in _cmd(["git", "-C", TOP, "status", "--porcelain",
                                                         "--untracked-files=no"]).splitlines()]
        git += " (uncommitted: %s%s)" % (", ".join(changed[:8]), ", ..." if len(changed) > 8 else "")
    cc = _cmd(["cc", "--version"]).splitlines()
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "cores_online": os.cpu_count(),
        "cores_usable": usable,
        "ram_mib": int(mem.group(1)) // 1024 if mem else None,
        "kernel": platform.release(),
        "os": osr.group(1) if osr else platform.platform(),
        "libgammu": _dpkg_version("libgammu8"),
        "gammu_smsd": _dpkg_version("gammu-smsd"),
        "sqlite": _dpkg_version("libsqlite3-0"),
        "python": platform.python_version(),
        "cc": cc[0] if cc else "",
        "gateway_git": git,
        "build": "optimised (-O2) in %s" % os.path.relpath(BUILD, TOP),
        "loadavg": loadavg(),
    }


def machine_line(m):
    return ("%s, %s cores (%s usable), %s MiB RAM, Linux %s, %s; libgammu %s, gammu-smsd %s,"
            " SQLite %s; gateway %s" % (m["cpu"], m["cores_online"], m["cores_usable"],
                                         m["ram_mib"], m["kernel"], m["os"], m["libgammu"],
                                         m["gammu_smsd"], m["sqlite"], m["gateway_git"]))


# ---------------------------------------------------------------- results

def write_result(name, data):
    """bench/results/<name>.json, written atomically."""
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, name + ".json")
    tmp = path + ".tmp"
    data = dict(data)
    data.setdefault("benchmark", name)
    data.setdefault("when", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    data.setdefault("machine", machine())
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    os.rename(tmp, path)
    return path


def print_table(title, header, rows):
    cells = [[str(c) for c in header]] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print()
    print(title)
    line = "| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(cells[0])) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells[1:]:
        print("| " + " | ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                                for i, c in enumerate(r)) + " |")
    sys.stdout.flush()


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


# ---------------------------------------------------------------- processes

class Child:
    """A daemon under test; stop() reads its peak RSS and reaps it with wait4.

    Peak RSS is the process's own VmHWM (/proc/PID/status) read just before
    the stop signal: the kernel's high-water mark of its resident pages
    since exec; for gatewayd, plus each modem worker's (one process per
    modem, issue 18), also kept apart (max_rss_main_kib, max_rss_workers_kib). ru_maxrss from wait4 is kept too (wait4_maxrss_kib) but is
    not the daemon's figure: Linux carries the image a process had before
    exec into it, and a child forked by this Python script starts with the
    script's ~15 MiB; it also takes the largest reaped grandchild. CPU time
    (wait4) includes the children the daemon reaped (RunOnReceive shells).
    """

    def __init__(self, argv, env, logpath, cwd=None):
        self.logf = open(logpath, "w")
        self.started_ns = time.time_ns()
        self.proc = subprocess.Popen(argv, env=env, stdout=self.logf, stderr=subprocess.STDOUT,
                                     cwd=cwd, start_new_session=True)
        self.rusage = None
        self.status = None
        self.hwm = None
        self.main_hwm = None
        self.workers_hwm = []

    def alive(self):
        if self.status is not None:
            return False
        pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return True
        self._reaped(status, ru)
        return False

    def _reaped(self, status, ru):
        self.status = status
        self.rusage = ru
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.logf.close()

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        if self.status is None:
            self.hwm = vm_hwm_kib(self.proc.pid)
            # gatewayd's modem workers are part of the daemon: their peaks add up
            self.workers_hwm = [vm_hwm_kib(k) or 0 for k in worker_pids(self.proc.pid)]
            if self.hwm is not None and self.workers_hwm:
                self.main_hwm = self.hwm
                self.hwm += sum(self.workers_hwm)
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            end = time.monotonic() + timeout
            while self.status is None:
                pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
                if pid:
                    self._reaped(status, ru)
                    break
                if time.monotonic() > end:
                    self.proc.kill()  # our own child, by pid
                    pid, status, ru = os.wait4(self.proc.pid, 0)
                    self._reaped(status, ru)
                    break
                time.sleep(0.02)
        return self.usage()

    def usage(self):
        ru = self.rusage
        if ru is None:
            return {}
        out = {"max_rss_kib": self.hwm, "wait4_maxrss_kib": ru.ru_maxrss,
               "cpu_s": round(ru.ru_utime + ru.ru_stime, 3), "exit": self.proc.returncode}
        if self.workers_hwm:
            out["max_rss_main_kib"] = self.main_hwm
            out["max_rss_workers_kib"] = self.workers_hwm
        return out


class CaptureFollower:
    """Reads new files of the send-capture directory as they appear and
    links them into messages by (recipient, reference, total)."""

    def __init__(self, path):
        self.path = path
        self.seen = set()
        self.parts = []          # every part record, in arrival order
        self.open = {}           # (to, ref, total) -> {seq: rec}
        self.done = []           # completed messages

    def poll(self):
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            return 0
        new = [n for n in names if n not in self.seen and not n.startswith(".")
               and n.endswith(".smsbackup")]
        new.sort()
        for n in new:
            self.seen.add(n)
            rec = read_sent.parse_file(os.path.join(self.path, n))
            if not rec or rec["kind"] != "sms":
                continue
            self.parts.append(rec)
            if rec["total"] <= 1:
                self.done.append(self._msg([rec]))
                continue
            key = (rec["to"], rec["ref"], rec["total"])
            g = self.open.setdefault(key, {})
            g[rec["seq"]] = rec
            if len(g) == rec["total"]:
                self.done.append(self._msg([g[s] for s in sorted(g)]))
                del self.open[key]
        return len(new)

    @staticmethod
    def _msg(parts):
        return {"to": parts[0]["to"], "parts": len(parts), "ucs2": any(p["ucs2"] for p in parts),
                "text": "".join(p["text"] for p in parts),
                "first_ns": min(p["sent_at_ns"] for p in parts),
                "sent_at_ns": max(p["sent_at_ns"] for p in parts)}


def worker_pids(pid):
    """gatewayd's modem worker processes (children run with --worker)."""
    try:
        kids = [int(x) for x in _read("/proc/%d/task/%d/children" % (pid, pid)).split()]
    except ValueError:
        return []
    return [k for k in kids if b"--worker" in _read_bytes("/proc/%d/cmdline" % k)]


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def vm_hwm_kib(pid):
    """The process's own peak RSS so far (VmHWM), without its children."""
    m = re.search(r"^VmHWM:\s*(\d+)", _read("/proc/%d/status" % pid), re.M)
    return int(m.group(1)) if m else None


def loadavg():
    try:
        return [float(x) for x in _read("/proc/loadavg").split()[:3]]
    except ValueError:
        return None


# ---------------------------------------------------------------- gateway

def inbox_outcome(db):
    """How gatewayd's inbox ended: {status: count}, so a run that answered
    with apologies (a handler error) is not mistaken for a fast one."""
    c = sqlite3.connect(db, timeout=30)
    try:
        rows = c.execute("SELECT status, count(*) FROM inbox GROUP BY status").fetchall()
    finally:
        c.close()
    return {"inbox_" + s: n for s, n in rows}

def queue_broadcast(db, phones, text):
    """One-part broadcast rows straight into the outbox, one per phone."""
    now = int(time.time())
    c = sqlite3.connect(db, timeout=30)
    try:
        with c:
            c.executemany("INSERT INTO outbox (phone, text, kind, priority, created_at)"
                          " VALUES (?, ?, 'broadcast', 50, ?)", [(p, text, now) for p in phones])
    finally:
        c.close()


def gateway_conf_text(phone, db, modem_extra="", extra=""):
    """The gateway's normal settings on a dummy phone; broadcasts are not
    held by quiet hours or the daily cap (the benchmark may run at night)."""
    return ('modem = { model = "dummy"; connection = "none"; device = "%s"; pin = "";\n'
            '  poll_interval_ms = %d; %s };\n'
            'database = { path = "%s"; };\n'
            'log = { level = "info"; };\n'
            'broadcast = { quiet_start = "00:00"; quiet_end = "00:00"; daily_cap = 0; };\n%s'
            % (phone, env_int("BENCH_POLL_MS", 1000), modem_extra, db, extra))


def make_gateway(workdir, modem_extra="", extra="", content=True):
    """Config, phone folder, capture folder and a database with the sample
    content in workdir; returns a dict of the paths."""
    g = {"dir": workdir, "phone": os.path.join(workdir, "phone"),
         "capture": os.path.join(workdir, "sent"), "db": os.path.join(workdir, "gw.db"),
         "conf": os.path.join(workdir, "gateway.conf")}
    os.makedirs(g["phone"], exist_ok=True)
    os.makedirs(g["capture"], exist_ok=True)
    g["conf_text"] = gateway_conf_text(g["phone"], g["db"], modem_extra, extra)
    with open(g["conf"], "w") as f:
        f.write(g["conf_text"])
    ctl(g["conf"], "init")
    if content:
        ctl(g["conf"], "import", "programs", os.path.join(TOP, "data", "programs.json"))
        ctl(g["conf"], "import", "jobs", os.path.join(TOP, "data", "jobs.json"))
    return g


def ctl(conf, *args, timeout=600):
    p = subprocess.run([GATEWAYCTL, "-c", conf] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("gatewayctl %s failed: %s" % (" ".join(args), p.stderr[-2000:]))
    return p


def new_workdir(prefix):
    base = os.environ.get("BENCH_TMP") or None
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def remove_workdir(path):
    if os.environ.get("BENCH_KEEP"):
        log("kept %s" % path)
        return
    shutil.rmtree(path, ignore_errors=True)


def capture_env(capdir, extra=None):
    e = dict(os.environ)
    e["LD_PRELOAD"] = CAPTURE
    e["GW_CAPTURE_DIR"] = capdir
    e.setdefault("LC_ALL", "C.UTF-8")
    if extra:
        e.update(extra)
    return e


def need(paths):
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        sys.exit("missing %s: build with `make bench` (or make bench-bins)" % ", ".join(missing))
