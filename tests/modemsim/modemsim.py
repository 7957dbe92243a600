#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""modemsim -- AT-command GSM modem simulator on a pseudo-terminal.

Emulates enough of a 3GPP 27.007/27.005 modem (PDU-mode SMS, status reports,
USSD, incoming calls, network status) for libgammu's real `at` driver, with
fault injection driven over a UNIX control socket.  Python 3 standard
library only.  One process is one modem: run several side by side with
distinct --link / --control / logs (and SIM identities) for a multi-modem box.

Usage:
  modemsim.py [run] --link PATH [--control SOCK] [--ready FILE] [options]
  modemsim.py ctl SOCK COMMAND [ARGS...]      send one control command
  modemsim.py ctl SOCK -                      commands from stdin, one a line
  modemsim.py at [-t S] DEVICE ITEM...        tiny AT terminal (tests)
  modemsim.py merge SENT_LOG                  join multipart sent-log lines
  modemsim.py selftest                        codec unit tests

See README.md next to this file for every option and control command; the
code is in the msim/ package next to it.
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from msim.core import ModemSim                         # noqa: E402
from msim.selftest import selftest_main                # noqa: E402
from msim.tools import at_main, ctl_main, merge_main, merge_records  # noqa: E402

__all__ = ["ModemSim", "main", "merge_records", "run_main"]

def parse_tz(s):
    m = re.fullmatch(r"([+-])?(\d{1,2})(?::?(\d{2}))?", s.strip())
    if not m:
        raise argparse.ArgumentTypeError("timezone like +07:00")
    q = int(m.group(2)) * 4 + int(m.group(3) or 0) // 15
    if q > 79:
        raise argparse.ArgumentTypeError("timezone out of range")
    return -q if m.group(1) == "-" else q


# Vietnam's networks by MCC+MNC (what +COPS format 2 answers) and long name.
VN_OPERATORS = {"45201": "MobiFone", "45202": "VinaPhone", "45204": "Viettel",
                "45205": "Vietnamobile", "45207": "Gmobile"}


def resolve_operator(a):
    """--operator may be MCC+MNC or a known name; fill in the other, and a
    default IMSI of that network, so several modems differ by one option."""
    op = a.operator.strip()
    if re.fullmatch(r"\d{5,6}", op):
        mccmnc, name = op, VN_OPERATORS.get(op, op)
    else:
        found = [k for k, v in VN_OPERATORS.items() if v.lower() == op.lower()]
        if not found:
            raise ValueError("unknown operator %r: give --operator MCCMNC --operator-name NAME" % op)
        mccmnc, name = found[0], VN_OPERATORS[found[0]]
    a.operator = mccmnc
    if a.operator_name is None:
        a.operator_name = name
    if a.imsi is None:
        a.imsi = (mccmnc + "0123456789")[:15]


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
    p.add_argument("--imsi", default=None,
                   help="AT+CIMI (default: MCC+MNC of --operator, then 0123456789...)")
    p.add_argument("--manufacturer", default="ModemSim")
    p.add_argument("--model", default="MSIM-800")
    p.add_argument("--revision", default="MSIM800R01A01")
    p.add_argument("--own-number", default="", help="AT+CNUM number (default none)")
    p.add_argument("--operator", default="45204",
                   help="MCC+MNC, or a Vietnamese operator's name (%s); default 45204"
                   % ", ".join(sorted(VN_OPERATORS.values())))
    p.add_argument("--operator-name", default=None,
                   help="+COPS long name (default: from --operator)")
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
    p.add_argument("--dlr", choices=("on", "off"), default="on",
                   help="answer TP-SRR with a status report (default on)")
    p.add_argument("--dlr-delay", type=float, default=0.5,
                   help="seconds from +CMGS to the status report (default 0.5)")
    p.add_argument("--report-memory", choices=("SR", "SM"), default="SR",
                   help="where reports are stored for +CDSI / ds=0 (default SR)")
    p.add_argument("--sr-capacity", type=int, default=30, help="SR memory slots (default 30)")
    p.add_argument("--report-log", help="JSON-lines log of every status report emitted")
    p.add_argument("--urc-mem", choices=("plain", "te"), default="plain",
                   help="memory names in +CMTI/+CDSI: plain (default) or in the AT+CSCS "
                        "charset (libgammu then ignores the indication under UCS2)")
    a = p.parse_args(argv)
    if a.capacity < 1 or a.capacity > 1000 or a.sr_capacity < 1 or a.sr_capacity > 1000:
        p.error("--capacity and --sr-capacity 1..1000")
    if a.dlr_delay < 0:
        p.error("--dlr-delay must be >= 0")
    try:
        resolve_operator(a)
    except ValueError as e:
        p.error(str(e))
    sim = ModemSim(a)
    sim.run()
    return 0


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
