"""Delivery reports on the simulated AT modem (tests/modemsim, libgammu's
real `at` driver; gateway/daemon/settle.h): every part asks for a report
(TP-SRR), reports come back as +CDSI and are read from the SR memory,
matched to their answer and deleted there. The simulator's `dlr` command
shapes them: failed, pending, late (held, then released after later
ones), switched off, for a reference nobody used, and for a message whose
+CMGS never came. Then a kill at each crash point around a send and
around a report, with sms.unknown_resend_after = 2: an answer whose report
came while the daemon was down is settled by it and not sent again, one
that never left is sent again, a report read twice is kept once.

Waits are on database or simulator state, never on time."""
import os
import re
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "soak"))
sys.dont_write_bytecode = True
import soaklib as S  # noqa: E402
from soaklib import check  # noqa: E402


def row(g, phone):
    rows = g.q("SELECT id, status, dlr, dlr_detail, resends FROM outbox WHERE phone = ?"
               " ORDER BY id DESC LIMIT 1", (phone,))
    return rows[0] if rows else None


def at_phone(sim, phone):
    """The messages phone got, joined as a handset joins them."""
    return [m for m in sim.merged() if m["to"] == phone]


def ask(sim, g, phone, text="UT 10001"):
    """A question; waits until its answer is sent (the row exists and left the queue)."""
    sim.ctl_ok("inject", phone, text)
    S.wait_for(lambda: (row(g, phone) or (0, ""))[1] not in ("", "queued", "sending"), 60)
    return row(g, phone)


def until(g, phone, dlr, timeout=30):
    return S.wait_for(lambda: (row(g, phone) or (0, "", ""))[2] == dlr, timeout, 0.1)


def basics(sim, g):
    r = ask(sim, g, "+84901000001", "CS BHYT")
    check("a three-part answer asks for a report on every part",
          [m["srr"] for m in sim.sent() if m["to"] == "+84901000001"] == [True] * 3,
          sim.sent()[-3:])
    check("its three reports make it delivered", until(g, "+84901000001", "delivered"),
          row(g, "+84901000001"))
    check("each report kept and matched", g.q1("SELECT count(*) FROM delivery_reports"
                                               " WHERE outbox_id = ?", (r[0],)) == 3)
    check("read reports are deleted from the SR memory",
          S.wait_for(lambda: sim.status()["sr_stored"] == 0, 20), sim.status()["sr_stored"])

    sim.ctl_ok("dlr", "fail", "1", "0x41")
    ask(sim, g, "+84901000002")
    check("a failed report: the answer is failed, with the network's status",
          until(g, "+84901000002", "failed") and row(g, "+84901000002")[3] == "TP-ST 0x41",
          row(g, "+84901000002"))

    sim.ctl_ok("dlr", "status", "0x21", "1")
    ask(sim, g, "+84901000003")
    check("a pending report (the phone is off): buffered", until(g, "+84901000003", "buffered"),
          row(g, "+84901000003"))

    sim.ctl_ok("dlr", "late", "1")
    ask(sim, g, "+84901000004")
    ask(sim, g, "+84901000005")
    check("a report after a later one: the later answer is delivered first",
          until(g, "+84901000005", "delivered") and row(g, "+84901000004")[2] == "submitted",
          (row(g, "+84901000004"), row(g, "+84901000005")))
    sim.ctl_ok("dlr", "release")
    check("... and the late one when it comes", until(g, "+84901000004", "delivered"),
          row(g, "+84901000004"))

    before = g.q1("SELECT count(*) FROM delivery_reports")
    rep = sim.ctl_ok("dlr", "unknown", "7", "+84901000099")
    check("a report for a reference nobody used is kept, matched to nothing",
          S.wait_for(lambda: g.q1("SELECT count(*) FROM delivery_reports WHERE outbox_id IS NULL"
                                  " AND phone = '+84901000099'") == 1, 30), rep)
    p = g.ctl("stats", "--since", "1d")
    check("gatewayctl stats: delivered and failed shares of the answers so far",
          re.search(r"delivered +3 +60\.0 %", p.stdout) and
          re.search(r"failed +1 +20\.0 %", p.stdout) and
          re.search(r"still pending +1 +20\.0 %", p.stdout) and
          re.search(r"median time to delivery +\d+ +s", p.stdout) and
          re.search(r"reports matching no message +1", p.stdout), p.stdout)
    p = g.ctl("status")
    check("gatewayctl status: the last day's reports",
          re.search(r"delivered +3\n", p.stdout) and re.search(r"unmatched +1\n", p.stdout),
          p.stdout)
    check("... and changes nothing else",
          g.q1("SELECT count(*) FROM delivery_reports") == before + 1 and
          g.q1("SELECT count(*) FROM outbox WHERE dlr NOT IN ('delivered', 'failed', 'buffered')")
          == 0)


def for_unsent(sim, g):
    """The network takes the part, +CMGS never comes, and the modem is
    unplugged meanwhile: the answer is in doubt, and the report for a
    reference the daemon never saw, found after the modem is back,
    settles it. (Without the unplug libgammu waits for the +CMGS until
    the call's deadline: the same ending, a minute later.)"""
    sent = sim.status()["sent"]
    sim.ctl_ok("dlr", "for-unsent", "1")
    mark = len(g.log_text())
    sim.ctl_ok("inject", "+84901000006", "UT 10006")
    sim.ctl_ok("wait-sent", str(sent + 1), "60")
    sim.ctl_ok("fault", "vanish")
    doubt = S.wait_for(lambda: "never confirmed it" in g.log_text()[mark:], 30)
    sim.ctl_ok("appear")
    check("no +CMGS, the modem gone: the answer is in doubt, not sent again at once", doubt,
          g.log_text()[mark:][-2000:])
    settled = S.wait_for(lambda: (row(g, "+84901000006") or (0, ""))[1:3] == ("sent", "delivered"),
                         60)
    check("the report for the reference it never got settles it as sent",
          settled and row(g, "+84901000006")[4] == 0 and
          "settles it: it was sent" in g.log_text()[mark:], row(g, "+84901000006"))
    check("... and it reached the phone once", len(at_phone(sim, "+84901000006")) == 1,
          at_phone(sim, "+84901000006"))


def reports_off(sim, g):
    sim.ctl_ok("dlr", "off")
    ask(sim, g, "+84901000007")
    check("a network that sends no report: the answer stays submitted",
          row(g, "+84901000007")[1:3] == ("sent", "submitted"), row(g, "+84901000007"))
    sim.ctl_ok("dlr", "on")
    with open(g.conf) as f:
        conf = f.read()
    with open(g.conf, "w") as f:
        f.write(conf.replace("modem = {", "modem = { delivery_reports = false;"))
    mark = len(g.log_text())
    g.proc.send_signal(signal.SIGHUP)
    S.wait_for(lambda: "configuration reloaded" in g.log_text()[mark:], 20)
    ask(sim, g, "+84901000008")
    parts = [m["srr"] for m in sim.sent() if m["to"] == "+84901000008"]
    check("modem.delivery_reports = false: no TP-SRR, nothing awaited",
          parts == [False] and row(g, "+84901000008")[2] == "", (parts, row(g, "+84901000008")))
    with open(g.conf, "w") as f:
        f.write(conf)
    mark = len(g.log_text())
    g.proc.send_signal(signal.SIGHUP)
    S.wait_for(lambda: "configuration reloaded" in g.log_text()[mark:], 20)


def crash(sim, g, point, phone, text="UT 10010"):
    """The daemon killed at point while answering phone, then restarted."""
    g.stop()
    g.start(GW_CRASHPOINT=point)
    sim.ctl_ok("inject", phone, text)
    S.wait_for(lambda: g.proc.poll() is not None, 90)
    killed = g.proc.returncode == -9
    g.proc = None
    g.start()
    return killed


def crashes(sim, g):
    # handed over, not recorded: its report waits in SR while the daemon is down
    killed = crash(sim, g, "send-returned", "+84901000011")
    check("crash at send-returned: killed there", killed)
    check("crash at send-returned: the report found after the restart settles the answer",
          S.wait_for(lambda: (row(g, "+84901000011") or (0, ""))[1:3] == ("sent", "delivered"), 60),
          row(g, "+84901000011"))
    check("crash at send-returned: not sent again",
          len(at_phone(sim, "+84901000011")) == 1 and row(g, "+84901000011")[4] == 0,
          (at_phone(sim, "+84901000011"), row(g, "+84901000011")))
    # marked, never handed over: no report can come
    killed = crash(sim, g, "send-marked", "+84901000012")
    check("crash at send-marked: killed there", killed)
    check("crash at send-marked: no report within 2 s, so the answer is sent again",
          S.wait_for(lambda: (row(g, "+84901000012") or (0, ""))[1:3] == ("sent", "delivered"), 60)
          and row(g, "+84901000012")[4] == 1, row(g, "+84901000012"))
    check("crash at send-marked: it reached the phone once", len(at_phone(sim, "+84901000012")) == 1,
          at_phone(sim, "+84901000012"))
    # a report recorded, not yet deleted from the modem: read again, kept once
    killed = crash(sim, g, "dlr-stored", "+84901000013")
    check("crash at dlr-stored: killed there", killed)
    S.wait_for(lambda: sim.status()["sr_stored"] == 0, 60)
    check("crash at dlr-stored: the report read again is kept once, then deleted",
          g.q1("SELECT count(*) FROM delivery_reports WHERE phone = '+84901000013'") == 1 and
          sim.status()["sr_stored"] == 0 and row(g, "+84901000013")[2] == "delivered",
          (g.q("SELECT * FROM delivery_reports WHERE phone = '+84901000013'"),
           sim.status()["sr_stored"]))
    check("the daemon swept the SR memory after connecting",
          len(re.findall(r'AT\+CPMS="SR"', open(sim.at_log).read())) >= 3)


def main():
    def body(sim, g):
        g.start()
        basics(sim, g)
        for_unsent(sim, g)
        reports_off(sim, g)
        crashes(sim, g)
    return S.run_on_simulator("test_dlr.py", "gw-dlr-", body, "--keep" in sys.argv,
                              sms="rate_limit_per_hour = 100000; unknown_resend_after = 2;")


if __name__ == "__main__":
    sys.exit(main())
