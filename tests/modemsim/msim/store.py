"""SMS memories (27.005 <mem>): "SM" (the SIM: inbound and written messages)
and "SR" (status reports). Both survive vanish/appear, as a SIM and the
modem's flash would."""

# +CMGL/+CMGR <stat>
REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT = 0, 1, 2, 3


class SmsMemory(object):
    """One memory: slots 1..capacity, each {"stat", "pdu" (bytes, with the
    SMSC prefix), "len" (TPDU octets)}."""

    def __init__(self, name, capacity):
        self.name = name
        self.capacity = capacity
        self.msgs = {}

    def used(self):
        return len(self.msgs)

    def free(self):
        return self.capacity - len(self.msgs)

    def free_index(self):
        for i in range(1, self.capacity + 1):
            if i not in self.msgs:
                return i
        return None

    def put(self, stat, pdu, tlen):
        """Store in the lowest free slot; returns the index or None when full."""
        idx = self.free_index()
        if idx is not None:
            self.msgs[idx] = {"stat": stat, "pdu": pdu, "len": tlen}
        return idx

    def unread(self):
        return sum(1 for m in self.msgs.values() if m["stat"] == REC_UNREAD)
