"""Three simulated AT modems in one gatewayd (tests/modemsim, libgammu's real
`at` driver, one simulator process per modem): routing by operator, a SIM
out of credit leaving routing and coming back, one modem hanging while the
others keep sending (and take its operator's messages once it has been stuck
longer than stall_after), and one vanishing and reappearing.

Waits are bounded polls on the database and the simulators' sent logs,
never a fixed sleep; no check is on time."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "soak"))
sys.dont_write_bytecode = True
import soaklib as S  # noqa: E402
from soaklib import check  # noqa: E402

FAST = {"stall_after": 4, "reconnect_min_ms": 200, "reconnect_max_ms": 2000,
        "recheck_interval": 5}
MODEMS = [  # name, simulator operator, own number, modem keys
    ("sim-viettel", "Viettel", "+84981000001", {"operators": "viettel"}),
    ("sim-vina", "VinaPhone", "+84911000002", {"operators": "vinaphone"}),
    ("sim-mobi", "MobiFone", "+84901000003",
     {"operators": "mobifone", "balance_code": "*101#", "balance_min": 1000}),
]
VIETTEL, VINA, MOBI = "+8496200%04d", "+8491200%04d", "+8490200%04d"


class Box:
    def __init__(self, wd):
        self.n = 0
        self.sims = {}
        for i, (name, op, own, _) in enumerate(MODEMS):
            extra = ["--operator", op, "--own-number", own, "--seed", str(7 + i)]
            if name == "sim-mobi":
                extra += ["--ussd-reply", "TK chinh: 200d, han 31/12/2027"]
            self.sims[name] = S.ModemSim(wd, *extra, name=name)
        gatewayd, gatewayctl = S.private_bins("san", os.path.join(wd, "bin"))
        self.g = S.Gateway(wd, gatewayd, gatewayctl, None, modems=[
            (name, self.sims[name].link, dict(FAST, own_number=own, **keys))
            for name, _, own, keys in MODEMS])

    def ask(self, sim, pattern):
        """A question from a new number of pattern, written to sim; its number."""
        self.n += 1
        phone = pattern % self.n
        self.sims[sim].ctl_ok("inject", phone, "UT %d" % (7000 + self.n))
        return phone

    def answered_by(self, phone):
        """The modem whose sent log has the answer to phone, once outbox says sent."""
        rows = self.g.q("SELECT status, modem FROM outbox WHERE phone = ?", (phone,))
        if len(rows) != 1 or rows[0][0] != "sent":
            return None
        modem = rows[0][1]
        return modem if any(m["to"] == phone for m in self.sims[modem].sent()) else None

    def wait_answer(self, phone, timeout=90):
        return S.wait_for(lambda: self.answered_by(phone), timeout, 0.1)

    def hold(self, name):
        return self.g.q1("SELECT hold FROM modem_status WHERE name = ?", (name,))

    def stop(self):
        if self.g.alive():
            self.g.stop()
        for s in self.sims.values():
            s.stop()


def main():
    keep = "--keep" in sys.argv
    wd = S.make_workdir("gw-modems-at-")
    box = None
    try:
        box = Box(wd)
        g = box.g
        g.start()
        check("three AT modems connected", S.wait_for(lambda: g.q1(
            "SELECT count(*) FROM modem_status WHERE enabled = 1 AND connected = 1") == 3, 60),
            g.log_text()[-2000:])

        # Credit: the MobiFone SIM's balance (200 d) is below balance_min.
        check("a SIM below balance_min leaves routing (no credit)",
              S.wait_for(lambda: box.hold("sim-mobi") == "no credit", 60), g.log_text()[-2000:])
        v = box.ask("sim-vina", VIETTEL)
        n = box.ask("sim-viettel", VINA)
        m = box.ask("sim-mobi", MOBI)
        check("a Viettel number writing to the VinaPhone SIM is answered by the Viettel SIM",
              box.wait_answer(v) == "sim-viettel", g.q("SELECT phone, status, modem FROM outbox"))
        check("a VinaPhone number writing to the Viettel SIM is answered by the VinaPhone SIM",
              box.wait_answer(n) == "sim-vina", g.q("SELECT phone, status, modem FROM outbox"))
        got = box.wait_answer(m)
        check("the SIM without credit reads its messages; another SIM answers them",
              got in ("sim-viettel", "sim-vina"), got)
        box.sims["sim-mobi"].ctl_ok("ussd-reply", "TK chinh: 50.000d, han 31/12/2027")
        check("topped up: the next balance check takes it back into routing",
              S.wait_for(lambda: box.hold("sim-mobi") == "", 60),
              g.q("SELECT name, hold, balance FROM modem_status"))
        m = box.ask("sim-viettel", MOBI)
        check("... and it answers MobiFone numbers again", box.wait_answer(m) == "sim-mobi",
              g.q("SELECT phone, status, modem FROM outbox"))

        # The Viettel modem hangs: the others keep sending, and take its share.
        box.sims["sim-viettel"].ctl_ok("fault", "hang")
        stuck = S.wait_for(lambda: g.q1("SELECT alive_until < strftime('%s','now') FROM"
                                        " modem_status WHERE name = 'sim-viettel'") == 1, 60)
        check("the hung modem's worker stops promising to be alive", stuck)
        n = box.ask("sim-vina", VINA)
        check("while one modem hangs, another keeps sending",
              box.wait_answer(n) == "sim-vina", g.q("SELECT phone, status, modem FROM outbox"))
        v = box.ask("sim-mobi", VIETTEL)
        got = box.wait_answer(v)
        check("a Viettel household is answered by another SIM while the Viettel modem hangs",
              got in ("sim-vina", "sim-mobi"), got)
        box.sims["sim-viettel"].ctl_ok("clear", "hang")
        check("the hang cleared, the Viettel modem is back in routing", S.wait_for(lambda: g.q1(
            "SELECT connected = 1 AND alive_until >= strftime('%s','now') FROM modem_status"
            " WHERE name = 'sim-viettel'") == 1, 180), g.log_text()[-2000:])
        v = box.ask("sim-vina", VIETTEL)
        check("... and answers Viettel numbers again", box.wait_answer(v) == "sim-viettel",
              g.q("SELECT phone, status, modem FROM outbox"))

        # The VinaPhone modem vanishes (USB unplugged) and comes back.
        box.sims["sim-vina"].ctl_ok("fault", "vanish")
        check("the vanished modem is seen as not connected", S.wait_for(lambda: g.q1(
            "SELECT connected FROM modem_status WHERE name = 'sim-vina'") == 0, 120))
        n = box.ask("sim-viettel", VINA)
        got = box.wait_answer(n)
        check("a VinaPhone household is answered by another SIM meanwhile",
              got in ("sim-viettel", "sim-mobi"), got)
        box.sims["sim-vina"].ctl_ok("appear")
        check("plugged in again, it reconnects by itself", S.wait_for(lambda: g.q1(
            "SELECT connected FROM modem_status WHERE name = 'sim-vina'") == 1, 120))
        n = box.ask("sim-viettel", VINA)
        check("... and answers VinaPhone numbers again", box.wait_answer(n) == "sim-vina",
              g.q("SELECT phone, status, modem FROM outbox"))

        rows = g.q("SELECT phone, count(*) FROM outbox GROUP BY phone HAVING count(*) > 1")
        check("no household answered twice", not rows, rows)
        sent = [mm["to"] for s in box.sims.values() for mm in s.sent()]
        check("no answer reached the modems twice", len(sent) == len(set(sent)), sent)
        check("no sanitizer report", not g.sanitizer_reports(), g.sanitizer_reports()[:3])
        rc = g.stop()
        check("SIGTERM: clean exit", rc == 0, rc)
    finally:
        if box:
            box.stop()
        S.cleanup(wd, keep)
    return S.finish("test_modems_at.py")


if __name__ == "__main__":
    sys.exit(main())
