"""Helpers for the Python integration tests: a throw-away gateway (config,
database, dummy phone folder, send capture) and PASS/FAIL reporting.

Everything runs the sanitized binaries from $GW_BUILD against real SQLite
files and libgammu's real dummy driver. Nothing sleeps a fixed time: waits
poll for a condition with a bound."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("GW_BUILD", os.path.join(TOP, "build", "test"))
sys.path.insert(0, os.path.join(TOP, "tools"))
import inject_sms  # noqa: E402
import read_sent  # noqa: E402

GATEWAYD = os.path.join(BUILD, "bin", "gatewayd")
GATEWAYCTL = os.path.join(BUILD, "bin", "gatewayctl")
CAPTURE = os.path.join(BUILD, "lib", "sendcapture.so")

failures = 0


def check(name, ok, detail=""):
    global failures
    if ok:
        print("PASS " + name, flush=True)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, detail), flush=True)
    return ok


def wait_for(cond, timeout=20.0, step=0.02):
    """Poll cond() until true or timeout; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


MODEM_KEYS = ('model = "dummy"; connection = "none"; device = "%s"; pin = "";\n'
              '  poll_interval_ms = 20; reconnect_min_ms = 20; reconnect_max_ms = 200;\n'
              '  retry_base = 1; status_interval = 5; fault_file = "%s";')


class Gateway:
    """modems: None for one `modem = {...}` group (self.phone, self.fault), or
    a list of (name, extra keys) for `modems = (...)`, each with a dummy
    phone folder self.phones[name] and a fault file self.faults[name]."""

    def __init__(self, extra_conf="", content=True, modems=None):
        self.dir = tempfile.mkdtemp(prefix="gw-it-")
        self.phone = os.path.join(self.dir, "modem")
        self.capture = os.path.join(self.dir, "sent")
        self.fault = os.path.join(self.dir, "faults")
        self.db_path = os.path.join(self.dir, "gw.db")
        self.conf = os.path.join(self.dir, "gw.conf")
        self.phones, self.faults, self.injectors = {}, {}, {}
        os.makedirs(self.capture)
        if modems is None:
            os.makedirs(self.phone)
            modem_conf = "modem = { %s };\n" % (MODEM_KEYS % (self.phone, self.fault))
        else:
            groups = []
            for name, extra in modems:
                self.phones[name] = os.path.join(self.dir, "modem-" + name)
                self.faults[name] = os.path.join(self.dir, "faults-" + name)
                os.makedirs(self.phones[name])
                self.injectors[name] = inject_sms.Injector(self.phones[name])
                groups.append('  { name = "%s"; %s %s }' % (
                    name, MODEM_KEYS % (self.phones[name], self.faults[name]), extra))
            self.phone, self.fault = self.phones[modems[0][0]], self.faults[modems[0][0]]
            modem_conf = "modems = (\n%s\n);\n" % ",\n".join(groups)
        with open(self.conf, "w") as f:
            f.write('%sdatabase = { path = "%s"; };\nlog = { level = "info"; };\n%s\n'
                    % (modem_conf, self.db_path, extra_conf))
        self.injector = inject_sms.Injector(self.phone)
        self.proc = None
        self.ctl("init")
        if content:
            self.ctl("import", "programs", os.path.join(TOP, "data", "programs.json"))
            self.ctl("import", "jobs", os.path.join(TOP, "data", "jobs.json"))

    def env(self, **extra):
        e = dict(os.environ)
        e["LD_PRELOAD"] = CAPTURE
        e["GW_CAPTURE_DIR"] = self.capture
        e["ASAN_OPTIONS"] = "verify_asan_link_order=0:detect_leaks=1:halt_on_error=1"
        e.update(extra)
        return e

    def ctl(self, *args, check_rc=True):
        p = subprocess.run([GATEWAYCTL, "-c", self.conf] + list(args), capture_output=True,
                           text=True, timeout=60)
        if check_rc and p.returncode != 0:
            raise RuntimeError("gatewayctl %s: %s" % (args, p.stderr))
        return p

    def once(self, timeout=60, **env):
        return subprocess.run([GATEWAYD, "--once", "-c", self.conf], capture_output=True,
                              text=True, timeout=timeout, env=self.env(**env))

    def start(self, **env):
        self.log = open(os.path.join(self.dir, "gatewayd.log"), "w")
        self.proc = subprocess.Popen([GATEWAYD, "-f", "-c", self.conf], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=self.env(**env))
        # ready when the daemon has recorded its first modem contact
        wait_for(lambda: self.q1("SELECT count(*) FROM modem_status WHERE enabled = 1"
                                 " AND connected = 1") >= 1, 20)

    def stop(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
            self.proc = None
            self.log.close()
            return rc
        return None

    def daemon_log(self):
        with open(os.path.join(self.dir, "gatewayd.log")) as f:
            return f.read()

    def inject(self, sender, text, **kw):
        return self.injector.inject(sender, text, **kw)

    def set_faults(self, text, modem=None):
        path = self.faults[modem] if modem else self.fault
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, path)

    def q(self, sql, args=()):
        c = sqlite3.connect(self.db_path, timeout=10)
        try:
            return c.execute(sql, args).fetchall()
        finally:
            c.close()

    def x(self, sql, args=()):
        """Change the database (committed)."""
        c = sqlite3.connect(self.db_path, timeout=10)
        try:
            with c:
                c.execute(sql, args)
        finally:
            c.close()

    def q1(self, sql, args=()):
        rows = self.q(sql, args)
        return rows[0][0] if rows else None

    def sent(self):
        return read_sent.read_dir(self.capture)

    def sent_to(self, phone):
        return [m for m in self.sent() if m["to"] == phone]

    def phone_files(self):
        n = 0
        for folder in ("1", "3"):
            p = os.path.join(self.phone, "sms", folder)
            if os.path.isdir(p):
                n += len([x for x in os.listdir(p) if x.isdigit()])
        return n

    def close(self):
        self.stop()
        if os.environ.get("GW_KEEP"):  # kept to look into after a failure
            print("note: gatewayd's folder kept: %s" % self.dir, flush=True)
            return
        shutil.rmtree(self.dir, ignore_errors=True)


def finish():
    print("%s: %s" % (os.path.basename(sys.argv[0]), "ok" if failures == 0 else
                      "%d failure(s)" % failures))
    sys.exit(1 if failures else 0)
