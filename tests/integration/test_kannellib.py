#!/usr/bin/env python3
"""kannellib against the real bearerbox and smsbox (Debian's kannel), with
a trivial recording application standing in for gatewayd: the exact
get-url arguments for GSM, Vietnamese UCS-2, concatenated and empty MO;
smsbox's retry of a failed get-url with the same %I; sendsms answers,
UCS-2 and concatenated MT lines, delivery reports; queueing while the SMSC
is away and across a bearerbox restart (spool). Prints SKIP and exits 0
when Kannel is not installed. No fixed sleeps: everything polls."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import check, finish  # noqa: E402
import kannellib as kl  # noqa: E402

VI = "Tôi muốn hỏi về chương trình hỗ trợ hộ nghèo ở xã Tân Lập, huyện Đồng Hỷ. Cảm ơn!"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def nth(app, n, route="/kannel/mo"):
    """The n-th request (1-based) on route, or an empty stand-in so that a
    missing request fails the check instead of crashing the script."""
    got = app.wait(n, route)
    if len(got) >= n:
        return got[n - 1]
    return {"args": {}, "raw_query": "(request %d never came)" % n}


def offline_helpers():
    """The decoding helpers on hand-made lines (no Kannel needed)."""
    check("udh concat 8-bit", kl.parse_udh(kl.udh_concat(0x42, 3, 2))["concat"] == (0x42, 3, 2))
    check("udh concat 16-bit", kl.parse_udh(kl.udh_concat(0x1234, 2, 1, ref16=True))["concat"]
          == (0x1234, 2, 1))
    m = kl.parse_mt_line("8100 +84901 ucs-2 %00X%00i%00n%00+%00c%00h%00%E0%00o")
    check("MT ucs-2 line decoded ('+' is a space)", kl.decode_mt(m) == "Xin chào", repr(m))
    b = VI.encode("utf-16-be")
    lines = ["8100 +84901 udh %s data %s" % (kl.urllib.parse.quote_from_bytes(
        kl.udh_concat(7, 2, i + 1)), kl.urllib.parse.quote_from_bytes(p).replace("%20", "+"))
        for i, p in enumerate([b[:134], b[134:]])]
    whole = kl.reassemble([kl.parse_mt_line(x) for x in reversed(lines)], coding=2)
    check("reassemble parts out of order", len(whole) == 1 and whole[0]["text"] == VI,
          repr(whole))


def mo_cases(k, app, fake):
    fake.send_text("+84901234567", "8100", "Hello  world")
    r = nth(app, 1)
    a = r["args"]
    check("MO GSM: from/to/smsc/charset/coding",
          tuple(a.get(x) for x in ("from", "to", "smsc", "charset", "coding")) ==
          ("+84901234567", "8100", "fake", "UTF-8", "0"), r["raw_query"])
    check("MO GSM: %a squeezes blanks, %b keeps them",
          a.get("text") == "Hello world" and kl.text_of({"text": a.get("b", "")}) == "Hello  world",
          r["raw_query"])
    check("MO id is a UUID", UUID.match(a.get("id", "")) is not None, a.get("id"))
    check("MO time is 'YYYY-MM-DD HH:MM:SS'",
          re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", a.get("time", "")) is not None,
          a.get("time"))

    fake.send_ucs2("+84901234567", "8100", VI)
    r = nth(app, 2)
    check("MO UCS-2 with mo-recode: UTF-8, coding 0",
          (r["args"].get("charset"), r["args"].get("coding")) == ("UTF-8", "0") and
          kl.text_of({"text": r["args"].get("b", ""), "charset": "UTF-8"}) == VI, r["raw_query"])

    fake.send_text("+84901234567", "8100", "")
    r = nth(app, 3)
    check("MO empty text reaches the application", r["args"].get("text") == "" and
          r["args"].get("b") == "", r["raw_query"])

    n = fake.send_concat_ucs2("+84901234568", "8100", VI, ref=0x42, order=[1, 0])
    r = nth(app, 4)
    a = r["args"]
    check("MO concatenated (fake SMSC, parts reversed): one request, 8-BIT UTF-16BE octets",
          n == 2 and (a.get("charset"), a.get("coding")) == ("8-BIT", "1") and
          a.get("b", "").encode("latin-1").decode("utf-16-be", "replace") == VI,
          r["raw_query"][:300])

    res = k.mo_http_concat_ucs2("+84901234569", "8100", VI, ref=0x43, order=[1, 0])
    r = nth(app, 5)
    check("MO concatenated UCS-2 (http SMSC): one request, recoded to UTF-8",
          all(st == 202 for st, _ in res) and r["args"].get("charset") == "UTF-8" and
          r["args"].get("smsc") == "httpsim" and kl.text_of({"text": r["args"].get("b", "")}) == VI,
          "%s %s" % (res, r["raw_query"][:300]))


def retry_case(app, fake):
    """The app fails the first attempt: smsbox repeats the same URL (same
    %I) after http-queue-delay."""
    seen = {}

    def respond(req):
        key = req["args"].get("b")
        seen[key] = seen.get(key, 0) + 1
        return (503, "busy") if key == "retry me" and seen[key] == 1 else (200, "ok")
    app.respond = respond
    before = len(app.requests)
    fake.send_text("+84901234567", "8100", "retry me")
    got = [r for r in app.wait(before + 2, "/kannel/mo", timeout=15)[before:]
           if r["args"].get("b") == "retry me"]
    check("503 from the app: smsbox retries with the same id",
          len(got) == 2 and got[0]["args"]["id"] == got[1]["args"]["id"] and
          got[0]["raw_query"] == got[1]["raw_query"], [g["raw_query"] for g in got])
    app.respond = lambda req: (200, "ok")


def mt_cases(k, app, fake):
    fake.take_mt()
    st = k.sendsms("+84901234567", "Xin chào Đức", coding=2, charset="UTF-8")
    check("sendsms answer", st == (202, "0: Accepted for delivery"), repr(st))
    mt = fake.wait_mt(1)
    check("MT UCS-2 line", len(mt) == 1 and mt[0]["type"] == "ucs-2" and
          kl.decode_mt(mt[0]) == "Xin chào Đức" and mt[0]["sender"] == "8100" and
          mt[0]["receiver"] == "+84901234567", repr(mt))

    fake.take_mt()
    long = (VI + " ") * 5
    long = long[:400]
    st = k.sendsms("+84901234567", long, coding=2, charset="UTF-8")
    mt = fake.wait_mt(6)
    whole = kl.reassemble(mt, coding=2)
    check("MT 400 UCS-2 characters: 6 concatenated parts, reassembled",
          st[0] == 202 and len(mt) == 6 and all(m["concat"] for m in mt) and
          len(whole) == 1 and whole[0]["text"] == long,
          "%s %d parts %r" % (st, len(mt), [m["line"][:60] for m in mt]))

    dlr_url = app.base + "/kannel/dlr?outbox=4711&type=%d"
    before = len(app.wait(0, "/kannel/dlr"))
    st = k.sendsms("+84901234567", "report me", dlr_mask=31, dlr_url=dlr_url)
    got = app.wait(before + 2, "/kannel/dlr")[before:]
    check("DLR mask 31 on the fake SMSC: reports 8 and 1 for our outbox id",
          st[0] == 202 and sorted(r["args"]["type"] for r in got) == ["1", "8"] and
          all(r["args"]["outbox"] == "4711" for r in got), [r["raw_query"] for r in got])


def queue_cases(k, fake):
    fake.close()
    kl.wait_until(lambda: not k.smsc_online(), 10)
    st = k.sendsms("+84901234567", "while away")
    check("sendsms with no SMSC client: queued", st == (202, "3: Queued for later delivery"),
          repr(st))
    st2 = k.sendsms("+84901234567", "across restart")
    spooled = kl.wait_until(lambda: (k.status() or {}).get("store_size") == 2, 5)
    k.restart("bearerbox")
    fake = kl.FakeSMSC(k.conf.fake_port)
    mt = fake.wait_mt(2)
    check("queued MT survive a bearerbox restart (spool) and go out on reconnect",
          st2[0] == 202 and spooled and sorted(m["data"].decode() for m in mt) ==
          ["across restart", "while away"], repr([m["line"] for m in mt]))
    return fake


def main():
    offline_helpers()
    kl.require_kannel("test_kannellib")
    app = kl.RecordingApp()
    k = kl.Kannel(mo_url=app.mo_url(query=kl.MO_QUERY + "&b=%b"), http_request_retry=2,
                  http_queue_delay=1, http_smsc_port=kl.free_port())
    fake = None
    try:
        k.start()
        check("bearerbox and smsbox ready", k.smsbox_connected() and
              kl.port_open(k.conf.sendsms_port))
        fake = kl.FakeSMSC(k.conf.fake_port)
        check("fake SMSC online once a client is connected", kl.wait_until(k.smsc_online, 10))
        mo_cases(k, app, fake)
        retry_case(app, fake)
        mt_cases(k, app, fake)
        fake = queue_cases(k, fake)
    finally:
        if fake:
            fake.close()
        k.close()
        app.close()
    finish()


if __name__ == "__main__":
    main()
