"""`modemsim.py selftest`: unit tests of the codecs (no pty, no I/O)."""

import datetime

from .atutil import split_args, te_decode, te_encode
from .pdu import (build_deliver, build_deliver_parts, build_status_report, decode_pdu,
                  encode_address, encode_smsc, gsm7_decode, gsm7_septets, pack7,
                  status_class, unpack7)
from .tools import merge_records


def selftest_main(argv):
    fails = []

    def check(name, cond):
        if not cond:
            fails.append(name)

    check("pack hellohello", pack7(gsm7_septets("hellohello")).hex().upper() == "E8329BFD4697D9EC37")
    check("unpack hellohello", gsm7_decode(unpack7(bytes.fromhex("E8329BFD4697D9EC37"), 0, 10)) == "hellohello")
    # SUBMIT, GSM-7 with relative validity
    sept = gsm7_septets("xin chao [\u20ac]")
    sub = (encode_smsc("+84980200030") + bytes([0x11, 0x00]) + encode_address("+84901234567")
           + bytes([0x00, 0x00, 0xA7, len(sept)]) + pack7(sept))
    d = decode_pdu(sub)
    check("submit to", d["number"] == "+84901234567" and d["type"] == "submit")
    check("submit text", d["text"] == "xin chao [\u20ac]" and d["total"] == 1 and d["ref"] is None)
    check("submit smsc", d["smsc"] == "+84980200030" and d["vp"] == 0xA7)
    # SUBMIT, UCS-2 with 8-bit concat UDH, no SMSC, no validity
    body = bytes([5, 0, 3, 0xAB, 3, 2]) + "Vi\u1ec7t".encode("utf-16-be")
    sub = (b"\x00" + bytes([0x41, 0x07]) + encode_address("0901234567")
           + bytes([0x00, 0x08, len(body)]) + body)
    d = decode_pdu(sub)
    check("submit ucs2", d["text"] == "Vi\u1ec7t" and d["ucs2"] and d["number"] == "0901234567")
    check("submit udh", (d["ref"], d["total"], d["seq"], d["mr"]) == (0xAB, 3, 2, 7))
    # SUBMIT, GSM-7 with 16-bit concat UDH (fill bits)
    udh = bytes([6, 8, 4, 0x12, 0x34, 2, 1])
    sept = gsm7_septets("hello world")
    fill = (7 - (len(udh) * 8) % 7) % 7
    ud = udh + pack7(sept, fill)
    sub = (b"\x00" + bytes([0x51, 0x00]) + encode_address("+84901234567")
           + bytes([0x00, 0x00, 0xFF, (len(udh) * 8 + fill) // 7 + len(sept)]) + ud)
    d = decode_pdu(sub)
    check("submit 16-bit ref", (d["ref"], d["total"], d["seq"]) == (0x1234, 2, 1))
    check("submit fill bits", d["text"] == "hello world")
    when = datetime.datetime(2026, 11, 29, 5, 38, 32)
    for text, force in (("Hi [there] {x} \u20ac5 ^~|\\ @\u00a3$", False),
                        ("T\u00f4i mu\u1ed1n h\u1ecfi v\u1ec1 g\u00f3i c\u01b0\u1edbc 4G " * 6, False),
                        ("A" * 400, False), ("plain", True), ("emoji \U0001F600" * 30, False),
                        ("\u20ac" * 100, False)):
        for ref16 in (False, True):
            ucs2, parts = build_deliver_parts("+84901234567", text, "+84980200030", 300 if ref16 else 66,
                                              when, 28, force, ref16)
            got = []
            for pdu, tlen, seq, total in parts:
                dd = decode_pdu(pdu)
                check("type", dd["type"] == "deliver")
                check("len %r" % text[:10], dd["tpdu_len"] == tlen and tlen <= 164)
                check("sender", dd["number"] == "+84901234567")
                check("scts", dd["scts"] == "2026-11-29T05:38:32+07:00")
                check("seq", dd["seq"] == seq and dd["total"] == total)
                check("ucs2 flag", dd["ucs2"] == ucs2)
                check("trailing", dd["trailing"] == 0)
                if total > 1:
                    check("ref", dd["ref"] == (300 if ref16 else 66))
                got.append(dd["text"])
            check("roundtrip %r" % text[:20], "".join(got) == text)
    # alphanumeric sender
    pdu, tlen = build_deliver("Viettel", "Hello", False, "+84980200030", when, -20)
    dd = decode_pdu(pdu)
    check("alnum sender", dd["number"] == "Viettel")
    check("negative tz", dd["scts"].endswith("-05:00"))
    check("te ucs2", te_decode(te_encode("*101#", "UCS2"), "UCS2") == "*101#")
    check("split args", split_args('1,"a,b",15') == ["1", "a,b", "15"])
    recs = [{"to": "1", "text": "b", "ref": 5, "total": 2, "seq": 2, "ucs2": False},
            {"to": "1", "text": "a", "ref": 5, "total": 2, "seq": 1, "ucs2": False},
            {"to": "2", "text": "x", "ref": None, "total": 1, "seq": 1, "ucs2": False}]
    mm = merge_records(recs)
    check("merge", mm[0]["text"] == "ab" and mm[0]["complete"] and mm[1]["text"] == "x")
    # SMS-STATUS-REPORT: octets by hand from 23.040 9.2.2.3 (fo 06, MR, RA,
    # SCTS, DT, ST), then decoded back
    later = datetime.datetime(2026, 11, 29, 5, 38, 40)
    pdu, tlen = build_status_report(0xCC, "+84901234567", when, later, 0x45, "+84980200030", 28)
    check("report octets", pdu.hex().upper() ==
          "07914889200030F0" "06CC" "0B914809214365F7"
          "62119250832382" "62119250830482" "45")
    check("report len", tlen == 2 + 8 + 14 + 1)
    rr = decode_pdu(pdu)
    check("report decode", (rr["type"], rr["mr"], rr["number"], rr["st"], rr["status"]) ==
          ("status-report", 0xCC, "+84901234567", 0x45, "Failed"))
    check("report times", rr["scts"] == "2026-11-29T05:38:32+07:00" and
          rr["dt"] == "2026-11-29T05:38:40+07:00" and rr["tpdu_len"] == tlen)
    check("report national", decode_pdu(build_status_report(
        1, "0987654321", when, when, 0, "", 28)[0])["number"] == "0987654321")
    check("status words", [status_class(x) for x in (0, 2, 0x20, 0x41, 0x65, 0x10)] ==
          ["Delivered", "Delivered", "Pending", "Failed", "Failed", "Unknown"])
    if fails:
        for f in fails:
            print("FAIL", f)
        print("selftest: %d failure(s)" % len(fails))
        return 1
    print("selftest: ok")
    return 0


