"""New-message indications on the simulated AT modem (tests/modemsim,
libgammu's real `at` driver): gatewayd asks for AT+CNMI, and a +CMTI that
arrives while a broadcast drains makes it read the modem at once, instead
of waiting for the read pace (gateway/daemon/readpace.h).

The poll interval is set to 10 minutes, so without the indication the
question could not be read before the broadcast ends: the check is on
order (the reply goes out between broadcast messages), not on time."""
import os
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "soak"))
sys.dont_write_bytecode = True
import soaklib as S  # noqa: E402
from soaklib import check, figure  # noqa: E402

BROADCASTS = 12
BASE = "+8490300"
HOUSEHOLD = "+84906999001"


def queue_broadcast(db, n):
    c = sqlite3.connect(db, timeout=30)
    try:
        with c:
            c.executemany("INSERT INTO outbox (phone, text, kind, priority, created_at)"
                          " VALUES (?, ?, 'broadcast', 50, ?)",
                          [("%s%04d" % (BASE, i), "TB: hop dan thon 3 luc 8h sang thu hai",
                            int(time.time())) for i in range(n)])
    finally:
        c.close()


def main():
    def body(sim, g):
        queue_broadcast(g.db_path, BROADCASTS)
        g.start()

        def bcast_sent():
            return [m for m in sim.sent() if m["to"].startswith(BASE)]
        check("the broadcast starts", S.wait_for(lambda: len(bcast_sent()) >= 2, 60),
              g.log_text()[-2000:])
        before = len(bcast_sent())
        sim.ctl_ok("inject", HOUSEHOLD, "VIEC")

        def answered():
            return any(m["to"] == HOUSEHOLD for m in sim.sent())
        check("the question is answered", S.wait_for(answered, 120), g.log_text()[-2000:])
        sent = sim.sent()
        first = next((i for i, m in enumerate(sent) if m["to"] == HOUSEHOLD), None)
        ahead = sum(1 for m in sent[:first] if m["to"].startswith(BASE)) if first is not None else -1
        figure("broadcast messages sent between the question and its reply", ahead - before)
        check("answered between broadcast messages, not after the broadcast (%d of %d sent"
              " before it)" % (ahead, BROADCASTS), first is not None and ahead < BROADCASTS,
              [(m["to"], m["seq"]) for m in sent])
        S.wait_for(lambda: len(bcast_sent()) >= BROADCASTS, 120)
        check("the whole broadcast is sent, each message once",
              sorted(m["to"] for m in bcast_sent()) ==
              sorted("%s%04d" % (BASE, i) for i in range(BROADCASTS)))
        with open(sim.at_log, encoding="utf-8", errors="replace") as f:
            at = f.read()
        check("the daemon asked for new-message indications (AT+CNMI)", "AT+CNMI=" in at)
    # no quiet hours: the broadcast must go whatever the hour the test runs
    return S.run_on_simulator("test_at_indications.py", "gw-cnmi-", body, "--keep" in sys.argv,
                              extra_conf='broadcast = { quiet_start = "00:00";'
                                         ' quiet_end = "00:00"; };\n',
                              modem={"poll_interval_ms": 600000, "busy_poll_max_ms": 600000,
                                     # one text to 12 numbers: no operator's limits here
                                     "same_text_per_5min": 0, "same_text_per_hour": 0})


if __name__ == "__main__":
    sys.exit(main())
