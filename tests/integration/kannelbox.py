"""Kannel's box protocol (bearerbox <-> smsbox) in stdlib Python: enough to
stand in for smsbox in tests and benchmarks, and a worked reference for a
C implementation in gatewayd (issue 17).

Wire format (Kannel 1.4.5, gw/msg-decl.h + gw/msg.c, checked against the
Debian bearerbox): every message is a frame
    int32 length (big-endian, of what follows) | packed message
and a packed message is
    int32 type (0 heartbeat, 1 admin, 2 sms, 3 ack, 4 wdp_datagram)
followed by the fields of that type in declaration order:
    INTEGER -> int32 big-endian (-1 = undefined)
    OCTSTR  -> int32 length (-1 = NULL) + octets
    UUID    -> int32 36 + the 36-character text form
    VOID    -> nothing on the wire

Conversation (gw/bb_boxc.c, gw/smsbox.c):
- the box connects to core.smsbox-port and sends admin(cmd_identify=3,
  boxc_id) (boxc_id may be NULL); from then on bearerbox sends it sms
  messages (sms_type 0 = MO, 3 = report_mo: a delivery report);
- the box answers each with ack(nack=0 success, time, id = the sms id);
  bearerbox keeps at most core.smsbox-max-pending (default 100) unacked
  messages per box, deletes an acked one from its store, and re-queues the
  unacked ones when the box disconnects (so a box that acks only after its
  own commit gets at-least-once delivery);
- the box sends MT as sms (sms_type 1 mt_reply or 2 mt_push, its own id);
  bearerbox stores it, routes it and answers ack(id) with nack 0 (sent to an
  SMSC queue), 3 (buffered: no SMSC up), 1 (failed: no route) or 2
  (temporary failure, e.g. queue full: try again);
- a report_mo for an MT carries the MT's dlr_url unchanged in dlr_url, the
  report type (1, 2, 4, 8, 16) in dlr_mask and the SMSC's text in msgdata;
- heartbeat(load) every few seconds from the box (smsbox: 30 s) is optional.
Long MT text is NOT split by bearerbox: smsbox does the splitting (UDH,
msg_left) before sending, so a direct box must send one sms per part.
"""
import socket
import struct
import threading
import time
import uuid

HEARTBEAT, ADMIN, SMS, ACK, WDP = range(5)
CMD_SHUTDOWN, CMD_SUSPEND, CMD_RESUME, CMD_IDENTIFY, CMD_RESTART = range(5)
MO, MT_REPLY, MT_PUSH, REPORT_MO, REPORT_MT = range(5)
ACK_SUCCESS, ACK_FAILED, ACK_FAILED_TMP, ACK_BUFFERED = range(4)

# (kind, name) in declaration order; kinds: i integer, s octstr, u uuid, v void
FIELDS = {
    HEARTBEAT: [("i", "load")],
    ADMIN: [("i", "command"), ("s", "boxc_id")],
    SMS: [("s", "sender"), ("s", "receiver"), ("s", "udhdata"), ("s", "msgdata"),
          ("i", "time"), ("s", "smsc_id"), ("s", "smsc_number"), ("s", "foreign_id"),
          ("s", "service"), ("s", "account"), ("u", "id"), ("i", "sms_type"), ("i", "mclass"),
          ("i", "mwi"), ("i", "coding"), ("i", "compress"), ("i", "validity"),
          ("i", "deferred"), ("i", "dlr_mask"), ("s", "dlr_url"), ("i", "pid"),
          ("i", "alt_dcs"), ("i", "rpi"), ("s", "charset"), ("s", "boxc_id"), ("s", "binfo"),
          ("i", "msg_left"), ("v", "split_parts"), ("i", "priority"), ("i", "resend_try"),
          ("i", "resend_time"), ("s", "meta_data")],
    ACK: [("i", "nack"), ("i", "time"), ("u", "id")],
    WDP: [("s", "source_address"), ("i", "source_port"), ("s", "destination_address"),
          ("i", "destination_port"), ("s", "user_data")],
}


def pack(mtype, **f):
    """Packed message (without the frame length). Missing integers are -1,
    missing octstrs NULL, a missing uuid a fresh one; str is UTF-8."""
    out = [struct.pack(">i", mtype)]
    for kind, name in FIELDS[mtype]:
        v = f.get(name)
        if kind == "i":
            out.append(struct.pack(">i", -1 if v is None else int(v)))
        elif kind == "s":
            if v is None:
                out.append(struct.pack(">i", -1))
            else:
                b = v.encode("utf-8") if isinstance(v, str) else bytes(v)
                out.append(struct.pack(">i", len(b)) + b)
        elif kind == "u":
            t = str(v or uuid.uuid4()).encode("ascii")
            out.append(struct.pack(">i", len(t)) + t)
    return b"".join(out)


def unpack(data):
    """dict(type=..., fields...) of a packed message; raises ValueError on a
    short or over-long packet (the field list must match exactly)."""
    off = 0

    def integer():
        nonlocal off
        if off + 4 > len(data):
            raise ValueError("packet too short")
        (v,) = struct.unpack_from(">i", data, off)
        off += 4
        return v
    mtype = integer()
    if mtype not in FIELDS:
        raise ValueError("unknown message type %d" % mtype)
    msg = {"type": mtype}
    for kind, name in FIELDS[mtype]:
        if kind == "i":
            msg[name] = integer()
        elif kind in "su":
            n = integer()
            if n == -1:
                msg[name] = None
                continue
            if n < 0 or off + n > len(data):
                raise ValueError("bad octstr length %d" % n)
            msg[name] = bytes(data[off:off + n])
            off += n
            if kind == "u":
                msg[name] = msg[name].decode("ascii")
    if off != len(data):
        raise ValueError("%d octets left over: field list mismatch" % (len(data) - off))
    return msg


def frame(packed):
    return struct.pack(">i", len(packed)) + packed


class BoxClient:
    """A minimal smsbox replacement: connect, identify, then read messages
    on a thread; on_sms(msg) is called for each MO/report and must return
    True to ack it now (or call ack(msg) later); acks for our MT messages go
    to on_ack(msg). send_mt() writes one MT sms and returns its id."""

    def __init__(self, port, host="127.0.0.1", boxc_id=None, on_sms=None, on_ack=None):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.wlock = threading.Lock()
        self.on_sms = on_sms or (lambda m: True)
        self.on_ack = on_ack or (lambda m: None)
        self.closed = threading.Event()
        self.send(pack(ADMIN, command=CMD_IDENTIFY, boxc_id=boxc_id))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def send(self, packed):
        with self.wlock:
            self.sock.sendall(frame(packed))

    def send_many(self, packed_list):
        with self.wlock:
            self.sock.sendall(b"".join(frame(p) for p in packed_list))

    def ack(self, msg, nack=ACK_SUCCESS):
        self.send(pack(ACK, nack=nack, time=msg.get("time"), id=msg["id"]))

    @staticmethod
    def mt(sender, receiver, text=None, data=None, coding=0, udh=None, dlr_mask=None,
           dlr_url=None, smsc_id=None, boxc_id=None, msg_id=None, sms_type=MT_PUSH):
        """Packed MT sms. text (str) is sent as UTF-8 with coding 0 (bearerbox
        maps it to the SMSC's alphabet) or as UTF-16BE with coding 2; data
        (bytes) goes as is. Returns (id, packed)."""
        mid = msg_id or str(uuid.uuid4())
        if data is None:
            data = text.encode("utf-16-be") if coding == 2 else text.encode("utf-8")
        return mid, pack(SMS, sender=sender, receiver=receiver, udhdata=udh, msgdata=data,
                         time=int(time.time()), smsc_id=smsc_id, id=mid, sms_type=sms_type,
                         coding=coding, dlr_mask=dlr_mask, dlr_url=dlr_url, boxc_id=boxc_id)

    def send_mt(self, *a, **kw):
        mid, p = self.mt(*a, **kw)
        self.send(p)
        return mid

    def _read(self):
        buf = b""
        try:
            while True:
                d = self.sock.recv(262144)
                if not d:
                    break
                buf += d
                while len(buf) >= 4:
                    (n,) = struct.unpack_from(">i", buf, 0)
                    if len(buf) < 4 + n:
                        break
                    msg = unpack(buf[4:4 + n])
                    buf = buf[4 + n:]
                    if msg["type"] == SMS:
                        if self.on_sms(msg):
                            self.ack(msg)
                    elif msg["type"] == ACK:
                        self.on_ack(msg)
        except OSError:
            pass
        finally:
            self.closed.set()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.reader.join(5)
