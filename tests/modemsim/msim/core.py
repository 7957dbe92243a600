"""The simulated modem: pty transport, V.250 framing, command dispatch, timers
and the main loop. The AT command handlers are mixins (basic_cmds, sms_cmds),
status reports live in reports, the control socket in control."""

import collections
import errno
import fcntl
import heapq
import os
import random
import re
import select
import signal
import sys
import time
import traceback
import tty

from .atutil import CME_TEXT, Reply, esc_bytes, upper_outside_quotes
from .basic_cmds import BasicCommands
from .control import ControlMixin
from .reports import ReportMixin
from .sms_cmds import SmsCommands
from .store import SmsMemory

MAX_LINE = 4096          # command-line buffer (bytes)
MAX_PDU_HEX = 1024       # edit-mode buffer (hex chars)
MAX_TXQ = 256 * 1024     # pending output towards the pty


class Timer(object):
    __slots__ = ("cancelled",)

    def __init__(self):
        self.cancelled = False


class ModemSim(BasicCommands, SmsCommands, ReportMixin, ControlMixin):
    """One modem. State that a power cycle (appear) resets is set in
    power_on_reset(); the rest (SIM, memories, network side, faults, status
    report settings) survives vanish/appear."""

    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.link = os.path.abspath(a.link)
        self.control = os.path.abspath(a.control) if a.control else None
        self.ready = os.path.abspath(a.ready) if a.ready else None
        self.master = None
        self.slave = None
        self.pts = None
        self.present = False
        self.stopping = False
        self.timers = []
        self.timer_seq = 0
        self.txq = collections.deque()     # (due, bytes)
        self.last_due = 0.0
        self.outbuf = bytearray()
        self.dropped_tx = 0
        self.clients = []
        self.ctl_sock = None
        self.t0 = time.monotonic()
        self.last_rx = None
        # SIM (survives vanish/appear)
        self.mems = {"SM": SmsMemory("SM", a.capacity), "SR": SmsMemory("SR", a.sr_capacity)}
        self.storage = self.mems["SM"].msgs  # the SIM store: idx -> dict(stat, pdu, len)
        self.capacity = a.capacity
        self.smsc = a.smsc
        self.pin = a.pin
        self.puk = a.puk
        self.pin_enabled = a.pin_locked
        self.mr = self.rng.randrange(256)
        self.concat_ref = self.rng.randrange(256)
        # network side
        self.reg_stat = 1
        self.rssi = a.rssi
        self.battery = a.battery
        self.ussd_reply = a.ussd_reply
        self.ussd_status = 0
        self.send_delay = a.send_delay / 1000.0
        # faults
        self.faults = {}
        # call
        self.call = None                   # dict(number, rings, timer)
        # counters
        self.n_at = 0
        self.n_sent = 0
        self.n_rejected = 0
        self.n_ussd = 0
        self.n_injected = 0
        self.n_junk = 0
        self.appear_count = 0
        self.sent_fp = open(a.sent_log, "a", encoding="utf-8") if a.sent_log else None
        self.report_fp = open(a.report_log, "a", encoding="utf-8") if a.report_log else None
        self.reports_init()
        self.at_fp = open(a.at_log, "a", encoding="utf-8") if a.at_log else None
        self.power_on_reset()

    # ---------------------------------------------------------------- state
    def power_on_reset(self):
        self.echo = True
        self.cmee = 0
        self.charset = "IRA"
        self.cmgf = 0
        self.cnmi = [0, 0, 0, 0, 0]
        self.cpms = ["SM", "SM", "SM"]    # <mem1> read/delete, <mem2> write/send, <mem3> receive
        self.urc_held = []                # unsolicited codes held while the link is reserved
        self.awaiting_final = False       # a send (CMGS/CMSS) waits for its --send-delay verdict
        self.creg_n = 0
        self.cgreg_n = 0
        self.cereg_n = 0
        self.cops_format = 0
        self.clip = True
        self.crc = False
        self.ccwa = 0
        self.cusd_n = 0
        self.cmms = 0
        self.cfun = 1
        self.pin_state = "SIM PIN" if self.pin_enabled else "READY"
        self.pin_attempts = 3
        self.linebuf = bytearray()
        self.line_overflow = False
        self.edit = None                  # dict(kind, length, stat, buf, overflow)

    def registered(self):
        return self.cfun == 1 and self.pin_state == "READY" and self.reg_stat in (1, 5)

    def cur_reg(self):
        if self.cfun != 1 or self.pin_state != "READY":
            return 0
        return self.reg_stat

    # ---------------------------------------------------------------- logging
    def log(self, kind, text):
        if self.at_fp is None:
            return
        try:
            self.at_fp.write("%.6f %s %s\n" % (time.monotonic(), kind, text))
            self.at_fp.flush()
        except (OSError, ValueError):
            pass

    def say(self, msg):
        try:
            sys.stdout.write(msg + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass

    def warn(self, msg):
        try:
            sys.stderr.write("modemsim: %s\n" % msg)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    # ---------------------------------------------------------------- timers
    def at(self, delay, fn):
        t = Timer()
        self.timer_seq += 1
        heapq.heappush(self.timers, (time.monotonic() + max(0.0, delay), self.timer_seq, t, fn))
        return t

    def run_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, t, fn = heapq.heappop(self.timers)
            if not t.cancelled:
                try:
                    fn()
                except Exception:
                    self.warn("timer failed:\n" + traceback.format_exc())

    # ---------------------------------------------------------------- pty
    def appear(self):
        if self.present:
            return False
        # A re-enumerated modem gets a new node: never reuse the previous pts
        # number (the kernel hands out the lowest free one).
        spare = []
        m, s = os.openpty()
        while os.ttyname(s) == self.pts and len(spare) < 4:
            spare.append((m, s))
            m, s = os.openpty()
        for fd in [x for pair in spare for x in pair]:
            os.close(fd)
        tty.setraw(s)
        fl = fcntl.fcntl(m, fcntl.F_GETFL)
        fcntl.fcntl(m, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        self.master, self.slave = m, s
        self.pts = os.ttyname(s)
        d = os.path.dirname(self.link)
        os.makedirs(d, exist_ok=True)
        if os.path.lexists(self.link) and not os.path.islink(self.link):
            raise ValueError("%s exists and is not a symlink" % self.link)
        tmp = "%s.tmp%d" % (self.link, os.getpid())
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(self.pts, tmp)
        os.replace(tmp, self.link)
        self.present = True
        self.appear_count += 1
        self.txq.clear()
        self.outbuf = bytearray()
        self.last_due = 0.0
        self.power_on_reset()
        if self.a.appear_clears_hang:
            self.faults.pop("hang", None)
        self.write_ready()
        self.log("EV", "appear %s -> %s" % (self.link, self.pts))
        self.say("READY %s %s" % (self.link, self.pts))
        return True

    def vanish(self):
        if not self.present:
            return False
        self.present = False
        try:
            if os.path.islink(self.link) and os.readlink(self.link) == self.pts:
                os.unlink(self.link)
        except OSError:
            pass
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.master = self.slave = None
        self.txq.clear()
        self.outbuf = bytearray()
        self.edit = None
        self.awaiting_final = False
        self.urc_held = []
        self.linebuf = bytearray()
        self.stop_call(None)
        if self.ready:
            try:
                os.unlink(self.ready)
            except OSError:
                pass
        self.log("EV", "vanish %s (was %s)" % (self.link, self.pts))
        self.say("VANISHED %s" % self.link)
        return True

    def write_ready(self):
        if not self.ready:
            return
        tmp = self.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("%s %s %d\n" % (self.link, self.pts, os.getpid()))
        os.replace(tmp, self.ready)

    # ---------------------------------------------------------------- output
    def tx(self, data, delay=0.0):
        if not self.present or not data:
            return
        due = max(time.monotonic() + delay, self.last_due)
        self.last_due = due
        self.txq.append((due, bytes(data)))
        if self.at_fp is not None and self.a.at_log_tx:
            self.log("TX", esc_bytes(data))

    def unsolicited(self, text):
        if "hang" in self.faults:
            return
        if self.edit is not None or self.awaiting_final:
            # The link is reserved (27.005 <mode> 2): hold it until the
            # command's final result code, as real modems do.
            self.urc_held.append(text)
            return
        self.tx(("\r\n%s\r\n" % text).encode("latin-1", "replace"), self.slow())

    def release_urcs(self):
        held, self.urc_held = self.urc_held, []
        for text in held:
            self.unsolicited(text)

    def slow(self):
        return self.faults.get("slow", 0) / 1000.0

    def flush_due(self):
        now = time.monotonic()
        while self.txq and self.txq[0][0] <= now:
            _, data = self.txq.popleft()
            if len(self.outbuf) + len(data) > MAX_TXQ:
                self.dropped_tx += len(data)
                continue
            self.outbuf += data
        self.write_out()

    def write_out(self):
        if self.master is None or not self.outbuf:
            return
        try:
            n = os.write(self.master, self.outbuf)
            del self.outbuf[:n]
        except BlockingIOError:
            pass
        except OSError as e:
            self.warn("pty write failed: %s" % e)
            self.outbuf = bytearray()

    def respond(self, echo, reply):
        """Queue echo (immediately) and the reply body (after fault delays)."""
        if echo and self.echo:
            self.tx(echo + b"\r")
        body = []
        for ln in reply.lines:
            body.append("\r\n" + ln)
        s = ("".join(body) + "\r\n") if body else ""
        if reply.prompt:
            s += "\r\n> "
        elif reply.final is not None:
            s += "\r\n%s\r\n" % reply.final
        data = s.encode("latin-1", "replace")
        if "garbage" in self.faults and data:
            n = self.rng.randint(1, max(1, self.faults["garbage"]))
            junk = bytes(self.rng.choice([b for b in range(1, 256) if b not in (10, 13)])
                         for _ in range(n))
            data = junk + data
        self.tx(data, self.slow())
        if reply.final is not None and not reply.prompt and self.urc_held and \
                self.edit is None and not self.awaiting_final:
            self.release_urcs()

    # ---------------------------------------------------------------- input
    def on_pty_readable(self):
        try:
            data = os.read(self.master, 4096)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                self.warn("pty read failed: %s" % e)
            return
        if not data:
            return
        self.last_rx = time.monotonic()
        if "hang" in self.faults:
            self.log("RX-HUNG", esc_bytes(data))
            return
        for b in data:
            try:
                self.feed_byte(b)
            except Exception:
                self.warn("internal error on input:\n" + traceback.format_exc())
                self.linebuf = bytearray()
                self.edit = None
                self.respond(None, Reply(final="ERROR"))

    def feed_byte(self, b):
        if self.edit is not None:
            e = self.edit
            if b == 0x1A:
                self.edit = None
                self.finish_edit(e)
            elif b == 0x1B:
                self.edit = None
                self.log("RX-PDU-CANCEL", e["buf"].decode("latin-1"))
                self.release_urcs()
            elif b in (0x0D, 0x0A):
                pass
            elif len(e["buf"]) < MAX_PDU_HEX:
                e["buf"].append(b)
            else:
                e["overflow"] = True
            return
        if b == 0x0D:
            line = bytes(self.linebuf)
            overflow = self.line_overflow
            self.linebuf = bytearray()
            self.line_overflow = False
            self.handle_line(line, overflow)
        elif b == 0x0A or b == 0x1A:
            pass
        elif b == 0x1B:
            if self.linebuf:
                self.log("RX-ESC", esc_bytes(bytes(self.linebuf)))
            self.linebuf = bytearray()
        elif b == 0x08:
            if self.linebuf:
                del self.linebuf[-1]
        elif len(self.linebuf) < MAX_LINE:
            self.linebuf.append(b)
        else:
            self.line_overflow = True

    def handle_line(self, raw, overflow=False):
        i = raw.upper().find(b"AT")
        if i < 0:
            if raw.strip():
                self.n_junk += 1
                self.log("RX-JUNK", esc_bytes(raw))
            return
        if i > 0:
            self.n_junk += 1
            self.log("RX-JUNK", esc_bytes(raw[:i]))
        raw = raw[i:]
        self.n_at += 1
        self.log("RX", esc_bytes(raw))
        if overflow:
            self.respond(raw[:64], Reply(final="ERROR"))
            return
        if "error" in self.faults:
            self.respond(raw, Reply(final="ERROR"))
            return
        try:
            reply = self.execute(raw.decode("latin-1"))
        except Exception:
            self.warn("command %r failed:\n%s" % (raw, traceback.format_exc()))
            reply = Reply(final="ERROR")
        self.respond(raw, reply)
        if reply.prompt:
            kind, length, stat = reply.prompt
            self.edit = {"kind": kind, "length": length, "stat": stat,
                         "buf": bytearray(), "overflow": False}
        if reply.after:
            reply.after()

    # ---------------------------------------------------------------- errors
    def cme(self, n):
        if self.cmee == 0:
            return Reply(final="ERROR")
        if self.cmee == 2 and n in CME_TEXT:
            return Reply(final="+CME ERROR: %s" % CME_TEXT[n])
        return Reply(final="+CME ERROR: %d" % n)

    @staticmethod
    def cms(n):
        return Reply(final="+CMS ERROR: %d" % n)

    def sim_block(self, sms=False):
        """Reply for commands that need an unlocked SIM, or None."""
        if self.pin_state == "READY":
            return None
        if sms:
            return self.cms(311 if self.pin_state == "SIM PIN" else 316)
        return self.cme(11 if self.pin_state == "SIM PIN" else 12)

    # ---------------------------------------------------------------- dispatch
    def execute(self, line):
        body = line[2:]
        if not body:
            return Reply()
        if body[0] in "+$^#*%":
            parts = self.split_chain(body)
            lines = []
            for p in parts:
                r = self.extended(p)
                if r.prompt or r.after or r.final != "OK" or len(parts) == 1:
                    if len(parts) > 1:
                        r.lines = lines + r.lines
                    return r
                lines.extend(r.lines)
            return Reply(lines)
        return self.basic(upper_outside_quotes(body))

    @staticmethod
    def split_chain(body):
        parts, cur, inq = [], [], False
        for ch in body:
            if ch == '"':
                inq = not inq
            if ch == ";" and not inq:
                parts.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        parts.append("".join(cur))
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) > 1 and all(p[0] in "+$^#*%" for p in parts):
            return parts
        return [body]

    def basic(self, b):
        if b.startswith("D"):
            return self.dial(b[1:])
        m = re.fullmatch(r"E([01]?)", b)
        if m:
            self.echo = m.group(1) == "1"
            return Reply()
        if re.fullmatch(r"H0?", b):
            self.stop_call("local")
            return Reply()
        if b == "A":
            if self.call and self.call.get("state") == "ringing":
                self.call["state"] = "active"
                if self.call.get("timer"):
                    self.call["timer"].cancelled = True
                return Reply()
            return Reply(final="NO CARRIER")
        if re.fullmatch(r"Z0?|&F0?", b):
            self.echo = True
            self.cmee = 0
            self.charset = "IRA"
            return Reply()
        if b in ("I", "I0", "I1", "I2", "I3"):
            return Reply([self.a.manufacturer, self.a.model, "Revision: " + self.a.revision])
        if b == "V0":
            return Reply(final="ERROR")
        if re.fullmatch(r"(V1?|Q0?|&[CDWKV]\d*|S\d+(=\d+|\?)?|L\d?|M\d?|X\d?|&W\d?)", b):
            if re.fullmatch(r"S\d+\?", b):
                return Reply(["000"])
            return Reply()
        return Reply(final="ERROR")

    def extended(self, p):
        m = re.match(r"([+$^#*%][A-Za-z0-9_]+)(=\?|\?|=)?(.*)$", p, re.S)
        if not m:
            return Reply(final="ERROR")
        name = m.group(1).upper()
        op = m.group(2) or ""
        rest = m.group(3)
        mode = {"=?": "test", "?": "read", "=": "set", "": "exec"}[op]
        if mode in ("exec", "read", "test") and rest.strip():
            return Reply(final="ERROR")
        fn = getattr(self, "c_" + name[1:].upper(), None) if name[0] == "+" else None
        if fn is None:
            return Reply(final="ERROR")
        return fn(mode, rest)

    # ---------------------------------------------------------------- main loop
    def run(self):
        rfd, wfd = os.pipe()
        for fd in (rfd, wfd):
            fl = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        signal.set_wakeup_fd(wfd)

        def on_sig(signum, frame):
            self.stopping = True
        for sg in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sg, on_sig)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

        try:
            self.open_control()
            self.appear()
        except (OSError, ValueError) as e:
            self.warn("startup failed: %s" % e)
            self.shutdown()
            raise SystemExit(1)
        try:
            while not self.stopping:
                now = time.monotonic()
                deadlines = []
                if self.timers:
                    deadlines.append(self.timers[0][0])
                if self.txq:
                    deadlines.append(self.txq[0][0])
                for cl in self.clients:
                    if cl.waiting:
                        deadlines.append(min(cl.waiting[1], now + 0.05))
                timeout = max(0.0, min(deadlines) - now) if deadlines else 1.0
                rl, wl = [rfd], []
                if self.master is not None:
                    rl.append(self.master)
                    if self.outbuf:
                        wl.append(self.master)
                if self.ctl_sock is not None:
                    rl.append(self.ctl_sock)
                for cl in self.clients:
                    rl.append(cl.sock)
                    if cl.out:
                        wl.append(cl.sock)
                try:
                    r, w, _ = select.select(rl, wl, [], min(timeout, 1.0))
                except InterruptedError:
                    continue
                try:
                    self.service(r, rfd)
                except Exception:
                    self.warn("main loop error (continuing):\n" + traceback.format_exc())
                    time.sleep(0.01)
        finally:
            self.shutdown()

    def service(self, r, rfd):
        if rfd in r:
            try:
                while os.read(rfd, 512):
                    pass
            except BlockingIOError:
                pass
        if self.master is not None and self.master in r:
            self.on_pty_readable()
        if self.ctl_sock is not None and self.ctl_sock in r:
            self.accept_client()
        for cl in list(self.clients):
            if cl.sock in r:
                self.client_readable(cl)
            if cl.out:
                self.client_flush(cl)
        self.run_timers()
        self.flush_due()
        self.check_waiters()
        for cl in list(self.clients):
            if cl.closing and not cl.out and cl.waiting is None:
                cl.sock.close()
                self.clients.remove(cl)

    def shutdown(self):
        for cl in self.clients:
            try:
                if cl.out:
                    cl.sock.setblocking(True)
                    cl.sock.settimeout(0.5)
                    cl.sock.sendall(cl.out)
                cl.sock.close()
            except OSError:
                pass
        self.clients = []
        if self.present:
            self.flush_due()
        try:
            if os.path.islink(self.link) and self.pts and os.readlink(self.link) == self.pts:
                os.unlink(self.link)
        except OSError:
            pass
        for fd in (self.master, self.slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.slave = None
        self.present = False
        if self.ctl_sock is not None:
            try:
                self.ctl_sock.close()
                os.unlink(self.control)
            except OSError:
                pass
        if self.ready:
            try:
                os.unlink(self.ready)
            except OSError:
                pass
        self.log("EV", "shutdown")
        for fp in (self.sent_fp, self.at_fp):
            if fp:
                try:
                    fp.close()
                except OSError:
                    pass
        self.say("STOPPED")


