"""SMS-STATUS-REPORTs: the network's answer to a SUBMIT that set TP-SRR, and
the `dlr` control command that shapes them.

A report reaches the host the way AT+CNMI's <ds> says (27.005 3.4.1):
  ds=1  unsolicited `+CDS: <tpdu_len>` and the PDU line (not stored);
  ds=2  stored in the report memory (--report-memory, "SR" by default),
        then `+CDSI: "<mem>",<index>`;
  ds=0  stored without any indication (a choice of this simulator: the host
        can still find it by reading the memory).
When the modem is absent, hung or locked, a report is stored silently.
libgammu's defaults pick ds=2 here (at-sms.c:2750-2760).
"""

import collections
import datetime
import json
import time

from .pdu import TP_ST, build_status_report, status_class


def _int(s):
    """Decimal or 0x-hex."""
    return int(s, 0)


class ReportMixin(object):
    """Mixin of ModemSim."""

    def reports_init(self):
        a = self.a
        self.dlr_on = a.dlr == "on"
        self.dlr_delay = a.dlr_delay
        self.report_memory = a.report_memory
        # The fate of the next reports, in order: ("status", ST), ("drop",) or
        # ("late", ST) (held until `dlr release`); then delivered, TP-ST 0.
        self.dlr_plan = collections.deque()
        self.dlr_held = []
        self.dlr_unsent = 0                       # next N sends are taken but not answered
        self.dlr_pending = 0                      # scheduled, not yet emitted
        self.mr_used = collections.deque(maxlen=255)
        self.last_to = None
        self.n_reports = 0
        self.report_routes = collections.OrderedDict(
            (k, 0) for k in ("cds", "cdsi", "stored", "lost", "dropped", "off"))

    def now(self):
        return datetime.datetime.now(self.tzinfo())

    # ---------------------------------------------------------------- network side
    def take_unsent(self):
        """True when this accepted send must go unanswered (dlr for-unsent)."""
        if self.dlr_unsent > 0:
            self.dlr_unsent -= 1
            return True
        return False

    def report_on_submit(self, d, mr):
        """Called for every part the network accepted, with the MR it got."""
        self.mr_used.append(mr)
        self.last_to = d["number"]
        if not d.get("srr"):
            return
        if not self.dlr_on:
            self.report_routes["off"] += 1
            return
        plan = self.dlr_plan.popleft() if self.dlr_plan else ("status", 0)
        if plan[0] == "drop":
            self.report_routes["dropped"] += 1
            self.log("EV", "report for mr=%d to %s dropped (dlr drop)" % (mr, d["number"]))
            return
        rep = {"mr": mr, "to": d["number"], "scts": self.now(), "st": plan[1]}
        if plan[0] == "late":
            self.dlr_held.append(rep)
            self.log("EV", "report for mr=%d held (dlr late)" % mr)
            return
        self.dlr_pending += 1

        def fire():
            self.dlr_pending -= 1
            self.emit_report(rep)
        self.at(self.dlr_delay, fire)

    def emit_report(self, rep):
        pdu, tlen = build_status_report(rep["mr"], rep["to"], rep["scts"], self.now(),
                                        rep["st"], self.smsc, self.a.tzq)
        ds = self.cnmi[3]
        reachable = self.present and "hang" not in self.faults and self.pin_state == "READY"
        memory = idx = None
        if ds == 1 and reachable:
            route = "cds"
            self.unsolicited("+CDS: %d\r\n%s" % (tlen, pdu.hex().upper()))
        else:
            memory = self.report_memory
            idx = self.mems[memory].put(0, pdu, tlen)
            if idx is None:
                route = "lost"
            elif ds == 2 and reachable:
                route = "cdsi"
                self.unsolicited('+CDSI: "%s",%d' % (self.urc_mem(memory), idx))
            else:
                route = "stored"
        self.n_reports += 1
        self.report_routes[route] += 1
        rec = collections.OrderedDict()
        rec["t"] = time.monotonic_ns()
        rec["mr"] = rep["mr"]
        rec["to"] = rep["to"]
        rec["st"] = rep["st"]
        rec["status"] = status_class(rep["st"])
        rec["route"] = route
        rec["memory"] = memory
        rec["index"] = idx
        self.log("EV", "report %s" % json.dumps(rec))
        if self.report_fp is not None:
            try:
                self.report_fp.write(json.dumps(rec) + "\n")
                self.report_fp.flush()
            except (OSError, ValueError) as e:
                self.warn("report-log write failed: %s" % e)
        return rec

    # ---------------------------------------------------------------- control
    def dlr_state(self):
        st = collections.OrderedDict()
        st["on"] = self.dlr_on
        st["delay"] = self.dlr_delay
        st["memory"] = self.report_memory
        st["plan"] = [" ".join(str(x) for x in p) for p in self.dlr_plan]
        st["held"] = len(self.dlr_held)
        st["for_unsent"] = self.dlr_unsent
        st["pending"] = self.dlr_pending
        return st

    def dlr_command(self, args):
        """`dlr SUB [ARGS]`; returns the reply line."""
        # bare `dlr status` shows, like `dlr show`; `dlr status ST [N]` plans
        if not args or args[0] == "show" or args == ["status"]:
            return "ok " + json.dumps(self.dlr_state())
        sub, rest = args[0].lower(), args[1:]

        def arg(i, default, conv=int):
            return conv(rest[i]) if len(rest) > i and rest[i] != "" else default

        if sub in ("on", "off"):
            self.dlr_on = sub == "on"
        elif sub == "delay":
            v = float(rest[0])
            if v < 0:
                raise ValueError("delay must be >= 0")
            self.dlr_delay = v
        elif sub == "memory":
            v = rest[0].upper()
            if v not in self.mems:
                raise ValueError("memory SR|SM")
            self.report_memory = v
        elif sub == "status":                       # status ST [N]
            st = _int(rest[0]) if rest else -1
            if not 0 <= st <= 255:
                raise ValueError("dlr status ST [N]: ST 0..255 (0x45 ...)")
            self.dlr_plan.extend([("status", st)] * arg(1, 1))
        elif sub in ("fail", "late"):               # fail|late [N] [ST]
            st = arg(1, 0x41 if sub == "fail" else 0, _int)
            if not 0 <= st <= 255:
                raise ValueError("dlr %s [N] [ST]: ST 0..255" % sub)
            self.dlr_plan.extend([("late" if sub == "late" else "status", st)] * arg(0, 1))
        elif sub == "deliver":
            self.dlr_plan.extend([("status", 0)] * arg(0, 1))
        elif sub == "drop":
            self.dlr_plan.extend([("drop",)] * arg(0, 1))
        elif sub == "release":
            n = arg(0, len(self.dlr_held))
            out, self.dlr_held = self.dlr_held[:n], self.dlr_held[n:]
            for rep in out:
                self.emit_report(rep)
            return "ok " + json.dumps({"released": len(out), "mrs": [r["mr"] for r in out]})
        elif sub == "unknown":
            mr = arg(0, None)
            if mr is None:
                mr = next((m % 256 for m in range(self.mr + 128, self.mr + 384)
                           if m % 256 not in self.mr_used), (self.mr + 128) % 256)
            to = rest[1] if len(rest) > 1 else (self.last_to or "+84900000000")
            rec = self.emit_report({"mr": mr, "to": to, "scts": self.now(), "st": 0})
            return "ok " + json.dumps(rec)
        elif sub == "for-unsent":
            self.dlr_unsent += arg(0, 1)
        elif sub == "reset":
            self.dlr_plan.clear()
            self.dlr_unsent = 0
        elif sub == "codes":
            return "ok " + json.dumps(dict(("0x%02X" % k, v) for k, v in sorted(TP_ST.items())))
        else:
            raise ValueError("dlr on|off|delay S|memory SR|SM|deliver [N]|fail [N] [ST]|"
                             "status ST [N]|drop [N]|late [N] [ST]|release [N]|"
                             "unknown [MR] [NUMBER]|for-unsent [N]|reset|codes|show")
        self.log("EV", "dlr %s" % " ".join(args))
        return "ok"
