#!/usr/bin/env python3
"""Inject inbound SMS into a libgammu dummy phone folder.

Writes one Gammu smsbackup file per part into PHONE_DIR/sms/<folder>/ at
the first free numeric locations (1..9999; the dummy driver misreads
10000), exactly what a modem would hold after receiving the message:
PDU = Deliver, sender, SMSC time, concatenation UDH 050003RRTTNN (or
0608 with --ref16), GSM-7 ("Default") coding when every character is in
the GSM 03.38 alphabet, else UCS-2. Splitting follows the network: 160/153
septets (extension characters take two and are never split), 70/67 UCS-2
units (surrogate pairs never split).

Each file is written as .tmpN (invisible to the driver) and published with
link(), which fails instead of replacing a file, so a reader never sees a
half-written part and concurrent injectors never overwrite each other.

CLI:
  inject_sms.py --dir PHONE_DIR --from +84901234567 [--ref N] [--ref16]
                [--parts-order 2,1|reverse] [--folder 1] [--smsc +849...]
                [--time 'YYYY-MM-DD HH:MM:SS'] TEXT
  inject_sms.py --dir PHONE_DIR --malformed [nonumber|empty|binary|garbage]
  inject_sms.py --dir PHONE_DIR --call
Prints the written paths, one per line.

As a module (tests, benchmarks):
  import inject_sms
  inj = inject_sms.Injector("/path/phone")     # caches the used locations
  inj.inject("+84901234567", "Xin chào", ref=7)
  inj.malformed("nonumber"); inject_sms.trigger_call("/path/phone")
"""

import argparse
import datetime
import os
import random
import sys

MAX_LOCATION = 9999          # 10000 is read as folder+1, location 0
DEFAULT_SMSC = "+84980200030"
HEX_PER_LINE = 200           # as libgammu writes Text00, Text01, ...

# GSM 03.38 default alphabet (one septet) and extension table (two).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("\f^{}\\[~]|€")


def is_gsm7(text):
    """True when every character can be sent in the GSM-7 alphabet."""
    return all(c in GSM7_BASIC or c in GSM7_EXT for c in text)


def _utf16_units(ch):
    return 2 if ord(ch) > 0xFFFF else 1


def split_parts(text):
    """(ucs2, [part texts]) as a phone would split text."""
    ucs2 = not is_gsm7(text)
    if ucs2:
        cost, single, multi = _utf16_units, 70, 67
    else:
        cost, single, multi = (lambda c: 2 if c in GSM7_EXT else 1), 160, 153
    if sum(cost(c) for c in text) <= single:
        return ucs2, [text]
    parts, cur, used = [], [], 0
    for c in text:
        k = cost(c)
        if used + k > multi:
            parts.append("".join(cur))
            cur, used = [], 0
        cur.append(c)
        used += k
    parts.append("".join(cur))
    return ucs2, parts


def _ucs2_hex(s):
    return s.encode("utf-16-be").hex().upper()


def _quoted(s):
    # libgammu drops the first and last character of a quoted value;
    # NumberUnicode (written next to it) is what it really uses.
    return '"' + "".join(c if 0x20 <= ord(c) < 0x7F and c != '"' else "?" for c in s) + '"'


def _text_lines(hexstr):
    lines = [hexstr[i:i + HEX_PER_LINE] for i in range(0, len(hexstr), HEX_PER_LINE)] or [""]
    return "".join("Text%02d = %s\n" % (i, h) for i, h in enumerate(lines))


def part_ini(sender, text, ucs2, when, smsc=DEFAULT_SMSC, udh=None, number=True,
             coding=None, raw_hex=None):
    """One [SMSBackup000] section, as a string."""
    out = ["[SMSBackup000]\n",
           "SMSC = %s\nSMSCUnicode = %s\n" % (_quoted(smsc), _ucs2_hex(smsc)),
           "PDU = Deliver\n",
           "DateTime = %s\n" % when.strftime("%Y%m%dT%H%M%S"),
           "State = UnRead\n"]
    if number:
        out.append("Number = %s\nNumberUnicode = %s\n" % (_quoted(sender), _ucs2_hex(sender)))
    if udh:
        out.append("UDH = %s\n" % udh)
    if raw_hex is not None:
        out.append(_text_lines(raw_hex))
        out.append("Coding = 8bit\nLength = %d\n" % (len(raw_hex) // 2))
    else:
        out.append(_text_lines(_ucs2_hex(text)))
        out.append("Coding = %s\n" % (coding or ("Unicode_No_Compression" if ucs2
                                                 else "Default_No_Compression")))
        out.append("Length = %d\n" % (len(text.encode("utf-16-be")) // 2))
    out.append("Class = -1\n\n")
    return "".join(out)


class Injector:
    """Writes into one phone folder; remembers locations it has seen used."""

    def __init__(self, phone_dir):
        self.dir = phone_dir
        self._used = {}
        self._tmp = 0

    def _folder(self, folder):
        path = os.path.join(self.dir, "sms", str(folder))
        os.makedirs(path, exist_ok=True)
        if folder not in self._used:
            self._used[folder] = {int(n) for n in os.listdir(path) if n.isdigit()}
        return path

    def _publish(self, folder, content):
        """Write content at the first free location; returns the path."""
        path = self._folder(folder)
        used = self._used[folder]
        self._tmp += 1
        tmp = os.path.join(path, ".tmp%d-%d" % (os.getpid(), self._tmp))
        with open(tmp, "w", encoding="ascii") as f:
            f.write(content)
        try:
            for attempt in range(2):
                for loc in range(1, MAX_LOCATION + 1):
                    if loc in used:
                        continue
                    final = os.path.join(path, str(loc))
                    try:
                        os.link(tmp, final)
                    except FileExistsError:
                        used.add(loc)
                        continue
                    used.add(loc)
                    return final
                # The daemon may have deleted messages since we looked.
                used.clear()
                used.update(int(n) for n in os.listdir(path) if n.isdigit())
            raise OSError("phone folder %s is full" % path)
        finally:
            os.unlink(tmp)

    def inject(self, sender, text, ref=None, folder=1, when=None, order=None,
               smsc=DEFAULT_SMSC, ref16=False):
        """Inject one message; returns the paths written, in write order.

        order: None (1..n), "reverse", or a list of 1-based part numbers.
        when: a datetime (UTC) for the SMSC timestamp; default now.
        """
        when = when or datetime.datetime.now(datetime.timezone.utc)
        ucs2, parts = split_parts(text)
        n = len(parts)
        if n > 255:
            raise ValueError("text needs %d parts (max 255)" % n)
        if ref is None:
            ref = random.randint(1, 0xFFFF if ref16 else 0xFF)
        seqs = list(range(1, n + 1))
        if order == "reverse":
            seqs.reverse()
        elif order:
            seqs = [int(x) for x in order]
            if sorted(seqs) != list(range(1, n + 1)):
                raise ValueError("--parts-order must be a permutation of 1..%d" % n)
        paths = []
        for seq in seqs:
            udh = None
            if n > 1:
                udh = ("060804%04X%02X%02X" % (ref, n, seq) if ref16
                       else "050003%02X%02X%02X" % (ref & 0xFF, n, seq))
            paths.append(self._publish(folder, part_ini(sender, parts[seq - 1], ucs2, when,
                                                        smsc, udh)))
        return paths

    def malformed(self, kind="nonumber", folder=1, sender="+84900000000"):
        """A broken file: nonumber (section without Number), empty, binary
        (8-bit coding), garbage (not an INI at all)."""
        when = datetime.datetime.now(datetime.timezone.utc)
        if kind == "nonumber":
            content = part_ini(sender, "no sender here", False, when, number=False)
        elif kind == "empty":
            content = ""
        elif kind == "binary":
            content = part_ini(sender, "", False, when, raw_hex="0001FEFF")
        elif kind == "garbage":
            content = "this is not a message\n\x01\x02\n"
        else:
            raise ValueError("unknown malformed kind %r" % kind)
        return self._publish(folder, content)


def inject(phone_dir, sender, text, **kw):
    """One-shot helper: Injector(phone_dir).inject(sender, text, **kw)."""
    return Injector(phone_dir).inject(sender, text, **kw)


def trigger_call(phone_dir):
    """Make the dummy driver report an incoming call (+800123456) on its
    next API call; it deletes the file itself."""
    path = os.path.join(phone_dir, "incoming-call")
    with open(path, "w"):
        pass
    return path


def _parse_time(s):
    t = datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
    return t.replace(tzinfo=datetime.timezone.utc)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="dummy phone folder (gammurc device)")
    ap.add_argument("--from", dest="sender", default="+84901234567")
    ap.add_argument("--ref", type=int, help="concatenation reference (default random)")
    ap.add_argument("--ref16", action="store_true", help="16-bit reference UDH")
    ap.add_argument("--parts-order", help="e.g. 2,1 or reverse")
    ap.add_argument("--folder", type=int, default=1, choices=[1, 3],
                    help="1 = SIM inbox, 3 = phone inbox")
    ap.add_argument("--time", type=_parse_time, help="SMSC time, UTC 'YYYY-MM-DD HH:MM:SS'")
    ap.add_argument("--smsc", default=DEFAULT_SMSC)
    ap.add_argument("--malformed", nargs="?", const="nonumber",
                    choices=["nonumber", "empty", "binary", "garbage"])
    ap.add_argument("--call", action="store_true", help="create the incoming-call trigger")
    ap.add_argument("text", nargs="?", help="message text (UTF-8)")
    a = ap.parse_args(argv)

    if not os.path.isdir(a.dir):
        ap.error("%s is not a directory" % a.dir)
    inj = Injector(a.dir)
    paths = []
    if a.malformed:
        paths.append(inj.malformed(a.malformed, a.folder, a.sender))
    if a.call:
        paths.append(trigger_call(a.dir))
    if a.text is not None:
        order = a.parts_order
        if order and order != "reverse":
            order = order.split(",")
        paths += inj.inject(a.sender, a.text, ref=a.ref, folder=a.folder, when=a.time,
                            order=order, smsc=a.smsc, ref16=a.ref16)
    elif not (a.malformed or a.call):
        ap.error("nothing to do: give TEXT, --malformed or --call")
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
