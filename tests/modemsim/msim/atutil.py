"""AT parameter parsing and TE character-set helpers (AT+CSCS)."""

import re

from .pdu import gsm7_decode, gsm7_septets


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
# Replies
# --------------------------------------------------------------------------

CME_TEXT = {3: "operation not allowed", 4: "operation not supported",
            10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required",
            16: "incorrect password", 21: "invalid index", 22: "not found",
            30: "no network service", 100: "unknown"}

NETWORK_STATES = {"none": 0, "home": 1, "searching": 2, "denied": 3, "unknown": 4,
                  "roaming": 5}


class Reply(object):
    """What a command answers: info lines, then a final result code, or the
    `> ` prompt of an edit-mode command."""
    __slots__ = ("lines", "final", "prompt", "after")

    def __init__(self, lines=None, final="OK", prompt=None, after=None):
        self.lines = lines or []
        self.final = final
        self.prompt = prompt      # ("CMGS"|"CMGW", length, stat)
        self.after = after        # callable run once the reply is queued
