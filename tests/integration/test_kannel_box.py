"""gatewayd as a box of Debian's bearerbox (kannel.link = "box"), no smsbox.

A fake SMSC (Kannel's own line protocol, tests/integration/kannellib.py)
stands for the operator; bearerbox runs with a generated kannel.conf whose
smsbox-route gives the fake SMSC's messages to the box "gatewayd", and
gatewayd connects to bearerbox's smsbox-port itself (gateway/kannel/
kannel_box.h): inbound messages are acknowledged after the commit,
answers are acknowledged by bearerbox, reports come back on the box.

- issue 17's "done when" on this link: 200 messages from 50 households
  (GSM text and UCS-2 Vietnamese) in five waves while gatewayd is
  SIGKILLed 4 times at different moments (right after a wave, with
  messages in flight to it; while answers go out) and restarted: every
  message is stored once and answered exactly once (what the fake SMSC
  received, per household, is what the outbox says was sent), a long
  answer arrives whole (bearerbox splits it), and delivery reports are
  recorded on at least 90 % of the outbox rows;
- killed at the crash points box-mo-received (an inbound message read,
  not stored) and box-mo-stored (stored, not acknowledged): bearerbox
  offers it again after the restart; stored and answered once;
- bearerbox SIGKILLed and restarted mid-run (its spool keeps what it had
  not delivered): the messages sent around it are all stored and answered
  once (counted once bearerbox holds nothing more; a long answer whose
  parts the kill tore apart arrives whole again, its left-over parts
  counted apart), and gatewayd's box links come back by themselves;
- bearerbox stopped with SIGTERM while gatewayd is connected: gatewayd
  leaves when bearerbox says shutdown, so bearerbox exits cleanly.
SKIP (exit 0) without bearerbox. Waits are bounded polls."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kannellib as kl  # noqa: E402
from gwtest import check, finish, wait_for  # noqa: E402
from kannelgw import (BOX_ROUTE, KannelBoxGateway, mt_text, questions, received,  # noqa: E402
                      reports_recorded, sent_rows)

HOUSEHOLDS = 50
PER_HOUSEHOLD = 4
WAVES = 5
KILLS = 4
SENDERS = 2


class Fakes:
    """The fake SMSC's client, reconnected after bearerbox restarts; the
    MT lines of every connection."""

    def __init__(self, k):
        self.k = k
        self.old = []
        self.fake = kl.FakeSMSC(k.conf.fake_port)

    def reconnect(self):
        self.old += self.fake.wait_mt(0, timeout=0)
        self.fake.close()
        self.fake = kl.FakeSMSC(self.k.conf.fake_port)

    def mt(self):
        return self.old + self.fake.wait_mt(0, timeout=0)

    def wait_mt(self, n, timeout=0):
        """Every MT line so far (as FakeSMSC.wait_mt(0, timeout=0))."""
        return self.mt()

    def close(self):
        self.fake.close()


def send(fakes, phone, text):
    if all(ord(c) < 128 for c in text):
        fakes.fake.send_text(phone, "8100", text)
    else:
        fakes.fake.send_ucs2(phone, "8100", text)


def idle(k):
    """bearerbox holds nothing more: its store and every queue are empty."""
    st = k.status()
    return bool(st and st["store_size"] == 0 and st["sms_received_queued"] == 0
                and st["sms_sent_queued"] == 0
                and all((b["queue"] or "0").strip() == "0" for b in st["boxes"]))


def answered_once(g, fakes, total, what, torn_ok=False):
    stored = wait_for(lambda: g.q1("SELECT count(*) FROM inbox") == total, 120)
    check("%s: each stored once (Kannel id unique)" % what,
          stored and g.q1("SELECT count(DISTINCT external_id) FROM inbox") == total,
          g.q("SELECT count(*), count(DISTINCT external_id) FROM inbox"))
    handled = wait_for(lambda: g.q1("SELECT count(*) FROM inbox WHERE status = 'handled'")
                       == total, 120)
    check("%s: every message handled" % what, handled,
          g.q("SELECT status, count(*) FROM inbox GROUP BY status"))
    one_each = g.q("SELECT i.id FROM inbox i WHERE (SELECT count(*) FROM outbox o"
                   " WHERE o.inbox_id = i.id AND o.phone = i.sender) <> 1")
    check("%s: every message has exactly one answer queued" % what, not one_each, one_each[:10])
    settled = wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status = 'sent'")
                       == total, 120)
    check("%s: every answer sent (in-doubt ones settled by their reports)" % what, settled,
          g.q("SELECT status, count(*) FROM outbox GROUP BY status"))
    def whole():
        """What arrived whole; with torn_ok, the torn copies apart: bearerbox
        SIGKILLed between the parts of an answer sends it whole again from
        its store after the restart (under a new reference), and the parts
        that went before are left over at the handset."""
        got = received(fakes)
        torn = 0
        if torn_ok:
            for c in got.values():
                torn += c.pop("(incomplete)", 0)
            got = {p: c for p, c in got.items() if c}
        return got, torn
    same = wait_for(lambda: whole()[0] == sent_rows(g), 60)
    (got, torn), want = whole(), sent_rows(g)
    if torn:
        print("note: %s: %d torn copies of long answers (bearerbox killed between their"
              " parts; each also arrived whole)" % (what, torn), flush=True)
    diff = [(p, got.get(p), want.get(p)) for p in set(got) | set(want) if got.get(p) != want.get(p)]
    check("%s: the fake SMSC got exactly the answers sent, each message answered once" % what,
          same and sum(sum(c.values()) for c in got.values()) == total, diff[:5])


def done_when(g, k, fakes):
    texts = questions()
    phones = ["+849110%05d" % i for i in range(HOUSEHOLDS)]
    plan = []
    for n in range(PER_HOUSEHOLD):
        for h, phone in enumerate(phones):
            plan.append((phone, texts[(h * PER_HOUSEHOLD + n) % len(texts)]))
    plan[0] = (phones[0], "CS BHYT")  # the long answer (3 parts)
    per_wave = len(plan) // WAVES
    kills = 0
    for w in range(WAVES):
        for phone, text in plan[w * per_wave:(w + 1) * per_wave]:
            send(fakes, phone, text)
        if kills < KILLS:
            # right after the wave (messages in flight to gatewayd, unacked
            # in bearerbox), then after some answers went, after many
            target = len(fakes.mt()) + [0, 0, 10, 25][kills]
            if kills == 1:  # once the first messages of the wave are stored
                n0 = g.q1("SELECT count(*) FROM inbox")
                wait_for(lambda: g.q1("SELECT count(*) FROM inbox") > n0, 30)
            wait_for(lambda: len(fakes.mt()) >= target, 30)
            g.kill()
            kills += 1
            g.start()
    total = len(plan)
    answered_once(g, fakes, total, "%d messages, %d kills" % (total, kills))
    long_text = g.q1("SELECT o.text FROM outbox o JOIN inbox i ON o.inbox_id = i.id"
                     " WHERE i.sender = ? AND i.text = 'CS BHYT'", (phones[0],))
    parts = [len(m["parts"]) for m in kl.reassemble(fakes.mt())
             if m["receiver"] == phones[0] and m["text"] is not None and mt_text(m) == long_text]
    check("a long answer arrives whole (%s parts, once)" % parts,
          long_text and len(parts) == 1 and parts[0] >= 2, (long_text, parts))
    reports_recorded(g, total)
    print("note: outbox by report: %s; rows not settled on the first attempt: %s" % (
        g.q("SELECT dlr, count(*) FROM outbox GROUP BY dlr"),
        g.q("SELECT id, status, attempts, error, dlr FROM outbox"
            " WHERE error <> '' OR attempts <> 1")), flush=True)
    print("note: messages bearerbox offered again after a kill: %d" %
          g.daemon_log().count("offered again: already stored"), flush=True)
    return total


def bearerbox_restart(g, k, fakes, before):
    """bearerbox SIGKILLed while it holds messages for gatewayd, and while
    messages are on their way; started again each time."""
    texts = questions()
    held = ["+849120%05d" % i for i in range(10)]
    flying = ["+849121%05d" % i for i in range(10)]
    g.stop()  # no box: bearerbox keeps what comes, in its spool
    # delivery reports for gatewayd may be in the store too: count the
    # messages received as well
    st0 = k.status()
    for i, phone in enumerate(held):
        send(fakes, phone, texts[i % len(texts)])
    stored = kl.wait_until(lambda: (k.status() or {}).get("sms_received", 0)
                           >= st0["sms_received"] + len(held) and
                           k.status()["store_size"] >= st0["store_size"] + len(held), 30)
    check("with gatewayd down bearerbox holds the messages in its store", stored,
          (st0, k.status()))
    k.restart("bearerbox", hard=True)
    fakes.reconnect()
    g.start()
    got = wait_for(lambda: g.q1("SELECT count(*) FROM inbox") == before + len(held), 60)
    check("after bearerbox's SIGKILL and restart gatewayd gets every message it held", got,
          g.q1("SELECT count(*) FROM inbox") - before)
    for i, phone in enumerate(flying):
        send(fakes, phone, texts[(i + 3) % len(texts)])
    k.restart("bearerbox", hard=True)
    fakes.reconnect()
    back = wait_for(lambda: g.daemon_log().count("kannel box: connected to bearerbox")
                    >= 2 * SENDERS + g.logged.count("kannel box: connected to bearerbox"), 60)
    check("gatewayd's box links come back by themselves after bearerbox restarts", back,
          g.daemon_log()[-1500:])
    n0 = g.q1("SELECT count(*) FROM inbox")
    send(fakes, "+84912200001", texts[0])
    check("... and new messages are stored",
          wait_for(lambda: g.q1("SELECT count(*) FROM inbox") > n0, 60), n0)
    # what bearerbox had stored of them comes a moment later: count once
    # it holds nothing more
    check("... and bearerbox has given gatewayd everything it held", wait_for(lambda: idle(k), 60),
          k.status())
    n1 = g.q1("SELECT count(*) FROM inbox")
    print("note: bearerbox killed right after 10 messages were written to it: %d of them"
          " reached gatewayd (lines it had not read or stored are lost with it; a real"
          " SMSC resends what was not acknowledged)" % (n1 - before - len(held) - 1), flush=True)
    answered_once(g, fakes, n1, "around bearerbox's restarts", torn_ok=True)
    # bearerbox's SIGTERM waits for its boxes to leave: gatewayd must go
    # when told (else kannellib's stop ends in SIGKILL after 20 s, rc -9)
    links = g.connections()
    panics = len(k.panics("bearerbox"))
    rc = k.stop("bearerbox")
    # what matters is that it left by itself: Kannel 1.4.5's boxes now and
    # then panic on their way out (a mutex already destroyed), which is
    # theirs, not a box that stayed; kannellib SIGKILLs after 20 s (rc -9)
    late = list(k.panics("bearerbox").values())[panics:]
    if rc != 0:
        print("note: bearerbox exited with %s on SIGTERM: %s" % (rc, late[:1]), flush=True)
    check("bearerbox stops on SIGTERM with gatewayd connected, not held until SIGKILL (rc %s)"
          % rc, rc == 0 or (late and rc != -9), k.tail("bearerbox", 5))
    k.start_bearerbox()
    fakes.reconnect()
    check("... and gatewayd's links come back when it is started again",
          wait_for(lambda: g.connections() >= links + SENDERS, 60), g.daemon_log()[-1000:])


def crash_points(g, k, fakes):
    """Killed with an inbound message received but not stored, then stored
    but not acknowledged: bearerbox offers it again after the restart, and
    it is stored and answered once."""
    texts = questions()
    for point, phone in (("box-mo-received", "+84913000001"), ("box-mo-stored", "+84913000002")):
        n0 = g.q1("SELECT count(*) FROM inbox")
        g.stop()
        g.start(GW_CRASHPOINT=point)
        send(fakes, phone, texts[0])
        died = wait_for(lambda: g.proc.poll() is not None, 60)
        check("gatewayd dies at %s" % point, died, g.daemon_log()[-1500:])
        g.proc = None
        g.log.close()
        n = g.q1("SELECT count(*) FROM inbox WHERE sender = ?", (phone,))
        check("... the message is %s" % ("not stored" if point == "box-mo-received"
                                          else "stored"),
              n == (0 if point == "box-mo-received" else 1), n)
        again = g.daemon_log().count("offered again: already stored")
        g.start()
        got = wait_for(lambda: g.q1("SELECT count(*) FROM inbox WHERE sender = ? AND status"
                                    " = 'handled'", (phone,)) == 1, 60)
        check("... after the restart bearerbox offers it again: stored once, handled", got,
              g.q("SELECT id, status FROM inbox WHERE sender = ?", (phone,)))
        if point == "box-mo-stored":
            check("... (gatewayd saw it offered again)",
                  wait_for(lambda: g.daemon_log().count("offered again: already stored")
                           > again, 30), g.daemon_log()[-1500:])
        check("... and nothing else came in", g.q1("SELECT count(*) FROM inbox") == n0 + 1,
              g.q1("SELECT count(*) FROM inbox") - n0)
    answered_once(g, fakes, g.q1("SELECT count(*) FROM inbox"), "after the crash points")


def main():
    kl.require_kannel("test_kannel_box")
    conf = None
    k = kl.Kannel(keep=bool(os.environ.get("KANNEL_KEEP")), extra_groups=[BOX_ROUTE])
    conf = k.conf
    g = KannelBoxGateway(conf.box_port, senders=SENDERS,
                         kannel_extra="resend_unknown_after = 20;",
                         extra_conf="sms = { rate_limit_per_hour = 1000; };\n")
    fakes = None
    try:
        k.start_bearerbox()
        fakes = Fakes(k)
        check("bearerbox and the fake SMSC are up (no smsbox)", kl.wait_until(k.smsc_online),
              k.dir)
        g.start()
        check("gatewayd's box links are up",
              wait_for(lambda: g.q1("SELECT count(*) FROM modem_status WHERE connected = 1")
                       == SENDERS, 30), g.daemon_log()[-1000:])
        t = time.monotonic()
        total = done_when(g, k, fakes)
        print("note: the 200-message run took %.1f s" % (time.monotonic() - t), flush=True)
        crash_points(g, k, fakes)
        bearerbox_restart(g, k, fakes, g.q1("SELECT count(*) FROM inbox"))
    finally:
        import gwtest
        if gwtest.failures:
            print("--- bearerbox log tail:\n%s" % k.tail("bearerbox", 25))
            print("--- gatewayd log, what was not routine:\n%s" % "\n".join(
                l for l in g.daemon_log().splitlines()
                if "[info]" not in l and "[debug]" not in l)[-6000:])
        if fakes:
            fakes.close()
        if g.proc:
            g.stop()
        g.close()
        k.close()


if __name__ == "__main__":
    main()
    finish()
