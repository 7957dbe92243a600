#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""modemsim -- AT-command GSM modem simulator on a pseudo-terminal.

Emulates enough of a 3GPP 27.007/27.005 modem (PDU-mode SMS, USSD, incoming
calls, network status) for libgammu's real `at` driver, with fault injection
driven over a UNIX control socket.  Python 3 standard library only.

Usage:
  modemsim.py [run] --link PATH [--control SOCK] [--ready FILE] [options]
  modemsim.py ctl SOCK COMMAND [ARGS...]      send one control command
  modemsim.py ctl SOCK -                      commands from stdin, one a line
  modemsim.py merge SENT_LOG                  join multipart sent-log lines
  modemsim.py selftest                        codec unit tests

See README.md next to this file for every option and control command.
"""

import argparse
import collections
import datetime
import errno
import fcntl
import heapq
import json
import os
import random
import re
import select
import signal
import socket
import sys
import termios
import time
import traceback
import tty

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
    """Decode an SMS-DELIVER or SMS-SUBMIT PDU (bytes). Raises ValueError."""
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
# Charset helpers (AT+CSCS)
# --------------------------------------------------------------------------

HEXRE = re.compile(r"^[0-9A-Fa-f]*$")


def te_encode(text, charset):
    """Encode a string parameter for output in the current TE charset."""
    if charset == "UCS2":
        return text.encode("utf-16-be").hex().upper()
    if charset == "HEX":
        sept = gsm7_septets(text) or []
        return bytes(sept).hex().upper()
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else "?" for ch in text)


def te_decode(s, charset):
    """Decode a string parameter received in the current TE charset."""
    if charset == "UCS2" and s and len(s) % 4 == 0 and HEXRE.match(s):
        try:
            return bytes.fromhex(s).decode("utf-16-be", errors="replace")
        except ValueError:
            return s
    if charset == "HEX" and s and len(s) % 2 == 0 and HEXRE.match(s):
        return gsm7_decode(bytes.fromhex(s))
    return s


def split_args(s):
    """Split AT parameters on commas outside quotes; strip quotes."""
    args, cur, inq, quoted = [], [], False, False
    for ch in s:
        if ch == '"':
            inq = not inq
            quoted = True
        elif ch == "," and not inq:
            args.append(("".join(cur).strip(), quoted))
            cur, quoted = [], False
        else:
            cur.append(ch)
    args.append(("".join(cur).strip(), quoted))
    return [a for a, _ in args]


def upper_outside_quotes(s):
    out, inq = [], False
    for ch in s:
        if ch == '"':
            inq = not inq
        out.append(ch if inq else ch.upper())
    return "".join(out)


def to_int(s, default=None):
    try:
        return int(s.strip())
    except (ValueError, AttributeError):
        return default


def esc_bytes(b):
    out = []
    for c in b:
        if 0x20 <= c < 0x7F and c != 0x5C:
            out.append(chr(c))
        elif c == 0x5C:
            out.append("\\\\")
        elif c == 0x0D:
            out.append("\\r")
        elif c == 0x0A:
            out.append("\\n")
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


# --------------------------------------------------------------------------
# The modem
# --------------------------------------------------------------------------

CME_TEXT = {3: "operation not allowed", 4: "operation not supported",
            10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required",
            16: "incorrect password", 21: "invalid index", 22: "not found",
            30: "no network service", 100: "unknown"}

MAX_LINE = 4096          # command-line buffer (bytes)
MAX_PDU_HEX = 1024       # edit-mode buffer (hex chars)
MAX_TXQ = 256 * 1024     # pending output towards the pty
MAX_CTL_LINE = 128 * 1024
MAX_CTL_CLIENTS = 64
MAX_CTL_QUEUE = 1000

NETWORK_STATES = {"none": 0, "home": 1, "searching": 2, "denied": 3, "unknown": 4,
                  "roaming": 5}


class Reply(object):
    __slots__ = ("lines", "final", "prompt", "after")

    def __init__(self, lines=None, final="OK", prompt=None, after=None):
        self.lines = lines or []
        self.final = final
        self.prompt = prompt      # ("CMGS"|"CMGW", length, stat)
        self.after = after        # callable run once the reply is queued


class Timer(object):
    __slots__ = ("cancelled",)

    def __init__(self):
        self.cancelled = False


class CtlClient(object):
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.out = b""
        self.queue = collections.deque()
        self.waiting = None      # (predicate, deadline)
        self.closing = False


class ModemSim(object):

    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.link = os.path.abspath(a.link)
        self.control = os.path.abspath(a.control) if a.control else None
        self.ready = os.path.abspath(a.ready) if a.ready else None
        self.master = None
        self.slave = None
        self.pts = None
        self.present = False
        self.stopping = False
        self.timers = []
        self.timer_seq = 0
        self.txq = collections.deque()     # (due, bytes)
        self.last_due = 0.0
        self.outbuf = bytearray()
        self.dropped_tx = 0
        self.clients = []
        self.ctl_sock = None
        self.t0 = time.monotonic()
        self.last_rx = None
        # SIM (survives vanish/appear)
        self.storage = {}                  # idx -> dict(stat, pdu(bytes), len)
        self.capacity = a.capacity
        self.smsc = a.smsc
        self.pin = a.pin
        self.puk = a.puk
        self.pin_enabled = a.pin_locked
        self.mr = self.rng.randrange(256)
        self.concat_ref = self.rng.randrange(256)
        # network side
        self.reg_stat = 1
        self.rssi = a.rssi
        self.battery = a.battery
        self.ussd_reply = a.ussd_reply
        self.ussd_status = 0
        self.send_delay = a.send_delay / 1000.0
        # faults
        self.faults = {}
        # call
        self.call = None                   # dict(number, rings, timer)
        # counters
        self.n_at = 0
        self.n_sent = 0
        self.n_rejected = 0
        self.n_ussd = 0
        self.n_injected = 0
        self.n_junk = 0
        self.appear_count = 0
        self.sent_fp = open(a.sent_log, "a", encoding="utf-8") if a.sent_log else None
        self.at_fp = open(a.at_log, "a", encoding="utf-8") if a.at_log else None
        self.power_on_reset()

    # ---------------------------------------------------------------- state
    def power_on_reset(self):
        self.echo = True
        self.cmee = 0
        self.charset = "IRA"
        self.cmgf = 0
        self.cnmi = [0, 0, 0, 0, 0]
        self.creg_n = 0
        self.cgreg_n = 0
        self.cereg_n = 0
        self.cops_format = 0
        self.clip = True
        self.crc = False
        self.ccwa = 0
        self.cusd_n = 0
        self.cmms = 0
        self.cfun = 1
        self.pin_state = "SIM PIN" if self.pin_enabled else "READY"
        self.pin_attempts = 3
        self.linebuf = bytearray()
        self.line_overflow = False
        self.edit = None                  # dict(kind, length, stat, buf, overflow)

    def registered(self):
        return self.cfun == 1 and self.pin_state == "READY" and self.reg_stat in (1, 5)

    def cur_reg(self):
        if self.cfun != 1 or self.pin_state != "READY":
            return 0
        return self.reg_stat

    # ---------------------------------------------------------------- logging
    def log(self, kind, text):
        if self.at_fp is None:
            return
        try:
            self.at_fp.write("%.6f %s %s\n" % (time.monotonic(), kind, text))
            self.at_fp.flush()
        except (OSError, ValueError):
            pass

    def say(self, msg):
        try:
            sys.stdout.write(msg + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass

    def warn(self, msg):
        try:
            sys.stderr.write("modemsim: %s\n" % msg)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    # ---------------------------------------------------------------- timers
    def at(self, delay, fn):
        t = Timer()
        self.timer_seq += 1
        heapq.heappush(self.timers, (time.monotonic() + max(0.0, delay), self.timer_seq, t, fn))
        return t

    def run_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, t, fn = heapq.heappop(self.timers)
            if not t.cancelled:
                try:
                    fn()
                except Exception:
                    self.warn("timer failed:\n" + traceback.format_exc())

    # ---------------------------------------------------------------- pty
    def appear(self):
        if self.present:
            return False
        # A re-enumerated modem gets a new node: never reuse the previous pts
        # number (the kernel hands out the lowest free one).
        spare = []
        m, s = os.openpty()
        while os.ttyname(s) == self.pts and len(spare) < 4:
            spare.append((m, s))
            m, s = os.openpty()
        for fd in [x for pair in spare for x in pair]:
            os.close(fd)
        tty.setraw(s)
        fl = fcntl.fcntl(m, fcntl.F_GETFL)
        fcntl.fcntl(m, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        self.master, self.slave = m, s
        self.pts = os.ttyname(s)
        d = os.path.dirname(self.link)
        os.makedirs(d, exist_ok=True)
        if os.path.lexists(self.link) and not os.path.islink(self.link):
            raise ValueError("%s exists and is not a symlink" % self.link)
        tmp = "%s.tmp%d" % (self.link, os.getpid())
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(self.pts, tmp)
        os.replace(tmp, self.link)
        self.present = True
        self.appear_count += 1
        self.txq.clear()
        self.outbuf = bytearray()
        self.last_due = 0.0
        self.power_on_reset()
        if self.a.appear_clears_hang:
            self.faults.pop("hang", None)
        self.write_ready()
        self.log("EV", "appear %s -> %s" % (self.link, self.pts))
        self.say("READY %s %s" % (self.link, self.pts))
        return True

    def vanish(self):
        if not self.present:
            return False
        self.present = False
        try:
            if os.path.islink(self.link) and os.readlink(self.link) == self.pts:
                os.unlink(self.link)
        except OSError:
            pass
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.master = self.slave = None
        self.txq.clear()
        self.outbuf = bytearray()
        self.edit = None
        self.linebuf = bytearray()
        self.stop_call(None)
        if self.ready:
            try:
                os.unlink(self.ready)
            except OSError:
                pass
        self.log("EV", "vanish %s (was %s)" % (self.link, self.pts))
        self.say("VANISHED %s" % self.link)
        return True

    def write_ready(self):
        if not self.ready:
            return
        tmp = self.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("%s %s %d\n" % (self.link, self.pts, os.getpid()))
        os.replace(tmp, self.ready)

    # ---------------------------------------------------------------- output
    def tx(self, data, delay=0.0):
        if not self.present or not data:
            return
        due = max(time.monotonic() + delay, self.last_due)
        self.last_due = due
        self.txq.append((due, bytes(data)))
        if self.at_fp is not None and self.a.at_log_tx:
            self.log("TX", esc_bytes(data))

    def unsolicited(self, text):
        if "hang" in self.faults:
            return
        self.tx(("\r\n%s\r\n" % text).encode("latin-1", "replace"), self.slow())

    def slow(self):
        return self.faults.get("slow", 0) / 1000.0

    def flush_due(self):
        now = time.monotonic()
        while self.txq and self.txq[0][0] <= now:
            _, data = self.txq.popleft()
            if len(self.outbuf) + len(data) > MAX_TXQ:
                self.dropped_tx += len(data)
                continue
            self.outbuf += data
        self.write_out()

    def write_out(self):
        if self.master is None or not self.outbuf:
            return
        try:
            n = os.write(self.master, self.outbuf)
            del self.outbuf[:n]
        except BlockingIOError:
            pass
        except OSError as e:
            self.warn("pty write failed: %s" % e)
            self.outbuf = bytearray()

    def respond(self, echo, reply):
        """Queue echo (immediately) and the reply body (after fault delays)."""
        if echo and self.echo:
            self.tx(echo + b"\r")
        body = []
        for ln in reply.lines:
            body.append("\r\n" + ln)
        s = ("".join(body) + "\r\n") if body else ""
        if reply.prompt:
            s += "\r\n> "
        elif reply.final is not None:
            s += "\r\n%s\r\n" % reply.final
        data = s.encode("latin-1", "replace")
        if "garbage" in self.faults and data:
            n = self.rng.randint(1, max(1, self.faults["garbage"]))
            junk = bytes(self.rng.choice([b for b in range(1, 256) if b not in (10, 13)])
                         for _ in range(n))
            data = junk + data
        self.tx(data, self.slow())

    # ---------------------------------------------------------------- input
    def on_pty_readable(self):
        try:
            data = os.read(self.master, 4096)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                self.warn("pty read failed: %s" % e)
            return
        if not data:
            return
        self.last_rx = time.monotonic()
        if "hang" in self.faults:
            self.log("RX-HUNG", esc_bytes(data))
            return
        for b in data:
            try:
                self.feed_byte(b)
            except Exception:
                self.warn("internal error on input:\n" + traceback.format_exc())
                self.linebuf = bytearray()
                self.edit = None
                self.respond(None, Reply(final="ERROR"))

    def feed_byte(self, b):
        if self.edit is not None:
            e = self.edit
            if b == 0x1A:
                self.edit = None
                self.finish_edit(e)
            elif b == 0x1B:
                self.edit = None
                self.log("RX-PDU-CANCEL", e["buf"].decode("latin-1"))
            elif b in (0x0D, 0x0A):
                pass
            elif len(e["buf"]) < MAX_PDU_HEX:
                e["buf"].append(b)
            else:
                e["overflow"] = True
            return
        if b == 0x0D:
            line = bytes(self.linebuf)
            overflow = self.line_overflow
            self.linebuf = bytearray()
            self.line_overflow = False
            self.handle_line(line, overflow)
        elif b == 0x0A or b == 0x1A:
            pass
        elif b == 0x1B:
            if self.linebuf:
                self.log("RX-ESC", esc_bytes(bytes(self.linebuf)))
            self.linebuf = bytearray()
        elif b == 0x08:
            if self.linebuf:
                del self.linebuf[-1]
        elif len(self.linebuf) < MAX_LINE:
            self.linebuf.append(b)
        else:
            self.line_overflow = True

    def handle_line(self, raw, overflow=False):
        i = raw.upper().find(b"AT")
        if i < 0:
            if raw.strip():
                self.n_junk += 1
                self.log("RX-JUNK", esc_bytes(raw))
            return
        if i > 0:
            self.n_junk += 1
            self.log("RX-JUNK", esc_bytes(raw[:i]))
        raw = raw[i:]
        self.n_at += 1
        self.log("RX", esc_bytes(raw))
        if overflow:
            self.respond(raw[:64], Reply(final="ERROR"))
            return
        if "error" in self.faults:
            self.respond(raw, Reply(final="ERROR"))
            return
        try:
            reply = self.execute(raw.decode("latin-1"))
        except Exception:
            self.warn("command %r failed:\n%s" % (raw, traceback.format_exc()))
            reply = Reply(final="ERROR")
        self.respond(raw, reply)
        if reply.prompt:
            kind, length, stat = reply.prompt
            self.edit = {"kind": kind, "length": length, "stat": stat,
                         "buf": bytearray(), "overflow": False}
        if reply.after:
            reply.after()

    # ---------------------------------------------------------------- errors
    def cme(self, n):
        if self.cmee == 0:
            return Reply(final="ERROR")
        if self.cmee == 2 and n in CME_TEXT:
            return Reply(final="+CME ERROR: %s" % CME_TEXT[n])
        return Reply(final="+CME ERROR: %d" % n)

    @staticmethod
    def cms(n):
        return Reply(final="+CMS ERROR: %d" % n)

    def sim_block(self, sms=False):
        """Reply for commands that need an unlocked SIM, or None."""
        if self.pin_state == "READY":
            return None
        if sms:
            return self.cms(311 if self.pin_state == "SIM PIN" else 316)
        return self.cme(11 if self.pin_state == "SIM PIN" else 12)

    # ---------------------------------------------------------------- dispatch
    def execute(self, line):
        body = line[2:]
        if not body:
            return Reply()
        if body[0] in "+$^#*%":
            parts = self.split_chain(body)
            lines = []
            for p in parts:
                r = self.extended(p)
                if r.prompt or r.after or r.final != "OK" or len(parts) == 1:
                    if len(parts) > 1:
                        r.lines = lines + r.lines
                    return r
                lines.extend(r.lines)
            return Reply(lines)
        return self.basic(upper_outside_quotes(body))

    @staticmethod
    def split_chain(body):
        parts, cur, inq = [], [], False
        for ch in body:
            if ch == '"':
                inq = not inq
            if ch == ";" and not inq:
                parts.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        parts.append("".join(cur))
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) > 1 and all(p[0] in "+$^#*%" for p in parts):
            return parts
        return [body]

    def basic(self, b):
        if b.startswith("D"):
            return self.dial(b[1:])
        m = re.fullmatch(r"E([01]?)", b)
        if m:
            self.echo = m.group(1) == "1"
            return Reply()
        if re.fullmatch(r"H0?", b):
            self.stop_call("local")
            return Reply()
        if b == "A":
            if self.call and self.call.get("state") == "ringing":
                self.call["state"] = "active"
                if self.call.get("timer"):
                    self.call["timer"].cancelled = True
                return Reply()
            return Reply(final="NO CARRIER")
        if re.fullmatch(r"Z0?|&F0?", b):
            self.echo = True
            self.cmee = 0
            self.charset = "IRA"
            return Reply()
        if b in ("I", "I0", "I1", "I2", "I3"):
            return Reply([self.a.manufacturer, self.a.model, "Revision: " + self.a.revision])
        if b == "V0":
            return Reply(final="ERROR")
        if re.fullmatch(r"(V1?|Q0?|&[CDWKV]\d*|S\d+(=\d+|\?)?|L\d?|M\d?|X\d?|&W\d?)", b):
            if re.fullmatch(r"S\d+\?", b):
                return Reply(["000"])
            return Reply()
        return Reply(final="ERROR")

    def extended(self, p):
        m = re.match(r"([+$^#*%][A-Za-z0-9_]+)(=\?|\?|=)?(.*)$", p, re.S)
        if not m:
            return Reply(final="ERROR")
        name = m.group(1).upper()
        op = m.group(2) or ""
        rest = m.group(3)
        mode = {"=?": "test", "?": "read", "=": "set", "": "exec"}[op]
        if mode in ("exec", "read", "test") and rest.strip():
            return Reply(final="ERROR")
        fn = getattr(self, "c_" + name[1:].upper(), None) if name[0] == "+" else None
        if fn is None:
            return Reply(final="ERROR")
        return fn(mode, rest)

    # ---------------------------------------------------------------- general
    def c_CMEE(self, mode, rest):
        if mode == "test":
            return Reply(["+CMEE: (0-2)"])
        if mode == "read":
            return Reply(["+CMEE: %d" % self.cmee])
        v = to_int(rest, 0 if mode == "exec" else None)
        if v not in (0, 1, 2):
            return self.cme(4)
        self.cmee = v
        return Reply()

    CHARSETS = ("IRA", "GSM", "UCS2")

    def c_CSCS(self, mode, rest):
        if mode == "test":
            return Reply(['+CSCS: ("IRA","GSM","UCS2")'])
        if mode == "read":
            return Reply(['+CSCS: "%s"' % self.charset])
        if mode == "set":
            v = split_args(rest)[0]
            v = te_decode(v, self.charset).upper()
            if v == "UCS-2":
                v = "UCS2"
            if v not in self.CHARSETS + ("HEX",):
                return self.cme(4)
            self.charset = v
            return Reply()
        return Reply(final="ERROR")

    def info(self, mode, value):
        if mode == "test":
            return Reply()
        if mode != "exec":
            return Reply(final="ERROR")
        return Reply([value])

    def c_CGMI(self, mode, rest):
        return self.info(mode, self.a.manufacturer)
    c_GMI = c_CGMI

    def c_CGMM(self, mode, rest):
        return self.info(mode, self.a.model)
    c_GMM = c_CGMM

    def c_CGMR(self, mode, rest):
        return self.info(mode, self.a.revision)
    c_GMR = c_CGMR

    def c_CGSN(self, mode, rest):
        return self.info(mode, self.a.imei)
    c_GSN = c_CGSN

    def c_GCAP(self, mode, rest):
        return self.info(mode, "+GCAP: +CGSM")

    def c_CIMI(self, mode, rest):
        return self.sim_block() or self.info(mode, self.a.imsi)

    def c_CNUM(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block()
        if blk:
            return blk
        if not self.a.own_number:
            return Reply()
        n = self.a.own_number
        return Reply(['+CNUM: "","%s",%d' % (te_encode(n, self.charset),
                                             145 if n.startswith("+") else 129)])

    def c_CPIN(self, mode, rest):
        if mode == "test":
            return Reply()
        if mode == "read":
            return Reply(["+CPIN: %s" % self.pin_state])
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        if self.pin_state == "READY":
            return self.cme(3)
        if self.pin_state == "SIM PIN":
            if args[0] == self.pin:
                self.pin_state = "READY"
                self.pin_attempts = 3
                self.log("EV", "PIN accepted")
                return Reply()
            self.pin_attempts -= 1
            self.log("EV", "wrong PIN (%d attempts left)" % self.pin_attempts)
            if self.pin_attempts <= 0:
                self.pin_state = "SIM PUK"
            return self.cme(16)
        if self.pin_state == "SIM PUK":
            if args[0] == self.puk and len(args) > 1 and args[1]:
                self.pin = args[1]
                self.pin_state = "READY"
                self.pin_attempts = 3
                return Reply()
            return self.cme(16)
        return self.cme(3)

    def c_CFUN(self, mode, rest):
        if mode == "test":
            return Reply(["+CFUN: (0,1,4),(0-1)"])
        if mode == "read":
            return Reply(["+CFUN: %d" % self.cfun])
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        v = to_int(args[0])
        if v not in (0, 1, 4):
            return self.cme(4)
        if len(args) > 1 and to_int(args[1]) == 1:
            keep = self.pin_state
            self.power_on_reset()
            if not self.pin_enabled:
                self.pin_state = keep
        self.cfun = v
        return Reply()

    def c_CPAS(self, mode, rest):
        if mode == "test":
            return Reply(["+CPAS: (0-5)"])
        if self.call and self.call["state"] == "ringing":
            return Reply(["+CPAS: 3"])
        if self.call and self.call["state"] == "active":
            return Reply(["+CPAS: 4"])
        return Reply(["+CPAS: 0"])

    def c_CCLK(self, mode, rest):
        if mode == "read":
            now = datetime.datetime.now(self.tzinfo())
            q = self.a.tzq
            return Reply(['+CCLK: "%s%s%02d"' % (now.strftime("%y/%m/%d,%H:%M:%S"),
                                                  "-" if q < 0 else "+", abs(q))])
        return Reply()

    def tzinfo(self):
        return datetime.timezone(datetime.timedelta(minutes=15 * self.a.tzq))

    # ---------------------------------------------------------------- network
    def c_CSQ(self, mode, rest):
        if mode == "test":
            return Reply(["+CSQ: (0-31,99),(0-7,99)"])
        if mode != "exec":
            return Reply(final="ERROR")
        rssi = self.rssi if self.cfun == 1 else 99
        return Reply(["+CSQ: %d,99" % rssi])

    def c_CBC(self, mode, rest):
        if mode == "test":
            return Reply(["+CBC: (0-3),(0-100)"])
        if mode != "exec":
            return Reply(final="ERROR")
        return Reply(["+CBC: 0,%d" % self.battery])

    def reg_common(self, mode, rest, name, attr):
        if mode == "test":
            return Reply(["+%s: (0-2)" % name])
        if mode == "set" or mode == "exec":
            v = to_int(rest, 0 if mode == "exec" else None)
            if v not in (0, 1, 2):
                return self.cme(4)
            setattr(self, attr, v)
            return Reply()
        n = getattr(self, attr)
        st = self.cur_reg()
        if n == 2 and st in (1, 5):
            return Reply(['+%s: 2,%d,"%s","%s",7' % (name, st, self.a.lac, self.a.cid)])
        return Reply(["+%s: %d,%d" % (name, n, st)])

    def c_CREG(self, mode, rest):
        return self.reg_common(mode, rest, "CREG", "creg_n")

    def c_CGREG(self, mode, rest):
        return self.reg_common(mode, rest, "CGREG", "cgreg_n")

    def c_CEREG(self, mode, rest):
        return self.reg_common(mode, rest, "CEREG", "cereg_n")

    def c_CGATT(self, mode, rest):
        if mode == "test":
            return Reply(["+CGATT: (0,1)"])
        if mode == "read":
            return Reply(["+CGATT: %d" % (1 if self.registered() else 0)])
        return Reply()

    def c_COPS(self, mode, rest):
        if mode == "test":
            return Reply(['+COPS: (2,"%s","%s","%s",7),,(0-4),(0-2)' % (
                self.a.operator_name, self.a.operator_name, self.a.operator)])
        if mode == "read":
            if not self.registered():
                return Reply(["+COPS: 0"])
            if self.cops_format == 2:
                oper = self.a.operator
            else:
                oper = te_encode(self.a.operator_name, self.charset)
            return Reply(['+COPS: 0,%d,"%s",7' % (self.cops_format, oper)])
        if mode == "set":
            args = split_args(rest)
            m = to_int(args[0])
            if m is None or m not in (0, 1, 2, 3, 4):
                return self.cme(4)
            if len(args) > 1 and args[1] != "":
                f = to_int(args[1])
                if f not in (0, 1, 2):
                    return self.cme(4)
                self.cops_format = f
            return Reply()
        return Reply(final="ERROR")

    # ---------------------------------------------------------------- calls
    def c_CLIP(self, mode, rest):
        if mode == "test":
            return Reply(["+CLIP: (0,1)"])
        if mode == "read":
            return Reply(["+CLIP: %d,1" % (1 if self.clip else 0)])
        if mode == "set":
            v = to_int(rest)
            if v not in (0, 1):
                return self.cme(4)
            self.clip = v == 1
            return Reply()
        return Reply(final="ERROR")

    def c_CRC(self, mode, rest):
        if mode == "test":
            return Reply(["+CRC: (0,1)"])
        if mode == "read":
            return Reply(["+CRC: %d" % (1 if self.crc else 0)])
        v = to_int(rest, 0)
        if v not in (0, 1):
            return self.cme(4)
        self.crc = v == 1
        return Reply()

    def c_CCWA(self, mode, rest):
        if mode == "test":
            return Reply(["+CCWA: (0,1)"])
        if mode == "read":
            return Reply(["+CCWA: %d" % self.ccwa])
        v = to_int(split_args(rest)[0], 0)
        if v not in (0, 1):
            return self.cme(4)
        self.ccwa = v
        return Reply()

    def c_CHUP(self, mode, rest):
        if mode == "test":
            return Reply()
        if mode != "exec":
            return Reply(final="ERROR")
        self.stop_call("local")
        return Reply()

    def c_CLCC(self, mode, rest):
        if mode == "test":
            return Reply()
        if not self.call:
            return Reply()
        stat = 4 if self.call["state"] == "ringing" else 0
        n = self.call["number"]
        return Reply(['+CLCC: 1,1,%d,0,0,"%s",%d' % (
            stat, te_encode(n, self.charset), 145 if n.startswith("+") else 129)])

    def dial(self, s):
        blk = self.sim_block()
        if blk:
            return blk
        if not self.registered():
            return Reply(final="NO CARRIER")
        self.log("EV", "dial %s" % s)
        return Reply()

    def start_call(self, number, rings):
        self.stop_call(None)
        self.call = {"number": number, "state": "ringing", "rings": 0,
                     "max": rings, "timer": None}
        self.ring()

    def ring(self):
        c = self.call
        if not c or c["state"] != "ringing":
            return
        if c["rings"] >= c["max"]:
            self.call = None
            self.unsolicited("NO CARRIER")
            self.log("EV", "call from %s: missed after %d rings" % (c["number"], c["max"]))
            return
        c["rings"] += 1
        self.unsolicited("+CRING: VOICE" if self.crc else "RING")
        if self.clip:
            n = c["number"]
            self.unsolicited('+CLIP: "%s",%d' % (te_encode(n, self.charset),
                                                 145 if n.startswith("+") else 129))
        c["timer"] = self.at(self.a.ring_interval, self.ring)

    def stop_call(self, who):
        c = self.call
        if not c:
            return
        if c.get("timer"):
            c["timer"].cancelled = True
        self.call = None
        if who == "remote":
            self.unsolicited("NO CARRIER")
        if who:
            self.log("EV", "call from %s ended by %s" % (c["number"], who))

    # ---------------------------------------------------------------- USSD
    def c_CUSD(self, mode, rest):
        if mode == "test":
            return Reply(["+CUSD: (0-2)"])
        if mode == "read":
            return Reply(["+CUSD: %d" % self.cusd_n])
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        n = to_int(args[0], 0) if args[0] != "" else 0
        if n not in (0, 1, 2):
            return self.cme(4)
        if n == 2:
            self.cusd_n = 0
            return Reply()
        self.cusd_n = n
        if len(args) < 2 or args[1] == "":
            return Reply()
        blk = self.sim_block()
        if blk:
            return blk
        if not self.registered():
            return self.cme(30)
        dcs = to_int(args[2], 15) if len(args) > 2 else 15
        code = args[1]
        if self.charset != "UCS2" and HEXRE.match(code) and len(code) % 2 == 0 and \
                dcs == 15 and self.a.accept_packed_ussd:
            try:
                code = gsm7_decode(unpack7(bytes.fromhex(code), 0, len(code) * 4 // 7))
            except ValueError:
                pass
        else:
            code = te_decode(code, self.charset)
        self.n_ussd += 1
        self.log("EV", "USSD request %r dcs=%d" % (code, dcs))
        if n == 1 and self.ussd_status is not None:
            return Reply(after=lambda: self.at(self.a.ussd_delay / 1000.0,
                                               lambda: self.ussd_answer(code)))
        return Reply()

    def ussd_answer(self, code):
        if not self.present or self.cusd_n != 1:
            return
        text = self.ussd_reply
        if self.ussd_status in (4, 5):
            self.unsolicited("+CUSD: %d" % self.ussd_status)
            return
        if gsm7_septets(text) is not None:
            dcs = 15
            enc = te_encode(text, self.charset)
        else:
            dcs = 72
            enc = text.encode("utf-16-be").hex().upper()
        self.unsolicited('+CUSD: %d,"%s",%d' % (self.ussd_status, enc, dcs))
        self.log("EV", "USSD answer %r to %r" % (text, code))

    # ---------------------------------------------------------------- SMS
    def c_CSMS(self, mode, rest):
        if mode == "test":
            return Reply(["+CSMS: (0,1)"])
        if mode == "read":
            return Reply(["+CSMS: 0,1,1,1"])
        return Reply(["+CSMS: 1,1,1"])

    def c_CMGF(self, mode, rest):
        if mode == "test":
            return Reply(["+CMGF: (0)"])
        if mode == "read":
            return Reply(["+CMGF: %d" % self.cmgf])
        v = to_int(rest, 0 if mode == "exec" else None)
        if v != 0:
            return Reply(final="ERROR")   # PDU mode only
        self.cmgf = 0
        return Reply()

    def c_CSDH(self, mode, rest):
        return Reply()

    def c_CSMP(self, mode, rest):
        if mode == "read":
            return Reply(["+CSMP: 17,167,0,0"])
        return Reply()

    def c_CMMS(self, mode, rest):
        if mode == "test":
            return Reply(["+CMMS: (0-2)"])
        if mode == "read":
            return Reply(["+CMMS: %d" % self.cmms])
        v = to_int(rest, 0)
        if v not in (0, 1, 2):
            return self.cme(4)
        self.cmms = v
        return Reply()

    def c_CNMA(self, mode, rest):
        return Reply()

    def c_CNMI(self, mode, rest):
        if mode == "test":
            return Reply(["+CNMI: (0-2),(0-3),(0-3),(0-2),(0,1)"])
        if mode == "read":
            return Reply(["+CNMI: %s" % ",".join(str(v) for v in self.cnmi)])
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        limits = (2, 3, 3, 2, 1)
        new = list(self.cnmi)
        for i, v in enumerate(args[:5]):
            if v == "":
                continue
            iv = to_int(v)
            if iv is None or iv < 0 or iv > limits[i]:
                return self.cms(303)
            new[i] = iv
        self.cnmi = new
        return Reply()

    def used(self):
        return len(self.storage)

    def c_CPMS(self, mode, rest):
        if mode == "test":
            return Reply(['+CPMS: ("SM"),("SM"),("SM")'])
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        u, t = self.used(), self.capacity
        if mode == "read":
            return Reply(['+CPMS: "SM",%d,%d,"SM",%d,%d,"SM",%d,%d' % (u, t, u, t, u, t)])
        if mode != "set":
            return Reply(final="ERROR")
        mems = [te_decode(x, self.charset).upper() for x in split_args(rest)]
        if not mems or any(m not in ("SM", "") for m in mems[:3]) or len(mems) > 3:
            return Reply(final="ERROR")
        return Reply(["+CPMS: %d,%d,%d,%d,%d,%d" % (u, t, u, t, u, t)])

    def c_CSCA(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        if mode == "read":
            if not self.smsc:
                return Reply(['+CSCA: "",129'])
            return Reply(['+CSCA: "%s",%d' % (te_encode(self.smsc, self.charset),
                                              145 if self.smsc.startswith("+") else 129)])
        if mode == "set":
            args = split_args(rest)
            num = te_decode(args[0], self.charset)
            if not re.fullmatch(r"\+?[0-9]{1,20}", num):
                return self.cms(304)
            self.smsc = num
            return Reply()
        return Reply(final="ERROR")

    STAT_TEXT = {0: "REC UNREAD", 1: "REC READ", 2: "STO UNSENT", 3: "STO SENT"}

    def c_CMGL(self, mode, rest):
        if mode == "test":
            return Reply(["+CMGL: (0-4)"])
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        if mode == "exec":
            want = 0
        elif mode == "set":
            want = to_int(rest)
            if want is None or want not in (0, 1, 2, 3, 4):
                return self.cms(302)
        else:
            return Reply(final="ERROR")
        lines = []
        for idx in sorted(self.storage):
            m = self.storage[idx]
            if want != 4 and m["stat"] != want:
                continue
            lines.append("+CMGL: %d,%d,,%d" % (idx, m["stat"], m["len"]))
            lines.append(m["pdu"].hex().upper())
            if m["stat"] == 0 and not self.a.keep_unread:
                m["stat"] = 1
        return Reply(lines)

    def c_CMGR(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        idx = to_int(rest)
        if mode != "set" or idx is None or idx < 1 or idx > self.capacity:
            return self.cms(321)
        m = self.storage.get(idx)
        if m is None:
            return Reply()        # empty location: just OK (libgammu: ERR_EMPTY)
        r = Reply(["+CMGR: %d,,%d" % (m["stat"], m["len"]), m["pdu"].hex().upper()])
        if m["stat"] == 0 and not self.a.keep_unread:
            m["stat"] = 1
        return r

    def c_CMGD(self, mode, rest):
        blk = self.sim_block(sms=True)
        if mode == "test":
            return Reply(["+CMGD: (%s),(0-4)" % ",".join(str(i) for i in sorted(self.storage))])
        if blk:
            return blk
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        idx = to_int(args[0])
        flag = to_int(args[1], 0) if len(args) > 1 and args[1] != "" else 0
        if flag not in (0, 1, 2, 3, 4):
            return self.cms(302)
        if flag == 0:
            if idx is None or idx < 1 or idx > self.capacity:
                return self.cms(321)
            if self.storage.pop(idx, None) is not None:
                self.log("EV", "deleted %d" % idx)
            return Reply()
        kill = {1: (1,), 2: (1, 3), 3: (1, 2, 3), 4: (0, 1, 2, 3)}[flag]
        for i in [i for i, m in self.storage.items() if m["stat"] in kill]:
            del self.storage[i]
            self.log("EV", "deleted %d (flag %d)" % (i, flag))
        return Reply()

    def c_CMGS(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        if mode != "set":
            return Reply(final="ERROR")
        n = to_int(split_args(rest)[0])
        if n is None or n < 7 or n > 176:
            return self.cms(304)
        return Reply(prompt=("CMGS", n, None), final=None)

    def c_CMGW(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        if mode != "set":
            return Reply(final="ERROR")
        args = split_args(rest)
        n = to_int(args[0])
        stat = to_int(args[1], 2) if len(args) > 1 and args[1] != "" else 2
        if n is None or n < 7 or n > 176 or stat not in (0, 1, 2, 3):
            return self.cms(304)
        return Reply(prompt=("CMGW", n, stat), final=None)

    def c_CMSS(self, mode, rest):
        if mode == "test":
            return Reply()
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        idx = to_int(split_args(rest)[0])
        m = self.storage.get(idx) if idx is not None else None
        if m is None:
            return self.cms(321)
        try:
            d = decode_pdu(m["pdu"])
        except (ValueError, IndexError):
            return self.cms(304)
        if d["type"] != "submit":
            return self.cms(302)
        return self.network_send(d, "CMSS", lambda: m.__setitem__("stat", 3))

    def c_CPBR(self, mode, rest):
        if mode == "test":
            return Reply(["+CPBR: (1-250),40,18"])
        if mode == "set":
            return Reply()          # phonebook is always empty
        return Reply(final="ERROR")

    def c_CPBS(self, mode, rest):
        if mode == "test":
            return Reply(['+CPBS: ("SM")'])
        if mode == "read":
            return Reply(['+CPBS: "SM",0,250'])
        return Reply()

    # ---------------------------------------------------------------- edit mode
    def finish_edit(self, e):
        hexs = e["buf"].decode("latin-1").strip()
        self.log("RX-PDU", hexs)
        if e["overflow"] or not hexs or len(hexs) % 2 or not HEXRE.match(hexs):
            self.respond(None, self.cms(304))
            return
        pdu = bytes.fromhex(hexs)
        try:
            d = decode_pdu(pdu)
        except (ValueError, IndexError) as ex:
            self.log("EV", "undecodable PDU: %s" % ex)
            self.respond(None, self.cms(304))
            return
        if d["tpdu_len"] != e["length"]:
            self.log("EV", "length mismatch: AT+%s=%d but TPDU is %d octets" % (
                e["kind"], e["length"], d["tpdu_len"]))
            self.respond(None, self.cms(304))
            return
        if e["kind"] == "CMGW":
            idx = self.free_index()
            if idx is None:
                self.respond(None, self.cms(322))
                return
            self.storage[idx] = {"stat": e["stat"], "pdu": pdu, "len": d["tpdu_len"]}
            self.respond(None, Reply(["+CMGW: %d" % idx]))
            return
        if d["type"] != "submit":
            self.respond(None, self.cms(304))
            return
        r = self.network_send(d, "CMGS")
        self.respond(None, r) if r is not None else None

    def network_send(self, d, kind, on_ok=None):
        """Network verdict for a submitted PDU. Returns a Reply or None (deferred)."""
        def verdict():
            code = None
            if "cms_once" in self.faults:
                code = self.faults.pop("cms_once")
            elif "cms" in self.faults:
                code = self.faults["cms"]
            elif not self.registered():
                code = 331
            if code is not None:
                self.n_rejected += 1
                self.log("EV", "%s to %s rejected: +CMS ERROR: %d" % (kind, d["number"], code))
                return self.cms(code)
            self.mr = (self.mr + 1) % 256
            self.n_sent += 1
            rec = collections.OrderedDict()
            rec["to"] = d["number"]
            rec["text"] = d["text"]
            rec["ref"] = d["ref"]
            rec["total"] = d["total"]
            rec["seq"] = d["seq"]
            rec["ucs2"] = d["ucs2"]
            rec["t"] = time.monotonic_ns()
            rec["mr"] = self.mr
            rec["dcs"] = d["dcs"]
            rec["udh"] = d["udh"]
            rec["class"] = d["class"]
            rec["srr"] = d.get("srr", False)
            rec["binary"] = d.get("binary", False)
            rec["smsc"] = d.get("smsc", "")
            rec["via"] = kind
            self.write_sent(rec)
            self.log("EV", "%s to %s accepted mr=%d part %s/%s" % (
                kind, d["number"], self.mr, d["seq"], d["total"]))
            if on_ok:
                on_ok()
            return Reply(["+%s: %d" % (kind, self.mr)])

        if self.send_delay > 0:
            gen = self.appear_count

            def later():
                if self.present and gen == self.appear_count and "hang" not in self.faults:
                    self.respond(None, verdict())
            self.at(self.send_delay, later)
            return None
        return verdict()

    def write_sent(self, rec):
        if self.sent_fp is None:
            return
        try:
            self.sent_fp.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.sent_fp.flush()
        except (OSError, ValueError) as e:
            self.warn("sent-log write failed: %s" % e)

    def free_index(self):
        for i in range(1, self.capacity + 1):
            if i not in self.storage:
                return i
        return None

    # ---------------------------------------------------------------- inject
    def inject(self, sender, text, ref=None, parts=None, force_ucs2=False):
        if not sender:
            raise ValueError("missing sender")
        ref16 = ref is not None and ref > 255
        if ref is None:
            self.concat_ref = (self.concat_ref + 1) % 256
            ref = self.concat_ref
        if ref < 0 or ref > 65535:
            raise ValueError("ref must be 0..65535")
        when = datetime.datetime.now(self.tzinfo())
        ucs2, pdus = build_deliver_parts(sender, text, self.smsc, ref, when,
                                         self.a.tzq, force_ucs2, ref16)
        if parts:
            pdus = [p for p in pdus if p[2] in parts]
            if not pdus:
                raise ValueError("no such part (message has %d)" % len(
                    build_deliver_parts(sender, text, self.smsc, ref, when,
                                        self.a.tzq, force_ucs2, ref16)[1]))
        total = len(split_text(text, force_ucs2, ref16)[1])
        return self.store_inbound([(p[0], p[1]) for p in pdus], {
            "ref": ref if total > 1 else None, "total": total, "ucs2": ucs2,
            "parts": [p[2] for p in pdus]})

    def store_inbound(self, pdus, extra):
        direct = self.cnmi[1] in (2, 3) and self.present
        if not direct:
            free = self.capacity - self.used()
            if free < len(pdus):
                raise ValueError("storage full (free %d, need %d)" % (free, len(pdus)))
        locs = []
        for pdu, tlen in pdus:
            self.n_injected += 1
            if direct:
                self.unsolicited("+CMT: ,%d\r\n%s" % (tlen, pdu.hex().upper()))
                continue
            idx = self.free_index()
            self.storage[idx] = {"stat": 0, "pdu": pdu, "len": tlen}
            locs.append(idx)
            if self.cnmi[1] == 1 and self.present and self.pin_state == "READY":
                self.unsolicited('+CMTI: "%s",%d' % (te_encode("SM", self.charset), idx))
        res = collections.OrderedDict(locations=locs)
        res.update(extra)
        res["direct"] = direct
        self.log("EV", "inject %s" % json.dumps(res))
        return res

    # ---------------------------------------------------------------- control
    def open_control(self):
        if not self.control:
            return
        d = os.path.dirname(self.control)
        os.makedirs(d, exist_ok=True)
        if os.path.lexists(self.control):
            import stat as _st
            if _st.S_ISSOCK(os.lstat(self.control).st_mode):
                os.unlink(self.control)
            else:
                raise ValueError("%s exists and is not a socket" % self.control)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(self.control)
        s.listen(16)
        s.setblocking(False)
        self.ctl_sock = s

    def accept_client(self):
        try:
            c, _ = self.ctl_sock.accept()
        except (BlockingIOError, InterruptedError):
            return
        if len(self.clients) >= MAX_CTL_CLIENTS:
            try:
                c.sendall(b"error too many control clients\n")
            except OSError:
                pass
            c.close()
            return
        c.setblocking(False)
        self.clients.append(CtlClient(c))

    def client_readable(self, cl):
        try:
            data = cl.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            cl.closing = True
            cl.queue.clear()
            return
        cl.inbuf += data
        while b"\n" in cl.inbuf:
            line, cl.inbuf = cl.inbuf.split(b"\n", 1)
            if len(cl.queue) >= MAX_CTL_QUEUE:
                cl.queue.append("\x00overflow")
                continue
            cl.queue.append(line.decode("utf-8", "replace").rstrip("\r"))
        if len(cl.inbuf) > MAX_CTL_LINE:
            cl.inbuf = b""
            cl.queue.append("\x00overflow")
        self.pump_client(cl)

    def pump_client(self, cl):
        while cl.queue and cl.waiting is None and not self.stopping:
            line = cl.queue.popleft()
            if line == "\x00overflow":
                self.client_send(cl, "error line too long or too many queued commands")
                continue
            if not line.strip():
                continue
            try:
                res = self.control_command(line)
            except (ValueError, IndexError, KeyError) as e:
                res = "error %s" % e
            except Exception as e:
                self.warn("control command %r failed:\n%s" % (line, traceback.format_exc()))
                res = "error internal: %s" % e
            if isinstance(res, tuple):           # deferred ("wait", pred, deadline)
                _, pred, deadline = res
                if pred():
                    self.client_send(cl, "ok")
                else:
                    cl.waiting = (pred, deadline)
                continue
            self.client_send(cl, res)

    def check_waiters(self):
        now = time.monotonic()
        for cl in self.clients:
            if cl.waiting is None:
                continue
            pred, deadline = cl.waiting
            if pred():
                cl.waiting = None
                self.client_send(cl, "ok")
                self.pump_client(cl)
            elif now >= deadline:
                cl.waiting = None
                self.client_send(cl, "error timeout")
                self.pump_client(cl)

    def client_send(self, cl, text):
        cl.out += (text + "\n").encode("utf-8")
        self.client_flush(cl)

    def client_flush(self, cl):
        if not cl.out:
            return
        try:
            n = cl.sock.send(cl.out)
            cl.out = cl.out[n:]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            cl.out = b""
            cl.closing = True

    def status(self):
        st = collections.OrderedDict()
        st["present"] = self.present
        st["link"] = self.link
        st["pts"] = self.pts if self.present else None
        st["appear_count"] = self.appear_count
        st["stored"] = self.used()
        st["unread"] = sum(1 for m in self.storage.values() if m["stat"] == 0)
        st["capacity"] = self.capacity
        st["sent"] = self.n_sent
        st["rejected"] = self.n_rejected
        st["injected"] = self.n_injected
        st["at_commands"] = self.n_at
        st["junk_lines"] = self.n_junk
        st["ussd_requests"] = self.n_ussd
        st["faults"] = dict(self.faults)
        st["pin_state"] = self.pin_state
        st["pin_enabled"] = self.pin_enabled
        st["charset"] = self.charset
        st["echo"] = self.echo
        st["cnmi"] = self.cnmi
        st["reg_stat"] = self.cur_reg()
        st["rssi"] = self.rssi
        st["call"] = None if not self.call else {"number": self.call["number"],
                                                  "state": self.call["state"]}
        st["edit_mode"] = self.edit is not None
        st["last_rx_age"] = None if self.last_rx is None else round(
            time.monotonic() - self.last_rx, 3)
        st["uptime"] = round(time.monotonic() - self.t0, 3)
        st["tx_dropped_bytes"] = self.dropped_tx
        return json.dumps(st, ensure_ascii=False)

    def list_storage(self):
        out = []
        for idx in sorted(self.storage):
            m = self.storage[idx]
            e = collections.OrderedDict(index=idx, stat=m["stat"], len=m["len"])
            try:
                d = decode_pdu(m["pdu"])
                for k in ("type", "number", "text", "ref", "total", "seq", "ucs2", "scts"):
                    if k in d:
                        e[k] = d[k]
            except (ValueError, IndexError) as ex:
                e["error"] = str(ex)
                e["pdu"] = m["pdu"].hex().upper()
            out.append(e)
        return json.dumps(out, ensure_ascii=False)

    @staticmethod
    def unescape(s):
        out, i = [], 0
        while i < len(s):
            ch = s[i]
            if ch == "\\" and i + 1 < len(s):
                nx = s[i + 1]
                out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}.get(nx, "\\" + nx))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def control_command(self, line):
        """Returns reply text, or ("wait", predicate, deadline)."""
        line = line.strip()
        if line.startswith("{"):
            obj = json.loads(line)
            argv = [str(x) for x in obj["argv"]]
            if not argv:
                raise ValueError("empty argv")
            cmd = argv[0].lower()

            def fixed(k):
                if len(argv) < k + 1:
                    raise ValueError("%s needs %d argument(s)" % (cmd, k))
                return argv[1:k + 1], " ".join(argv[k + 1:])
        else:
            cmd = line.split(None, 1)[0].lower()

            def fixed(k):
                p = line.split(None, k + 1)
                if len(p) < k + 1:
                    raise ValueError("%s needs %d argument(s)" % (cmd, k))
                rest = p[k + 1] if len(p) > k + 1 else ""
                return p[1:k + 1], self.unescape(rest)
        self.log("CTL", line if len(line) < 400 else line[:400] + "...")

        if cmd == "inject" or cmd == "inject-ucs2":
            (num,), text = fixed(1)
            return "ok " + json.dumps(self.inject(num, text, force_ucs2=cmd == "inject-ucs2"),
                                      ensure_ascii=False)
        if cmd == "inject-ref":
            (ref, num), text = fixed(2)
            return "ok " + json.dumps(self.inject(num, text, ref=int(ref)), ensure_ascii=False)
        if cmd == "inject-parts":
            (ref, parts, num), text = fixed(3)
            pl = set(int(x) for x in parts.split(",") if x)
            return "ok " + json.dumps(self.inject(num, text, ref=int(ref), parts=pl),
                                      ensure_ascii=False)
        if cmd == "inject-raw":
            (hexs,), _ = fixed(1)
            pdu = bytes.fromhex(hexs)
            smsc_len = pdu[0] if pdu else 0
            tlen = len(pdu) - 1 - smsc_len
            if tlen <= 0:
                raise ValueError("PDU too short")
            return "ok " + json.dumps(self.store_inbound([(pdu, tlen)], {"raw": True}))
        if cmd == "call":
            (num,), rest = fixed(1)
            rings = int(rest) if rest.strip() else self.a.rings
            self.start_call(num, rings)
            return "ok"
        if cmd == "hangup":
            if not self.call:
                return "error no call"
            self.stop_call("remote")
            return "ok"
        if cmd == "fault":
            (what,), rest = fixed(1)
            what = what.lower()
            arg = rest.strip()
            if what in ("hang", "error"):
                self.faults[what] = True
                if what == "hang":
                    self.edit = None
            elif what in ("cms", "cms-once"):
                self.faults["cms" if what == "cms" else "cms_once"] = int(arg)
            elif what == "slow":
                ms = int(arg)
                if ms <= 0:
                    self.faults.pop("slow", None)
                else:
                    self.faults["slow"] = ms
            elif what == "garbage":
                self.faults["garbage"] = int(arg) if arg else 16
            elif what == "vanish":
                self.vanish()
            elif what in ("none", "clear"):
                self.faults.clear()
            else:
                raise ValueError("unknown fault %r" % what)
            self.log("EV", "fault %s %s" % (what, arg))
            return "ok"
        if cmd == "clear":
            _, rest = fixed(0)
            name = rest.strip().lower().replace("-", "_")
            if name:
                if name == "cms":
                    self.faults.pop("cms_once", None)
                self.faults.pop(name, None)
            else:
                self.faults.clear()
            return "ok"
        if cmd == "appear":
            if not self.appear():
                return "error already present"
            return "ok " + json.dumps({"link": self.link, "pts": self.pts})
        if cmd == "pin":
            (onoff,), rest = fixed(1)
            if onoff.lower() == "on":
                if rest.strip():
                    self.pin = rest.strip()
                self.pin_enabled = True
                self.pin_state = "SIM PIN"
                self.pin_attempts = 3
            elif onoff.lower() == "off":
                self.pin_enabled = False
                self.pin_state = "READY"
            else:
                raise ValueError("pin on [CODE] | pin off")
            return "ok"
        if cmd == "signal":
            (v,), _ = fixed(1)
            v = int(v)
            if not (0 <= v <= 31 or v == 99):
                raise ValueError("rssi 0..31 or 99")
            self.rssi = v
            return "ok"
        if cmd == "battery":
            (v,), _ = fixed(1)
            self.battery = max(0, min(100, int(v)))
            return "ok"
        if cmd == "network":
            (v,), _ = fixed(1)
            if v.lower() not in NETWORK_STATES:
                raise ValueError("network %s" % "|".join(NETWORK_STATES))
            self.reg_stat = NETWORK_STATES[v.lower()]
            st = self.cur_reg()
            if self.creg_n >= 1:
                if self.creg_n == 2 and st in (1, 5):
                    self.unsolicited('+CREG: %d,"%s","%s",7' % (st, self.a.lac, self.a.cid))
                else:
                    self.unsolicited("+CREG: %d" % st)
            return "ok"
        if cmd == "ussd-reply":
            _, rest = fixed(0)
            self.ussd_reply = rest
            return "ok"
        if cmd == "ussd-status":
            (v,), _ = fixed(1)
            self.ussd_status = None if v.lower() == "none" else int(v)
            return "ok"
        if cmd == "send-delay":
            (v,), _ = fixed(1)
            self.send_delay = max(0, int(v)) / 1000.0
            return "ok"
        if cmd in ("sms-clear", "clear-sms"):
            self.storage.clear()
            return "ok"
        if cmd == "list":
            return self.list_storage()
        if cmd == "status":
            return self.status()
        if cmd in ("wait-sent", "wait-stored", "wait-rx"):
            (n,), rest = fixed(1)
            n = int(n)
            tmo = float(rest) if rest.strip() else 30.0
            if cmd == "wait-sent":
                pred = lambda: self.n_sent >= n
            elif cmd == "wait-stored":
                pred = lambda: self.used() == n
            else:
                base = self.n_at
                pred = lambda: self.n_at - base >= n
            return ("wait", pred, time.monotonic() + tmo)
        if cmd == "quit":
            self.stopping = True
            return "ok"
        if cmd in ("help", "?"):
            return "ok " + json.dumps(sorted([
                "inject", "inject-ucs2", "inject-ref", "inject-parts", "inject-raw",
                "call", "hangup", "fault", "clear", "appear", "pin", "signal", "battery",
                "network", "ussd-reply", "ussd-status", "send-delay", "sms-clear",
                "list", "status", "wait-sent", "wait-stored", "wait-rx", "quit"]))
        raise ValueError("unknown command %r (try help)" % cmd)

    # ---------------------------------------------------------------- main loop
    def run(self):
        rfd, wfd = os.pipe()
        for fd in (rfd, wfd):
            fl = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        signal.set_wakeup_fd(wfd)

        def on_sig(signum, frame):
            self.stopping = True
        for sg in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sg, on_sig)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

        try:
            self.open_control()
            self.appear()
        except (OSError, ValueError) as e:
            self.warn("startup failed: %s" % e)
            self.shutdown()
            raise SystemExit(1)
        try:
            while not self.stopping:
                now = time.monotonic()
                deadlines = []
                if self.timers:
                    deadlines.append(self.timers[0][0])
                if self.txq:
                    deadlines.append(self.txq[0][0])
                for cl in self.clients:
                    if cl.waiting:
                        deadlines.append(min(cl.waiting[1], now + 0.05))
                timeout = max(0.0, min(deadlines) - now) if deadlines else 1.0
                rl, wl = [rfd], []
                if self.master is not None:
                    rl.append(self.master)
                    if self.outbuf:
                        wl.append(self.master)
                if self.ctl_sock is not None:
                    rl.append(self.ctl_sock)
                for cl in self.clients:
                    rl.append(cl.sock)
                    if cl.out:
                        wl.append(cl.sock)
                try:
                    r, w, _ = select.select(rl, wl, [], min(timeout, 1.0))
                except InterruptedError:
                    continue
                try:
                    self.service(r, rfd)
                except Exception:
                    self.warn("main loop error (continuing):\n" + traceback.format_exc())
                    time.sleep(0.01)
        finally:
            self.shutdown()

    def service(self, r, rfd):
        if rfd in r:
            try:
                while os.read(rfd, 512):
                    pass
            except BlockingIOError:
                pass
        if self.master is not None and self.master in r:
            self.on_pty_readable()
        if self.ctl_sock is not None and self.ctl_sock in r:
            self.accept_client()
        for cl in list(self.clients):
            if cl.sock in r:
                self.client_readable(cl)
            if cl.out:
                self.client_flush(cl)
        self.run_timers()
        self.flush_due()
        self.check_waiters()
        for cl in list(self.clients):
            if cl.closing and not cl.out and cl.waiting is None:
                cl.sock.close()
                self.clients.remove(cl)

    def shutdown(self):
        for cl in self.clients:
            try:
                if cl.out:
                    cl.sock.setblocking(True)
                    cl.sock.settimeout(0.5)
                    cl.sock.sendall(cl.out)
                cl.sock.close()
            except OSError:
                pass
        self.clients = []
        if self.present:
            self.flush_due()
        try:
            if os.path.islink(self.link) and self.pts and os.readlink(self.link) == self.pts:
                os.unlink(self.link)
        except OSError:
            pass
        for fd in (self.master, self.slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.slave = None
        self.present = False
        if self.ctl_sock is not None:
            try:
                self.ctl_sock.close()
                os.unlink(self.control)
            except OSError:
                pass
        if self.ready:
            try:
                os.unlink(self.ready)
            except OSError:
                pass
        self.log("EV", "shutdown")
        for fp in (self.sent_fp, self.at_fp):
            if fp:
                try:
                    fp.close()
                except OSError:
                    pass
        self.say("STOPPED")


# --------------------------------------------------------------------------
# Sub-commands
# --------------------------------------------------------------------------

def parse_tz(s):
    m = re.fullmatch(r"([+-])?(\d{1,2})(?::?(\d{2}))?", s.strip())
    if not m:
        raise argparse.ArgumentTypeError("timezone like +07:00")
    q = int(m.group(2)) * 4 + int(m.group(3) or 0) // 15
    if q > 79:
        raise argparse.ArgumentTypeError("timezone out of range")
    return -q if m.group(1) == "-" else q


def run_main(argv):
    p = argparse.ArgumentParser(prog="modemsim.py", description="AT GSM modem simulator on a pty")
    p.add_argument("--link", required=True, help="symlink to create, pointing at /dev/pts/N")
    p.add_argument("--control", help="UNIX socket for control commands")
    p.add_argument("--ready", help="file written (atomically) once the pty is up")
    p.add_argument("--sent-log", help="JSON-lines log of accepted SMS-SUBMIT parts")
    p.add_argument("--at-log", help="log of every AT command received (+events)")
    p.add_argument("--at-log-tx", action="store_true", help="also log bytes sent to the host")
    p.add_argument("--pin", default="1234", help="SIM PIN (default 1234)")
    p.add_argument("--puk", default="12345678", help="SIM PUK (default 12345678)")
    p.add_argument("--pin-locked", action="store_true", help="start with SIM PIN required")
    p.add_argument("--smsc", default="+84980200030", help="SMSC number (AT+CSCA?)")
    p.add_argument("--imei", default="356938035643809")
    p.add_argument("--imsi", default="452040123456789")
    p.add_argument("--manufacturer", default="ModemSim")
    p.add_argument("--model", default="MSIM-800")
    p.add_argument("--revision", default="MSIM800R01A01")
    p.add_argument("--own-number", default="", help="AT+CNUM number (default none)")
    p.add_argument("--operator", default="45204", help="MCC+MNC (default 45204)")
    p.add_argument("--operator-name", default="Viettel")
    p.add_argument("--lac", default="1A2B")
    p.add_argument("--cid", default="00C0FFEE")
    p.add_argument("--rssi", type=int, default=21, help="AT+CSQ rssi (default 21)")
    p.add_argument("--battery", type=int, default=87)
    p.add_argument("--capacity", type=int, default=30, help="SIM SMS slots (default 30)")
    p.add_argument("--ussd-reply", default="TK chinh: 25000d, han 31/12/2026")
    p.add_argument("--ussd-delay", type=int, default=300, help="ms before +CUSD (default 300)")
    p.add_argument("--accept-packed-ussd", action="store_true",
                   help="treat hex USSD strings in GSM/IRA charset as 7-bit packed (Huawei)")
    p.add_argument("--send-delay", type=int, default=0,
                   help="ms of network latency before +CMGS (default 0)")
    p.add_argument("--ring-interval", type=float, default=3.0, help="seconds between RINGs")
    p.add_argument("--rings", type=int, default=5, help="RINGs before a call is missed")
    p.add_argument("--tz", type=parse_tz, default=parse_tz("+07:00"), dest="tzq",
                   help="SMSC timestamp timezone (default +07:00)")
    p.add_argument("--keep-unread", action="store_true",
                   help="reading/listing does not mark messages read")
    p.add_argument("--appear-clears-hang", action="store_true",
                   help="'appear' also clears a 'fault hang'")
    p.add_argument("--seed", type=int, default=None, help="random seed (garbage, refs)")
    a = p.parse_args(argv)
    if a.capacity < 1 or a.capacity > 1000:
        p.error("--capacity 1..1000")
    sim = ModemSim(a)
    sim.run()
    return 0


def ctl_main(argv):
    p = argparse.ArgumentParser(prog="modemsim.py ctl")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("socket")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    if not a.command:
        p.error("missing command")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    try:
        s.connect(a.socket)
    except OSError as e:
        sys.stderr.write("modemsim ctl: cannot connect to %s: %s\n" % (a.socket, e))
        return 2
    if a.command == ["-"]:
        cmds = [ln.rstrip("\n") for ln in sys.stdin if ln.strip()]
        lines = [c.encode("utf-8") for c in cmds]
    else:
        lines = [json.dumps({"argv": a.command}, ensure_ascii=False).encode("utf-8")]
    rc = 0
    f = s.makefile("rb")
    for ln in lines:
        try:
            s.sendall(ln + b"\n")
            reply = f.readline().decode("utf-8", "replace").rstrip("\n")
        except OSError as e:
            sys.stderr.write("modemsim ctl: %s\n" % e)
            return 2
        print(reply)
        if not (reply.startswith("ok") or reply.startswith("{") or reply.startswith("[")):
            rc = 1
    s.close()
    return rc


def merge_records(records):
    """Group sent-log parts into messages, in order of first appearance, as
    a handset joins them: parts with one (sender, reference, total) fill one
    message; a part number seen again before that message is complete is
    the same part twice (counted in "repeated"), after it is complete it
    starts a new message."""
    out, open_groups = [], {}
    for r in records:
        total = r.get("total") or 1
        if total <= 1 or r.get("ref") is None:
            out.append({"to": r["to"], "text": r["text"], "parts": 1, "ref": None,
                        "ucs2": r.get("ucs2"), "complete": True, "repeated": 0})
            continue
        key = (r["to"], r["ref"], total)
        g = open_groups.get(key)
        if g is not None and r["seq"] in g["_seqs"] and len(g["_seqs"]) < total:
            g["repeated"] += 1
        elif g is None or r["seq"] in g["_seqs"]:
            g = {"to": r["to"], "ref": r["ref"], "parts": total, "ucs2": r.get("ucs2"),
                 "repeated": 0, "_seqs": {}}
            open_groups[key] = g
            out.append(g)
        g["_seqs"][r["seq"]] = r["text"]
    for g in out:
        if "_seqs" in g:
            seqs = g.pop("_seqs")
            g["text"] = "".join(seqs[k] for k in sorted(seqs))
            g["complete"] = sorted(seqs) == list(range(1, g["parts"] + 1))
    return out


def merge_main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: modemsim.py merge SENT_LOG\n")
        return 2
    recs = []
    with open(argv[0], encoding="utf-8") as f:
        for ln in f:
            ln = ln.strip()
            if ln:
                recs.append(json.loads(ln))
    for m in merge_records(recs):
        print(json.dumps(m, ensure_ascii=False))
    return 0


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
    if fails:
        for f in fails:
            print("FAIL", f)
        print("selftest: %d failure(s)" % len(fails))
        return 1
    print("selftest: ok")
    return 0


FINAL_RE = re.compile(rb"\r\n(OK|ERROR|NO CARRIER|\+CME ERROR:[^\r]*|\+CMS ERROR:[^\r]*)\r\n$|\r\n> $")


def at_main(argv):
    """Tiny AT terminal for tests: modemsim.py at DEVICE ITEM...

    ITEM: 'AT...' send a command and wait for its final result (or '> ');
          'pdu:HEX' send HEX + Ctrl-Z and wait; 'raw:HEX' send bytes;
          'wait:SECS' collect unsolicited output for SECS seconds.
    Everything received is printed, CR removed.  Exit 3 on a timeout."""
    p = argparse.ArgumentParser(prog="modemsim.py at")
    p.add_argument("-t", "--timeout", type=float, default=5.0)
    p.add_argument("device")
    p.add_argument("items", nargs="+")
    a = p.parse_args(argv)
    fd = os.open(a.device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd, termios.TCSANOW)     # TCSAFLUSH would drop pending unsolicited output
    rc = 0

    def collect(until_final, secs):
        buf = b""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return buf, False
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except BlockingIOError:
                    continue
                except OSError:
                    return buf, False
                buf += chunk
                if until_final and FINAL_RE.search(buf):
                    return buf, True

    def out(b):
        sys.stdout.write(b.replace(b"\r", b"").decode("latin-1"))
        if b and not b.endswith(b"\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()

    for item in a.items:
        if item.startswith("wait:"):
            buf, _ = collect(False, float(item[5:]))
            out(buf)
            continue
        if item.startswith("raw:"):
            os.write(fd, bytes.fromhex(item[4:]))
            continue
        data = (item[4:].encode() + b"\x1a") if item.startswith("pdu:") else item.encode() + b"\r"
        os.write(fd, data)
        buf, ok = collect(True, a.timeout)
        out(buf)
        if not ok:
            sys.stdout.write("<timeout>\n")
            rc = 3
    os.close(fd)
    return rc


def main(argv):
    if argv and argv[0] == "at":
        return at_main(argv[1:])
    if argv and argv[0] == "ctl":
        return ctl_main(argv[1:])
    if argv and argv[0] == "merge":
        return merge_main(argv[1:])
    if argv and argv[0] == "selftest":
        return selftest_main(argv[1:])
    if argv and argv[0] == "run":
        argv = argv[1:]
    return run_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
