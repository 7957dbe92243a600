#!/usr/bin/env python3
"""Web console and USSD callback abuse campaign (issue 16): what an officer
of one commune, a password guesser and a slow or oversized client can do
to gatewayd's HTTP servers, over real loopback sockets, on the dummy
phone. Accounts and a month of traffic from tests/integration/webseed.py:
an administrator, an officer of Thien Ke and one of Tan Lap.

  1. scope: Thien Ke's officer asks for and changes Tan Lap's households,
     messages, offers, appointments and broadcasts: every request refused
     (a household: the same 404 as an unknown number), audited, and the
     protected tables unchanged;
  2. logins: Tan Lap's officer locked from one address by 5 wrong
     passwords, then a flood of wrong logins for other numbers from many
     addresses: the lock holds (it used to be evicted from a 256-slot
     table), the officer still logs in from their own address, and every
     lock is told to the administrator by SMS (a few an hour);
  3. slow clients: 64 half-sent requests from 64 addresses, then 64 from
     one, on both servers: a real request is answered meanwhile;
  4. work: a 40 KB program preview and a 64 MB chunked body: answered or
     cut off at once;
  then the daemon is alive, without a sanitizer report, and its RSS grew
  by little.

  web_campaign.py            # the long flood
  web_campaign.py --short    # for make test
"""
import hashlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import soaklib as S  # noqa: E402
from soaklib import check, figure  # noqa: E402
import gwtest  # noqa: E402
import httpabuse as H  # noqa: E402
import webseed  # noqa: E402

PROTECTED = ["jobs", "appointments", "broadcasts", "referrals", "contacts", "officers"]


# what the daemon does by itself meanwhile, not at an officer's request:
# an offer's text worked out when it first sees the row (jobs_board.h),
# tomorrow's reminders (gateway/daemon/reminders.c), an officer told of a
# new referral (referrals.c); a timer may do any of them mid-attack
DERIVED = {"jobs": {"types", "sex", "label", "label_size", "derived"},
           "appointments": {"reminded"},
           "referrals": {"officer_notified", "notified_at", "notify_outbox_id"}}


def snapshot(g):
    res = {}
    for t in PROTECTED:
        cols = [r[1] for r in g.q("PRAGMA table_info(%s)" % t) if r[1] not in DERIVED.get(t, ())]
        rows = g.q("SELECT %s FROM %s ORDER BY rowid" % (", ".join(cols), t))
        res[t] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return res


class Tally:
    def __init__(self):
        self.tried = self.refused = 0

    def expect(self, status, want):
        self.tried += 1
        self.refused += status == want
        return status == want


def scope_attacks(g, web, days, tally):
    tk_local, tk_phone, _, _, _, tk_pw = webseed.OFFICER_TK
    tk = H.Account(web, "127.0.0.20", tk_local, tk_pw)
    check("scope: Thien Ke's officer logs in", tk.status == 303, tk.status)
    before = snapshot(g)
    tl_house = webseed.HOUSEHOLDS[1][0]
    tl_msg = g.q1("SELECT id FROM inbox WHERE sender = ? LIMIT 1", (tl_house,))
    tl_appt = g.q1("SELECT a.id FROM appointments a JOIN officers o ON o.id = a.officer_id"
                   " WHERE o.commune = 'Tân Lập' LIMIT 1")
    none_html = tk.get("/contacts/84909999999")[1]
    st, html, _ = tk.get("/contacts/" + tl_house.lstrip("+"))
    same = html.replace(tl_house.lstrip("+"), "N") == none_html.replace("84909999999", "N")
    attempts = [
        ("another commune's household: 404 like an unknown number", st, 404),
        ("another commune's message: 404", tk.get("/inbox/%d" % tl_msg)[0], 404),
        ("another commune's offer", tk.get("/jobs/6")[0], 403),
        ("closing it", tk.post("/jobs/6/close", {})[0], 403),
        ("its applicants' status", tk.post("/referrals/%d" % g.q1("SELECT id FROM referrals WHERE job_id = 6"),
                                           {"status": "hired"})[0], 403),
        ("confirming its appointment", tk.post("/appointments/%d" % tl_appt, {"action": "confirm"})[0], 403),
        ("moving it", tk.post("/appointments/%d" % tl_appt, {"action": "move", "day": days["day2"],
                                                             "time": "09:00"})[0], 403),
        ("posting an offer there", tk.post("/jobs/new", {"title": "Viec gia", "commune": "Tân Lập",
                                                          "deadline": "2030-12-31"})[0], 403),
        ("moving its own offer there", tk.post("/jobs/1", {"title": "x", "commune": "Tân Lập",
                                                            "deadline": "2030-12-31"})[0], 403),
        ("a broadcast aimed there (preview)", tk.get("/jobs/1/broadcast?area=T%C3%A2n+L%E1%BA%ADp")[0], 403),
        ("a broadcast aimed there (send)", tk.post("/jobs/1/broadcast", {"area": "Tân Lập", "type": ""})[0],
         403),
        ("a broadcast of its offer", tk.post("/jobs/6/broadcast", {"area": "", "type": ""})[0], 403),
    ]
    bad = [(what, st, want) for what, st, want in attempts if not tally.expect(st, want)]
    check("scope: every cross-commune request refused (%d)" % len(attempts), not bad, bad)
    check("scope: a household out of scope reads exactly like an unknown number", st == 404 and same)
    after = snapshot(g)
    check("scope: nothing changed (%s)" % ", ".join(PROTECTED), after == before,
          [t for t in PROTECTED if after[t] != before[t]])
    check("scope: the refusals are audited", g.q1("SELECT count(*) FROM audit WHERE action = 'scope_refused'"
                                                  " AND actor = ?", ("web:" + tk_phone,)) >= len(attempts) - 1)


def login_flood(g, web, tally, addresses, per_address):
    tl_local, _, _, _, _, tl_pw = webseed.OFFICER_TL
    tk_local, _, _, _, _, tk_pw = webseed.OFFICER_TK
    for i in range(5):
        tally.expect(H.login(web, "127.0.0.30", tl_local, "wrong-%d" % i)[0], 401)
    check("logins: 5 wrong passwords lock the officer from that address",
          tally.expect(H.login(web, "127.0.0.30", tl_local, tl_pw)[0], 429))
    statuses = {}
    t0 = time.monotonic()
    for a in range(addresses):
        for i in range(per_address):
            st = H.login(web, "127.0.3.%d" % (a + 1), "0913%06d" % (a * 1000 + i), "x-password")[0]
            statuses[st] = statuses.get(st, 0) + 1
            tally.expect(st, 401 if i < 20 else 429)
    figure("wrong logins for other numbers, from %d addresses" % addresses,
           "%d in %.0f s: %s" % (addresses * per_address, time.monotonic() - t0,
                                 ", ".join("%d x %s" % (n, s) for s, n in sorted(statuses.items()))))
    check("logins: after the flood the officer is still locked from that address (no eviction)",
          tally.expect(H.login(web, "127.0.0.30", tl_local, tl_pw)[0], 429))
    check("logins: and logs in from their own office", H.login(web, "127.0.0.31", tl_local, tl_pw)[0] == 303)
    check("logins: another officer is not held up", H.login(web, "127.0.0.32", tk_local, tk_pw)[0] == 303)
    alerts = g.q1("SELECT count(*) FROM outbox WHERE phone = ? AND kind = 'warning'", (webseed.ADMIN[1],))
    locks = g.q1("SELECT count(*) FROM audit WHERE action = 'web_login_locked'")
    figure("locks started / SMS alerts to the administrator", "%d / %d" % (locks, alerts))
    check("logins: every lock audited, the administrator alerted (at most 4 an hour)",
          locks >= 1 + min(addresses, 1) and 1 <= alerts <= 4 * 2, (locks, alerts))


def slow_clients(g, web, ussd):
    for name, port, path, want in (("web", web, "/login", 200), ("ussd", ussd, "/ussd", 405)):
        held = H.slow_clients(port, ["127.0.4.%d" % (i + 1) for i in range(64)], path)
        held += H.slow_clients(port, ["127.0.5.1"] * 64, path)
        status, secs = H.timed_get(port, "127.0.0.40", path)
        still = sum(1 - H.closed_by_server(s) for s in held)
        check("%s: a real request answered while %d slow clients hold connections" % (name, still),
              status == want and still >= 64, (status, still))
        figure("%s: slow connections opened / held / closed at accept" % name,
               "%d / %d / %d" % (len(held), still, len(held) - still))
        figure("%s: time to answer a real request among %d slow clients" % (name, still), "%.2f s" % secs)
        H.close_all(held)


def heavy_work(g, web, tally):
    admin = H.Account(web, "127.0.0.50", webseed.ADMIN[0], webseed.ADMIN[5])
    text = ("Hộ nghèo được hỗ trợ vay vốn ưu đãi tại ngân hàng chính sách xã hội " * 700)[:40000]
    t0 = time.monotonic()
    st, html, _ = admin.post("/preview/program", {"code": "BIG", "title_vi": "x", "summary_vi": text})
    secs = time.monotonic() - t0
    tally.tried += 1
    tally.refused += "too long to preview" in html
    figure("a 40 KB program preview answered in", "%.2f s (was 38.9 s, optimised build)" % secs)
    check("work: a 40 KB preview is refused at once, saying why", st == 200 and "too long to preview" in html,
          (st, html[-300:]))
    sent, cut = H.chunked_flood(web, "127.0.0.51")
    tally.tried += 1
    tally.refused += cut
    figure("a 64 MB chunked body cut off after", "%d kB" % (sent // 1024))
    check("work: a chunked body far over the cap is cut off", cut and sent < 16 * 1024 * 1024, sent)


def main():
    args, work, t0 = S.gateway_campaign(__doc__, "gw-web-", "web campaign")
    web, ussd = webseed.free_port(), webseed.free_port()
    g = gwtest.Gateway(webseed.web_conf(web) + '\nussd = { enabled = true; listen = "127.0.0.1";'
                       ' port = %d; path = "/ussd"; timeout = 30; };' % ussd)
    return S.run_campaign("web_campaign", g, lambda: run(args, g, web, ussd), work, args.keep, t0)


def run(args, g, web, ussd):
    webseed.setup_accounts(g)
    days = webseed.seed(g)
    g.start()
    check("both servers listen", gwtest.wait_for(lambda: H.up(web) and H.up(ussd), 30))
    rss0 = H.rss_kb(g.proc.pid)
    tally = Tally()
    scope_attacks(g, web, days, tally)
    if args.short:
        login_flood(g, web, tally, 1, 21)
    else:
        login_flood(g, web, tally, 14, 25)
    slow_clients(g, web, ussd)
    heavy_work(g, web, tally)
    status, secs = H.timed_get(web, "127.0.0.60")
    check("afterwards the console answers at once", status == 200, status)
    rss1 = H.rss_kb(g.proc.pid)
    figure("build", "optimised (-O2)" if args.build == "opt" else "sanitized (ASan+UBSan)")
    figure("abusive requests tried / refused (or cut off)", "%d / %d" % (tally.tried, tally.refused))
    figure("gatewayd RSS before / after", "%d / %d kB" % (rss0, rss1))
    log = g.daemon_log()
    check("daemon alive, no sanitizer report", g.proc.poll() is None and "AddressSanitizer" not in log
          and "runtime error" not in log, log[-1500:])


if __name__ == "__main__":
    sys.exit(main())
