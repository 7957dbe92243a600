"""gatewayd as a Kannel application (issue 17), on real loopback sockets.

1. The endpoint smsbox calls (/kannel/mo, /kannel/dlr) with a stand-in for
   sendsms: a message is committed before the 200, a repeated Kannel id is
   stored and answered once, charsets (UTF-8, UTF-16BE, 8-bit data), the
   post-url form, the refusals (400, 404, 405, 413) and a 503 while
   the database is locked; delivery reports recorded, out of order, and
   for rows we do not have.
2. Kannel's sendsms answers: what the answer looks like (charset, coding,
   dlr-url with our outbox id), refusals (400: failed), bearerbox's queue
   full (503) and smsbox unreachable (the message waits, then goes), no
   answer at all (in doubt: its report settles it; with none while a later
   answer has its own, sent again once), wrong credentials (nothing sent,
   the link says why).
3. An answer in doubt after a crash is decided by kannel.resend_unknown_after
   only: with no report flowing (the SMSC may be down, Kannel holding it)
   sms.unknown_resend_after's clock does not send it again.
With Debian's bearerbox and smsbox: test_kannel_e2e.py."""
import os
import re
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kannellib as kl  # noqa: E402
from gwtest import check, finish, wait_for  # noqa: E402
from kannelgw import KannelGateway, sendsms_stand_in, sends  # noqa: E402

VI_Q = "Tôi muốn hỏi về hộ nghèo"


def text_arg(req, name="text"):
    return req["args"].get(name, "").encode("latin-1").decode("utf-8", "replace")


def needs_ucs2(text):
    return any(ord(c) > 127 for c in text)


def endpoint_checks():
    app = sendsms_stand_in()
    g = KannelGateway(app.port, kannel_extra="max_body = 256;")
    try:
        g.start()
        check("the link to sendsms comes up (credentials probed, nothing sent)",
              wait_for(lambda: g.q1("SELECT connected FROM modem_status WHERE name = 'kannel'") == 1)
              and not sends(app), app.requests)
        st = [g.mo("+84901000001", "CS BHYT", "id-1")[0] for _ in range(3)]
        check("a message is answered 200, and so is its repeat", st == [200, 200, 200], st)
        rows = g.q("SELECT id, sender, text, status FROM inbox WHERE external_id = 'id-1'")
        check("a repeated Kannel id is stored once", len(rows) == 1, rows)
        wait_for(lambda: len(sends(app)) >= 1)
        wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1)
        out = g.q("SELECT id, text, status FROM outbox WHERE inbox_id = ?", (rows[0][0],))
        s = sends(app)
        check("... and answered once", len(out) == 1 and out[0][2] == "sent" and len(s) == 1,
              (out, len(s)))
        if out and s:
            a = s[0]["args"]
            check("sendsms gets to, from, UTF-8 text, charset and coding 2 only for UCS-2",
                  a.get("to") == "+84901000001" and a.get("from") == "8100" and
                  text_arg(s[0]) == out[0][1] and a.get("charset") == "UTF-8" and
                  (a.get("coding") == "2") == needs_ucs2(out[0][1]), a)
            check("the dlr-url carries our outbox id back to /kannel/dlr with %d %A %T",
                  a.get("dlr-mask") == "31" and a.get("dlr-url") ==
                  "http://127.0.0.1:%d/kannel/dlr?outbox=%d&type=%%d&reply=%%A&time=%%T"
                  % (g.kport, out[0][0]), a.get("dlr-url"))
            oid = out[0][0]
            r1 = g.dlr(oid, 1, "id:1 stat:DELIVRD err:000")
            r8 = g.dlr(oid, 8, "ACK/")
            row = g.q("SELECT dlr, dlr_detail, dlr_at FROM outbox WHERE id = ?", (oid,))
            check("delivery reports recorded; a late 'submitted' does not undo 'delivered'",
                  r1[0] == 200 and r8[0] == 200 and row[0][0] == "delivered" and
                  "DELIVRD" in row[0][1] and row[0][2] == 1796614558, (r1, r8, row))
        status = g.ctl("status").stdout
        stats = g.ctl("stats").stdout
        check("gatewayctl status and stats show what the reports say",
              re.search(r"\ndelivered +1\n", status) is not None and
              re.search(r"\n  delivered +1  100.0 %", stats) is not None, status + stats)
        st = g.dlr(987654, 1)
        check("a report for a row we do not have: 200 (a retry would not find it)",
              st[0] == 200, st)
        bad = [g.request("GET", "/kannel/dlr?outbox=1&type=3")[0],
               g.request("GET", "/kannel/dlr?type=1")[0],
               g.request("GET", "/kannel/mo?text=x&id=z")[0],
               g.request("GET", "/kannel/other")[0], g.request("PUT", "/kannel/mo")[0],
               g.request("POST", "/kannel/mo?from=%2B84901000009", body=b"x" * 1000,
                         headers={"Content-Type": "text/plain"})[0]]
        check("refused: bad report type, no outbox, no sender 400, other path 404,"
              " PUT 405, body over max_body 413", bad == [400, 400, 400, 404, 405, 413], bad)

        g.mo("+84901000002", VI_Q.encode("utf-16-be"), "id-2", charset="UTF-16BE", coding=2)
        g.mo("+84901000003", VI_Q.encode("utf-16-be"), "id-3", charset="8-BIT", coding=1)
        g.mo("+84901000004", b"\x01\x02\xff\xfe\x00", "id-4", charset="8-BIT", coding=1)
        g.request("POST", "/kannel/mo?id=id-5&from=%2B84901000005",
                  body=VI_Q.encode("utf-8"), headers={"Content-Type": 'text/plain; charset="UTF-8"',
                                                      "X-Kannel-To": "8100",
                                                      "X-Kannel-Time": "2026-12-07 03:42:49"})
        got = dict(g.q("SELECT external_id, text FROM inbox WHERE external_id IN"
                       " ('id-2', 'id-3', 'id-5')"))
        check("UTF-16BE, a joined UCS-2 message as 8-bit data, and a post-url body"
              " become the same UTF-8 text", got == {"id-2": VI_Q, "id-3": VI_Q, "id-5": VI_Q},
              got)
        bin_row = g.q("SELECT status, error FROM inbox WHERE external_id = 'id-4'")
        check("8-bit data no person wrote is stored as skipped, not answered",
              bin_row == [("skipped", "malformed message")], bin_row)
        check("the SMSC time (%t, UTC) is the message's time",
              g.q1("SELECT sent_at FROM inbox WHERE external_id = 'id-5'") == 1796614969,
              g.q("SELECT sent_at FROM inbox WHERE external_id = 'id-5'"))

        lock = sqlite3.connect(g.db_path, timeout=10, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        locked = g.mo("+84901000006", "HD", "id-6")
        lock.execute("ROLLBACK")
        lock.close()
        again = g.mo("+84901000006", "HD", "id-6")
        check("the database locked past kannel.timeout: 503 (smsbox retries), then 200",
              locked[0] == 503 and again[0] == 200 and
              g.q1("SELECT count(*) FROM inbox WHERE external_id = 'id-6'") == 1,
              (locked, again))
        check("every answerable message got its one answer",
              wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status = 'sent'") == 5),
              g.q("SELECT phone, status FROM outbox"))
    finally:
        g.close()
        app.close()


def sendsms_checks():
    state = {"503": 2, "drop": {"+84902000003": 1, "+84902000007": 1}}
    lock = threading.Lock()

    def answer(req):
        to = req["args"]["to"]
        with lock:
            if to == "+84902000002" and state["503"] > 0:
                state["503"] -= 1
                return 503, "Temporal failure, try again later."
            if state["drop"].get(to, 0) > 0:
                state["drop"][to] -= 1
                return None  # the connection closes without an answer
        if to == "+84902000004":
            return 400, "Receiver number not valid, rejected"
        return 202, "0: Accepted for delivery"

    def asked(phone):
        return len([r for r in sends(app) if r["args"]["to"] == phone])

    def report(phone):
        """smsbox calling the dlr-url of phone's answer: delivered, now."""
        return g.dlr(g.q1("SELECT id FROM outbox WHERE phone = ?", (phone,)), 1,
                     when=str(int(time.time())))

    app = sendsms_stand_in(answer)
    g = KannelGateway(app.port, kannel_extra="resend_unknown_after = 2;")
    try:
        g.start()
        wait_for(lambda: g.q1("SELECT connected FROM modem_status WHERE name = 'kannel'") == 1)
        for i in (2, 3, 4):
            g.mo("+8490200000%d" % i, "HD", "s-%d" % i)
        done = wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status IN"
                                     " ('sent', 'failed', 'sent_unknown')") == 3, 30)
        rows = dict(g.q("SELECT phone, status || ':' || attempts FROM outbox"))
        check("503 (bearerbox's queue full): the answer waits, uncounted, then goes",
              done and rows.get("+84902000002") == "sent:1", rows)
        # smsbox may have queued it before the answer was lost: sent again at
        # once, the household could have it twice
        check("no answer from sendsms: in doubt, not sent again at once",
              rows.get("+84902000003") == "sent_unknown:1" and asked("+84902000003") == 1,
              (rows, asked("+84902000003")))
        report("+84902000003")
        check("... its delivery report settles it as sent, asked of sendsms once",
              wait_for(lambda: g.q1("SELECT status || ':' || dlr FROM outbox WHERE phone ="
                                    " '+84902000003'") == "sent:delivered", 10)
              and asked("+84902000003") == 1,
              g.q("SELECT status, dlr, resends FROM outbox WHERE phone = '+84902000003'"))
        g.mo("+84902000007", "HD", "s-7")
        wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84902000007'")
                 == "sent_unknown", 30)
        g.mo("+84902000008", "HD", "s-8")
        wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84902000008'")
                 == "sent", 30)
        report("+84902000008")
        # kannel.resend_unknown_after (2 s) after a later answer's report
        check("no answer and no report while a later answer had its own: sent again, once",
              wait_for(lambda: g.q1("SELECT status || ':' || resends FROM outbox WHERE phone ="
                                    " '+84902000007'") == "sent:1", 30)
              and asked("+84902000007") == 2,
              (g.q("SELECT status, dlr, resends, error FROM outbox WHERE phone ="
                   " '+84902000007'"), asked("+84902000007")))
        err = g.q1("SELECT error FROM outbox WHERE phone = '+84902000004'")
        check("400 (Kannel refuses this message): failed at once, with the reason",
              rows.get("+84902000004") == "failed:1" and "400" in (err or ""), (rows, err))
        port = app.port
        app.close()
        # as smsbox does: the same request again until it is taken (a 503
        # while the senders hold the database is a retry, not a loss)
        wait_for(lambda: g.mo("+84902000005", "HD", "s-5")[0] == 200)
        # answered, and neither sent nor failed while sendsms is away ('sending'
        # between two tries): one condition waited for, not two looked at once
        check("smsbox unreachable: the answer waits",
              wait_for(lambda: "cannot reach sendsms" in g.daemon_log() and
                       g.q1("SELECT status FROM outbox WHERE phone = '+84902000005'")
                       in ("queued", "sending"), 30),
              (g.q("SELECT phone, status FROM outbox"),
               g.q("SELECT id, status FROM inbox WHERE sender = '+84902000005'"),
               g.daemon_log()[-3000:]))
        app = sendsms_stand_in(port=port)
        check("... and goes once smsbox is back",
              wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84902000005'")
                       == "sent", 30), g.q("SELECT phone, status, error FROM outbox"))
    finally:
        g.close()
        app.close()

    app = sendsms_stand_in()
    g = KannelGateway(app.port)
    try:
        with open(g.conf) as f:
            conf = f.read()
        with open(g.conf, "w") as f:
            f.write(conf.replace('password = "gw-pw"', 'password = "wrong"'))
        g.start()
        g.mo("+84902000006", "HD", "s-6")
        check("wrong sendsms credentials: the log says so, nothing is sent, the answer waits",
              wait_for(lambda: "refuses kannel.username/kannel.password" in g.daemon_log())
              and not sends(app) and
              g.q1("SELECT status FROM outbox WHERE phone = '+84902000006'") in ("queued", None),
              g.daemon_log()[-1500:])
    finally:
        g.close()
        app.close()


def senders_checks():
    """kannel.senders workers hand answers to sendsms side by side: the
    stand-in holds each request until another arrives beside it (or 1.5 s,
    under the 2 s kannel.timeout) and counts how many it held at once."""
    lock = threading.Condition()
    state = {"now": 0, "most": 0}

    def answer(req):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            lock.notify_all()
            lock.wait_for(lambda: state["most"] >= 3, 1.5)
            state["now"] -= 1
        return 202, "0: Accepted for delivery"

    app = sendsms_stand_in(answer)
    g = KannelGateway(app.port, kannel_extra="senders = 3;")
    try:
        g.start()
        check("kannel.senders = 3: workers kannel, kannel-2, kannel-3 come up",
              wait_for(lambda: g.q1("SELECT count(*) FROM modem_status WHERE connected = 1"
                                    " AND name IN ('kannel', 'kannel-2', 'kannel-3')") == 3, 30),
              g.q("SELECT name, connected FROM modem_status"))
        for i in range(6):
            g.mo("+8490300000%d" % i, "HD", "c-%d" % i)
        done = wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE status = 'sent'") == 6,
                        60)
        check("... three answers were at sendsms at once, each sent once",
              done and state["most"] >= 3 and len(sends(app)) == 6,
              (state, g.q("SELECT phone, status, modem FROM outbox")))
    finally:
        g.close()
        app.close()


def doubt_checks():
    app = sendsms_stand_in()
    g = KannelGateway(app.port, extra_conf="sms = { unknown_resend_after = 1; };\n")
    try:
        g.start(GW_CRASHPOINT="send-returned")
        try:
            g.mo("+84904000001", "HD", "d-1")
        except OSError:
            pass  # the crash may beat our 200 (smsbox would ask again)
        died = wait_for(lambda: g.proc.poll() is not None, 30)
        g.proc = None
        g.log.close()
        g.start()
        g.mo("+84904000002", "HD", "d-2")
        later = wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84904000002'")
                         == "sent", 30)
        # sms.unknown_resend_after (1 s) would have sent it again within
        # a second or two of the start; Kannel's rule waits for reports
        again = wait_for(lambda: len([r for r in sends(app)
                                      if r["args"]["to"] == "+84904000001"]) > 1
                         or g.q1("SELECT resends FROM outbox WHERE phone = '+84904000001'"), 5)
        check("crash after sendsms, no reports flowing: the answer stays in doubt, not sent"
              " again by sms.unknown_resend_after",
              died and later and not again and
              g.q1("SELECT status FROM outbox WHERE phone = '+84904000001'") == "sent_unknown",
              (g.q("SELECT phone, status, resends, error FROM outbox"), len(sends(app))))
    finally:
        g.close()
        app.close()


def test_config_refused():
    g = KannelGateway(kl.free_port())
    try:
        with open(g.conf) as f:
            conf = f.read()
        with open(g.conf, "w") as f:
            f.write(conf.replace('password = "gw-pw";', ""))
        import subprocess
        import gwtest
        p = subprocess.run([gwtest.GATEWAYD, "-n", "-c", g.conf], capture_output=True, text=True,
                           timeout=60, env=g.env())
        check("transport = kannel without kannel.password is refused, naming the key",
              p.returncode != 0 and "kannel.password" in p.stderr, p.stderr)
    finally:
        g.close()


if __name__ == "__main__":
    test_config_refused()
    endpoint_checks()
    sendsms_checks()
    senders_checks()
    doubt_checks()
    finish()
