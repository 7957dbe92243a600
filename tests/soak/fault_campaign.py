#!/usr/bin/env python3
"""Fault campaign on the simulated AT modem.

Each fault of tests/modemsim (no answer, ERROR to everything, +CMS ERROR on
send, temporary and permanent, slow answers, garbage bytes, the device
vanishing and a new one appearing, the SIM asking for a PIN with
modem.pin configured and without) is switched on while gatewayd is
reading, sending or checking the modem's status, held for --hold seconds
and switched off. For each case the campaign measures

  - the daemon's CPU use while the fault is on (utime+stime from
    /proc/<pid>/stat over the faulted interval; must stay under --cpu-max
    percent of one core: no hot loop);
  - the recovery time: from the modem behaving again to the answer to a
    probe message injected at that moment (read, handled, sent);
  - that every message of the case is answered exactly once (a permanent
    +CMS ERROR: recorded as failed with the code, never sent), and at the
    end that nothing reached the modem twice.

Triggers: "read" switches the fault on when the modem sees the daemon's
AT+CMGL/AT+CMGR for a batch of injected messages, "send" when the first
part of a three-part answer was accepted, "status" on AT+CSQ.

  fault_campaign.py                    # every fault x read/send/status, 30 s each
  fault_campaign.py --short            # the make-test subset, 4 s each
  fault_campaign.py --only vanish,hang --phases send
"""
import argparse
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaklib as S  # noqa: E402
from soaklib import check, figure, note  # noqa: E402

PIN = "1234"

# name: (commands that switch it on, commands that switch it off, needs a
# daemon without modem.pin)
FAULTS = collections.OrderedDict([
    ("hang", ([["fault", "hang"]], [["clear"]], False)),
    ("error", ([["fault", "error"]], [["clear"]], False)),
    ("cms-temp", ([["fault", "cms", "38"]], [["clear"]], False)),
    ("cms-perm", ([["fault", "cms", "28"]], [["clear"]], False)),
    ("slow", ([["fault", "slow", "3000"]], [["clear"]], False)),
    ("garbage", ([["fault", "garbage", "12"]], [["clear"]], False)),
    ("vanish", ([["fault", "vanish"]], [["appear"]], False)),
    ("pin", ([["pin", "on", PIN]], [], False)),            # modem.pin set: the daemon unlocks
    ("pin-unset", ([["pin", "on", PIN]], [["pin", "off"]], True)),  # an operator disables it
])
PHASES = ("read", "send", "status")
# make test: the quick ones (a hang costs the 60 s call deadline)
SHORT = [("vanish", "send"), ("error", "read"), ("cms-temp", "send"), ("pin", "status"),
         ("garbage", "status")]

BIG_ANSWER = "CS BHYT"   # three GSM-7 parts
SMALL = "UT %d"          # one part, names its number


class Case:
    def __init__(self, fault, phase):
        self.fault, self.phase = fault, phase
        self.name = "%s during %s" % (fault, phase)
        self.phones = []          # numbers whose messages belong to this case
        self.expect_failed = []   # numbers whose answer must fail (permanent refusal)
        self.cpu = None
        self.recovery = None
        self.fault_s = 0.0
        self.notes = []


class Campaign:
    def __init__(self, args):
        self.args = args
        self.work = S.make_workdir("gw-fault-")
        self.bins = S.private_bins(args.build, os.path.join(self.work, "bin"))
        self.sim = S.ModemSim(self.work, "--seed", str(args.seed), "--pin", PIN,
                              "--appear-clears-hang")
        self.gw = None
        self.gws = {}
        self.pin_conf = None
        self.seq = 0
        self.cases = []

    def daemon(self, with_pin):
        """(Re)start gatewayd, with or without modem.pin; waits for the first contact."""
        if self.gw and self.pin_conf == with_pin and self.gw.alive():
            return
        if self.gw:
            self.gw.stop()
        if with_pin not in self.gws:
            self.gws[with_pin] = S.Gateway(
                self.work, self.bins[0], self.bins[1], self.sim.link,
                name="gw" if with_pin else "gw-nopin",
                modem={"pin": PIN if with_pin else "", "status_interval": 5,
                       "reconnect_max_ms": self.args.backoff_max_ms,
                       "retry_base": 2, "send_attempts": self.attempts_outlasting_hold()})
        self.gw = self.gws[with_pin]
        self.pin_conf = with_pin
        self.gw.start()
        if not S.wait_for(lambda: self.gw.q1("SELECT connected FROM modem_status") == 1, 60, 0.1):
            raise RuntimeError("daemon did not connect: %s" % self.gw.log_text()[-2000:])

    def phone(self):
        self.seq += 1
        return "+8490600%04d" % self.seq

    def at_since(self, offset):
        with open(self.sim.at_log, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")

    def wait_at(self, pattern, offset, timeout=60):
        rx = re.compile(pattern)
        return S.wait_for(lambda: rx.search(self.at_since(offset)), timeout, 0.005)

    def outbox_status(self, phone):
        return self.gw.q1("SELECT status FROM outbox WHERE phone = ? ORDER BY id DESC LIMIT 1",
                          (phone,))

    def arm(self, case):
        """Start the phase's work; return once the trigger is seen (fault goes on then)."""
        off = self.sim.at_log_size()
        if case.phase == "read":
            for _ in range(4):
                p = self.phone()
                case.phones.append(p)
                self.sim.ctl_ok("inject", p, SMALL % (20000 + self.seq))
            trig = r"RX AT\+CMG[LR]"
        elif case.phase == "send":
            p = self.phone()
            case.phones.append(p)
            self.sim.ctl_ok("inject", p, BIG_ANSWER)
            trig = r"EV CMGS to \%s accepted mr=\d+ part 1/3" % p
        else:
            trig = r"RX AT\+CSQ"
        if not self.wait_at(trig, off, 60):
            case.notes.append("trigger %s not seen" % trig)

    def run_case(self, fault, phase):
        on, off_cmds, nopin = FAULTS[fault]
        case = Case(fault, phase)
        self.cases.append(case)
        self.daemon(with_pin=not nopin)
        gw, sim = self.gw, self.sim
        self.arm(case)
        t_on = time.monotonic()
        cpu0 = gw.cpu_s()
        for c in on:
            sim.ctl_ok(*c)
        # during the fault, households keep writing
        if phase != "read":
            p = self.phone()
            case.phones.append(p)
            if not sim.ctl("inject", p, SMALL % (20000 + self.seq)).startswith("ok"):
                case.phones.pop()
        time.sleep(self.args.hold)   # the fault lasts this long: nothing to poll for
        cpu1 = gw.cpu_s()
        case.fault_s = time.monotonic() - t_on
        case.cpu = 100.0 * (cpu1 - cpu0) / case.fault_s if cpu0 is not None and cpu1 is not None \
            else None
        if fault == "cms-perm":
            # the refused answers are the ones queued while the fault was on
            case.expect_failed = [p for p in case.phones
                                  if gw.q1("SELECT count(*) FROM outbox WHERE phone = ? AND"
                                           " status = 'failed'", (p,))]
        for c in off_cmds:
            sim.ctl_ok(*c)
        t_ok = time.monotonic()
        probe = self.phone()
        case.phones.append(probe)
        sim.ctl_ok("inject", probe, SMALL % (20000 + self.seq))
        limit = self.args.recovery_max

        def answered():
            if not gw.alive():
                return "died"
            return self.outbox_status(probe) == "sent"
        r = S.wait_for(answered, limit, 0.1)
        case.recovery = time.monotonic() - t_ok if r is True else None
        # everything of the case settles (temporary refusals retry with backoff)
        settle = S.wait_for(lambda: all(self.settled(p, case) for p in case.phones),
                            self.args.settle_max, 0.2)
        if not settle:
            case.notes.append("unsettled: %s" % [(p, self.outbox_status(p)) for p in case.phones])
        note("%-24s cpu %5s%%  recovery %s s  %s" % (
            case.name, "%.1f" % case.cpu if case.cpu is not None else "?",
            "%.1f" % case.recovery if case.recovery is not None else ">%d" % limit,
            "; ".join(case.notes)))
        return case

    def attempts_outlasting_hold(self):
        """Send attempts whose backoff (2, 4, 8 ... s) outlasts a held
        temporary fault by 10 s: a temporary refusal must not run out of
        retries while the fault is still on, or the case measures the retry
        limit instead of the recovery."""
        n, total = 1, 0
        while total <= self.args.hold + 10:
            total += 2 << (n - 1)
            n += 1
        return max(n, 5)

    def settled(self, phone, case):
        st = self.outbox_status(phone)
        if phone in case.expect_failed:
            return st == "failed"
        return st == "sent"

    def verify(self):
        gw, sim = self.gw, self.sim
        merged = sim.merged()
        delivered = collections.Counter((m["to"], m["text"]) for m in merged if m["complete"])
        partial = [m for m in merged if not m["complete"]]
        dups = {k: n for k, n in delivered.items() if n > 1}
        a = self.args
        for c in self.cases:
            check("%s: cpu under %d%% of a core while faulted" % (c.name, a.cpu_max),
                  c.cpu is not None and c.cpu < a.cpu_max, c.cpu)
            check("%s: recovered within %d s" % (c.name, a.recovery_max),
                  c.recovery is not None, c.notes)
            failed_ok = True
            for p in c.phones:
                n = sum(v for (to, _), v in delivered.items() if to == p)
                if p in c.expect_failed:
                    err = gw_any(self, "SELECT error FROM outbox WHERE phone = ?", p)
                    failed_ok = failed_ok and n == 0 and err is not None and "28" in err
                elif n != 1:
                    failed_ok = False
            check("%s: every message answered once (permanent refusals: failed, not sent)"
                  % c.name, failed_ok,
                  [(p, sum(v for (to, _), v in delivered.items() if to == p),
                    gw_any(self, "SELECT status FROM outbox WHERE phone = ?", p))
                   for p in c.phones])
        check("no answer reached the modem twice", not dups, dups)
        # A fault between the parts of a long answer: the retry sends only
        # the parts not yet accepted, under the same reference, so the
        # household's phone joins one message (outbox.parts_done/concat_ref).
        figure("parts sent again within a message (in doubt when the fault hit)",
               sum(m.get("repeated", 0) for m in merged))
        # A permanent refusal after the first part leaves that part with the
        # household: nothing can complete it (the row is failed, code kept).
        refused = {p for c in self.cases for p in c.expect_failed}
        orphans = [m for m in partial if m["to"] not in refused]
        figure("parts left by a permanent refusal between parts",
               sum(1 for m in partial if m["to"] in refused))
        check("no orphan parts: every long answer cut by a temporary fault was completed"
              " under its reference", not orphans,
              [(m["to"], m["parts"], m["ref"]) for m in orphans])

    def report(self):
        figure("build", "optimised (-O2)" if self.args.build == "opt" else "sanitized (ASan+UBSan)")
        figure("fault held (s)", self.args.hold)
        for c in self.cases:
            figure("%s: cpu %% / recovery s" % c.name, "%s / %s" % (
                "%.1f" % c.cpu if c.cpu is not None else "?",
                "%.1f" % c.recovery if c.recovery is not None else "none"))
        rec = [c.recovery for c in self.cases if c.recovery is not None]
        if rec:
            figure("recovery median / max (s)", "%.1f / %.1f" % (sorted(rec)[len(rec) // 2],
                                                                  max(rec)))
        cpu = [c.cpu for c in self.cases if c.cpu is not None]
        if cpu:
            figure("cpu while faulted, max (%)", "%.1f" % max(cpu))


def gw_any(camp, sql, phone):
    for gw in camp.gws.values():
        rows = gw.q(sql, (phone,))
        if rows:
            return rows[0][0]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--short", action="store_true", help="the make-test subset")
    ap.add_argument("--only", default="", help="comma-separated faults")
    ap.add_argument("--phases", default="read,send,status")
    ap.add_argument("--hold", type=float, default=30.0, help="seconds each fault lasts")
    ap.add_argument("--cpu-max", type=int, default=50)
    ap.add_argument("--recovery-max", type=int, default=90,
                    help="seconds from the modem behaving to the probe's answer")
    ap.add_argument("--settle-max", type=int, default=120)
    ap.add_argument("--backoff-max-ms", type=int, default=5000, help="modem.reconnect_max_ms")
    ap.add_argument("--build", choices=("opt", "san"), default="opt")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if args.short:
        cases = SHORT
        if args.hold == 30.0:
            args.hold = 4.0
    else:
        faults = [f for f in args.only.split(",") if f] or list(FAULTS)
        phases = [p for p in args.phases.split(",") if p]
        cases = [(f, p) for f in faults for p in phases]
    # the cases that need the daemon without a PIN go last (one restart)
    cases.sort(key=lambda fp: FAULTS[fp[0]][2])
    camp = Campaign(args)
    print("fault campaign: %d cases, %s build, fault held %.0f s, seed %d, in %s"
          % (len(cases), args.build, args.hold, args.seed, camp.work), flush=True)
    t0 = time.monotonic()
    try:
        for f, p in cases:
            camp.run_case(f, p)
        camp.report()
        figure("elapsed (s)", "%.0f" % (time.monotonic() - t0))
        camp.verify()
        check("daemon alive at the end", camp.gw.alive())
        rc = camp.gw.stop()
        check("SIGTERM at the end: clean exit", rc == 0, rc)
        check("no sanitizer report", not camp.gw.sanitizer_reports(),
              camp.gw.sanitizer_reports()[:5])
    finally:
        if camp.gw and camp.gw.alive():
            camp.gw.kill9()
        camp.sim.stop()
    rc = S.finish("fault_campaign")
    S.cleanup(camp.work, args.keep)
    return rc


if __name__ == "__main__":
    sys.exit(main())
