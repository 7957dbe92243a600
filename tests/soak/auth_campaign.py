#!/usr/bin/env python3
"""Authentication campaign: officer and administrator SMS commands
(VIECMOI, DONG, TB, XN, DOI; handlers/features/officers.c checks the PIN) from
unregistered numbers, with wrong PINs, replayed, or carrying SQL and
format-string payloads, must be refused and audited and change nothing.

On libgammu's dummy phone with the send-capture shim. Setup: an officer
of Tan Lap, one of Thien Ke and an administrator registered with
`gatewayctl officer add` (Argon2id PIN hashes), two households subscribed
to job offers, one of Tan Lap with an appointment, one legitimate
broadcast by Tan Lap's officer. Then the attacks; then the checks:

  - every attack that routes to an officer command is refused (the reply
    is a refusal, never a receipt) and audited (officer_auth_fail);
  - an officer of another commune, with their right PIN, is refused on
    every command about Tan Lap's appointment, offer, households and area
    (issue 16), audited as scope_refused, and shown nothing of them;
  - the protected state is byte for byte what it was: jobs, broadcasts,
    appointments, referrals, subscriptions, programs, the officers' names,
    roles and PIN hashes, the schema; nothing was queued for anyone but
    the attackers themselves;
  - max_pin_failures wrong PINs lock the officer's number, and the right
    PIN is refused while it is locked;
  - a network duplicate of the officer's own command is not run twice, and
    the same text from another number is refused;
  - no PIN appears in the stored messages, the audit table or the log, no
    reply shows format-string expansions, and the daemon never crashed;
  - afterwards the administrator's real command still works.

  auth_campaign.py            # every attack
  auth_campaign.py --short    # a subset for make test
"""
import datetime
import hashlib
import os
import re
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import soaklib as S  # noqa: E402
from soaklib import check, figure  # noqa: E402
import gwtest  # noqa: E402

OFFICER, OFFICER_PIN = "+84911000001", "246813"
ADMIN, ADMIN_PIN = "+84911000002", "975310"
OTHER, OTHER_PIN = "+84911000003", "135790"  # an officer of another commune (Thien Ke)
H1, H2 = "+84912000001", "+84912000002"
MAX_FAILURES = 5
REFUSAL = re.compile(r"^(Tu choi|Sai PIN|So nay tam khoa|Refused|Wrong PIN|This number is locked"
                     r"|(Hen #|Viec so )\d+ khong thuoc xa ban)")
RECEIPT = re.compile(r"(Da dang viec|TB so \d|Broadcast \d|Da dong|Da xac nhan|Da doi|Closed|Posted)")
FORMAT_LEAK = re.compile(r"\(nil\)|\(null\)|0x[0-9a-f]{6,}|%n")

PROTECTED = [
    ("jobs", "SELECT * FROM jobs ORDER BY id"),
    ("broadcasts", "SELECT * FROM broadcasts ORDER BY id"),
    ("appointments", "SELECT * FROM appointments ORDER BY id"),
    ("referrals", "SELECT * FROM referrals ORDER BY id"),
    ("subscriptions", "SELECT * FROM subscriptions ORDER BY rowid"),
    ("programs", "SELECT code, version, title_vi FROM programs ORDER BY code"),
    ("officers", "SELECT id, phone, name, role, commune, pin_hash, web_hash FROM officers ORDER BY id"),
    ("schema", "SELECT type, name, sql FROM sqlite_master ORDER BY name"),
    ("broadcast outbox", "SELECT id, phone, text FROM outbox WHERE kind IN ('broadcast', 'notify')"
                         " ORDER BY id"),
]

STRANGERS = ["+84919000001", "+84919000002", "+84919000003", "+84919000004"]


def attacks(short):
    """(sender, text, expect): 'refused' - routes to an officer command and
    must be refused and audited; 'locked' - the same, with the lock answer;
    'any' - may not even be read as a command (then it must change nothing
    and get no receipt either)."""
    s1, s2, s3, s4 = STRANGERS
    a = [
        # unregistered numbers, with the officer's and the admin's real PIN
        (s1, "VIECMOI %s Viec gia; Tan Lap; 5tr; 30/6/2027" % OFFICER_PIN, "refused"),
        (s1, "DONG %s 3" % ADMIN_PIN, "refused"),
        (s1, "TB %s VIEC 1" % OFFICER_PIN, "refused"),
        (s1, "XN %s 1" % OFFICER_PIN, "refused"),
        (s1, "DOI %s 1 20/12 9h" % OFFICER_PIN, "refused"),
        # injections from an unregistered number
        (s2, "VIECMOI 246813'; DROP TABLE jobs;-- x; Tan Lap; 5tr; 30/6/2027", "refused"),
        (s2, "TB 246813 %s%s%s%s%n%n%x%p hello", "refused"),
        (s2, "DONG 1 OR 1=1", "any"),
        (s2, "XN ' OR '1'='1 1", "any"),
        (s2, "DONG 246813; DELETE FROM officers; 1", "refused"),
        (s2, "TB %n%n%n%n%n%n%n%n", "any"),
        (s2, "VIECMOI %99999999d %s", "any"),
        (s3, "DONG \uff12\uff14\uff16\uff18 1", "any"),     # full-width digits
        (s3, "TB 246813 " + "Tan Lap: " + "A" * 500, "refused"),  # four parts
        (s3, "tb 246813 viec 1", "refused"),
        (s3, "Thong bao 246813 VIEC 2", "refused"),
        (s3, "DOI 246813 1 32/13 25h", "refused"),
        # the administrator's number, wrong PINs below the lock-out
        (ADMIN, "DONG '); DROP TABLE officers;-- 1", "any"),
        (ADMIN, "TB %s%s%s%x%x 13579 hop dan", "any"),
        (ADMIN, "DONG 13579 3", "refused"),
    ]
    # not a command at all, but the officer's real PIN in it: masked all the same
    a += [(OFFICER, "Em gui lai ma %s nhe anh" % OFFICER_PIN, "any")]
    # the officer's number: wrong PINs until the lock, then the right one
    wrong = ["TB 1111 VIEC 1", "DONG 0000 3", "XN 99999999 1", "TB 24680 -- VIEC 1",
             "DOI 2469 1 20/12 9h"]
    a += [(OFFICER, t, "refused") for t in wrong[:MAX_FAILURES]]
    a += [(OFFICER, "TB %s VIEC 1" % OFFICER_PIN, "locked"),
          (OFFICER, "DONG %s 3" % OFFICER_PIN, "locked")]
    # an unregistered number that keeps trying gets the lock answer too
    a += [(s4, "TB %d VIEC 1" % (1000 + i), "refused") for i in range(MAX_FAILURES + 1)]
    # issue 16: an officer of Thien Ke, right PIN, on Tan Lap's appointment
    # (#1), offer (6), households and commune: refused as out of scope
    p = OTHER_PIN
    a += [(OTHER, t % p, "scope") for t in (
        "XN %s 1", "DOI %s 1 20/12 9h", "XN %s 1 KHONG", "DONG %s 6", "TB %s VIEC 6",
        "TB %s Tan Lap: hop dan gia", "VIECMOI %s Viec gia; Tan Lap, Song Lo; 5tr; 30/6/2027")]
    if short:  # one of each kind
        keep = {0, 1, 5, 6, 7, 17, 19}
        a = [x for i, x in enumerate(a) if i in keep or x[0] in (OFFICER, OTHER)]
    return a


def snapshot(g):
    out = {}
    for name, sql in PROTECTED:
        try:
            rows = g.q(sql)
        except Exception as e:  # noqa: BLE001 - a missing table is a finding too
            rows = ["error: %r" % e]
        out[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def settle(g, n_inbox):
    """Wait until n_inbox messages are handled and nothing waits to be sent."""
    def done():
        q = g.q("SELECT (SELECT count(*) FROM inbox), (SELECT count(*) FROM inbox WHERE"
                " status = 'new'), (SELECT count(*) FROM outbox WHERE status IN"
                " ('queued', 'sending') AND kind <> 'broadcast')")[0]
        return q[0] >= n_inbox and q[1] == 0 and q[2] == 0 and g.phone_files() == 0
    return S.wait_for(done, 180, 0.1)


def main():
    args, work, t0 = S.gateway_campaign(__doc__, "gw-auth-", "auth campaign")
    g = gwtest.Gateway("sms = { rate_limit_per_hour = 1000; };\n"
                       "officers = { max_pin_failures = %d; lockout_minutes = 30; };"
                       % MAX_FAILURES)
    return S.run_campaign("auth_campaign", g, lambda: run(args, g), work, args.keep, t0)


def run(args, g):
    g.ctl("officer", "add", "0911000001", "--name", "Can bo An", "--commune", "Tan Lap",
          "--role", "officer", "--pin", OFFICER_PIN)
    g.ctl("officer", "add", "0911000002", "--name", "Quan tri", "--role", "admin",
          "--pin", ADMIN_PIN)
    g.ctl("officer", "add", "0911000003", "--name", "Can bo Binh", "--commune", "Thien Ke",
          "--role", "officer", "--pin", OTHER_PIN)
    # Tan Lap's appointment #1: a household of Tan Lap, with Tan Lap's officer
    db = sqlite3.connect(g.db_path, timeout=10)
    db.execute("INSERT INTO contacts (phone, commune, created_at, last_seen) VALUES (?, 'Tan Lap', 0, 0)",
               (H2,))
    db.execute("INSERT INTO appointments (phone, officer_id, day, slot, created_at, updated_at)"
               " VALUES (?, 1, '2031-01-06', '09:00', 0, 0)", (H2,))
    db.commit()
    db.close()
    g.start()
    # setup: two households subscribe, the officer broadcasts once (legitimately)
    g.inject(H1, "DK VIEC")
    g.inject(H2, "DK VIEC Tan Lap")
    check("setup handled", settle(g, 2))
    legit_when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    legit = "TB %s Tan Lap: hop dan 8h sang thu hai" % OFFICER_PIN
    g.inject(OFFICER, legit, when=legit_when, ref=77)
    check("setup: the officer's broadcast handled", settle(g, 3))
    n_bc = g.q1("SELECT count(*) FROM broadcasts")
    check("setup: the legitimate broadcast was accepted", n_bc == 1,
          g.q("SELECT text FROM outbox WHERE phone = ?", (OFFICER,)))
    before = snapshot(g)
    outbox_max = g.q1("SELECT coalesce(max(id), 0) FROM outbox")
    audit_max = g.q1("SELECT coalesce(max(id), 0) FROM audit")
    inbox_max = g.q1("SELECT coalesce(max(id), 0) FROM inbox")
    n_inbox = g.q1("SELECT count(*) FROM inbox")

    # replays: the network delivers the officer's command again; a stranger sends its text
    g.inject(OFFICER, legit, when=legit_when, ref=77)
    plan = [(STRANGERS[0], legit, "refused")] + attacks(args.short)
    # one at a time: the lock-out depends on the order (the phone folder
    # reuses freed locations, so a batch would be read out of order)
    handled = True
    for i, (sender, text, _) in enumerate(plan):
        g.inject(sender, text)
        handled = settle(g, n_inbox + i + 1) and handled
    after = snapshot(g)

    rows = g.q("SELECT id, sender, text, status, intent FROM inbox WHERE id > ? ORDER BY id",
               (inbox_max,))
    replies = {}
    for ph, text, kind in g.q("SELECT phone, text, kind FROM outbox WHERE id > ? ORDER BY id",
                              (outbox_max,)):
        replies.setdefault(ph, []).append((text, kind))
    audit = g.q("SELECT actor, action, detail FROM audit WHERE id > ? ORDER BY id", (audit_max,))
    fails_by = {}
    for actor, action, _ in audit:
        if action == "officer_auth_fail":
            fails_by[actor] = fails_by.get(actor, 0) + 1
    expected_fails = {}
    for r in rows:  # the other commune's officer has the right PIN: refused for scope
        if (r[4] or "").startswith("officer_") and r[1] != OTHER:
            expected_fails[r[1]] = expected_fails.get(r[1], 0) + 1
    # one inbox row per plan entry, in order (injected one at a time); the
    # stored text has the PIN masked, so match by position
    paired = list(zip(plan, rows)) if len(rows) == len(plan) else []
    officer_row = g.q("SELECT failed_attempts, locked_until FROM officers WHERE phone = ?",
                      (OFFICER,))[0]
    log = g.daemon_log()

    figure("build", "optimised (-O2)" if args.build == "opt" else "sanitized (ASan+UBSan)")
    figure("attack messages", len(plan))
    figure("from unregistered numbers", sum(1 for s, _, _ in plan if s in STRANGERS))
    figure("with a wrong PIN from registered numbers",
           sum(1 for s, _, e in plan if s in (OFFICER, ADMIN) and e == "refused"))
    figure("audited refusals", sum(fails_by.values()))
    figure("officer locks", sum(1 for _, a, _ in audit if a == "officer_locked"))
    figure("another commune's officer, right PIN: refused for scope",
           "%d of %d" % (sum(1 for _, a, _ in audit if a == "scope_refused"),
                         sum(1 for _, _, e in plan if e == "scope")))
    figure("replies to attackers", sum(len(v) for k, v in replies.items()))

    check("every attack message handled (none left, none failed)", handled and
          all(r[3] == "handled" for r in rows), [(r[1], r[2][:30], r[3]) for r in rows
                                                if r[3] != "handled"][:5])
    figure("attacks not even read as a command (answered with help)",
           sum(1 for r in rows if not (r[4] or "").startswith("officer_")))
    check("the network's duplicate of the officer's own command was dropped, not run again",
          g.q1("SELECT count(*) FROM inbox WHERE sender = ? AND text = ?",
               (OFFICER, legit.replace(OFFICER_PIN, "****"))) == 1 and
          g.q1("SELECT count(*) FROM broadcasts") == 1 and len(rows) == len(plan),
          (len(rows), len(plan)))
    missed = [(p[0], p[1][:40], r[4]) for p, r in paired
              if p[2] != "any" and not (r[4] or "").startswith("officer_")]
    check("every officer-command attack read as one", paired and not missed, missed[:5])
    check("every officer-command attack audited as a refusal (per sender)",
          fails_by == expected_fails, (fails_by, expected_fails))
    bad_replies = [(ph, t[:60]) for ph, v in replies.items() for t, _ in v
                   if RECEIPT.search(t)]
    check("no attack got a receipt", not bad_replies, bad_replies[:5])
    scoped = [t for t, _ in replies.get(OTHER, [])]
    check("another commune's officer refused on every command, and audited (scope_refused)",
          len(scoped) == sum(1 for _, _, e in plan if e == "scope") and
          all(REFUSAL.search(t) for t in scoped) and
          sum(1 for a, ac, _ in audit if ac == "scope_refused" and a == OTHER) == len(scoped),
          scoped[:8])
    check("and shown nothing of the household (no number in the replies)",
          not any(H2[3:] in t for t in scoped), scoped[:3])
    n_routed = sum(1 for r in rows if (r[4] or "").startswith("officer_"))
    n_refusal_replies = sum(1 for v in replies.values() for t, _ in v if REFUSAL.search(t))
    check("every officer-command attack answered with a refusal",
          n_refusal_replies == n_routed, (n_refusal_replies, n_routed))
    strangers_out = [ph for ph in replies if ph not in {s for s, _, _ in plan}]
    check("nothing queued for anyone but the attackers", not strangers_out, strangers_out)
    changed = [k for k in before if before[k] != after[k]]
    check("protected state unchanged (%s)" % ", ".join(before), not changed, changed)
    check("the officer's number is locked after %d wrong PINs" % MAX_FAILURES,
          officer_row[1] > time.time(), officer_row)
    locked_replies = [t for t, _ in replies.get(OFFICER, [])][-2:]
    check("the right PIN is refused while locked",
          all(t.startswith("So nay tam khoa") for t in locked_replies), locked_replies)
    stranger_last = [t for t, _ in replies.get(STRANGERS[3], [])][-1:]
    if any(sender == STRANGERS[3] for sender, _, _ in plan):
        check("an unregistered number that keeps trying gets the lock answer",
              stranger_last and stranger_last[0].startswith("So nay tam khoa"), stranger_last)
    pin_re = re.compile(r"(?<!\d)(%s|%s|%s)(?!\d)" % (OFFICER_PIN, ADMIN_PIN, OTHER_PIN))
    # a PIN is masked where it is stored (inbox and its parts): in officer
    # commands, and in anything else from an officer's number
    leaks = [("inbox", r[2][:50]) for r in g.q(
        "SELECT id, sender, text FROM inbox WHERE intent LIKE 'officer_%' OR sender IN (?, ?)",
        (OFFICER, ADMIN)) if pin_re.search(r[2])]
    leaks += [("inbox_parts", t[:50]) for (t,) in g.q(
        "SELECT p.text FROM inbox_parts p JOIN inbox i ON p.inbox_id = i.id"
        " WHERE i.intent LIKE 'officer_%' OR i.sender IN (?, ?)", (OFFICER, ADMIN))
        if pin_re.search(t)]
    leaks += [("audit", d) for _, _, d in g.q("SELECT actor, action, detail FROM audit")
              if pin_re.search(d)]
    leaks += [("log", ln[:80]) for ln in log.splitlines() if pin_re.search(ln)]
    check("no PIN in the stored messages, the audit or the log", not leaks, leaks[:5])
    fmt = [(ph, t[:60]) for ph, v in replies.items() for t, _ in v if FORMAT_LEAK.search(t)]
    check("no format-string expansion in any reply", not fmt, fmt[:5])
    check("daemon alive, no sanitizer report", g.proc.poll() is None and
          "ERROR: AddressSanitizer" not in log and "runtime error" not in log, log[-1500:])

    # the real administrator still gets through (and resets nothing it should not)
    job = g.q1("SELECT id FROM jobs WHERE status = 'open' ORDER BY id LIMIT 1")
    n = g.q1("SELECT count(*) FROM inbox")
    g.inject(ADMIN, "DONG %s %d" % (ADMIN_PIN, job))
    settle(g, n + 1)
    check("afterwards the administrator's real command works",
          g.q1("SELECT status FROM jobs WHERE id = ?", (job,)) == "closed",
          g.q("SELECT text FROM outbox WHERE phone = ? ORDER BY id DESC LIMIT 1", (ADMIN,)))
    check("and resets its failure counter",
          g.q1("SELECT failed_attempts FROM officers WHERE phone = ?", (ADMIN,)) == 0)


if __name__ == "__main__":
    sys.exit(main())
