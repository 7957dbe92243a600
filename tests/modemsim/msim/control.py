"""The control socket: one command a line, one reply line each."""

import collections
import json
import os
import socket
import stat
import time
import traceback

from .atutil import NETWORK_STATES
from .pdu import decode_pdu

MAX_CTL_LINE = 128 * 1024
MAX_CTL_CLIENTS = 64
MAX_CTL_QUEUE = 1000


class CtlClient(object):
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.out = b""
        self.queue = collections.deque()
        self.waiting = None      # (predicate, deadline)
        self.closing = False


class ControlMixin(object):
    """Mixin of ModemSim."""

    # ---------------------------------------------------------------- control
    def open_control(self):
        if not self.control:
            return
        d = os.path.dirname(self.control)
        os.makedirs(d, exist_ok=True)
        if os.path.lexists(self.control):
            if stat.S_ISSOCK(os.lstat(self.control).st_mode):
                os.unlink(self.control)
            else:
                raise ValueError("%s exists and is not a socket" % self.control)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(self.control)
        s.listen(16)
        s.setblocking(False)
        self.ctl_sock = s

    def accept_client(self):
        try:
            c, _ = self.ctl_sock.accept()
        except (BlockingIOError, InterruptedError):
            return
        if len(self.clients) >= MAX_CTL_CLIENTS:
            try:
                c.sendall(b"error too many control clients\n")
            except OSError:
                pass
            c.close()
            return
        c.setblocking(False)
        self.clients.append(CtlClient(c))

    def client_readable(self, cl):
        try:
            data = cl.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            cl.closing = True
            cl.queue.clear()
            return
        cl.inbuf += data
        while b"\n" in cl.inbuf:
            line, cl.inbuf = cl.inbuf.split(b"\n", 1)
            if len(cl.queue) >= MAX_CTL_QUEUE:
                cl.queue.append("\x00overflow")
                continue
            cl.queue.append(line.decode("utf-8", "replace").rstrip("\r"))
        if len(cl.inbuf) > MAX_CTL_LINE:
            cl.inbuf = b""
            cl.queue.append("\x00overflow")
        self.pump_client(cl)

    def pump_client(self, cl):
        while cl.queue and cl.waiting is None and not self.stopping:
            line = cl.queue.popleft()
            if line == "\x00overflow":
                self.client_send(cl, "error line too long or too many queued commands")
                continue
            if not line.strip():
                continue
            try:
                res = self.control_command(line)
            except (ValueError, IndexError, KeyError) as e:
                res = "error %s" % e
            except Exception as e:
                self.warn("control command %r failed:\n%s" % (line, traceback.format_exc()))
                res = "error internal: %s" % e
            if isinstance(res, tuple):           # deferred ("wait", pred, deadline)
                _, pred, deadline = res
                if pred():
                    self.client_send(cl, "ok")
                else:
                    cl.waiting = (pred, deadline)
                continue
            self.client_send(cl, res)

    def check_waiters(self):
        now = time.monotonic()
        for cl in self.clients:
            if cl.waiting is None:
                continue
            pred, deadline = cl.waiting
            if pred():
                cl.waiting = None
                self.client_send(cl, "ok")
                self.pump_client(cl)
            elif now >= deadline:
                cl.waiting = None
                self.client_send(cl, "error timeout")
                self.pump_client(cl)

    def client_send(self, cl, text):
        cl.out += (text + "\n").encode("utf-8")
        self.client_flush(cl)

    def client_flush(self, cl):
        if not cl.out:
            return
        try:
            n = cl.sock.send(cl.out)
            cl.out = cl.out[n:]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            cl.out = b""
            cl.closing = True

    def status(self):
        st = collections.OrderedDict()
        st["present"] = self.present
        st["link"] = self.link
        st["pts"] = self.pts if self.present else None
        st["appear_count"] = self.appear_count
        st["operator"] = self.a.operator
        st["operator_name"] = self.a.operator_name
        st["imsi"] = self.a.imsi
        st["own_number"] = self.a.own_number
        st["stored"] = self.used()
        st["unread"] = self.mems["SM"].unread()
        st["capacity"] = self.capacity
        st["sr_stored"] = self.mems["SR"].used()
        st["sr_capacity"] = self.mems["SR"].capacity
        st["cpms"] = self.cpms
        st["sent"] = self.n_sent
        st["rejected"] = self.n_rejected
        st["mr"] = self.mr
        st["reports"] = self.n_reports
        st["report_routes"] = self.report_routes
        st["dlr"] = self.dlr_state()
        st["injected"] = self.n_injected
        st["at_commands"] = self.n_at
        st["junk_lines"] = self.n_junk
        st["ussd_requests"] = self.n_ussd
        st["faults"] = dict(self.faults)
        st["pin_state"] = self.pin_state
        st["pin_enabled"] = self.pin_enabled
        st["charset"] = self.charset
        st["echo"] = self.echo
        st["cnmi"] = self.cnmi
        st["reg_stat"] = self.cur_reg()
        st["rssi"] = self.rssi
        st["call"] = None if not self.call else {"number": self.call["number"],
                                                  "state": self.call["state"]}
        st["edit_mode"] = self.edit is not None
        st["last_rx_age"] = None if self.last_rx is None else round(
            time.monotonic() - self.last_rx, 3)
        st["uptime"] = round(time.monotonic() - self.t0, 3)
        st["tx_dropped_bytes"] = self.dropped_tx
        return json.dumps(st, ensure_ascii=False)

    def list_storage(self, memory="SM"):
        out = []
        store = self.mems[memory].msgs
        for idx in sorted(store):
            m = store[idx]
            e = collections.OrderedDict(index=idx, stat=m["stat"], len=m["len"])
            try:
                d = decode_pdu(m["pdu"])
                for k in ("type", "number", "text", "ref", "total", "seq", "ucs2", "scts",
                          "mr", "dt", "st", "status"):
                    if k in d:
                        e[k] = d[k]
            except (ValueError, IndexError) as ex:
                e["error"] = str(ex)
                e["pdu"] = m["pdu"].hex().upper()
            out.append(e)
        return json.dumps(out, ensure_ascii=False)

    @staticmethod
    def unescape(s):
        out, i = [], 0
        while i < len(s):
            ch = s[i]
            if ch == "\\" and i + 1 < len(s):
                nx = s[i + 1]
                out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}.get(nx, "\\" + nx))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def control_command(self, line):
        """Returns reply text, or ("wait", predicate, deadline)."""
        line = line.strip()
        if line.startswith("{"):
            obj = json.loads(line)
            argv = [str(x) for x in obj["argv"]]
            if not argv:
                raise ValueError("empty argv")
            cmd = argv[0].lower()

            def fixed(k):
                if len(argv) < k + 1:
                    raise ValueError("%s needs %d argument(s)" % (cmd, k))
                return argv[1:k + 1], " ".join(argv[k + 1:])

            def words():
                return argv
        else:
            cmd = line.split(None, 1)[0].lower()

            def fixed(k):
                p = line.split(None, k + 1)
                if len(p) < k + 1:
                    raise ValueError("%s needs %d argument(s)" % (cmd, k))
                rest = p[k + 1] if len(p) > k + 1 else ""
                return p[1:k + 1], self.unescape(rest)

            def words():
                return line.split()
        self.log("CTL", line if len(line) < 400 else line[:400] + "...")

        if cmd == "inject" or cmd == "inject-ucs2":
            (num,), text = fixed(1)
            return "ok " + json.dumps(self.inject(num, text, force_ucs2=cmd == "inject-ucs2"),
                                      ensure_ascii=False)
        if cmd == "inject-ref":
            (ref, num), text = fixed(2)
            return "ok " + json.dumps(self.inject(num, text, ref=int(ref)), ensure_ascii=False)
        if cmd == "inject-parts":
            (ref, parts, num), text = fixed(3)
            pl = set(int(x) for x in parts.split(",") if x)
            return "ok " + json.dumps(self.inject(num, text, ref=int(ref), parts=pl),
                                      ensure_ascii=False)
        if cmd == "inject-raw":
            (hexs,), _ = fixed(1)
            pdu = bytes.fromhex(hexs)
            smsc_len = pdu[0] if pdu else 0
            tlen = len(pdu) - 1 - smsc_len
            if tlen <= 0:
                raise ValueError("PDU too short")
            return "ok " + json.dumps(self.store_inbound([(pdu, tlen)], {"raw": True}))
        if cmd == "call":
            (num,), rest = fixed(1)
            rings = int(rest) if rest.strip() else self.a.rings
            self.start_call(num, rings)
            return "ok"
        if cmd == "hangup":
            if not self.call:
                return "error no call"
            self.stop_call("remote")
            return "ok"
        if cmd == "fault":
            (what,), rest = fixed(1)
            what = what.lower()
            arg = rest.strip()
            if what in ("hang", "error"):
                self.faults[what] = True
                if what == "hang":
                    self.edit = None
            elif what in ("cms", "cms-once"):
                self.faults["cms" if what == "cms" else "cms_once"] = int(arg)
            elif what == "slow":
                ms = int(arg)
                if ms <= 0:
                    self.faults.pop("slow", None)
                else:
                    self.faults["slow"] = ms
            elif what == "garbage":
                self.faults["garbage"] = int(arg) if arg else 16
            elif what == "vanish":
                self.vanish()
            elif what in ("none", "clear"):
                self.faults.clear()
            else:
                raise ValueError("unknown fault %r" % what)
            self.log("EV", "fault %s %s" % (what, arg))
            return "ok"
        if cmd == "clear":
            _, rest = fixed(0)
            name = rest.strip().lower().replace("-", "_")
            if name:
                if name == "cms":
                    self.faults.pop("cms_once", None)
                self.faults.pop(name, None)
            else:
                self.faults.clear()
            return "ok"
        if cmd == "appear":
            if not self.appear():
                return "error already present"
            return "ok " + json.dumps({"link": self.link, "pts": self.pts})
        if cmd == "pin":
            (onoff,), rest = fixed(1)
            if onoff.lower() == "on":
                if rest.strip():
                    self.pin = rest.strip()
                self.pin_enabled = True
                self.pin_state = "SIM PIN"
                self.pin_attempts = 3
            elif onoff.lower() == "off":
                self.pin_enabled = False
                self.pin_state = "READY"
            else:
                raise ValueError("pin on [CODE] | pin off")
            return "ok"
        if cmd == "signal":
            (v,), _ = fixed(1)
            v = int(v)
            if not (0 <= v <= 31 or v == 99):
                raise ValueError("rssi 0..31 or 99")
            self.rssi = v
            return "ok"
        if cmd == "battery":
            (v,), _ = fixed(1)
            self.battery = max(0, min(100, int(v)))
            return "ok"
        if cmd == "network":
            (v,), _ = fixed(1)
            if v.lower() not in NETWORK_STATES:
                raise ValueError("network %s" % "|".join(NETWORK_STATES))
            self.reg_stat = NETWORK_STATES[v.lower()]
            st = self.cur_reg()
            if self.creg_n >= 1:
                if self.creg_n == 2 and st in (1, 5):
                    self.unsolicited('+CREG: %d,"%s","%s",7' % (st, self.a.lac, self.a.cid))
                else:
                    self.unsolicited("+CREG: %d" % st)
            return "ok"
        if cmd == "ussd-reply":
            _, rest = fixed(0)
            self.ussd_reply = rest
            return "ok"
        if cmd == "ussd-status":
            (v,), _ = fixed(1)
            self.ussd_status = None if v.lower() == "none" else int(v)
            return "ok"
        if cmd == "send-delay":
            (v,), _ = fixed(1)
            self.send_delay = max(0, int(v)) / 1000.0
            return "ok"
        if cmd in ("sms-clear", "clear-sms"):
            _, rest = fixed(0)
            which = rest.strip().upper() or "SM"
            if which not in ("SM", "SR", "ALL"):
                raise ValueError("sms-clear [SM|SR|all]")
            for name, m in self.mems.items():
                if which in (name, "ALL"):
                    m.msgs.clear()
            return "ok"
        if cmd == "list":
            _, rest = fixed(0)
            which = rest.strip().upper() or "SM"
            if which not in self.mems:
                raise ValueError("list [SM|SR]")
            return self.list_storage(which)
        if cmd == "status":
            return self.status()
        if cmd == "dlr":
            return self.dlr_command(words()[1:])
        if cmd in ("hang", "vanish"):
            return self.control_command("fault " + cmd)
        if cmd in ("wait-sent", "wait-stored", "wait-rx", "wait-reports", "wait-cnmi"):
            (n,), rest = fixed(1)
            n = int(n)
            tmo = float(rest) if rest.strip() else 30.0
            if cmd == "wait-sent":
                pred = lambda: self.n_sent >= n
            elif cmd == "wait-stored":
                pred = lambda: self.used() == n
            elif cmd == "wait-reports":
                pred = lambda: self.n_reports >= n
            elif cmd == "wait-cnmi":
                pred = lambda: self.cnmi[3] == n
            else:
                base = self.n_at
                pred = lambda: self.n_at - base >= n
            return ("wait", pred, time.monotonic() + tmo)
        if cmd == "quit":
            self.stopping = True
            return "ok"
        if cmd in ("help", "?"):
            return "ok " + json.dumps(sorted([
                "inject", "inject-ucs2", "inject-ref", "inject-parts", "inject-raw",
                "call", "hangup", "fault", "clear", "appear", "pin", "signal", "battery",
                "network", "ussd-reply", "ussd-status", "send-delay", "sms-clear",
                "list", "status", "wait-sent", "wait-stored", "wait-rx", "quit",
                "dlr", "hang", "vanish", "wait-reports", "wait-cnmi"]))
        raise ValueError("unknown command %r (try help)" % cmd)

