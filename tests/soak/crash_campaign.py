#!/usr/bin/env python3
"""Crash campaign: inbound messages arrive on the simulated AT modem while
gatewayd is killed with SIGKILL at random moments and restarted at once.
Afterwards every message must be in the database exactly once, and every
sender must have received exactly the replies it should, counted from the
modem simulator's sent log. A reply whose row is `sent_unknown` (the daemon
died between handing it to the modem and recording it) may have reached
the modem 0 or 1 times; it is counted apart. Anything else lost or
duplicated is a failure.

Each message is `UT <n>` (a job number that does not exist) or, one in
--multipart-every, a two-part UCS-2 Vietnamese message starting with it:
the answer is one part, "Khong co viec so <n>...", so each reply names the
message it answers. Kills are spread uniformly at random over the run
(interval uniform in [0.1, 1.9] x mean, mean = injection time / kills);
the phase a kill hit is judged from the last AT command the modem saw.
Random moments rarely land in the narrow windows between two steps of the
pipeline, so --crashpoint-share of the restarts also arm one of
common/crashpoint.c's points (GW_CRASHPOINT, skipping a random number of
passes): the daemon then kills itself with SIGKILL right there, e.g.
after committing parts and before deleting them from the SIM. Those are
counted apart from the --kills random ones.

  crash_campaign.py                      # long: 1000 messages, 200 senders, 50 kills
  crash_campaign.py --messages 40 --senders 10 --kills 5 --build san   # short
  crash_campaign.py --modems 2 ...       # over two modems (issue 18)

With --modems 2 the box has two simulated modems, a Viettel SIM and a
VinaPhone SIM (each its own simulator and gatewayd worker process); half the
senders have Viettel numbers and half VinaPhone ones, and each message is
written to either modem at random, so answers often leave through the other
SIM than the question came in on. The checks are the same, over both
simulators' sent logs together; a FIGURE counts the answers that went out
through the recipient's operator's SIM.

Prints PASS/FAIL lines and FIGURE lines; exit status 0 when all passed."""
import argparse
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaklib as S  # noqa: E402
from soaklib import check, figure, note  # noqa: E402

VI_TAIL = (" cho em hỏi việc này còn tuyển không ạ, nhà em ở thôn Đông, xã Tân Lập,"
           " em năm nay 24 tuổi, đã tốt nghiệp cấp ba")


OPERATORS = [("Viettel", "viettel", "+849620%05d"), ("VinaPhone", "vinaphone", "+849120%05d")]


def plan(args, r):
    if args.modems > 1:
        senders = [OPERATORS[i % 2][2] % (i + 1) for i in range(args.senders)]
    else:
        senders = ["+849030%05d" % (i + 1) for i in range(args.senders)]
    msgs = []
    for i in range(args.messages):
        n = 10000 + i
        text = "UT %d" % n
        if args.multipart_every and i % args.multipart_every == args.multipart_every - 1:
            text = "Ut %d%s" % (n, VI_TAIL)
        msgs.append((senders[i % len(senders)], text, n))
    r.shuffle(msgs)
    return msgs


CRASHPOINTS = ["ingest-stored", "ingest-deleted", "inbound-handled", "inbound-committed",
               "send-marked", "send-returned"]


def start(gw, args, r):
    """Start gatewayd, sometimes armed to kill itself at a crash point."""
    if r.random() < args.crashpoint_share:
        point = r.choice(CRASHPOINTS)
        gw.start(GW_CRASHPOINT=point, GW_CRASHPOINT_SKIP=str(r.randrange(0, 6)))
        return point
    gw.start()
    return None


def quiet(gw, sims, expected):
    """Everything read from the modems, handled and sent (or settled)."""
    try:
        if any(sim.status()["stored"] != 0 for sim in sims):
            return False
    except (OSError, ValueError):
        return False
    q = gw.q("SELECT (SELECT count(*) FROM inbox WHERE channel = 'sms'),"
             " (SELECT count(*) FROM inbox WHERE status = 'new'),"
             " (SELECT count(*) FROM inbox_parts WHERE inbox_id IS NULL),"
             " (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending'))")[0]
    return q[0] >= expected and q[1] == 0 and q[2] == 0 and q[3] == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--senders", type=int, default=200)
    ap.add_argument("--modems", type=int, default=1, choices=(1, 2),
                    help="simulated modems in the box (2: a Viettel and a VinaPhone SIM)")
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--inject-interval", type=float, default=1.0,
                    help="seconds between injected messages")
    ap.add_argument("--multipart-every", type=int, default=5,
                    help="every Nth message is a two-part UCS-2 one (0: none)")
    ap.add_argument("--capacity", type=int, default=50, help="SIM slots")
    ap.add_argument("--crashpoint-share", type=float, default=0.3,
                    help="share of restarts that arm a crash point")
    ap.add_argument("--build", choices=("opt", "san"), default="opt")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--drain-timeout", type=float, default=0,
                    help="seconds to wait for the backlog at the end (default: scaled)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()

    r = S.rng(args.seed)
    work = S.make_workdir("gw-crash-")
    t_start = time.monotonic()
    print("crash campaign: %d messages from %d senders, %d kills, %d modem(s), %s build, seed %d,"
          " in %s" % (args.messages, args.senders, args.kills, args.modems, args.build, args.seed,
                      work), flush=True)
    gatewayd, gatewayctl = S.private_bins(args.build, os.path.join(work, "bin"))
    if args.modems > 1:
        sims = [S.ModemSim(work, "--capacity", str(args.capacity), "--seed", str(args.seed + i),
                           "--operator", OPERATORS[i][0], name="m%d" % i)
                for i in range(args.modems)]
    else:
        sims = [S.ModemSim(work, "--capacity", str(args.capacity), "--seed", str(args.seed))]
    gw = None
    msgs = plan(args, r)
    expected = collections.Counter((s, t) for s, t, _ in msgs)
    kills = []          # (seconds since start, phase): the random SIGKILLs
    self_kills = []     # (seconds since start, crash point)
    unexpected_exits = []
    try:
        if args.modems > 1:
            gw = S.Gateway(work, gatewayd, gatewayctl, None, modems=[
                ("sim-%s" % OPERATORS[i][1], sims[i].link, {"operators": OPERATORS[i][1]})
                for i in range(args.modems)])
        else:
            gw = S.Gateway(work, gatewayd, gatewayctl, sims[0].link)

        def restart():
            """Armed at random while planned kills are left."""
            if len(kills) < args.kills:
                return start(gw, args, r)
            gw.start()
            return None
        armed = restart()
        inject_time = args.messages * args.inject_interval
        mean = inject_time / max(1, args.kills)
        next_kill = time.monotonic() + r.uniform(0.1 * mean, 1.9 * mean)
        next_inject = time.monotonic()
        i = 0
        full_waits = 0
        while i < len(msgs) or len(kills) < args.kills:
            now = time.monotonic()
            if not gw.alive():
                rc = gw.proc.returncode if gw.proc else None
                if armed and rc == -9:
                    self_kills.append((now - t_start, armed))
                else:
                    unexpected_exits.append(rc)
                    note("gatewayd exited by itself (rc %s); restarting" % rc)
                armed = restart()
            if len(kills) < args.kills and now >= next_kill:
                phase = "/".join(sorted(set(S.kill_phase(sim.last_command_before(
                    sim.at_log_size())) for sim in sims)))
                gw.kill9()
                kills.append((now - t_start, phase))
                armed = restart()
                next_kill = time.monotonic() + r.uniform(0.1 * mean, 1.9 * mean)
            if i < len(msgs) and now >= next_inject:
                sender, text, _ = msgs[i]
                rep = r.choice(sims).ctl("inject", sender, text)
                if rep.startswith("ok"):
                    i += 1
                    next_inject = now + args.inject_interval
                else:  # SIM full while the daemon is down: try again shortly
                    full_waits += 1
                    next_inject = now + 0.5
            time.sleep(0.02)
        note("all %d messages injected, %d kills done after %.0f s; draining"
             % (len(msgs), len(kills), time.monotonic() - t_start))
        drain = args.drain_timeout or max(120.0, 3.0 * args.messages)
        t_drain = time.monotonic()

        def settled_or_restart():
            if not gw.alive():  # only a crash or someone else's signal gets here
                unexpected_exits.append(gw.proc.returncode if gw.proc else None)
                note("gatewayd exited by itself while draining (rc %s); restarting"
                     % unexpected_exits[-1])
                gw.start()
            return quiet(gw, sims, len(msgs))
        settled = S.wait_for(settled_or_restart, drain, 0.5)
        figure("drain after the last kill (s)", "%.0f" % (time.monotonic() - t_drain))
        check("backlog drained within %.0f s" % drain, settled,
              gw.q("SELECT status, count(*) FROM outbox GROUP BY status"))
        rc = gw.stop()
        check("SIGTERM at the end: clean exit", rc == 0, rc)
        check("gatewayd never exited by itself", not unexpected_exits, unexpected_exits)
        check("no sanitizer report", not gw.sanitizer_reports(), gw.sanitizer_reports()[:5])
        elapsed = time.monotonic() - t_start
        verify(args, gw, sims, msgs, expected, kills, self_kills, elapsed, full_waits)
    finally:
        if gw and gw.alive():
            gw.kill9()
        for sim in sims:
            sim.stop()
    rc = S.finish("crash_campaign")
    S.cleanup(work, args.keep)
    return rc


def verify(args, gw, sims, msgs, expected, kills, self_kills, elapsed, full_waits):
    rows = gw.q("SELECT id, sender, text, status FROM inbox WHERE channel = 'sms'")
    got = collections.Counter((s, t) for _, s, t, _ in rows)
    lost = sum(max(0, n - got[k]) for k, n in expected.items())
    dup = sum(max(0, got[k] - n) for k, n in expected.items() if k in got)
    strange = sum(n for k, n in got.items() if k not in expected)
    not_handled = [(i, st) for i, _, _, st in rows if st != "handled"]

    out = gw.q("SELECT o.id, o.phone, o.text, o.status, o.inbox_id FROM outbox o")
    per_inbox = collections.Counter(o[4] for o in out)
    inbox_ids = {row[0] for row in rows}
    replies_missing = [i for i in inbox_ids if per_inbox[i] == 0]
    replies_extra = [i for i in inbox_ids if per_inbox[i] > 1]
    by_status = collections.Counter(o[3] for o in out)

    # what the modem accepted, per (phone, text)
    merged = [m for sim in sims for m in sim.merged()]
    if args.modems > 1:
        own = gw.q("SELECT count(*) FROM outbox WHERE status = 'sent' AND modem ="
                   " CASE WHEN phone LIKE '+8496%' THEN 'sim-viettel' ELSE 'sim-vinaphone' END")
        figure("answers through the recipient's operator's SIM", "%d of %d" % (
            own[0][0], gw.q1("SELECT count(*) FROM outbox WHERE status = 'sent'")))
    delivered = collections.Counter((m["to"], m["text"]) for m in merged if m["complete"])
    partial = [m for m in merged if not m["complete"]]
    rows_by_key = collections.defaultdict(lambda: [0, 0])
    for _, phone, text, status, _ in out:
        if status == "sent":
            rows_by_key[(phone, text)][0] += 1
        elif status == "sent_unknown":
            rows_by_key[(phone, text)][1] += 1
    reply_lost = reply_dup = unknown_0 = unknown_1 = 0
    for key, (n_sent, n_unknown) in rows_by_key.items():
        d = delivered.get(key, 0)
        if d < n_sent:
            reply_lost += n_sent - d
        elif d > n_sent + n_unknown:
            reply_dup += d - n_sent - n_unknown
        else:
            unknown_1 += d - n_sent
            unknown_0 += n_sent + n_unknown - d
    strays = sum(n for k, n in delivered.items() if k not in rows_by_key)

    # per sender: replies received against messages sent
    sent_by = collections.Counter(s for s, _, _ in msgs)
    recv_by = collections.Counter(m["to"] for m in merged if m["complete"])
    unk_by = collections.Counter(o[1] for o in out if o[3] == "sent_unknown")
    bad_senders = [s for s, n in sent_by.items()
                   if not (n - unk_by[s] <= recv_by[s] <= n)]
    # each reply names its message: "Khong co viec so <n>"
    named = collections.Counter()
    for m in merged:
        mt = re.search(r"\b(1\d{4})\b", m["text"])
        if mt and m["complete"]:
            named[(m["to"], int(mt.group(1)))] += 1
    misaddressed = sum(1 for (to, n), c in named.items()
                       if (to, n) not in {(s, k) for s, _, k in msgs})

    phases = collections.Counter(p for _, p in kills)
    figure("build", "optimised (-O2)" if args.build == "opt" else "sanitized (ASan+UBSan)")
    figure("messages injected", len(msgs))
    figure("two-part messages", sum(1 for _, t, _ in msgs if not t.startswith("UT ")))
    figure("senders", len(set(s for s, _, _ in msgs)))
    figure("random kills (SIGKILL)", len(kills))
    figure("kills by phase", ", ".join("%s %d" % kv for kv in sorted(phases.items())))
    points = collections.Counter(p for _, p in self_kills)
    figure("crash-point kills", "%d (%s)" % (len(self_kills), ", ".join(
        "%s %d" % kv for kv in sorted(points.items()))))
    figure("daemon starts", gw.starts)
    figure("inbox rows", len(rows))
    figure("lost messages", lost)
    figure("duplicated messages", dup)
    figure("replies sent (recorded)", by_status.get("sent", 0))
    figure("replies sent_unknown", by_status.get("sent_unknown", 0))
    figure("  sent_unknown that reached the modem", unknown_1)
    figure("  sent_unknown that did not", unknown_0)
    figure("replies lost", reply_lost + len(replies_missing))
    figure("replies duplicated", reply_dup + len(replies_extra))
    figure("partial multipart replies at the modem", len(partial))
    figure("parts read again after a kill, recognised as duplicates",
           gw.log_text().count("duplicate delivery from"))
    figure("SIM-full waits while injecting", full_waits)
    figure("elapsed (s)", "%.0f" % elapsed)

    check("at least %d kills" % args.kills, len(kills) >= args.kills, len(kills))
    check("every message in the database (lost = 0)", lost == 0, lost)
    check("no message stored twice (duplicated = 0)", dup == 0, dup)
    check("no unexpected inbox rows", strange == 0, strange)
    check("every message handled", not not_handled, not_handled[:10])
    check("one reply queued per message", not replies_missing and not replies_extra,
          (replies_missing[:10], replies_extra[:10]))
    check("every reply sent or sent_unknown",
          set(by_status) <= {"sent", "sent_unknown"}, dict(by_status))
    check("no recorded reply missing at the modem", reply_lost == 0, reply_lost)
    check("no reply delivered twice", reply_dup == 0, reply_dup)
    check("nothing sent that no outbox row asked for", strays == 0, strays)
    check("every sender got exactly its replies (sent_unknown: 0 or 1)", not bad_senders,
          [(s, sent_by[s], recv_by[s], unk_by[s]) for s in bad_senders[:10]])
    check("every reply names a message of its own sender", misaddressed == 0, misaddressed)
    check("no partial multipart reply", not partial, partial[:3])


if __name__ == "__main__":
    sys.exit(main())
