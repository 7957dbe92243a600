"""GSM 03.38 alphabet and 3GPP 23.040 PDU encoding/decoding (no AT, no I/O)."""

import re

# --------------------------------------------------------------------------
# GSM 03.38 default alphabet
# --------------------------------------------------------------------------

GSM7_BASIC = (
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\x1b\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./"
    "0123456789:;<=>?"
    "\u00a1ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
    "\u00bfabcdefghijklmno"
    "pqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
)
assert len(GSM7_BASIC) == 128
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
            0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "\u20ac"}
GSM7_BASIC_REV = {ch: i for i, ch in enumerate(GSM7_BASIC) if i != 0x1B}
GSM7_EXT_REV = {ch: code for code, ch in GSM7_EXT.items()}


def gsm7_septets(text):
    """Text -> list of septets (extension chars take two), None if not representable."""
    out = []
    for ch in text:
        v = GSM7_BASIC_REV.get(ch)
        if v is not None:
            out.append(v)
            continue
        v = GSM7_EXT_REV.get(ch)
        if v is None:
            return None
        out.extend((0x1B, v))
    return out


def gsm7_decode(septets):
    out = []
    esc = False
    for s in septets:
        s &= 0x7F
        if esc:
            esc = False
            out.append(GSM7_EXT.get(s, GSM7_BASIC[s] if s != 0x1B else " "))
        elif s == 0x1B:
            esc = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


def gsm7_cost(ch):
    if ch in GSM7_BASIC_REV:
        return 1
    if ch in GSM7_EXT_REV:
        return 2
    return None


def pack7(septets, fill=0):
    """Pack septets LSB-first, after `fill` zero bits."""
    acc = 0
    for i, s in enumerate(septets):
        acc |= (s & 0x7F) << (fill + 7 * i)
    nbits = fill + 7 * len(septets)
    return acc.to_bytes((nbits + 7) // 8, "little") if nbits else b""


def unpack7(data, fill, count):
    acc = int.from_bytes(bytes(data), "little")
    avail = (len(data) * 8 - fill) // 7
    count = max(0, min(count, avail))
    return [(acc >> (fill + 7 * i)) & 0x7F for i in range(count)]


def ucs2_units(ch):
    return 2 if ord(ch) > 0xFFFF else 1


# --------------------------------------------------------------------------
# PDU helpers (3GPP 23.040)
# --------------------------------------------------------------------------

SEMI_DIGITS = "0123456789*#abc"


def bcd_number(digits):
    vals = []
    for ch in digits:
        i = SEMI_DIGITS.find(ch)
        if i < 0:
            raise ValueError("bad digit %r in number" % ch)
        vals.append(i)
    if len(vals) % 2:
        vals.append(0xF)
    return bytes(vals[i] | (vals[i + 1] << 4) for i in range(0, len(vals), 2))


def semi_decode(raw, ndigits=None):
    out = []
    for b in raw:
        for nib in (b & 0x0F, b >> 4):
            if nib == 0xF:
                continue
            out.append(SEMI_DIGITS[nib] if nib < len(SEMI_DIGITS) else "?")
    if ndigits is not None:
        out = out[:ndigits]
    return "".join(out)


def is_alnum_sender(number):
    return not re.fullmatch(r"\+?[0-9*#]+", number or "")


def encode_address(number):
    """TP-OA / TP-DA field."""
    if is_alnum_sender(number):
        sept = gsm7_septets(number[:11]) or gsm7_septets("?")
        packed = pack7(sept)
        return bytes([(len(sept) * 7 + 3) // 4, 0xD0]) + packed
    toa = 0x91 if number.startswith("+") else 0x81
    digits = number.lstrip("+")
    return bytes([len(digits), toa]) + bcd_number(digits)


def encode_smsc(number):
    if not number:
        return b"\x00"
    toa = 0x91 if number.startswith("+") else 0x81
    body = bytes([toa]) + bcd_number(number.lstrip("+"))
    return bytes([len(body)]) + body


def decode_address(buf, pos):
    n = buf[pos]
    toa = buf[pos + 1]
    nbytes = (n + 1) // 2
    raw = buf[pos + 2:pos + 2 + nbytes]
    if len(raw) != nbytes:
        raise ValueError("address truncated")
    if (toa & 0x70) == 0x50:
        number = gsm7_decode(unpack7(raw, 0, (n * 4) // 7))
    else:
        number = semi_decode(raw, n)
        if (toa & 0x70) == 0x10:
            number = "+" + number
    return number, toa, pos + 2 + nbytes


def decode_smsc(buf):
    n = buf[0]
    if n == 0:
        return "", 1
    if len(buf) < 1 + n:
        raise ValueError("SMSC truncated")
    toa = buf[1]
    number = semi_decode(buf[2:1 + n])
    if (toa & 0x70) == 0x10:
        number = "+" + number
    return number, 1 + n


def bcd2(v):
    return ((v % 10) << 4) | (v // 10)


def encode_scts(dt, tz_quarters):
    q = abs(tz_quarters)
    tzb = ((q % 10) << 4) | (q // 10) | (0x08 if tz_quarters < 0 else 0)
    return bytes([bcd2(dt.year % 100), bcd2(dt.month), bcd2(dt.day), bcd2(dt.hour),
                  bcd2(dt.minute), bcd2(dt.second), tzb])


def decode_scts(b):
    def d(x):
        return (x & 0x0F) * 10 + (x >> 4)
    q = (b[6] & 0x07) * 10 + (b[6] >> 4)
    if b[6] & 0x08:
        q = -q
    sign = "-" if q < 0 else "+"
    return "20%02d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d" % (
        d(b[0]), d(b[1]), d(b[2]), d(b[3]), d(b[4]), d(b[5]),
        sign, abs(q) // 4, (abs(q) % 4) * 15)


def dcs_alphabet(dcs):
    grp = dcs & 0xF0
    if (dcs & 0xC0) in (0x00, 0x40):
        if dcs & 0x20:
            return "compressed"
        return ("gsm7", "8bit", "ucs2", "gsm7")[(dcs >> 2) & 3]
    if grp in (0xC0, 0xD0):
        return "gsm7"
    if grp == 0xE0:
        return "ucs2"
    if grp == 0xF0:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "gsm7"


def dcs_class(dcs):
    if (dcs & 0xC0) in (0x00, 0x40) and dcs & 0x10:
        return dcs & 3
    if (dcs & 0xF0) == 0xF0:
        return dcs & 3
    return None


def parse_udh(udh):
    """-> dict with concat info (ref, total, seq, ref16) and list of IEs."""
    info = {"ies": []}
    i = 0
    while i + 1 < len(udh):
        iei, ln = udh[i], udh[i + 1]
        body = udh[i + 2:i + 2 + ln]
        if len(body) != ln:
            break
        info["ies"].append((iei, bytes(body)))
        if iei == 0x00 and ln == 3:
            info.update(ref=body[0], total=body[1], seq=body[2], ref16=False)
        elif iei == 0x08 and ln == 4:
            info.update(ref=(body[0] << 8) | body[1], total=body[2], seq=body[3], ref16=True)
        i += 2 + ln
    return info


def decode_pdu(data, with_smsc=True):
    """Decode an SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT PDU (bytes).
    Raises ValueError."""
    data = bytes(data)
    r = {}
    pos = 0
    if with_smsc:
        r["smsc"], pos = decode_smsc(data)
    tpdu_start = pos
    if pos >= len(data):
        raise ValueError("empty TPDU")
    fo = data[pos]
    pos += 1
    mti = fo & 3
    udhi = bool(fo & 0x40)
    if mti == 1:
        r["type"] = "submit"
        r["mr"] = data[pos]
        pos += 1
        r["number"], r["toa"], pos = decode_address(data, pos)
        r["pid"], r["dcs"] = data[pos], data[pos + 1]
        pos += 2
        vpf = (fo >> 3) & 3
        r["srr"] = bool(fo & 0x20)
        r["rd"] = bool(fo & 0x04)
        if vpf == 2:
            r["vp"] = data[pos]
            pos += 1
        elif vpf in (1, 3):
            r["vp"] = data[pos:pos + 7].hex().upper()
            pos += 7
    elif mti == 0:
        r["type"] = "deliver"
        r["number"], r["toa"], pos = decode_address(data, pos)
        r["pid"], r["dcs"] = data[pos], data[pos + 1]
        pos += 2
        if len(data) < pos + 7:
            raise ValueError("SCTS truncated")
        r["scts"] = decode_scts(data[pos:pos + 7])
        pos += 7
    elif mti == 2:
        return decode_status_report(data, tpdu_start, pos, r)
    else:
        raise ValueError("unsupported MTI %d" % mti)
    if pos >= len(data):
        raise ValueError("UDL missing")
    udl = data[pos]
    pos += 1
    ud = data[pos:]
    alphabet = dcs_alphabet(r["dcs"])
    r["alphabet"] = alphabet
    r["ucs2"] = alphabet == "ucs2"
    r["class"] = dcs_class(r["dcs"])
    udh = b""
    if udhi:
        if not ud:
            raise ValueError("UDHI set but no UD")
        udhl = ud[0]
        udh = ud[:1 + udhl]
        if len(udh) != 1 + udhl:
            raise ValueError("UDH truncated")
    r["udh"] = udh.hex().upper()
    info = parse_udh(udh[1:]) if udh else {"ies": []}
    r["ref"] = info.get("ref")
    r["total"] = info.get("total", 1)
    r["seq"] = info.get("seq", 1)
    r["ref16"] = info.get("ref16", False)
    if alphabet == "gsm7":
        hbits = len(udh) * 8
        fill = (7 - hbits % 7) % 7
        nsept = udl - (hbits + fill) // 7
        need = (hbits + fill + nsept * 7 + 7) // 8 - len(udh)
        if nsept < 0 or len(ud) - len(udh) < need:
            raise ValueError("UD shorter than UDL (%d septets)" % udl)
        r["text"] = gsm7_decode(unpack7(ud[len(udh):], fill, nsept))
        ud_octets = len(udh) + need
    else:
        if len(ud) < udl:
            raise ValueError("UD shorter than UDL (%d octets)" % udl)
        body = ud[len(udh):udl]
        if alphabet == "ucs2":
            if len(body) % 2:
                body = body[:-1]
            r["text"] = body.decode("utf-16-be", errors="replace")
        else:
            r["text"] = body.hex().upper()
            r["binary"] = True
        ud_octets = udl
    r["tpdu_len"] = len(data) - tpdu_start
    r["trailing"] = len(ud) - ud_octets
    return r


def split_text(text, force_ucs2=False, ref16=False):
    """-> (ucs2, [chunks]) using 160/153 (152) septets or 70/67 (66) units."""
    ucs2 = force_ucs2 or gsm7_septets(text) is None
    if ucs2:
        cost = ucs2_units
        single, multi = 70, (66 if ref16 else 67)
    else:
        cost = gsm7_cost
        single, multi = 160, (152 if ref16 else 153)
    total = sum(cost(ch) for ch in text)
    if total <= single:
        return ucs2, [text]
    chunks, cur, used = [], [], 0
    for ch in text:
        c = cost(ch)
        if used + c > multi:
            chunks.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += c
    if cur:
        chunks.append("".join(cur))
    return ucs2, chunks


def build_deliver(sender, chunk, ucs2, smsc, when, tzq, udh=b"", dcs=None):
    """One SMS-DELIVER PDU (with SMSC prefix) -> (bytes, tpdu_len)."""
    fo = 0x04 | (0x40 if udh else 0)
    if dcs is None:
        dcs = 0x08 if ucs2 else 0x00
    tp = bytes([fo]) + encode_address(sender) + bytes([0x00, dcs]) + encode_scts(when, tzq)
    if ucs2:
        body = chunk.encode("utf-16-be")
        ud = udh + body
        udl = len(ud)
    else:
        sept = gsm7_septets(chunk)
        hbits = len(udh) * 8
        fill = (7 - hbits % 7) % 7
        ud = udh + pack7(sept, fill)
        udl = (hbits + fill) // 7 + len(sept)
    tp += bytes([udl]) + ud
    sc = encode_smsc(smsc)
    return sc + tp, len(tp)


def build_deliver_parts(sender, text, smsc, ref, when, tzq, force_ucs2=False,
                        ref16=False):
    ucs2, chunks = split_text(text, force_ucs2, ref16)
    out = []
    total = len(chunks)
    if total > 255:
        raise ValueError("text too long (%d parts)" % total)
    for i, chunk in enumerate(chunks, 1):
        udh = b""
        if total > 1:
            if ref16:
                udh = bytes([6, 0x08, 4, (ref >> 8) & 0xFF, ref & 0xFF, total, i])
            else:
                udh = bytes([5, 0x00, 3, ref & 0xFF, total, i])
        pdu, tlen = build_deliver(sender, chunk, ucs2, smsc, when, tzq, udh)
        out.append((pdu, tlen, i, total))
    return ucs2, out


# --------------------------------------------------------------------------
# SMS-STATUS-REPORT (23.040 9.2.2.3)
# --------------------------------------------------------------------------

# TP-ST values (23.040 9.2.3.15) and what libgammu's DisplaySMSFrame calls them
# (its Text: 0x00-0x02 "Delivered", 0x2X "Pending", 0x4X/0x6X "Failed").
TP_ST = {0x00: "received by the SME", 0x01: "forwarded, delivery unconfirmed",
         0x02: "replaced by the SC", 0x20: "congestion (still trying)",
         0x21: "SME busy (still trying)", 0x22: "no response from SME (still trying)",
         0x40: "remote procedure error", 0x41: "incompatible destination",
         0x42: "connection rejected by SME", 0x43: "not obtainable",
         0x45: "no interworking available", 0x46: "validity period expired",
         0x47: "deleted by originating SME", 0x48: "deleted by SC administration",
         0x49: "SM does not exist", 0x60: "congestion (gave up)",
         0x61: "SME busy (gave up)", 0x62: "no response from SME (gave up)"}


def status_class(st):
    """The word libgammu puts in a report's Text for TP-ST (gsmsms.c:389)."""
    if st < 0x03:
        return "Delivered"
    if st & 0x40:
        return "Failed"
    if st & 0x20:
        return "Pending"
    return "Unknown"


def build_status_report(mr, recipient, scts, dt, st, smsc, tzq):
    """One SMS-STATUS-REPORT PDU with the SMSC prefix -> (bytes, tpdu_len).
    TP-MMS set (no more messages), TP-SRQ clear (the report is about a
    SUBMIT), no TP-PI: the short form real SMSCs send and libgammu reads."""
    tp = (bytes([0x06, mr & 0xFF]) + encode_address(recipient)
          + encode_scts(scts, tzq) + encode_scts(dt, tzq) + bytes([st & 0xFF]))
    return encode_smsc(smsc) + tp, len(tp)


def decode_status_report(data, tpdu_start, pos, r):
    r["type"] = "status-report"
    r["mr"] = data[pos]
    pos += 1
    r["number"], r["toa"], pos = decode_address(data, pos)
    if len(data) < pos + 15:
        raise ValueError("status report truncated")
    r["scts"] = decode_scts(data[pos:pos + 7])
    r["dt"] = decode_scts(data[pos + 7:pos + 14])
    r["st"] = data[pos + 14]
    r["status"] = status_class(r["st"])
    r["text"] = ""
    r["total"], r["seq"], r["ref"], r["ucs2"] = 1, 1, None, False
    r["tpdu_len"] = len(data) - tpdu_start
    r["trailing"] = len(data) - (pos + 15)     # optional TP-PI and on
    return r
