"""Several modems in one box (issue 18) on libgammu's dummy phones: routing by
operator, the operators' same-text limits, failover when a SIM's device
disappears or the network refuses the SIM, `gatewayctl status` listing every
modem, and the daemon's one worker process per modem (restarted when it dies
while the other modem carries on).

The issue's "Done when" in --once mode: two dummy modems, "sim-viettel"
(operators "viettel") and "sim-vina" ("vinaphone,mobifone"); each household
is answered exactly once through the SIM of its operator, outbox.modem says
which; a broadcast to 35 Viettel subscribers with same_text_per_hour = 10
sends at most 10 identical texts per SIM in the hour and leaves the rest
queued, not failed; after the Viettel SIM's device disappears a Viettel
household's question is answered through the other SIM; status lists both."""
import collections
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "soak"))
sys.dont_write_bytecode = True
from gwtest import Gateway, check, finish, wait_for  # noqa: E402
from soaklib import children  # noqa: E402

VIETTEL = ("sim-viettel", 'operators = "viettel";')
VINA = ("sim-vina", 'operators = "vinaphone,mobifone";')
# Each question asks for a job number that does not exist: every answer
# names its number, so no two answers share a text (the same-text limits
# are not what these tests are about, except where they are).
HOUSEHOLDS = {  # phone: (operator's modem, SIM it writes to)
    "+84961000001": ("sim-viettel", "sim-viettel"),  # Viettel 096
    "+84901000002": ("sim-vina", "sim-viettel"),     # MobiFone 090, to the Viettel SIM
    "+84911000003": ("sim-vina", "sim-vina"),        # VinaPhone 091
    "+84981000004": ("sim-viettel", "sim-vina"),     # Viettel 098, to the Vina SIM
    "+84921000005": (None, "sim-vina"),              # Vietnamobile 092: no SIM of its own
}
DAY = "2030-01-02 10:00"   # office time, outside the quiet hours
HOUR_LATER = "2030-01-02 11:01"


def outbox_by_phone(g):
    rows = g.q("SELECT phone, status, modem, attempts FROM outbox WHERE kind = 'reply'")
    out = collections.defaultdict(list)
    for phone, status, modem, attempts in rows:
        out[phone].append((status, modem, attempts))
    return out


def test_routing_and_failover():
    g = Gateway(modems=[VIETTEL, VINA])
    try:
        for i, (phone, (_, sim)) in enumerate(sorted(HOUSEHOLDS.items())):
            g.injectors[sim].inject(phone, "UT %d" % (1001 + i))
        p = g.once(GW_FAKE_NOW=DAY)
        check("two modems, --once: exits cleanly", p.returncode == 0, p.stderr[-2000:])
        inbox = dict(g.q("SELECT sender, modem FROM inbox"))
        check("each message records the SIM it came in on",
              all(inbox.get(ph) == sim for ph, (_, sim) in HOUSEHOLDS.items()), inbox)
        out = outbox_by_phone(g)
        check("each household answered exactly once",
              all(len(out[ph]) == 1 and out[ph][0][0] == "sent" for ph in HOUSEHOLDS), dict(out))
        want = {ph: m for ph, (m, _) in HOUSEHOLDS.items() if m}
        got = {ph: out[ph][0][1] for ph in want if out[ph]}
        check("answered through the SIM of its operator (outbox.modem)", got == want,
              (got, want))
        check("a Viettel household writing to the Vina SIM is answered by the Viettel SIM",
              got.get("+84981000004") == "sim-viettel", got)
        check("a number of no modem's operator goes through either",
              out["+84921000005"] and out["+84921000005"][0][1] in ("sim-viettel", "sim-vina"),
              out["+84921000005"])
        sent = collections.Counter(m["to"] for m in g.sent())
        check("the phones got exactly one message each", sent == collections.Counter(list(HOUSEHOLDS)),
              sent)

        # The Viettel SIM's device disappears (its dummy folder is gone).
        os.rename(g.phones["sim-viettel"], g.phones["sim-viettel"] + ".unplugged")
        g.injectors["sim-vina"].inject("+84961000006", "UT 2001")
        p = g.once(GW_FAKE_NOW=DAY)
        check("one SIM gone: --once still succeeds with the other", p.returncode == 0,
              p.stderr[-2000:])
        check("the gone SIM is named in the log", "sim-viettel" in p.stderr, p.stderr[-1000:])
        out = outbox_by_phone(g)
        check("after the Viettel SIM's device disappeared, a Viettel household is answered"
              " through the other SIM", out["+84961000006"] == [("sent", "sim-vina", 1)],
              out["+84961000006"])
        st = g.ctl("status").stdout
        check("gatewayctl status lists both modems",
              "Modem sim-viettel" in st and "Modem sim-vina" in st, st)
        viettel = st.split("Modem sim-viettel")[1].split("Modem sim-vina")[0]
        vina = st.split("Modem sim-vina")[1].split("Queues")[0]
        check("status: the gone SIM's failed connection is shown",
              "out: not connected" in viettel and "last error" in viettel and
              "connect" in viettel, viettel)
        check("status: the other SIM's signal, network, operators, limits, sent today",
              "signal           42%" in vina and "vinaphone,mobifone" in vina and
              "3 / 5 min; 10 / hour; 100 / 24 h" in vina and "sent today       %d" % g.q1(
                  "SELECT count(*) FROM outbox WHERE modem = 'sim-vina' AND status = 'sent'")
              in vina, vina)

        # It comes back by itself: plugged in again, it sends its operator's messages.
        os.rename(g.phones["sim-viettel"] + ".unplugged", g.phones["sim-viettel"])
        g.injectors["sim-vina"].inject("+84961000007", "UT 2002")
        g.once(GW_FAKE_NOW=DAY)
        out = outbox_by_phone(g)
        check("plugged in again, the Viettel SIM sends to Viettel numbers again",
              out["+84961000007"] == [("sent", "sim-viettel", 1)], out["+84961000007"])
    finally:
        g.close()


def test_barred_sim():
    g = Gateway(modems=[VIETTEL, VINA])
    try:
        # The network refuses the Viettel SIM itself (+CMS ERROR 8: operator
        # determined barring): not the message's fault.
        g.set_faults("cms 8 send\n", modem="sim-viettel")
        g.injectors["sim-viettel"].inject("+84961000011", "UT 3001")
        p = g.once(GW_FAKE_NOW=DAY)
        out = outbox_by_phone(g)
        check("a refused SIM's message goes out through the other SIM",
              out["+84961000011"] == [("sent", "sim-vina", 2)], out["+84961000011"])
        hold = g.q("SELECT hold, hold_until > strftime('%s', 'now') FROM modem_status"
                   " WHERE name = 'sim-viettel'")
        check("the refused SIM is out of routing (barred) for a while", hold == [("barred", 1)],
              hold)
        check("the log says so", "out of routing (barred)" in p.stderr, p.stderr[-1500:])
        g.injectors["sim-viettel"].inject("+84961000012", "UT 3002")
        g.once(GW_FAKE_NOW=DAY)
        out = outbox_by_phone(g)
        check("while barred, its operator's messages go straight to the other SIM",
              out["+84961000012"] == [("sent", "sim-vina", 1)], out["+84961000012"])
        # The barring is lifted; once the hold has run out it is tried again.
        g.set_faults("", modem="sim-viettel")
        g.x("UPDATE modem_status SET hold_until = 1 WHERE name = 'sim-viettel'")
        g.injectors["sim-viettel"].inject("+84961000013", "UT 3003")
        g.once(GW_FAKE_NOW=DAY)
        out = outbox_by_phone(g)
        check("it comes back by itself when the network takes it again",
              out["+84961000013"] == [("sent", "sim-viettel", 1)] and
              g.q1("SELECT hold FROM modem_status WHERE name = 'sim-viettel'") == "",
              (out["+84961000013"], g.q("SELECT hold FROM modem_status")))
    finally:
        g.close()


def max_in_window(times, span):
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= span:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_broadcast_limits():
    limits = "same_text_per_5min = 10; same_text_per_hour = 10;"
    g = Gateway(modems=[(VIETTEL[0], VIETTEL[1] + limits), (VINA[0], VINA[1] + limits)])
    try:
        phones = ["+849620%05d" % i for i in range(35)]
        for ph in phones:
            g.x("INSERT INTO contacts (phone, created_at, last_seen) VALUES (?, 1, 1)", (ph,))
            g.x("INSERT INTO subscriptions (phone, area, job_type, created_at)"
                " VALUES (?, '', '', 1)", (ph,))
        r = g.ctl("broadcast", "1")
        check("a broadcast to 35 Viettel subscribers is queued",
              g.q1("SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND status = 'queued'")
              == 35, r.stdout + r.stderr)
        p = g.once(GW_FAKE_NOW=DAY)
        by = dict(g.q("SELECT status, count(*) FROM outbox WHERE kind = 'broadcast'"
                      " GROUP BY status"))
        per = dict(g.q("SELECT modem, count(*) FROM outbox WHERE kind = 'broadcast'"
                       " AND status = 'sent' GROUP BY modem"))
        check("same_text_per_hour = 10: at most 10 identical texts per SIM in the hour",
              per == {"sim-viettel": 10, "sim-vina": 10}, per)
        check("the rest is queued, not failed", by == {"sent": 20, "queued": 15}, by)
        check("the Viettel SIM went first, then the other SIM took what it may",
              "reached a sending limit" in p.stderr, p.stderr[-1500:])
        st = g.ctl("broadcast", "status").stdout
        check("broadcast status shows the rest waiting for the window to free",
              "left 15, next ~11:00 02/01" in st, st)
        # A question now: its answer is not held behind the broadcast.
        g.injectors["sim-viettel"].inject("+84961000021", "UT 4001")
        g.once(GW_FAKE_NOW=DAY)
        out = outbox_by_phone(g)
        check("a reply is not held by the broadcast's limits",
              out["+84961000021"] == [("sent", "sim-viettel", 1)], out["+84961000021"])
        check("... while the broadcast still waits",
              g.q1("SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND status = 'queued'")
              == 15)
        # An hour later the windows have freed: the rest goes.
        g.once(GW_FAKE_NOW=HOUR_LATER)
        by = dict(g.q("SELECT status, count(*) FROM outbox WHERE kind = 'broadcast'"
                      " GROUP BY status"))
        check("an hour later the rest is sent", by == {"sent": 35}, by)
        claims = collections.defaultdict(list)
        for modem, t in g.q("SELECT modem, claimed_at FROM outbox WHERE kind = 'broadcast'"):
            claims[modem].append(t)
        worst = {m: max_in_window(t, 3600) for m, t in claims.items()}
        check("no SIM ever sent more than 10 of the text within an hour",
              worst and max(worst.values()) <= 10, worst)
        sent = collections.Counter(m["to"] for m in g.sent())
        check("each subscriber got the broadcast exactly once",
              all(sent[p] == 1 for p in phones), [p for p in phones if sent[p] != 1])
    finally:
        g.close()


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_worker_processes():
    g = Gateway(modems=[VIETTEL, VINA])
    try:
        g.start()
        ok = wait_for(lambda: g.q1("SELECT count(*) FROM modem_status WHERE enabled = 1"
                                   " AND connected = 1") == 2, 20)
        check("daemon: both modems connected", ok == 1 or ok is True,
              g.q("SELECT name, connected FROM modem_status"))
        kids = {cmdline(k).split("--worker ")[1].split()[0]: k for k in children(g.proc.pid)
                if "--worker" in cmdline(k)}
        check("one worker process per modem", sorted(kids) == ["sim-viettel", "sim-vina"], kids)
        st = g.ctl("status").stdout
        check("daemon: status shows both modems connected and in routing",
              st.count("connected        yes") == 2 and st.count("routing          in") == 2, st)
        g.injectors["sim-vina"].inject("+84961000031", "UT 5001")
        ok = wait_for(lambda: g.q("SELECT status, modem FROM outbox WHERE phone = '+84961000031'")
                      == [("sent", "sim-viettel")], 20)
        check("daemon: a Viettel household writing to the Vina SIM is answered by the"
              " Viettel SIM", ok, g.q("SELECT status, modem FROM outbox"))
        # The Viettel worker dies: the other carries on, and it comes back.
        os.kill(kids["sim-viettel"], signal.SIGKILL)
        g.injectors["sim-viettel"].inject("+84911000032", "UT 5002")  # read once it is back
        g.injectors["sim-vina"].inject("+84961000033", "UT 5003")
        ok = wait_for(lambda: g.q("SELECT status FROM outbox WHERE phone = '+84961000033'")
                      == [("sent",)], 20)
        check("a worker killed: the other modem answers meanwhile", ok,
              g.q("SELECT phone, status, modem FROM outbox"))
        ok = wait_for(lambda: g.q("SELECT status FROM outbox WHERE phone = '+84911000032'")
                      == [("sent",)], 30)
        check("the killed worker is started again and reads its SIM", ok,
              g.q("SELECT phone, status, modem FROM outbox"))
        new = [k for k in children(g.proc.pid) if "--worker sim-viettel" in cmdline(k)]
        check("... as a new process", new and new[0] != kids["sim-viettel"], new)
        check("the daemon logged the restart", "worker restarts" in g.daemon_log(),
              g.daemon_log()[-1500:])
        all_kids = children(g.proc.pid)
        rc = g.stop()
        check("SIGTERM: clean exit", rc == 0, rc)
        check("SIGTERM: no worker left behind",
              not [k for k in all_kids if os.path.exists("/proc/%d" % k) and
                   "--worker" in cmdline(k)], all_kids)
        # The main process killed outright takes its workers with it.
        g.start()
        wait_for(lambda: len([k for k in children(g.proc.pid) if "--worker" in cmdline(k)]) == 2,
                 20)
        kids = [k for k in children(g.proc.pid) if "--worker" in cmdline(k)]
        g.proc.kill()
        g.proc.wait()
        gone = wait_for(lambda: not [k for k in kids if "--worker" in cmdline(k)], 10)
        check("SIGKILL of the main process: the workers die with it", gone, kids)
        g.proc = None
        g.log.close()
    finally:
        g.close()


def test_single_modem_unchanged():
    # `modem = {...}` is one modem named "modem": outbox.modem says so.
    g = Gateway()
    try:
        g.inject("+84961000041", "UT 6001")
        p = g.once()
        check("single modem group: --once works", p.returncode == 0, p.stderr[-1500:])
        check("single modem group: outbox.modem = 'modem'",
              g.q("SELECT status, modem FROM outbox") == [("sent", "modem")],
              g.q("SELECT status, modem FROM outbox"))
        check("single modem group: one modem_status row in use",
              g.q("SELECT name FROM modem_status WHERE enabled = 1") == [("modem",)])
    finally:
        g.close()


if __name__ == "__main__":
    test_single_modem_unchanged()
    test_routing_and_failover()
    test_barred_sim()
    test_broadcast_limits()
    test_worker_processes()
    finish()
