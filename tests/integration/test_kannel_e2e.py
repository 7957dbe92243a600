"""gatewayd behind Debian's bearerbox and smsbox (issue 17's "done when").

A fake SMSC (Kannel's own line protocol, tests/integration/kannellib.py)
stands for the operator; bearerbox and smsbox run with a generated
kannel.conf whose sms-service calls gatewayd with issue 17's get-url, and
gatewayd answers through smsbox's sendsms with delivery reports.

- 200 messages from 50 households (GSM text and UCS-2 Vietnamese) sent in
  five waves while gatewayd is SIGKILLed 4 times, at different moments
  (messages in flight to it, answers going out, reports coming back), and
  restarted: every message is stored once and answered exactly once (what
  the fake SMSC received, per household, is what the outbox says was
  sent), a long answer arrives whole, and delivery reports are recorded
  on at least 90 % of the outbox rows.
- a crash between sendsms and recording it (GW_CRASHPOINT=send-returned):
  after the restart the row is sent_unknown until its delivery report
  comes, which settles it as sent; the household has its one answer.
- smsbox runs supervised, as the README's systemd unit runs it: Debian's
  smsbox 1.4.5 panics now and then when gatewayd dies with requests in
  flight (conn.c: conn_unregister: Assertion `conn != NULL'), and the
  messages it had acknowledged to bearerbox die with it (README: "One limit
  to know"). Then the run still requires that every message missing from
  the inbox is one the panicked smsbox had started to call gatewayd with,
  and that everything stored is answered exactly once.
SKIP (exit 0) without bearerbox/smsbox. Waits are bounded polls."""
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kannellib as kl  # noqa: E402
from gwtest import check, finish, wait_for  # noqa: E402
from kannelgw import (KannelGateway, mt_text, questions, received,  # noqa: E402
                      reports_recorded, sent_rows)

HOUSEHOLDS = 50
PER_HOUSEHOLD = 4
WAVES = 5
KILLS = 4


def setup():
    sendsms_port = kl.free_port()
    # a report for a later answer 20 s old and none for one in doubt: it
    # never reached Kannel. smsbox repeats the reports it could not give
    # while gatewayd was down every http-queue-delay (1 s here); they were
    # recorded within 3-5 s of a restart on this shared 2-core machine.
    g = KannelGateway(sendsms_port, extra_conf="sms = { rate_limit_per_hour = 1000; };\n",
                      kannel_extra="resend_unknown_after = 20;")
    if os.environ.get("KANNEL_KEEP"):
        with open(g.conf) as f:
            c = f.read()
        with open(g.conf, "w") as f:
            f.write(c.replace('level = "info"', 'level = "debug"'))
    k = kl.Kannel(mo_url=g.mo_url(), sendsms_port=sendsms_port, http_request_retry=100,
                  http_queue_delay=1, user_max_messages=10, supervise=("smsbox",),
                  keep=bool(os.environ.get("KANNEL_KEEP")))  # keep its logs
    return g, k


def missing(g, plan):
    """How many messages of each household the inbox lacks (by sender: the
    fake SMSC's text lines do not keep runs of spaces)."""
    return Counter(p for p, _ in plan) - Counter(r[0] for r in g.q("SELECT sender FROM inbox"))


def lost_to_panic(g, k, plan):
    """(missing, explained): what the inbox lacks, and whether each of
    those is a message a panicked smsbox had started to call gatewayd with
    (counted per household) while bearerbox holds nothing more for it."""
    miss = missing(g, plan)
    if not miss:
        return miss, True
    dead = k.panics("smsbox")
    held = Counter(p for p, _ in k.serviced(set(dead))) if dead else Counter()
    st = k.status()
    idle = bool(st and st["sms_received_queued"] == 0 and k.smsbox_connected()
                and all((b["queue"] or "0").strip() == "0" for b in st["boxes"]))
    return miss, bool(dead) and idle and not (miss - held)


def done_when(g, k, fake):
    texts = questions()
    phones = ["+849110%05d" % i for i in range(HOUSEHOLDS)]
    plan = []  # (phone, text), household h's n-th message in wave n's slice
    for n in range(PER_HOUSEHOLD):
        for h, phone in enumerate(phones):
            plan.append((phone, texts[(h * PER_HOUSEHOLD + n) % len(texts)]))
    # one household asks for the long answer (3 parts) in its last message,
    # which goes in the last wave: no kill (so no smsbox panic) follows it
    asker = phones[-1]
    plan[-1] = (asker, "CS BHYT")
    per_wave = len(plan) // WAVES
    kills = 0
    for w in range(WAVES):
        wave = plan[w * per_wave:(w + 1) * per_wave]
        for phone, text in wave:
            if all(ord(c) < 128 for c in text):
                fake.send_text(phone, "8100", text)
            else:
                fake.send_ucs2(phone, "8100", text)
        if kills < KILLS:
            # kill at a different moment each time: right away (messages in
            # flight to gatewayd), after some answers went, after many
            target = len(fake.wait_mt(0, timeout=0)) + [0, 5, 15, 30][kills]
            wait_for(lambda: len(fake.wait_mt(0, timeout=0)) >= target, 30)
            g.kill()
            kills += 1
            g.start()
    total = len(plan)
    stored = wait_for(lambda: g.q1("SELECT count(*) FROM inbox") == total
                      or lost_to_panic(g, k, plan)[1], 120)
    miss, explained = lost_to_panic(g, k, plan)
    n = total - sum(miss.values())
    if miss:
        print("note: smsbox restarted %d time(s), %d message(s) lost in its panic: %s"
              % (k.restarts.get("smsbox", 0), total - n, list(k.panics("smsbox").values())[:1]),
              flush=True)
    check("%d messages, %d kills: each stored once (Kannel id unique), none lost but in an"
          " smsbox panic" % (total, kills),
          stored and explained and g.q1("SELECT count(*) FROM inbox") == n
          and g.q1("SELECT count(DISTINCT external_id) FROM inbox") == n,
          (g.q("SELECT count(*), count(DISTINCT external_id) FROM inbox"), list(miss.items())[:5]))
    handled = wait_for(lambda: g.q1("SELECT count(*) FROM inbox WHERE status = 'handled'")
                       == n, 120)
    check("every message handled", handled,
          g.q("SELECT status, count(*) FROM inbox GROUP BY status"))
    one_each = g.q("SELECT i.id FROM inbox i WHERE (SELECT count(*) FROM outbox o"
                   " WHERE o.inbox_id = i.id AND o.phone = i.sender) <> 1")
    check("every message has exactly one answer queued", not one_each, one_each[:10])
    settled = wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status = 'sent'")
                       == n, 120)
    check("every answer sent (in-doubt ones settled by their reports)", settled,
          g.q("SELECT status, count(*) FROM outbox GROUP BY status"))
    same = wait_for(lambda: received(fake) == sent_rows(g), 60)
    got, want = received(fake), sent_rows(g)
    diff = [(p, got.get(p), want.get(p)) for p in set(got) | set(want) if got.get(p) != want.get(p)]
    check("the fake SMSC got exactly the answers sent: each message answered exactly once",
          same and sum(sum(c.values()) for c in got.values()) == n, diff[:5])
    if diff:
        print("note: the outbox rows of those households: %s" % g.q(
            "SELECT id, phone, status, attempts, resends, dlr, error, substr(text, 1, 30)"
            " FROM outbox WHERE phone IN (%s) ORDER BY phone, id"
            % ",".join("?" * len(diff[:5])), tuple(p for p, _, _ in diff[:5])), flush=True)
    long_text = g.q1("SELECT o.text FROM outbox o JOIN inbox i ON o.inbox_id = i.id"
                     " WHERE i.sender = ? AND i.text = 'CS BHYT'", (asker,))
    parts = [len(m["parts"]) for m in kl.reassemble(fake.wait_mt(0, timeout=0))
             if m["receiver"] == asker and m["text"] is not None and mt_text(m) == long_text]
    # another of its questions may have the same answer: one arrival each
    rows = g.q1("SELECT count(*) FROM outbox WHERE phone = ? AND text = ? AND status = 'sent'",
                (asker, long_text))
    check("a long answer arrives whole (%s parts, once per answer)" % parts,
          long_text and rows >= 1 and len(parts) == rows and min(parts) >= 2,
          (long_text, parts, rows))
    reports_recorded(g, n)
    print("note: kills %d, outbox by report: %s" % (
        kills, g.q("SELECT dlr, count(*) FROM outbox GROUP BY dlr")), flush=True)


def crash_after_sendsms(g, k, fake):
    """Killed between sendsms's answer and recording it: settled by the report."""
    phone = "+84912000001"
    before = len(fake.wait_mt(0, timeout=0))
    g.stop()
    g.start(GW_CRASHPOINT="send-returned")
    fake.send_text(phone, "8100", "HD")
    died = wait_for(lambda: g.proc.poll() is not None, 60)
    check("gatewayd dies at send-returned (sendsms called, not recorded)", died,
          g.daemon_log()[-1500:])
    g.proc = None
    g.log.close()
    row = g.q("SELECT id, status FROM outbox WHERE phone = ?", (phone,))
    check("... the row is left 'sending'", row and row[0][1] == "sending", row)
    g.start()
    settled = wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = ?", (phone,))
                       == "sent" and g.q1("SELECT dlr FROM outbox WHERE phone = ?", (phone,))
                       in ("delivered", "submitted"), 60)
    check("after the restart its delivery report settles it as sent", settled,
          g.q("SELECT status, dlr, error FROM outbox WHERE phone = ?", (phone,)))
    wait_for(lambda: len(fake.wait_mt(0, timeout=0)) > before, 10)
    got = received(fake).get(phone)
    check("... and the household has its one answer", got and sum(got.values()) == 1, got)


def main():
    kl.require_kannel("test_kannel_e2e")
    g, k = setup()
    fake = None
    try:
        k.start()
        fake = kl.FakeSMSC(k.conf.fake_port)
        check("bearerbox, smsbox and the fake SMSC are up", kl.wait_until(k.smsc_online), k.dir)
        g.start()
        check("gatewayd's link to sendsms is up",
              wait_for(lambda: g.q1("SELECT connected FROM modem_status WHERE name = 'kannel'") == 1, 30),
              g.daemon_log()[-1000:])
        t = time.monotonic()
        done_when(g, k, fake)
        print("note: the 200-message run took %.1f s" % (time.monotonic() - t), flush=True)
        crash_after_sendsms(g, k, fake)
    finally:
        import gwtest
        if gwtest.failures:
            for name in ("bearerbox", "smsbox"):
                print("--- %s log tail:\n%s" % (name, k.tail(name, 15)))
                print("--- %s panics: %s" % (name, list(k.panics(name).values())))
            print("--- gatewayd log, what was not routine:\n%s" % "\n".join(
                l for l in g.daemon_log().splitlines()
                if "[info]" not in l and "[debug]" not in l)[-6000:])
            if os.environ.get("KANNEL_KEEP"):
                with open(os.path.join(k.dir, "gatewayd.log"), "w") as f:
                    f.write(g.daemon_log())
            print("--- outbox rows not settled on the first attempt: %s" % g.q(
                "SELECT id, phone, status, attempts, error, dlr FROM outbox"
                " WHERE error <> '' OR attempts <> 1"))
        if fake:
            fake.close()
        g.close()
        k.close()


if __name__ == "__main__":
    main()
    finish()
