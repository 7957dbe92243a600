"""Kannel (bearerbox + smsbox) as a throw-away test bench: stdlib only.

What it gives the integration tests and benchmarks:
- find_binaries() / require_kannel(): Debian's /usr/sbin/{bearerbox,smsbox}
  (or $KANNEL_BIN); require_kannel() prints a SKIP line and exits 0 when
  they are missing, so a machine without `apt-get install kannel` still
  passes.
- KannelConf: writes kannel.conf from parameters (fake SMSC on a free
  loopback port, spool store, admin port, one smsbox with one catch-all
  sms-service calling get-url or post-url, one sendsms-user).
- Kannel: starts, stops, kills and restarts bearerbox and smsbox and waits
  for readiness by polling (admin /status.xml, the sendsms port, the box
  list), never a fixed sleep; sendsms() and status() helpers. With
  supervise=("smsbox",) a box that dies on its own is started again, as
  systemd's Restart=on-failure does in the README's units; panics() and
  serviced() read what a dead smsbox held from its log.
- FakeSMSC: the client side of `smsc = fake`: sends MO lines (text, ucs2,
  8-bit data, udh, concatenated UCS-2) and collects the MT lines bearerbox
  writes back on the same connection, with the UDH parsed.
- decode_mt() / reassemble(): MT parts back to text.

Facts this relies on (Kannel 1.4.5 on Debian 12, checked by experiment;
test_kannellib.py pins the ones the tests depend on): the fake SMSC accepts one client at a time; MO line types
are `text` (raw UTF-8, coding 0), `data` (URL-encoded, coding 1), `ucs2`
(URL-encoded UTF-16BE, coding 2), `udh` / `udh-data` (URL-encoded UDH and
data, always coding 1), `udh-text`, `route`, `dlr-mask`; `ucs-2` is NOT an
input type (bearerbox logs "invalid message syntax" and drops the line).
MT lines are `sender receiver text TEXT`, `... data URLENC`,
`... ucs-2 URLENC` or `... udh URLENC data URLENC` (no coding given once a
UDH is present). Nothing is acknowledged by the client: bearerbox itself
produces the DLRs (8 then 1) when it writes the MT line."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")

# The get-url of issue 17, with {base} standing for http://HOST:PORT.
MO_QUERY = ("from=%p&to=%P&text=%a&id=%I&smsc=%i&charset=%C&coding=%c&time=%t")


def find_binaries():
    """{'bearerbox': path, 'smsbox': path} or None when either is missing.
    $KANNEL_BIN (a folder) is looked at first."""
    dirs = ([os.environ["KANNEL_BIN"]] if os.environ.get("KANNEL_BIN") else []) + list(BIN_DIRS)
    found = {}
    for name in ("bearerbox", "smsbox"):
        for d in dirs:
            p = os.path.join(d, name)
            if os.path.isfile(p) and os.access(p, os.X_OK):
                found[name] = p
                break
    return found if len(found) == 2 else None


def require_kannel(what="kannel"):
    """The binaries, or a SKIP line and exit 0 (nothing was tested)."""
    b = find_binaries()
    if b is None:
        print("SKIP %s: bearerbox/smsbox not found (apt-get install kannel, or set KANNEL_BIN)"
              % what, flush=True)
        sys.exit(0)
    return b


def free_port():
    """A TCP port free on 127.0.0.1 right now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(cond, timeout=15.0, step=0.02):
    """Poll cond() until it is true or timeout; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class KannelConf:
    """Parameters of one bench; render() gives kannel.conf's text.

    mo_url: full get-url/post-url (Kannel escapes allowed); mo_method 'get'
    or 'post' (post-url sends the text as the body, the rest as X-Kannel-*
    headers). extra_* are dicts (or lists of pairs) of further keys added to
    the group verbatim; a value None leaves the key out. Delivery-report
    defaults go there too, e.g. extra_user={"dlr-url": ...} (sendsms-user)
    or extra_service={"dlr-mask": 31, "dlr-url": ...}; store_type "spool"
    (default), "file" or None; http_smsc_port adds an `smsc = http` to
    inject MO with any coding and UDH (see Kannel.mo_http)."""

    def __init__(self, workdir, mo_url=None, mo_method="get", **kw):
        self.dir = workdir
        self.mo_url = mo_url
        self.mo_method = mo_method
        self.admin_port = kw.pop("admin_port", None) or free_port()
        self.box_port = kw.pop("box_port", None) or free_port()
        self.sendsms_port = kw.pop("sendsms_port", None) or free_port()
        self.fake_port = kw.pop("fake_port", None) or free_port()
        self.admin_password = kw.pop("admin_password", "admin-pw")
        self.status_password = kw.pop("status_password", "status-pw")
        self.user = kw.pop("user", "gw")
        self.password = kw.pop("password", "gw-pw")
        self.spool = kw.pop("spool", None) or os.path.join(workdir, "spool")
        # "spool" (a file per message), "file" (one store file + dumps), or
        # None (no store: bearerbox forgets queued messages when it stops)
        self.store_type = kw.pop("store_type", "spool")
        self.log_level = kw.pop("log_level", 1)
        self.mo_recode = kw.pop("mo_recode", True)
        self.max_messages = kw.pop("max_messages", 0)      # sms-service: 0 = no reply from body
        self.user_max_messages = kw.pop("user_max_messages", 10)
        self.http_request_retry = kw.pop("http_request_retry", None)
        self.http_queue_delay = kw.pop("http_queue_delay", None)
        self.max_pending_requests = kw.pop("max_pending_requests", None)
        self.http_timeout = kw.pop("http_timeout", None)
        self.smsc_throughput = kw.pop("smsc_throughput", None)
        self.combine_mo = kw.pop("combine_mo", None)
        self.resend_freq = kw.pop("resend_freq", None)
        self.access_log = kw.pop("access_log", False)
        self.extra_core = kw.pop("extra_core", {})
        self.extra_smsc = kw.pop("extra_smsc", {})
        self.extra_smsbox = kw.pop("extra_smsbox", {})
        self.extra_service = kw.pop("extra_service", {})
        self.extra_user = kw.pop("extra_user", {})
        self.extra_groups = kw.pop("extra_groups", [])   # [(group name, pairs)]
        # a second SMSC, `smsc = http` of system-type kannel, to inject MO
        # with any coding and UDH (the fake SMSC cannot say UCS-2 + UDH)
        self.http_smsc_port = kw.pop("http_smsc_port", None)
        if kw:
            raise TypeError("unknown KannelConf parameters: %s" % ", ".join(sorted(kw)))
        self.path = os.path.join(workdir, "kannel.conf")

    @staticmethod
    def _group(name, pairs):
        out = ["group = %s" % name]
        items = pairs.items() if isinstance(pairs, dict) else pairs
        for k, v in items:
            if v is None:
                continue
            if isinstance(v, bool):
                v = "true" if v else "false"
            v = str(v)
            # quote values with spaces or Kannel's comment/escape characters
            if any(c in v for c in ' #%"') or v == "":
                v = '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
            out.append("%s = %s" % (k, v))
        return "\n".join(out) + "\n"

    def render(self):
        d = self.dir
        core = [("admin-port", self.admin_port), ("admin-interface", "127.0.0.1"),
                ("admin-password", self.admin_password),
                ("status-password", self.status_password), ("admin-allow-ip", "127.0.0.1"),
                ("smsbox-port", self.box_port), ("smsbox-interface", "127.0.0.1"),
                ("box-allow-ip", "127.0.0.1"),
                ("log-file", os.path.join(d, "bearerbox.log")), ("log-level", self.log_level),
                ("store-type", self.store_type),
                ("store-location", (self.spool if self.store_type == "spool" else
                                    os.path.join(d, "kannel.store")) if self.store_type else None),
                ("dlr-storage", "internal"),
                ("sms-combine-concatenated-mo", self.combine_mo),
                ("sms-resend-freq", self.resend_freq)]
        if self.access_log:
            core.append(("access-log", os.path.join(d, "bearerbox-access.log")))
        smsc = [("smsc", "fake"), ("smsc-id", "fake"), ("port", self.fake_port),
                ("our-host", "127.0.0.1"), ("connect-allow-ip", "127.0.0.1"),
                ("throughput", self.smsc_throughput)]
        smsbox = [("bearerbox-host", "127.0.0.1"), ("bearerbox-port", self.box_port),
                  ("sendsms-port", self.sendsms_port), ("sendsms-interface", "127.0.0.1"),
                  ("log-file", os.path.join(d, "smsbox.log")), ("log-level", self.log_level),
                  ("mo-recode", self.mo_recode),
                  ("http-request-retry", self.http_request_retry),
                  ("http-queue-delay", self.http_queue_delay),
                  ("max-pending-requests", self.max_pending_requests),
                  ("http-timeout", self.http_timeout)]
        if self.access_log:
            smsbox.append(("access-log", os.path.join(d, "smsbox-access.log")))
        user = [("username", self.user), ("password", self.password),
                ("concatenation", True), ("max-messages", self.user_max_messages),
                ("user-allow-ip", "127.0.0.1")]
        text = ""
        for name, pairs, extra in (("core", core, self.extra_core), ("smsc", smsc, self.extra_smsc),
                                   ("smsbox", smsbox, self.extra_smsbox),
                                   ("sendsms-user", user, self.extra_user)):
            text += self._group(name, pairs + list(dict(extra).items())) + "\n"
        if self.mo_url:
            svc = [("keyword", "default"), ("catch-all", True),
                   ("max-messages", self.max_messages),
                   ("get-url" if self.mo_method == "get" else "post-url", self.mo_url)]
            text += self._group("sms-service", svc + list(dict(self.extra_service).items()))
        if self.http_smsc_port:
            text += "\n" + self._group("smsc", [
                ("smsc", "http"), ("smsc-id", "httpsim"), ("system-type", "kannel"),
                ("port", self.http_smsc_port), ("connect-allow-ip", "127.0.0.1"),
                ("smsc-username", "sim"), ("smsc-password", "sim-pw"),
                # MT is never routed here unless asked for by smsc=httpsim
                ("allowed-smsc-id", "httpsim"), ("send-url", "http://127.0.0.1:9/unused")])
        for name, pairs in self.extra_groups:
            text += "\n" + self._group(name, pairs)
        return text

    def write(self):
        os.makedirs(self.spool, exist_ok=True)
        with open(self.path, "w") as f:
            f.write(self.render())
        return self.path


class Kannel:
    """bearerbox + smsbox on one KannelConf. Processes log to files in the
    bench folder; console output goes to *.out at panic level only."""

    def __init__(self, conf=None, workdir=None, keep=False, supervise=(), **conf_kw):
        self.bins = require_kannel()
        self.own_dir = workdir is None and conf is None
        self.dir = conf.dir if conf else (workdir or tempfile.mkdtemp(prefix="kannel-it-"))
        self.conf = conf or KannelConf(self.dir, **conf_kw)
        self.keep = keep
        self.procs = {}
        self.outs = {}
        self.conf.write()
        # boxes started again when they die on their own (not by stop/kill)
        self.supervise = set(supervise)
        self.watched = set()
        self.restarts = {}
        self.lock = threading.RLock()
        self.closing = threading.Event()
        self.watcher = None
        if self.supervise:
            self.watcher = threading.Thread(target=self._watch, daemon=True)
            self.watcher.start()

    def _watch(self):
        """Restart a watched box whose process group emptied: Debian's
        smsbox 1.4.5 panics (conn.c: conn_unregister: Assertion `conn !=
        NULL') when a request to an application that just died fails."""
        while not self.closing.wait(0.2):
            with self.lock:
                for name in list(self.watched):
                    if name in self.procs and not self.alive(name):
                        p = self.procs.pop(name)
                        p.wait()
                        self.outs.pop(name).close()
                        self.restarts[name] = self.restarts.get(name, 0) + 1
                        self._spawn(name)

    # -- processes -------------------------------------------------------
    def _spawn(self, name):
        out = open(os.path.join(self.dir, name + ".out"), "ab")
        p = subprocess.Popen([self.bins[name], "-v", "4", self.conf.path], stdout=out,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        self.procs[name] = p
        self.outs[name] = out
        return p

    def members(self, name):
        """Live pids of the box's process group. smsbox re-executes itself
        (fork + exec, new pid, same group) ~11 s after bearerbox goes away,
        so the group, not the first pid, is what we follow."""
        p = self.procs.get(name)
        if p is None:
            return []
        p.poll()  # reap the leader if it exited
        res = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == p.pid and fields[0] != "Z":
                res.append(int(d))
        return res

    def alive(self, name):
        return bool(self.members(name))

    def start_bearerbox(self, timeout=15):
        with self.lock:
            p = self._spawn("bearerbox")
            if "bearerbox" in self.supervise:
                self.watched.add("bearerbox")
        ok = wait_until(lambda: p.poll() is not None or self.status() is not None, timeout)
        if p.poll() is not None or not ok:
            raise RuntimeError("bearerbox did not come up: %s" % self.tail("bearerbox"))
        return p

    def start_smsbox(self, timeout=15):
        """Ready when the sendsms port answers and bearerbox lists the box."""
        with self.lock:
            p = self._spawn("smsbox")
            if "smsbox" in self.supervise:
                self.watched.add("smsbox")
        ok = wait_until(lambda: p.poll() is not None or
                        (port_open(self.conf.sendsms_port) and self.smsbox_connected()), timeout)
        if p.poll() is not None or not ok:
            raise RuntimeError("smsbox did not come up: %s" % self.tail("smsbox"))
        return p

    def start(self, timeout=15):
        self.start_bearerbox(timeout)
        self.start_smsbox(timeout)
        return self

    def _signal_group(self, name, sig):
        try:
            os.killpg(self.procs[name].pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, name, timeout=20):
        """SIGTERM to the box's group and wait; Kannel boxes shut down
        cleanly on it (SIGKILL after timeout). Returns the first pid's rc."""
        if name not in self.procs:
            return None
        if self.alive(name):
            self._signal_group(name, signal.SIGTERM)
            if not wait_until(lambda: not self.alive(name), timeout):
                self._signal_group(name, signal.SIGKILL)
                wait_until(lambda: not self.alive(name), timeout)
        p = self.procs.pop(name)
        p.wait()
        self.outs.pop(name).close()
        return p.returncode

    def kill(self, name):
        """SIGKILL: what a crash looks like (nothing flushed, no goodbye)."""
        with self.lock:
            self.watched.discard(name)
        if name not in self.procs:
            return None
        self._signal_group(name, signal.SIGKILL)
        wait_until(lambda: not self.alive(name), 10)
        p = self.procs.pop(name)
        p.wait()
        self.outs.pop(name).close()
        return p.returncode

    def restart(self, name, hard=False, timeout=15):
        """Stop (hard: SIGKILL) and start one box. Restarting bearerbox
        also stops smsbox first and starts it again afterwards: left alone,
        smsbox shuts down when bearerbox goes and re-executes itself only
        ~11 s later (10 s sleep + 1 s in restart_box())."""
        if name == "bearerbox":
            had_smsbox = "smsbox" in self.procs
            self.stop("smsbox")
            (self.kill if hard else self.stop)(name)
            # the admin, box and fake SMSC ports must be free before a rebind
            wait_until(lambda: not port_open(self.conf.admin_port), timeout)
            p = self.start_bearerbox(timeout)
            if had_smsbox:
                self.start_smsbox(timeout)
            return p
        (self.kill if hard else self.stop)(name)
        return self.start_smsbox(timeout)

    def close(self):
        """Stop every box (smsboxes first: with bearerbox gone first they
        log reconnect attempts) and remove the folder if we made it."""
        self.closing.set()
        if self.watcher:
            self.watcher.join()
        for name in sorted(self.procs, key=lambda n: n == "bearerbox"):
            self.stop(name)
        if self.own_dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def tail(self, name, n=20):
        text = ""
        for suffix in (".out", ".log"):
            p = os.path.join(self.dir, name + suffix)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text += "".join(f.readlines()[-n:])
        return text

    def panics(self, name="smsbox"):
        """{pid: first PANIC line} of every instance of the box that panicked."""
        res = {}
        p = os.path.join(self.dir, name + ".log")
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if "PANIC:" in line:
                        res.setdefault(log_pid(line), line.strip())
        return res

    def serviced(self, pids):
        """[(sender, text)] smsbox's instances pids started to call the
        application with ("Starting to service <text> from <sender>")."""
        res = []
        p = os.path.join(self.dir, "smsbox.log")
        with open(p, encoding="utf-8", errors="replace") as f:
            for line in f:
                i = line.find("Starting to service <")
                if i < 0 or log_pid(line) not in pids:
                    continue
                rest = line[i + len("Starting to service <"):]
                j = rest.rfind("> from <")
                k = rest.find(">", j + 8)
                if j >= 0 and k >= 0:
                    res.append((rest[j + 8:k], rest[:j]))
        return res

    # -- admin HTTP ------------------------------------------------------
    def admin(self, command, timeout=5, **params):
        """GET /<command> on the admin port; (status, body) or (None, reason)."""
        params.setdefault("password", self.conf.admin_password)
        url = "http://127.0.0.1:%d/%s?%s" % (self.conf.admin_port, command,
                                              urllib.parse.urlencode(params))
        return http_get(url, timeout)

    def status(self):
        """bearerbox's status.xml parsed: {'smscs': {id: status}, 'boxes': [...],
        'sms_received', 'sms_sent', 'store_size', 'dlr_queued', ...} or None."""
        st, body = self.admin("status.xml", password=self.conf.status_password, timeout=2)
        if st != 200:
            return None
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return None

        def num(path):
            e = root.find(path)
            return int(e.text) if e is not None and e.text and e.text.strip().isdigit() else None
        res = {"status": (root.findtext("status") or "").strip(),
               "sms_received": num("sms/received/total"),
               "sms_received_queued": num("sms/received/queued"),
               "sms_sent": num("sms/sent/total"), "sms_sent_queued": num("sms/sent/queued"),
               "store_size": num("sms/storesize"), "dlr_queued": num("dlr/queued"),
               "boxes": [], "smscs": {}}
        for b in root.iter("box"):
            res["boxes"].append({"type": b.findtext("type"), "id": b.findtext("id"),
                                 "queue": b.findtext("queue")})
        for s in root.iter("smsc"):
            res["smscs"][s.findtext("id")] = {
                "status": (s.findtext("status") or "").split(" ")[0],
                "queued": s.findtext("queued"), "failed": s.findtext("failed")}
        return res

    def smsbox_connected(self):
        s = self.status()
        return bool(s and any(b["type"] == "smsbox" for b in s["boxes"]))

    def smsc_online(self, smsc_id="fake"):
        s = self.status()
        return bool(s and s["smscs"].get(smsc_id, {}).get("status") == "online")

    def mo_http(self, sender, receiver, data, coding=0, udh=None, timeout=5):
        """Inject one MO part through the http SMSC (http_smsc_port must be
        set): data is bytes (UTF-16BE for coding 2) or str (UTF-8).
        Returns (status, body); bearerbox answers 202 "Sent."."""
        if not self.conf.http_smsc_port:
            raise RuntimeError("KannelConf(http_smsc_port=...) is needed")
        q = [("username", "sim"), ("password", "sim-pw"), ("from", sender), ("to", receiver),
             ("text", data), ("coding", str(coding))]
        if udh:
            q.append(("udh", udh))
        return http_get("http://127.0.0.1:%d/?%s" % (self.conf.http_smsc_port,
                                                     urllib.parse.urlencode(q)), timeout)

    def mo_http_concat_ucs2(self, sender, receiver, text, ref, order=None):
        """A concatenated UCS-2 MO (67 characters a part) through the http
        SMSC, parts in the given order; list of (status, body)."""
        b = text.encode("utf-16-be")
        chunks = [b[i:i + 134] for i in range(0, len(b), 134)] or [b""]
        idx = order or range(len(chunks))
        return [self.mo_http(sender, receiver, chunks[i], 2, udh_concat(ref, len(chunks), i + 1))
                for i in idx]

    # -- sendsms ---------------------------------------------------------
    def sendsms_url(self, to, text, sender="8100", **params):
        """The sendsms URL; params are sendsms CGI names with '_' for '-'
        (dlr_mask, dlr_url, coding, charset, smsc, udh, mclass ...)."""
        q = [("username", self.conf.user), ("password", self.conf.password),
             ("from", sender), ("to", to), ("text", text)]
        for k, v in params.items():
            if v is not None:
                q.append((k.replace("_", "-"), str(v)))
        return "http://127.0.0.1:%d/cgi-bin/sendsms?%s" % (
            self.conf.sendsms_port, urllib.parse.urlencode(q, encoding="utf-8"))

    def sendsms(self, to, text, sender="8100", timeout=10, **params):
        """(HTTP status, body) of one sendsms request."""
        return http_get(self.sendsms_url(to, text, sender, **params), timeout)


def log_pid(line):
    """The process id of a Kannel log line ("DATE TIME [pid] [thread] ...")."""
    f = line.split(" ", 3)
    return f[2].strip("[]") if len(f) > 3 else ""


def http_get(url, timeout=5):
    """(status, body text) or (None, error text); any HTTP status is a result."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (OSError, ValueError) as e:
        return None, str(e)


# -- fake SMSC client ------------------------------------------------------

def udh_concat(ref, total, seq, ref16=False):
    """Concatenation UDH (with its length octet): IE 0x00 (8-bit ref) or
    0x08 (16-bit ref)."""
    if ref16:
        return bytes([6, 8, 4, (ref >> 8) & 0xFF, ref & 0xFF, total, seq])
    return bytes([5, 0, 3, ref & 0xFF, total, seq])


def parse_udh(udh):
    """{iei: value bytes} of a UDH with its length octet, plus 'concat':
    (ref, total, seq) when a concatenation IE is there."""
    res = {}
    if not udh:
        return res
    n = udh[0]
    i = 1
    while i + 1 < min(len(udh), n + 1):
        iei, ln = udh[i], udh[i + 1]
        val = udh[i + 2:i + 2 + ln]
        res[iei] = val
        if iei == 0 and ln == 3:
            res["concat"] = (val[0], val[1], val[2])
        elif iei == 8 and ln == 4:
            res["concat"] = ((val[0] << 8) | val[1], val[2], val[3])
        i += 2 + ln
    return res


def unplus(s):
    """Octets of a Kannel octstr_url_encode()d field (space is '+')."""
    return urllib.parse.unquote_to_bytes(s.replace("+", " "))


# What bearerbox 1.4.5's fake SMSC writes as an MT line's type.
MT_TYPES = ("text", "data", "ucs-2", "udh")


def parse_mt_line(line):
    """One MT line from bearerbox -> dict(sender, receiver, type, udh, data,
    coding, concat, line). coding: 0 text, 1 data, 2 ucs-2, None when a UDH
    hides it (the fake SMSC does not say)."""
    parts = line.split(" ", 3)
    if len(parts) < 4:
        return {"line": line, "type": None}
    sender, receiver, typ, rest = parts
    m = {"line": line, "sender": sender, "receiver": receiver, "type": typ,
         "udh": b"", "concat": None}
    if typ == "udh":
        udh_enc, _, data_part = rest.partition(" data ")
        m["udh"] = unplus(udh_enc)
        m["data"] = unplus(data_part)
        m["coding"] = None
        m["concat"] = parse_udh(m["udh"]).get("concat")
    elif typ == "text":
        m["data"] = rest.encode("utf-8", "surrogateescape")
        m["coding"] = 0
    elif typ == "data":
        m["data"] = unplus(rest)
        m["coding"] = 1
    elif typ == "ucs-2":
        m["data"] = unplus(rest)
        m["coding"] = 2
    else:
        m["data"] = rest.encode("utf-8", "surrogateescape")
        m["coding"] = None
    return m


def decode_mt(m, coding=None):
    """Text of one MT part. coding overrides what the line says (needed for
    UDH parts: 2 for UCS-2, 0 for text)."""
    c = m.get("coding") if coding is None else coding
    if c == 2:
        return m["data"].decode("utf-16-be", "replace")
    return m["data"].decode("utf-8", "replace")


def reassemble(mts, coding=None):
    """Whole messages from MT parts: a list of dicts (sender, receiver, text,
    parts) in the order their first part arrived; concatenated parts are
    joined by (sender, receiver, ref) in sequence order once all are there.
    Incomplete concatenations are returned with text None."""
    out = []
    groups = {}
    for m in mts:
        if m.get("concat"):
            ref, total, seq = m["concat"]
            key = (m["sender"], m["receiver"], ref, total)
            if key not in groups:
                groups[key] = {"sender": m["sender"], "receiver": m["receiver"], "text": None,
                               "parts": {}, "total": total}
                out.append(groups[key])
            g = groups[key]
            g["parts"][seq] = m
            if len(g["parts"]) == total:
                data = b"".join(g["parts"][i]["data"] for i in sorted(g["parts"]))
                g["text"] = decode_mt({"data": data, "coding": coding if coding is not None
                                       else m.get("coding")})
        elif m.get("type"):
            out.append({"sender": m["sender"], "receiver": m["receiver"],
                        "text": decode_mt(m, coding if m.get("udh") else None),
                        "parts": {1: m}, "total": 1})
    for g in out:
        g["parts"] = [g["parts"][k] for k in sorted(g["parts"])]
    return out


class FakeSMSC:
    """Client of bearerbox's `smsc = fake` listener. MO lines go out with
    send_*(); a reader thread collects MT lines (parsed, with arrival time).
    The fake SMSC serves one client at a time, and bearerbox marks the SMSC
    online only while one is connected."""

    def __init__(self, port, host="127.0.0.1", connect_timeout=10):
        end = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock = socket.create_connection((host, port), timeout=2)
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(None)
        self.lock = threading.Condition()
        self.mt = []
        self.closed = False
        self._wlock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buf = b""
        while True:
            try:
                d = self.sock.recv(65536)
            except OSError:
                d = b""
            if not d:
                break
            buf += d
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                m = parse_mt_line(raw.decode("utf-8", "surrogateescape"))
                m["t"] = time.monotonic()
                with self.lock:
                    last = self.mt[-1] if self.mt else None
                    if m.get("type") not in MT_TYPES and last and last.get("type") == "text":
                        # bearerbox writes a `text` MT raw: a newline in the
                        # message starts a line that is the rest of it
                        last["data"] += b"\n" + raw
                        last["line"] += "\n" + raw.decode("utf-8", "surrogateescape")
                    else:
                        self.mt.append(m)
                    self.lock.notify_all()
        with self.lock:
            self.closed = True
            self.lock.notify_all()

    def send_line(self, line):
        if "\n" in line:
            raise ValueError("a fake SMSC line cannot hold a newline")
        with self._wlock:
            self.sock.sendall(line.encode("utf-8", "surrogateescape") + b"\n")

    def send_lines(self, lines):
        """Many lines in one write (benchmarks)."""
        data = b"".join(x.encode("utf-8", "surrogateescape") + b"\n" for x in lines)
        with self._wlock:
            self.sock.sendall(data)

    @staticmethod
    def line_text(sender, receiver, text):
        """Raw text, taken as UTF-8 with coding 0 (no newline possible)."""
        return "%s %s text %s" % (sender, receiver, text)

    @staticmethod
    def line_ucs2(sender, receiver, text):
        return "%s %s ucs2 %s" % (sender, receiver,
                                  urllib.parse.quote_from_bytes(text.encode("utf-16-be")))

    @staticmethod
    def line_data(sender, receiver, data):
        return "%s %s data %s" % (sender, receiver, urllib.parse.quote_from_bytes(data))

    @staticmethod
    def line_udh(sender, receiver, udh, data):
        return "%s %s udh %s %s" % (sender, receiver, urllib.parse.quote_from_bytes(udh),
                                    urllib.parse.quote_from_bytes(data))

    def send_text(self, sender, receiver, text):
        self.send_line(self.line_text(sender, receiver, text))

    def send_ucs2(self, sender, receiver, text):
        self.send_line(self.line_ucs2(sender, receiver, text))

    def send_data(self, sender, receiver, data):
        self.send_line(self.line_data(sender, receiver, data))

    def send_udh(self, sender, receiver, udh, data):
        self.send_line(self.line_udh(sender, receiver, udh, data))

    @staticmethod
    def concat_lines(sender, receiver, text, ref, part_octets=134, order=None):
        """Lines of a concatenated UCS-2 message (134 octets = 67 characters
        a part, as a phone splits). The fake SMSC gives UDH lines coding 1,
        so the application sees the joined UTF-16BE octets with charset
        8-BIT / coding 1, not UTF-8 (a real SMSC would say UCS-2)."""
        b = text.encode("utf-16-be")
        chunks = [b[i:i + part_octets] for i in range(0, len(b), part_octets)] or [b""]
        lines = [FakeSMSC.line_udh(sender, receiver, udh_concat(ref, len(chunks), i + 1), c)
                 for i, c in enumerate(chunks)]
        if order:
            lines = [lines[i] for i in order]
        return lines

    def send_concat_ucs2(self, sender, receiver, text, ref, order=None):
        lines = self.concat_lines(sender, receiver, text, ref, order=order)
        for x in lines:
            self.send_line(x)
        return len(lines)

    def wait_mt(self, n, timeout=10):
        """Wait until at least n MT lines arrived; returns a copy of them."""
        end = time.monotonic() + timeout
        with self.lock:
            while len(self.mt) < n and not self.closed:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.lock.wait(left)
            return list(self.mt)

    def take_mt(self):
        """The MT lines so far, clearing the list."""
        with self.lock:
            res, self.mt = self.mt, []
            return res

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.reader.join(timeout=5)


# -- a stand-in application ------------------------------------------------

class RecordingApp:
    """A threaded HTTP server on a free loopback port standing in for the
    application (gatewayd's /kannel/mo and /kannel/dlr). Every request is
    recorded as a dict (t, method, path, route, query: list of pairs, args:
    dict of first values, headers, body). respond(req) -> (status, body) or
    None to drop the connection without an answer; default 200 "ok"."""

    def __init__(self, respond=None, port=0):
        self.requests = []
        self.conns = set()  # open (kept-alive) client connections
        self.cond = threading.Condition()
        self.respond = respond or (lambda req: (200, "ok"))
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def setup(self):
                super().setup()
                with app.cond:
                    app.conns.add(self.connection)

            def finish(self):
                with app.cond:
                    app.conns.discard(self.connection)
                super().finish()

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                route, _, qs = self.path.partition("?")
                q = urllib.parse.parse_qsl(qs, keep_blank_values=True, encoding="latin-1")
                req = {"t": time.monotonic(), "method": self.command, "path": self.path,
                       "route": route, "query": q, "args": {}, "raw_query": qs,
                       "headers": dict(self.headers.items()), "body": body}
                for k, v in q:
                    req["args"].setdefault(k, v)
                with app.cond:
                    app.requests.append(req)
                    app.cond.notify_all()
                ans = app.respond(req)
                if ans is None:
                    self.close_connection = True
                    return
                st, text = ans
                data = text.encode("utf-8") if isinstance(text, str) else text
                self.send_response(st)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _any
            do_POST = _any

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def mo_url(self, route="/kannel/mo", query=MO_QUERY):
        return "%s%s?%s" % (self.base, route, query)

    def wait(self, n, route=None, timeout=10):
        """Wait for at least n requests (on route, if given); returns them."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [r for r in self.requests if route is None or r["route"] == route]
                left = end - time.monotonic()
                if len(got) >= n or left <= 0:
                    return got
                self.cond.wait(left)

    def close(self):
        """Stop listening and cut the kept-alive connections too, as a
        process that dies would."""
        self.server.shutdown()
        self.server.server_close()
        with self.cond:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def text_of(args):
    """The MO text as the application must read it from the get-url
    arguments (latin-1-decoded query pairs): UTF-8 when charset is UTF-8,
    UTF-16BE octets when charset is UTF-16BE, raw octets otherwise."""
    raw = args.get("text", "").encode("latin-1")
    cs = args.get("charset", "").upper()
    if cs == "UTF-16BE":
        return raw.decode("utf-16-be", "replace")
    if cs in ("UTF-8", ""):
        return raw.decode("utf-8", "replace")
    return raw
