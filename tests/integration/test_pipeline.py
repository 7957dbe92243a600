"""End to end on libgammu's dummy phone: messages in, answers out, nothing
lost, nothing answered twice (issue: the daemon pipeline)."""
import datetime
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import Gateway, check, finish, wait_for  # noqa: E402

VI_TWO_PARTS = ("Cho em hỏi hộ nghèo được hỗ trợ thẻ bảo hiểm y tế như thế nào ạ, "
                "nhà em ở xã Tân Lập. Cảm ơn cán bộ!")


def test_basic_and_multipart():
    import inject_sms
    assert len(inject_sms.split_parts(VI_TWO_PARTS)[1]) == 2
    g = Gateway()
    try:
        g.inject("+84901000001", "CS BHYT")
        g.inject("+84901000002", VI_TWO_PARTS)
        p = g.once()
        check("--once exits cleanly", p.returncode == 0, p.stderr[-2000:])
        rows = g.q("SELECT sender, text, parts, status, intent FROM inbox ORDER BY id")
        check("two messages in the inbox", len(rows) == 2, rows)
        vi = [r for r in rows if r[0] == "+84901000002"]
        check("two-part UCS-2 inbound assembled with diacritics intact",
              vi and vi[0][1] == VI_TWO_PARTS and vi[0][2] == 2, vi)
        check("both handled", all(r[3] == "handled" for r in rows), rows)
        check("phone emptied after commit", g.phone_files() == 0, g.phone_files())
        a = g.sent_to("+84901000001")
        check("one reply to CS BHYT", len(a) == 1, a)
        check("reply to CS BHYT is a complete three-part message",
              a and a[0]["parts"] == 3 and a[0]["complete"], a)
        check("reply mentions the program", a and "bao hiem y te" in a[0]["text"].lower()
              or a and "bảo hiểm y tế" in a[0]["text"].lower(), a)
        b = g.sent_to("+84901000002")
        check("the Vietnamese question got one reply", len(b) == 1, b)
        out = g.q("SELECT status, parts, encoding FROM outbox WHERE phone = '+84901000001'")
        check("outbox records sent parts and encoding", out == [("sent", 3, "gsm7")] or
              (len(out) == 1 and out[0][0] == "sent" and out[0][1] == 3), out)
        # a second run finds nothing new and sends nothing more
        g.once()
        check("nothing answered twice", len(g.sent()) == 2, g.sent())
    finally:
        g.close()


def test_interleaved_same_ref():
    g = Gateway()
    try:
        a_text = "Tôi muốn hỏi về vay vốn hộ nghèo ở Ngân hàng Chính sách xã hội, lãi suất bao nhiêu một năm?"
        b_text = "Xin hỏi miễn giảm học phí cho con hộ cận nghèo đang học cấp hai thì thủ tục thế nào vậy ạ?"
        ia = inject_parts(g, "+84902000001", a_text, 42)
        ib = inject_parts(g, "+84902000002", b_text, 42)
        # interleave: a1, b1, a2, b2 written in that order
        for path, content in [ia[0], ib[0], ia[1], ib[1]]:
            publish(g, path, content)
        g.once()
        rows = dict(g.q("SELECT sender, text FROM inbox"))
        check("interleaved multipart, same reference: sender A intact",
              rows.get("+84902000001") == a_text, rows)
        check("interleaved multipart, same reference: sender B intact",
              rows.get("+84902000002") == b_text, rows)
        check("each sender answered once",
              len(g.sent_to("+84902000001")) == 1 and len(g.sent_to("+84902000002")) == 1,
              g.sent())
    finally:
        g.close()


def inject_parts(g, sender, text, ref):
    """Build the part files of one message without publishing them."""
    import inject_sms
    ucs2, parts = inject_sms.split_parts(text)
    assert len(parts) == 2, len(parts)
    when = datetime.datetime(2026, 11, 20, 8, 0, 0, tzinfo=datetime.timezone.utc)
    return [(None, inject_sms.part_ini(sender, parts[i], ucs2, when,
                                       udh="050003%02X%02X%02X" % (ref, 2, i + 1)))
            for i in range(2)]


def publish(g, _path, content):
    g.injector._publish(1, content)


def test_duplicate_delivery():
    g = Gateway()
    try:
        when = datetime.datetime(2026, 11, 21, 9, 30, 0, tzinfo=datetime.timezone.utc)
        g.inject("+84903000001", "CS VAY-NGHEO", when=when, ref=7)
        g.once()
        # the network delivers the very same message again
        g.inject("+84903000001", "CS VAY-NGHEO", when=when, ref=7)
        g.once()
        check("duplicate delivery stored once",
              g.q1("SELECT count(*) FROM inbox WHERE sender = '+84903000001'") == 1)
        check("duplicate delivery answered once", len(g.sent_to("+84903000001")) == 1,
              g.sent())
        check("duplicate removed from the phone", g.phone_files() == 0, g.phone_files())
        # the same text at another time is a new question
        g.inject("+84903000001", "CS VAY-NGHEO",
                 when=when + datetime.timedelta(minutes=5), ref=7)
        g.once()
        check("same text later is answered again", len(g.sent_to("+84903000001")) == 2)
    finally:
        g.close()


def test_malformed_and_service_senders():
    g = Gateway()
    try:
        g.injector.malformed("nonumber")
        g.injector.malformed("empty")
        g.injector.malformed("garbage")
        g.injector.malformed("binary", sender="+84904000009")
        g.inject("+84904000001", "HD")
        g.inject("VIETTEL", "KM: nap the 100k tang 50%")
        g.inject("1414", "Tai khoan cua ban con 5000d")
        p = g.once(timeout=60)
        check("malformed messages do not stop the run", p.returncode == 0, p.stderr[-1500:])
        check("a good message next to malformed ones is answered",
              len(g.sent_to("+84904000001")) == 1, g.sent())
        skipped = g.q1("SELECT count(*) FROM inbox WHERE status = 'skipped' AND error = 'malformed message'")
        check("malformed messages recorded as skipped", skipped >= 3, skipped)
        check("malformed files deleted, not retried", g.phone_files() == 0, g.phone_files())
        check("never answer alphanumeric or short senders",
              not g.sent_to("VIETTEL") and not g.sent_to("1414"), g.sent())
        check("service senders recorded as skipped",
              g.q1("SELECT count(*) FROM inbox WHERE error = 'service sender'") == 2)
    finally:
        g.close()


def test_incoming_call():
    g = Gateway()
    try:
        import inject_sms
        inject_sms.trigger_call(g.phone)
        g.once()
        calls = g.sent_to("+800123456")
        check("a missed call is answered with the help SMS", len(calls) == 1, g.sent())
        check("help text lists commands", calls and "CS" in calls[0]["text"], calls)
        inject_sms.trigger_call(g.phone)
        g.once()
        check("a second ring within minutes gets no second SMS",
              len(g.sent_to("+800123456")) == 1, g.sent())
    finally:
        g.close()


def test_rate_limit():
    g = Gateway('sms = { rate_limit_per_hour = 3; };')
    try:
        topics = ["BHYT", "VAY-NGHEO", "HOC-PHI", "NHA-O", "TIEN-DIEN", "XKLD"]
        for t in topics:  # distinct texts: identical ones in one second are one delivery
            g.inject("+84905000001", "CS " + t)
        g.inject("+84905000002", "HD")
        g.once()
        mine = g.sent_to("+84905000001")
        warnings = g.q1("SELECT count(*) FROM outbox WHERE phone = '+84905000001' AND kind = 'warning'")
        check("flooding sender gets 3 answers and one warning", len(mine) == 4 and warnings == 1,
              (len(mine), warnings))
        check("other households are still answered", len(g.sent_to("+84905000002")) == 1)
    finally:
        g.close()


def test_modem_gone_and_back():
    g = Gateway()
    try:
        g.set_faults("gone\n")
        g.inject("+84906000001", "CS BHYT")
        p = g.once()
        check("--once without a modem exits non-zero", p.returncode != 0)
        check("message stays on the phone while the modem is gone", g.phone_files() == 1)
        check("nothing sent while gone", not g.sent())
        g.start()
        g.set_faults("clear\n")
        ok = wait_for(lambda: len(g.sent_to("+84906000001")) == 1, 20)
        check("answered once the modem is back", ok, g.sent())
        # vanish mid-run, with a reply waiting
        g.set_faults("gone\n")
        wait_for(lambda: g.q1("SELECT connected FROM modem_status") == 0, 10)
        g.inject("+84906000002", "HD")
        check("daemon notices the modem is gone",
              g.q1("SELECT connected FROM modem_status") == 0)
        g.set_faults("")
        ok = wait_for(lambda: len(g.sent_to("+84906000002")) == 1, 20)
        check("reconnects by itself and answers", ok, g.sent())
        rc = g.stop()
        check("SIGTERM stops cleanly", rc == 0, rc)
        log = g.daemon_log()
        check("reconnection is logged", "reconnect" in log or "connected again" in log, log[-1500:])
    finally:
        g.close()


def test_timeouts_and_cms_errors():
    g = Gateway()
    try:
        g.start()
        # a permanent refusal fails at once, with the code kept
        g.set_faults("cms 28 send once\n")
        g.inject("+84907000001", "HD")
        ok = wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84907000001'") == "failed", 20)
        err = g.q1("SELECT error FROM outbox WHERE phone = '+84907000001'")
        check("+CMS ERROR 28 is permanent: failed, not retried", ok and "28" in (err or ""), err)
        # a temporary refusal is retried and then succeeds
        g.set_faults("cms 38 send once\n")
        g.inject("+84907000002", "HD")
        ok = wait_for(lambda: g.q1("SELECT status FROM outbox WHERE phone = '+84907000002'") == "sent", 30)
        att = g.q1("SELECT attempts FROM outbox WHERE phone = '+84907000002'")
        check("+CMS ERROR 38 is temporary: retried and sent", ok and att == 2, (ok, att))
        # repeated read timeouts make the link reconnect
        g.set_faults("timeout read\n")
        ok = wait_for(lambda: "lost during read" in g.daemon_log(), 10)
        check("repeated timeouts drop the link and reconnect", ok,
              g.q1("SELECT last_error FROM modem_status"))
        g.set_faults("")
        g.inject("+84907000003", "HD")
        ok = wait_for(lambda: len(g.sent_to("+84907000003")) == 1, 20)
        check("after timeouts clear, messages flow again", ok)
        check("the daemon is still running", g.proc.poll() is None)
    finally:
        g.close()


CRASHPOINTS = ["ingest-stored", "ingest-deleted", "inbound-handled", "inbound-committed",
               "send-marked", "send-returned"]


def crash_and_run(g, phone, point, label):
    """A question answered by a run killed at point, then a run to the end;
    that run's process."""
    g.inject(phone, "CS BHYT")
    p = g.once(GW_CRASHPOINT=point)
    check("%s at %s: killed there" % (label, point), p.returncode == -9, p.returncode)
    return g.once()


def test_crash_at_every_step():
    for point in CRASHPOINTS:
        g = Gateway()
        try:
            p = crash_and_run(g, "+84908000001", point, "crash")
            inbox = g.q1("SELECT count(*) FROM inbox WHERE sender = '+84908000001'")
            sent = len(g.sent_to("+84908000001"))
            unknown = g.q1("SELECT count(*) FROM outbox WHERE status = 'sent_unknown'")
            check("crash at %s: message stored exactly once" % point, inbox == 1, inbox)
            check("crash at %s: phone emptied after restart" % point, g.phone_files() == 0)
            if point == "send-marked":
                check("crash at %s: not resent, marked sent_unknown" % point,
                      sent == 0 and unknown == 1, (sent, unknown))
            elif point == "send-returned":
                check("crash at %s: sent once, marked sent_unknown, not resent" % point,
                      sent == 1 and unknown == 1, (sent, unknown))
            else:
                check("crash at %s: answered exactly once" % point, sent == 1 and unknown == 0,
                      (sent, unknown))
            g.once()
            check("crash at %s: a further run sends nothing more" % point,
                  len(g.sent_to("+84908000001")) == sent)
        finally:
            g.close()


def parts_sent(g):
    """Every part captured, in send order (tools/read_sent.py joins them)."""
    import read_sent
    recs = []
    for name in os.listdir(g.capture):
        if name.endswith(".smsbackup") and not name.startswith("."):
            recs.append(read_sent.parse_file(os.path.join(g.capture, name)))
    return sorted(recs, key=lambda r: r["sent_at_ns"])


def test_crash_then_settled():
    """No delivery reports on the dummy phone: with sms.unknown_resend_after
    = 0 an answer left in doubt by a crash is sent again at the next run
    (a duplicate when it had gone out), a broadcast is not."""
    for point, at_phone in (("send-marked", 1), ("send-returned", 2)):
        g = Gateway('sms = { unknown_resend_after = 0; };')
        try:
            p = crash_and_run(g, "+84908000002", point, "in doubt")
            rows = g.q("SELECT status, resends, unknown_at FROM outbox WHERE phone = '+84908000002'")
            check("in doubt at %s: no report, so the answer went again (resends = 1)" % point,
                  rows == [("sent", 1, None)], rows)
            check("in doubt at %s: %d cop%s at the phone" % (point, at_phone,
                                                             "y" if at_phone == 1 else "ies"),
                  len(g.sent_to("+84908000002")) == at_phone, g.sent())
            check("in doubt at %s: the resend is logged" % point,
                  "sending it again" in p.stderr, p.stderr[-1500:])
            g.once()
            check("in doubt at %s: sent again once, not twice" % point,
                  len(g.sent_to("+84908000002")) == at_phone)
        finally:
            g.close()
    # a long answer cut by the crash goes again under its reference: the
    # handset joins the part it has twice with the rest into one message
    g = Gateway('sms = { unknown_resend_after = 0; };')
    try:
        g.inject("+84908000004", "CS BHYT")
        p = g.once(GW_CRASHPOINT="send-part")
        check("in doubt between parts: killed there", p.returncode == -9, p.returncode)
        first = parts_sent(g)
        g.once()
        parts = parts_sent(g)
        check("in doubt between parts: one part went before the crash",
              [x["seq"] for x in first] == [1], first)
        check("in doubt between parts: sent again from part 1 under the same reference",
              len({x["ref"] for x in parts}) == 1 and parts[0]["ref"] != 0 and
              sorted(x["seq"] for x in parts) == [1, 1, 2, 3], parts)
    finally:
        g.close()
    g = Gateway('sms = { unknown_resend_after = 0; };\n'
                'broadcast = { quiet_start = "00:00"; quiet_end = "00:00"; };')
    try:
        with sqlite3.connect(g.db_path) as c:
            c.execute("INSERT INTO outbox (phone, text, kind, priority, created_at,"
                      " next_attempt_at) VALUES ('+84908000003', 'Viec moi: may mac, Tan Lap',"
                      " 'broadcast', 50, 1, 0)")
        p = g.once(GW_CRASHPOINT="send-marked")
        check("broadcast in doubt: killed at send-marked", p.returncode == -9, p.returncode)
        p = g.once()
        rows = g.q("SELECT status, resends, unknown_at FROM outbox")
        check("broadcast in doubt: never sent again (at most once)",
              rows == [("sent_unknown", 0, None)] and not g.sent(), (rows, g.sent()))
        check("broadcast in doubt: the decision is logged", "at most once" in p.stderr,
              p.stderr[-1500:])
    finally:
        g.close()


if __name__ == "__main__":
    test_basic_and_multipart()
    test_interleaved_same_ref()
    test_duplicate_delivery()
    test_malformed_and_service_senders()
    test_incoming_call()
    test_rate_limit()
    test_modem_gone_and_back()
    test_timeouts_and_cms_errors()
    test_crash_at_every_step()
    test_crash_then_settled()
    finish()
