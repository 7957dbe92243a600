"""AT command handlers for SMS (PDU mode), the `> ` edit mode, the network
verdict on a submitted part, and inbound message injection."""

import collections
import datetime
import json
import re
import time

from .atutil import HEXRE, Reply, split_args, te_decode, te_encode, to_int
from .pdu import build_deliver_parts, decode_pdu, split_text


class SmsCommands(object):
    """Mixin of ModemSim."""

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
        return self.mems["SM"].used()

    def urc_mem(self, name):
        """A memory name in +CMTI/+CDSI. libgammu reads it raw into a 3-byte
        buffer (at-sms.c:2390), so an encoded name ("0053004D" under UCS2,
        which libgammu leaves selected after phonebook reads and USSD) makes
        it drop the indication; --urc-mem te sends it encoded all the same."""
        return te_encode(name, self.charset) if self.a.urc_mem == "te" else name

    # <mem1> (read, list, delete) may be "SM" or "SR"; <mem2> (write, send
    # from storage) and <mem3> (receive) only "SM". libgammu takes a memory
    # named anywhere in the =? reply as readable, and as writeable only when
    # the second list names it (at-sms.c:114-144).
    CPMS_ALLOWED = (("SM", "SR"), ("SM",), ("SM",))

    def mem(self, i=0):
        return self.mems[self.cpms[i]]

    def cpms_counts(self):
        out = []
        for name in self.cpms:
            m = self.mems[name]
            out += [m.used(), m.capacity]
        return out

    def c_CPMS(self, mode, rest):
        if mode == "test":
            return Reply(["+CPMS: %s" % ",".join(
                "(%s)" % ",".join('"%s"' % n for n in names) for names in self.CPMS_ALLOWED)])
        blk = self.sim_block(sms=True)
        if blk:
            return blk
        if mode == "read":
            c = self.cpms_counts()
            return Reply(['+CPMS: "%s",%d,%d,"%s",%d,%d,"%s",%d,%d' % (
                self.cpms[0], c[0], c[1], self.cpms[1], c[2], c[3], self.cpms[2], c[4], c[5])])
        if mode != "set":
            return Reply(final="ERROR")
        mems = [te_decode(x, self.charset).upper() for x in split_args(rest)]
        if not mems or len(mems) > 3 or \
                any(m not in self.CPMS_ALLOWED[i] + ("",) for i, m in enumerate(mems)):
            return Reply(final="ERROR")
        for i, m in enumerate(mems):
            if m:
                self.cpms[i] = m
        return Reply(["+CPMS: %s" % ",".join(str(v) for v in self.cpms_counts())])

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
        store = self.mem().msgs
        for idx in sorted(store):
            m = store[idx]
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
        if mode != "set" or idx is None or idx < 1 or idx > self.mem().capacity:
            return self.cms(321)
        m = self.mem().msgs.get(idx)
        if m is None:
            return Reply()        # empty location: just OK (libgammu: ERR_EMPTY)
        r = Reply(["+CMGR: %d,,%d" % (m["stat"], m["len"]), m["pdu"].hex().upper()])
        if m["stat"] == 0 and not self.a.keep_unread:
            m["stat"] = 1
        return r

    def c_CMGD(self, mode, rest):
        blk = self.sim_block(sms=True)
        store = self.mem().msgs
        if mode == "test":
            return Reply(["+CMGD: (%s),(0-4)" % ",".join(str(i) for i in sorted(store))])
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
            if idx is None or idx < 1 or idx > self.mem().capacity:
                return self.cms(321)
            if store.pop(idx, None) is not None:
                self.log("EV", "deleted %s %d" % (self.cpms[0], idx))
            return Reply()
        kill = {1: (1,), 2: (1, 3), 3: (1, 2, 3), 4: (0, 1, 2, 3)}[flag]
        for i in [i for i, m in store.items() if m["stat"] in kill]:
            del store[i]
            self.log("EV", "deleted %s %d (flag %d)" % (self.cpms[0], i, flag))
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
        m = self.mem(1).msgs.get(idx) if idx is not None else None
        if m is None:
            return self.cms(321)
        try:
            d = decode_pdu(m["pdu"])
        except (ValueError, IndexError):
            return self.cms(304)
        if d["type"] != "submit":
            return self.cms(302)
        r = self.network_send(d, "CMSS", lambda: m.__setitem__("stat", 3))
        if r is None:             # deferred, or never answered: echo only for now
            r = Reply(final=None, after=None if self.awaiting_final else self.release_urcs)
        return r

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
            idx = self.mem(1).put(e["stat"], pdu, d["tpdu_len"])
            if idx is None:
                self.respond(None, self.cms(322))
                return
            self.respond(None, Reply(["+CMGW: %d" % idx]))
            return
        if d["type"] != "submit":
            self.respond(None, self.cms(304))
            return
        r = self.network_send(d, "CMGS")
        if r is not None:
            self.respond(None, r)
        elif not self.awaiting_final:
            self.release_urcs()       # taken but never answered (dlr for-unsent)

    def network_send(self, d, kind, on_ok=None):
        """Network verdict for a submitted PDU. Returns a Reply, or None when
        the answer is deferred (--send-delay) or never comes (dlr for-unsent)."""
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
            answered = not self.take_unsent()
            if not answered:
                rec["answered"] = False
            self.write_sent(rec)
            self.log("EV", "%s to %s accepted mr=%d part %s/%s%s" % (
                kind, d["number"], self.mr, d["seq"], d["total"],
                "" if answered else " (no answer: dlr for-unsent)"))
            self.report_on_submit(d, self.mr)
            if on_ok:
                on_ok()
            if not answered:
                return None
            return Reply(["+%s: %d" % (kind, self.mr)])

        if self.send_delay > 0:
            gen = self.appear_count
            self.awaiting_final = True

            def later():
                if gen != self.appear_count:
                    return
                self.awaiting_final = False
                if self.present and "hang" not in self.faults:
                    r = verdict()
                    if r is not None:
                        self.respond(None, r)
                        return
                self.release_urcs()
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
        return self.mems["SM"].free_index()

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
                self.unsolicited('+CMTI: "%s",%d' % (self.urc_mem(self.cpms[2]), idx))
        res = collections.OrderedDict(locations=locs)
        res.update(extra)
        res["direct"] = direct
        self.log("EV", "inject %s" % json.dumps(res))
        return res

