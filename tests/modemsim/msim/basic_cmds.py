"""AT command handlers: general, identity, SIM/PIN, network, calls, USSD."""

import datetime

from .atutil import HEXRE, Reply, split_args, te_decode, te_encode, to_int
from .pdu import gsm7_decode, gsm7_septets, unpack7


class BasicCommands(object):
    """Mixin of ModemSim: every c_<NAME> method answers AT+<NAME>."""

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

