"""Shared pieces of the reliability campaigns (tests/soak/*.py) and of their
short versions in make test (tests/integration/test_reliability_short.py):
the AT modem simulator (tests/modemsim/modemsim.py) on a pty, a gatewayd on
it (libgammu's real `at` driver), database queries, CPU accounting from
/proc, and PASS/FAIL/FIGURE reporting.

Stdlib only. Nothing sleeps a fixed time to wait for something: waits poll
a condition with a bound (wait_for).

Binaries: --build opt uses bin/gatewayd (make all, -O2), --build san the
sanitizer tree $GW_BUILD or build/test (make test-bins). They are copied
into the campaign's own folder first, so a concurrent `make` elsewhere in
the tree cannot swap them mid-run."""
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEMSIM = os.path.join(TOP, "tests", "modemsim", "modemsim.py")
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, os.path.join(TOP, "tests", "modemsim"))
sys.path.insert(0, os.path.join(TOP, "tools"))
sys.dont_write_bytecode = True
import inject_sms  # noqa: E402  (the dummy phone's inbox)
import modemsim  # noqa: E402  (merge_records)
import read_sent  # noqa: E402  (what the dummy phone sent)

failures = 0
figures = []


def check(name, ok, detail=""):
    global failures
    if ok:
        print("PASS " + name, flush=True)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, str(detail)[:3000]), flush=True)
    return ok


def figure(name, value):
    """A measured number, printed as `FIGURE name: value` (collected for the summary)."""
    figures.append((name, value))
    print("FIGURE %s: %s" % (name, value), flush=True)


def note(msg):
    print("  " + msg, flush=True)


def wait_for(cond, timeout=20.0, step=0.05):
    """Poll cond() until it is truthy or timeout passes; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def finish(name):
    print("%s: %s" % (name, "ok" if failures == 0 else "%d failure(s)" % failures), flush=True)
    return 1 if failures else 0


def build_dir(kind):
    """Folder holding gatewayd and gatewayctl for build kind 'opt' or 'san'
    ($SOAK_BINS overrides: a folder with opt/ and san/ copies)."""
    if os.environ.get("SOAK_BINS"):
        return os.path.join(os.environ["SOAK_BINS"], kind)
    if kind == "opt":
        return os.path.join(TOP, "bin")
    return os.path.join(os.environ.get("GW_BUILD", os.path.join(TOP, "build", "test")), "bin")


def private_bins(kind, dest):
    """Copy gatewayd/gatewayctl of build kind into dest; returns (gatewayd, gatewayctl)."""
    src = build_dir(kind)
    os.makedirs(dest, exist_ok=True)
    # the binaries find their data (lexicon ...) from <root>/config and
    # <root>/data next to the folder they run from (gateway/paths.c)
    root = os.path.dirname(os.path.abspath(dest))
    for sub in ("config", "data"):
        if not os.path.exists(os.path.join(root, sub)):
            os.symlink(os.path.join(TOP, sub), os.path.join(root, sub))
    out = []
    for name in ("gatewayd", "gatewayctl"):
        p = os.path.join(src, name)
        if not os.access(p, os.X_OK):
            raise RuntimeError("%s missing: run make %s" % (p, "all" if kind == "opt" else "test-bins"))
        # a concurrent make may be relinking it: retry a few times
        for attempt in range(50):
            try:
                shutil.copy2(p, os.path.join(dest, name))
                break
            except OSError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        out.append(os.path.join(dest, name))
    return tuple(out)


def proc_cpu_s(pid):
    """utime + stime of pid in seconds, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def children(pid):
    """The live child processes of pid (gatewayd's modem workers)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def daemon_cpu_s(pid):
    """gatewayd's CPU seconds: the main process and its modem workers."""
    total = proc_cpu_s(pid)
    for kid in children(pid):
        total = (total or 0) + (proc_cpu_s(kid) or 0)
    return total


class ModemSim:
    """The AT modem simulator as a child process, driven over its control socket."""

    def __init__(self, workdir, *extra, name=None):
        """name: one of several modems, with its files under workdir/name/."""
        if name:
            workdir = os.path.join(workdir, name)
            os.makedirs(workdir, exist_ok=True)
        self.name = name
        self.dir = workdir
        self.link = os.path.join(workdir, "dev", "ttyGW0")
        self.sock = os.path.join(workdir, "modem.sock")
        self.ready = os.path.join(workdir, "modem.ready")
        self.sent_log = os.path.join(workdir, "sent.jsonl")
        self.at_log = os.path.join(workdir, "at.log")
        self.out = open(os.path.join(workdir, "modemsim.out"), "w")
        self.proc = subprocess.Popen(
            [PY, MODEMSIM, "--link", self.link, "--control", self.sock, "--ready", self.ready,
             "--sent-log", self.sent_log, "--at-log", self.at_log] + list(extra),
            stdout=self.out, stderr=subprocess.STDOUT)
        if not wait_for(lambda: os.path.exists(self.ready) and os.path.getsize(self.ready) > 0
                        or self.proc.poll() is not None, 15):
            raise RuntimeError("modem simulator did not start")
        if self.proc.poll() is not None:
            raise RuntimeError("modem simulator exited: see %s" % self.out.name)

    def ctl(self, *argv, timeout=120.0):
        """One control command; returns the reply line (str)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.sock)
            s.sendall(json.dumps({"argv": [str(a) for a in argv]}, ensure_ascii=False)
                      .encode("utf-8") + b"\n")
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            return buf.decode("utf-8", "replace").strip()
        finally:
            s.close()

    def ctl_ok(self, *argv, timeout=120.0):
        r = self.ctl(*argv, timeout=timeout)
        if not (r.startswith("ok") or r.startswith("{") or r.startswith("[")):
            raise RuntimeError("modemsim %s: %s" % (" ".join(map(str, argv)), r))
        return r

    def status(self):
        return json.loads(self.ctl("status"))

    def sent(self):
        """Every accepted SUBMIT part, in order."""
        out = []
        try:
            with open(self.sent_log, encoding="utf-8") as f:
                for ln in f:
                    ln = ln.strip()
                    if ln:
                        try:
                            out.append(json.loads(ln))
                        except ValueError:
                            pass  # a line being written
        except FileNotFoundError:
            pass
        return out

    def merged(self):
        return modemsim.merge_records(self.sent())

    def inject(self, sender, text):
        """A new inbound message; False when the SIM is full (try later)."""
        return self.ctl("inject", sender, text).startswith("ok")

    def stored(self):
        """Messages in the SIM, or None when the simulator does not answer."""
        try:
            return self.status()["stored"]
        except (OSError, ValueError):
            return None

    def phase(self):
        """What the daemon was doing, from the modem's last command."""
        return kill_phase(self.last_command_before(self.at_log_size()))

    def at_log_size(self):
        try:
            return os.path.getsize(self.at_log)
        except OSError:
            return 0

    def last_command_before(self, offset):
        """The last AT command (RX line) the modem received before byte offset of its log."""
        try:
            with open(self.at_log, "rb") as f:
                start = max(0, offset - 8192)
                f.seek(start)
                chunk = f.read(offset - start).decode("utf-8", "replace")
        except OSError:
            return ""
        for ln in reversed(chunk.splitlines()):
            p = ln.split(" ", 2)
            if len(p) == 3 and p[1] in ("RX", "RX-PDU", "RX-HUNG"):
                return p[1] + " " + p[2][:40]
        return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


class DummyPhone:
    """libgammu's dummy phone: a folder of smsbackup files written by
    tools/inject_sms.py, and what the daemon sends recorded by the
    send-capture shim (tests/capture/sendcapture.c, from the sanitizer
    tree $GW_BUILD, preloaded into either build). It has no status reports
    and no AT log, so a kill's phase is not known."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "phone")
        self.capture = os.path.join(workdir, "sent")
        os.makedirs(os.path.join(self.dir, "sms", "1"))
        os.makedirs(self.capture)
        self.injector = inject_sms.Injector(self.dir)
        self.shim = os.path.join(os.environ.get("GW_BUILD", os.path.join(TOP, "build", "test")),
                                 "lib", "sendcapture.so")
        if not os.path.exists(self.shim):
            raise RuntimeError("%s missing: run make test-bins" % self.shim)

    def inject(self, sender, text):
        self.injector.inject(sender, text)
        return True

    def stored(self):
        return len([n for n in os.listdir(os.path.join(self.dir, "sms", "1")) if n.isdigit()])

    def phase(self):
        return "unknown"

    def merged(self):
        """Messages as a handset joins them (tools/read_sent.py)."""
        return read_sent.read_dir(self.capture)

    def env(self):
        return {"LD_PRELOAD": self.shim, "GW_CAPTURE_DIR": self.capture}

    def stop(self):
        pass


def kill_phase(cmd):
    """What the daemon was doing, judged from the modem's last command."""
    c = cmd.split(" ", 1)[1] if " " in cmd else cmd
    if cmd.startswith("RX-PDU") or c.startswith("AT+CMGS") or c.startswith("AT+CSCA"):
        return "send"
    if c.startswith(("AT+CMGL", "AT+CMGR", "AT+CMGD", "AT+CPMS")):
        return "read"
    if c.startswith(("AT+CSQ", "AT+CBC", "AT+CREG", "AT+CGREG", "AT+COPS", "AT+CGATT", "AT+CPIN?")):
        return "status"
    if c == "" or c.startswith(("ATE", "AT+CMEE", "AT+CSCS", "AT+CGM", "AT+CPROT", "AT+SYNCML",
                                "AT$", "AT+CHUP", "AT+CFUN", "AT+MODE", "AT+CNMI", "AT+CLIP",
                                "AT+CUSD", "AT+CRC", "AT+CCWA", "AT+CMMS", "\\x1b")) or c == "AT":
        return "init"
    return "other"


class Gateway:
    """A gatewayd on the simulated modem: config, database with content, start/kill."""

    MODEM_DEFAULTS = {"poll_interval_ms": 200, "reconnect_min_ms": 200, "reconnect_max_ms": 5000,
                      "retry_base": 2, "status_interval": 30}

    def __init__(self, workdir, gatewayd, gatewayctl, device, extra_conf="", modem=None,
                 content=True, name="gw", sms="rate_limit_per_hour = 100000;", dummy=None,
                 modems=None):
        """device and modem: the one modem (dummy: a DummyPhone instead of the
        AT modem at device); or modems: [(name, device, {key: value})] for
        several AT modems (device is then ignored)."""
        self.dir = workdir
        self.gatewayd = gatewayd
        self.gatewayctl = gatewayctl
        self.db_path = os.path.join(workdir, name + ".db")
        self.conf = os.path.join(workdir, name + ".conf")
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None
        self.starts = 0
        self.dummy = dummy

        def group(dev, keys, phone=None):
            m = dict(self.MODEM_DEFAULTS)
            m.update(keys or {})
            items = "".join(" %s = %s;" % (k, '"%s"' % v if isinstance(v, str) else
                                           ("true" if v else "false") if isinstance(v, bool)
                                           else v)
                            for k, v in sorted(m.items()))
            kind = ('model = "dummy"; connection = "none"; device = "%s";' % phone.dir if phone
                    else 'model = "at"; connection = "at"; device = "%s";' % dev)
            return '{ %s%s }' % (kind, items)
        if modems:
            modem_conf = "modems = (\n%s\n);" % ",\n".join(
                "  " + group(dev, dict(keys or {}, name=n)) for n, dev, keys in modems)
        else:
            modem_conf = "modem = %s;" % group(device, modem, dummy)
        with open(self.conf, "w") as f:
            f.write('%s\ndatabase = { path = "%s"; };\nlog = { level = "info"; };\n'
                    'sms = { %s };\n%s\n' % (modem_conf, self.db_path, sms, extra_conf))
        self.ctl("init")
        if content:
            self.ctl("import", "programs", os.path.join(TOP, "data", "programs.json"))
            self.ctl("import", "jobs", os.path.join(TOP, "data", "jobs.json"))

    def env(self):
        e = dict(os.environ)
        e["ASAN_OPTIONS"] = "detect_leaks=1:halt_on_error=1:abort_on_error=0"
        e["LC_ALL"] = "C"
        return e

    def daemon_env(self):
        e = self.env()
        if self.dummy:
            e.update(self.dummy.env())
            e["ASAN_OPTIONS"] += ":verify_asan_link_order=0"  # the shim comes first
        return e

    def ctl(self, *args, check_rc=True):
        p = subprocess.run([self.gatewayctl, "-c", self.conf] + list(args), capture_output=True,
                           text=True, timeout=120, env=self.env())
        if check_rc and p.returncode != 0:
            raise RuntimeError("gatewayctl %s: %s" % (args, p.stderr[-2000:]))
        return p

    def start(self, **extra_env):
        log = open(self.log_path, "a")
        log.write("----- start %d %s\n" % (self.starts, " ".join(
            "%s=%s" % kv for kv in sorted(extra_env.items()))))
        log.flush()
        env = self.daemon_env()
        env.update(extra_env)
        self.proc = subprocess.Popen([self.gatewayd, "-f", "-c", self.conf], stdout=log,
                                     stderr=subprocess.STDOUT, env=env)
        log.close()
        self.starts += 1
        return self.proc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGKILL)
        rc = self.proc.wait()
        self.proc = None
        return rc

    def stop(self, timeout=60):
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed after %ds" % timeout
            self.proc.wait()
        self.proc = None
        return rc

    def cpu_s(self):
        return daemon_cpu_s(self.proc.pid) if self.proc else None

    def q(self, sql, args=()):
        for attempt in range(100):
            c = sqlite3.connect(self.db_path, timeout=10)
            try:
                return c.execute(sql, args).fetchall()
            except sqlite3.OperationalError:
                if attempt == 99:
                    raise
                time.sleep(0.05)
            finally:
                c.close()

    def q1(self, sql, args=()):
        rows = self.q(sql, args)
        return rows[0][0] if rows else None

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def sanitizer_reports(self):
        t = self.log_text()
        return [ln for ln in t.splitlines()
                if "ERROR: AddressSanitizer" in ln or "runtime error:" in ln
                or "ERROR: LeakSanitizer" in ln]


def make_workdir(prefix, keep=False):
    d = tempfile.mkdtemp(prefix=prefix)
    return d


def cleanup(path, keep):
    if keep or failures:
        print("  (kept %s)" % path, flush=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def gateway_campaign(doc, prefix, title):
    """The start of a campaign on the gatewayd test harness (tests/
    integration/gwtest.py): --short, --build opt|san, --keep; the work
    folder with private copies of the binaries, put into gwtest. Returns
    (args, work, t0)."""
    import argparse
    import gwtest
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--short", action="store_true")
    ap.add_argument("--build", choices=("opt", "san"), default="opt")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = make_workdir(prefix)
    gwtest.GATEWAYD, gwtest.GATEWAYCTL = private_bins(args.build, os.path.join(work, "bin"))
    print("%s (%s), %s build" % (title, "short" if args.short else "full", args.build), flush=True)
    return args, work, time.monotonic()


def run_campaign(name, g, body, work, keep, t0):
    """Run body() against the gatewayd test harness g (tests/integration/
    gwtest.py), then stop it, keep its folder if asked or if a check failed,
    report the elapsed time and the verdict; returns the exit status."""
    try:
        body()
    finally:
        g.stop()
        cleanup(g.dir, keep or failures > 0)
    figure("elapsed (s)", "%.0f" % (time.monotonic() - t0))
    rc = finish(name)
    cleanup(work, keep)
    return rc


def run_on_simulator(name, prefix, body, keep, **gateway_kwargs):
    """A short test on the AT modem simulator: a work folder, the sanitized
    binaries, a simulator and a gatewayd configured for it (not started);
    body(sim, g) runs the checks; then no sanitizer report and a clean
    SIGTERM are checked, and everything is stopped and removed (kept when
    asked or when a check failed). Returns the exit status."""
    wd = make_workdir(prefix)
    sim = g = None
    try:
        gatewayd, gatewayctl = private_bins("san", os.path.join(wd, "bin"))
        sim = ModemSim(wd)
        g = Gateway(wd, gatewayd, gatewayctl, sim.link, **gateway_kwargs)
        body(sim, g)
        check("no sanitizer report", not g.sanitizer_reports(), g.sanitizer_reports()[:3])
        rc = g.stop()
        check("SIGTERM: clean exit", rc == 0, rc)
    finally:
        if g and g.alive():
            g.stop()
        if sim:
            sim.stop()
        cleanup(wd, keep)
    return finish(name)


def rng(seed):
    return random.Random(seed)
