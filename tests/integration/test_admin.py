#!/usr/bin/env python3
"""Administration and operations, end to end with the real binaries:
import/export round trips (JSON, CSV), refused imports that change nothing
and name the row, --dry-run and --sync, program edit/add/remove/history/
revert, audit, backup, stats, purge, progress on a terminal only; imports
while the daemon answers (every answer is the old or the new program, never
a mix); sd_notify readiness, status and watchdog; masked numbers in logs;
`make install DESTDIR=...`, `gatewayctl --root`, `systemd-analyze verify`,
`man -l`."""
import csv
import io
import json
import re
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import BUILD, GATEWAYCTL, GATEWAYD, TOP, check, finish, inject_sms, wait_for  # noqa: E402

WORK = tempfile.mkdtemp(prefix="gw-admin-")


def write(path, text, mode="w", **kw):
    with open(path, mode, **kw) as f:
        f.write(text)
    return path


def make_conf(name, extra=""):
    d = os.path.join(WORK, name)
    os.makedirs(os.path.join(d, "modem"), exist_ok=True)
    conf = os.path.join(d, "gw.conf")
    write(conf, 'modem = { model = "dummy"; connection = "none"; device = "%s/modem"; pin = "";\n'
          '  poll_interval_ms = 20; reconnect_min_ms = 20; reconnect_max_ms = 200; };\n'
          'database = { path = "%s/gw.db"; };\nlog = { level = "info"; };\n%s\n' % (d, d, extra))
    return conf, os.path.join(d, "gw.db"), os.path.join(d, "modem")


def ctl(conf, *args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([GATEWAYCTL, "-c", conf] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=e, stdin=subprocess.DEVNULL)


def ok(name, p, want=""):
    return check(name, p.returncode == 0 and want in p.stdout,
                 "rc=%d out=%s err=%s" % (p.returncode, p.stdout[-400:], p.stderr[-400:]))


def refused(name, p, want):
    return check(name, p.returncode == 1 and want in p.stderr,
                 "rc=%d err=%s" % (p.returncode, p.stderr[-400:]))


def dump(db):
    """Everything but the audit log, which records refused attempts too."""
    c = sqlite3.connect(db)
    try:
        return "\n".join(l for l in c.iterdump() if not l.startswith('INSERT INTO "audit"'))
    finally:
        c.close()


def q1(db, sql, args=()):
    c = sqlite3.connect(db, timeout=10)
    try:
        r = c.execute(sql, args).fetchone()
        return r[0] if r else None
    finally:
        c.close()


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


# ---------------------------------------------------------------- content
def content_checks():
    conf, db, _ = make_conf("a")
    conf2, db2, _ = make_conf("b")
    for c in (conf, conf2):
        ctl(c, "init")
    ok("import sample programs", ctl(conf, "import", "programs", TOP + "/data/programs.json"),
       "30 added")
    ok("import sample jobs", ctl(conf, "import", "jobs", TOP + "/data/jobs.json"), "15 added")
    # a formula where a spreadsheet would run it (issue 16): written inert, read back as it was
    ok("a job titled like a formula", ctl(conf, "job", "add", "--title", '=HYPERLINK("http://x","ok")',
                                          "--place", "Tan Lap", "--contact", "+84912345678"), "added job 16")
    f = {k: os.path.join(WORK, k) for k in ("p.json", "p.csv", "j.json", "j.csv", "p2.json",
                                            "j2.json", "p3.csv")}
    ok("export programs json", ctl(conf, "export", "programs", "-o", f["p.json"]))
    ok("export programs csv", ctl(conf, "export", "programs", "--format", "csv", "-o", f["p.csv"]))
    ok("export jobs json to stdout", ctl(conf, "export", "jobs"), '"JOB-VP-001"')
    ok("export jobs csv (by extension)", ctl(conf, "export", "jobs", "-o", f["j.csv"]))
    ctl(conf, "export", "jobs", "-o", f["j.json"])

    raw = read(f["p.csv"], "rb")
    check("CSV has a UTF-8 BOM, quoted fields and CRLF rows",
          raw.startswith(b'\xef\xbb\xbf"code","category","title_vi"') and
          b'"\r\n"CHUAN-NGHEO","' in raw, raw[:80])
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    progs = json.loads(read(f["p.json"]))["programs"]
    check("a spreadsheet-style reader sees every program and field exactly",
          len(rows) == 30 and all(r["code"] == p["code"] and r["details_vi"] == p["details_vi"] and
                                  r["keywords"] == "; ".join(p["keywords"])
                                  for r, p in zip(rows, progs)), "%d rows" % len(rows))

    ok("CSV import into a fresh database", ctl(conf2, "import", "programs", f["p.csv"]), "30 added")
    jraw = read(f["j.csv"], "rb").decode("utf-8-sig")
    check("CSV export writes formula-like cells inert (OWASP: a quote in front)",
          "\"'=HYPERLINK(\"\"http://x\"\"" in jraw and "\"'+84912345678\"" in jraw and
          not re.search(r'(^|,)"[=+@-]', jraw, re.M), jraw[-400:])
    ok("jobs CSV import into a fresh database", ctl(conf2, "import", "jobs", f["j.csv"]), "16 added")
    ctl(conf2, "export", "programs", "-o", f["p2.json"])
    ctl(conf2, "export", "jobs", "-o", f["j2.json"])
    check("CSV round trip gives identical programs", read(f["p.json"]) == read(f["p2.json"]))
    check("CSV round trip gives identical jobs", read(f["j.json"]) == read(f["j2.json"]))
    ok("JSON export re-imported: nothing changes", ctl(conf, "import", "programs", f["p.json"]),
       "0 added, 0 changed, 30 unchanged")

    before = dump(db)
    header = '"code","title_vi","summary_vi"\r\n'
    bad = [
        ("latin1.csv", (header + '"A","Một","một"\r\n').encode() + b'"B","caf\xe9","x"\r\n',
         "latin1.csv: row 3, line 3: not valid UTF-8"),
        ("missing.csv", (header + '"A","Một","một"\r\n"B","","hai"\r\n').encode(),
         "missing.csv: row 3 (B): title_vi: is empty"),
        ("dup.csv", (header + '"BHYT","Một","một"\r\n"X","x","x"\r\n"BHYT","Hai","hai"\r\n').encode(),
         "dup.csv: row 4 (BHYT): code: duplicate code (also row 2)"),
        ("dup.json", b'[{"code":"A","title_vi":"a","summary_vi":"b"},'
         b'{"code":"A","title_vi":"a","summary_vi":"b"}]', "record 2 (A): code: duplicate code"),
        ("utf16.csv", "code,title_vi\r\n".encode("utf-16"), "UTF-16"),
    ]
    for name, data, want in bad:
        write(os.path.join(WORK, name), data, "wb")
        refused("broken import names the row: " + name,
                ctl(conf, "import", "programs", os.path.join(WORK, name)), want)
    check("broken imports changed nothing", dump(db) == before)

    # a spreadsheet edit: BHYT retitled, LIEN-HE gone, NEW-1 added
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        if r["code"] == "LIEN-HE":
            continue
        if r["code"] == "BHYT":
            r["title_vi"] = "Thẻ BHYT hộ nghèo (sửa 2027)"
        w.writerow(r)
    w.writerow({"code": "NEW-1", "title_vi": "Chương trình mới", "summary_vi": "Tóm tắt.",
                "keywords": "moi; chương trình mới", "needs_check": "có"})
    write(f["p3.csv"], "\ufeff" + out.getvalue(), encoding="utf-8")
    p = ctl(conf, "import", "programs", f["p3.csv"], "--dry-run", "--sync")
    ok("dry run shows added, changed and removed codes", p, "added:   NEW-1")
    check("dry run lists the changed and removed codes",
          "changed: BHYT" in p.stdout and "removed: LIEN-HE" in p.stdout, p.stdout)
    check("dry run changed nothing", dump(db) == before)
    ok("import without --sync keeps absent programs", ctl(conf, "import", "programs", f["p3.csv"]),
       "1 added, 1 changed, 28 unchanged\n")
    check("LIEN-HE still there", q1(db, "SELECT count(*) FROM programs WHERE code='LIEN-HE'") == 1)
    ok("--sync removes absent programs", ctl(conf, "import", "programs", f["p3.csv"], "--sync"),
       "0 added, 0 changed, 30 unchanged, 1 removed")
    ok("history keeps every version", ctl(conf, "program", "history", "BHYT"), "replaced")
    ok("show an old version", ctl(conf, "program", "show", "BHYT", "--version", "1"),
       "Thẻ bảo hiểm y tế cho người thuộc hộ nghèo")
    ok("revert to version 1", ctl(conf, "program", "revert", "BHYT", "1"),
       "version 1 restored as version 3")
    ok("revert brings back a removed program", ctl(conf, "program", "revert", "LIEN-HE", "1"),
       "restored as version 2")
    ok("list shows the needs-checking flag", ctl(conf, "program", "list", "--needs-check"), "NEW-1")

    # edit with $EDITOR (a script: no shell is involved in running it)
    ed = write(os.path.join(WORK, "ed.py"), "#!/usr/bin/env python3\nimport sys\n"
               "p = sys.argv[-1]\nt = open(p).read()\nt = t.replace('%s', '%s')\n"
               "open(p, 'w').write(t)\n" % ("Tóm tắt.", "Tóm tắt đã sửa; $(touch /tmp/gw-pwned)."))
    os.chmod(ed, 0o755)
    ok("program edit through $EDITOR", ctl(conf, "program", "edit", "NEW-1", env={"EDITOR": ed}),
       "saved NEW-1")
    check("the edit is saved as version 2, text kept literally",
          q1(db, "SELECT version || summary_vi FROM programs WHERE code='NEW-1'")
          == "2Tóm tắt đã sửa; $(touch /tmp/gw-pwned)." and not os.path.exists("/tmp/gw-pwned"))
    ok("an editor that changes nothing saves nothing",
       ctl(conf, "program", "edit", "NEW-1", env={"EDITOR": "true"}), "no changes")
    blank = write(os.path.join(WORK, "blank.py"), "#!/usr/bin/env python3\nimport sys, re\n"
                  "p = sys.argv[-1]\nt = open(p).read()\n"
                  "t = re.sub(r'== title_vi ==\\n[^\\n]*\\n', '== title_vi ==\\n', t)\n"
                  "open(p, 'w').write(t)\n")
    os.chmod(blank, 0o755)
    before = dump(db)
    refused("an invalid edit is refused, naming the field",
            ctl(conf, "program", "edit", "NEW-1", env={"EDITOR": blank}), "title_vi: is empty")
    check("the refused edit changed nothing", dump(db) == before)
    form = write(os.path.join(WORK, "new.txt"), "code: NEW-2\nkeywords: hai; thứ hai\n\n"
                 "== title_vi ==\nChương trình thứ hai\n\n== summary_vi ==\nDòng 1\n# dòng 2\n")
    ok("program add from a form file", ctl(conf, "program", "add", form), "added NEW-2")
    check("the form's text is kept exactly",
          q1(db, "SELECT summary_vi FROM programs WHERE code='NEW-2'") == "Dòng 1\n# dòng 2")
    refused("program add refuses an existing code", ctl(conf, "program", "add", form),
            "already exists")
    ok("program remove", ctl(conf, "program", "remove", "NEW-2"), "revert NEW-2 1")
    p = ctl(conf, "audit", "--limit", "100")
    user = "cli:" + __import__("pwd").getpwuid(os.getuid()).pw_name
    check("audit shows who changed what", p.returncode == 0 and all(
        a in p.stdout for a in ("import programs", "program edit", "program revert", "program add",
                                "program remove", user, "removed 1: LIEN-HE")), p.stdout[-800:])

    backup = os.path.join(WORK, "backup.db")
    ok("backup of the live database", ctl(conf, "backup", backup), "consistent copy")
    check("the backup is a complete, sound database",
          q1(backup, "PRAGMA integrity_check") == "ok" and
          q1(backup, "SELECT count(*) FROM programs") == q1(db, "SELECT count(*) FROM programs"))
    refused("backup will not overwrite without --force", ctl(conf, "backup", backup), "exists")

    # statistics and the privacy purge on a little traffic
    c = sqlite3.connect(db)
    now = int(time.time())
    for i in range(6):
        c.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, intent, ref_code)"
                  " VALUES (?, 'thu nhap 1 trieu', ?, ?, 'handled', 'policy', 'BHYT')",
                  ("+8490100000%d" % i, now - i * 50 * 86400, now - i * 50 * 86400))
        c.execute("INSERT INTO outbox (phone, text, kind, priority, status, parts, created_at,"
                  " sent_at, dlr, dlr_at, resends) VALUES (?, 'x', 'reply', 1, 'sent', 2, ?, ?,"
                  " ?, ?, ?)",
                  ("+8490100000%d" % i, now - 60, now - 60,
                   ("delivered", "delivered", "delivered", "failed", "submitted", "buffered")[i],
                   now - 60 + (10, 40, 20, 5, 0, 1)[i], 1 if i == 4 else 0))
    # a skipped (malformed) and a failed message, and a programme reached
    # through the eligibility answer: the counts must add up and say so
    c.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, error)"
              " VALUES ('+84901000009', 'garbled', ?1, ?1, 'skipped', 'malformed message')",
              (now,))
    c.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, error)"
              " VALUES ('+84901000009', 'x', ?1, ?1, 'failed', 'database error')", (now,))
    c.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, intent, ref_code)"
              " VALUES ('+84901000008', 'nha toi', ?1, ?1, 'handled', 'eligibility', 'TCXH')",
              (now,))
    c.commit()
    c.close()
    p = ctl(conf, "stats", "--since", "30d")
    check("stats: traffic, intents, top programs, send rate",
          p.returncode == 0 and "messages received" in p.stdout and "BHYT" in p.stdout and
          "parts/hour" in p.stdout and "policy" in p.stdout, p.stdout + p.stderr)
    check("stats: delivered and failed shares, median time to delivery, resends",
          re.search(r"delivered +3 +50\.0 %", p.stdout) and
          re.search(r"failed +1 +16\.7 %", p.stdout) and
          re.search(r"median time to delivery +20 +s", p.stdout) and
          re.search(r"sent again \(in doubt\) +1", p.stdout), p.stdout)
    got = dict(re.findall(r"^\s+(messages received|handled|skipped \(never answered\)|failed"
                          r"|not handled yet)\s+(\d+)", p.stdout, re.M))
    check("stats: received = handled + skipped + failed + not handled yet, said so",
          got.get("messages received") == "4" and got.get("handled") == "2" and
          got.get("skipped (never answered)") == "1" and got.get("failed") == "1" and
          got.get("not handled yet") == "0" and "malformed message" in p.stdout and
          "(received = handled + skipped + failed + not handled yet)" in p.stdout, p.stdout)
    check("stats: programmes reached by any route (TCXH through eligibility)",
          re.search(r"^\s+TCXH\s+1\s+0\s+1\s+0$", p.stdout, re.M) is not None, p.stdout)
    check("stats: the busiest hour written as an hour of office time",
          re.search(r"busiest hour\s+12\s+parts, \d{4}-\d\d-\d\d \d\d:00 to \d\d:00$",
                    p.stdout, re.M) is not None, p.stdout)
    p = ctl(conf, "status")
    check("status: the last day's delivery reports",
          p.returncode == 0 and re.search(r"delivered +3\n", p.stdout) and
          re.search(r"no report yet +1\n", p.stdout) and
          re.search(r"sent again +1\n", p.stdout), p.stdout)
    p = ctl(conf, "--utc", "stats", "--since", "30d")
    check("gatewayctl --utc shows UTC, said so",
          re.search(r"^Since \d{4}-\d\d-\d\d \d\d:\d\d UTC$", p.stdout, re.M) is not None and
          re.search(r"busiest hour .* UTC to \d\d:00 UTC$", p.stdout, re.M) is not None,
          p.stdout)
    ok("purge blanks texts older than privacy.retain_days", ctl(conf, "purge"),
       "2 inbound text(s) older than 180 days blanked")
    check("purged texts are blank, counts and intents stay",
          q1(db, "SELECT count(*) FROM inbox WHERE text = ''") == 2 and
          q1(db, "SELECT count(*) FROM inbox WHERE intent = 'policy'") == 6)
    return conf, rows


def progress_checks(conf, rows):
    big = io.StringIO(newline="")
    w = csv.writer(big, lineterminator="\r\n")
    w.writerow(["code", "title_vi", "summary_vi", "keywords"])
    for i in range(3000):
        w.writerow(["BIG-%d" % i, "Chương trình %d" % i, "Tóm tắt %d" % i, "big%d" % i])
    path = write(os.path.join(WORK, "big.csv"), big.getvalue())
    p = ctl(conf, "import", "programs", path, "--dry-run")
    check("no progress output when stderr is not a terminal",
          p.returncode == 0 and p.stderr == "" and "3000 added" in p.stdout, p.stderr[-300:])
    if not shutil.which("script"):
        print("note: script(1) missing; progress on a terminal not checked")
        return
    p = subprocess.run(["script", "-qec", "%s -c %s import programs %s" % (GATEWAYCTL, conf, path),
                        "/dev/null"], capture_output=True, text=True, timeout=120)
    check("progress is shown on a terminal",
          "importing big.csv" in p.stdout and "3000/3000" in p.stdout and "3000 added" in p.stdout,
          p.stdout[-300:])


# ------------------------------------------------------- daemon and imports
def program(version):
    v = version
    return {"programs": [{
        "code": "MIXTEST", "title_vi": "Phien ban %s tieu de" % v,
        "summary_vi": "Tom tat %s%s%s." % (v, v, v), "how_to_apply_vi": "Cach %s" % v,
        "office": "Van phong %s" % v, "keywords": ["mixtest"]}]}


def concurrency_checks():
    conf, db, modem = make_conf("c", "sms = { rate_limit_per_hour = 1000; };")
    ctl(conf, "init")
    ctl(conf, "import", "programs", TOP + "/data/programs.json")
    files = {v: write(os.path.join(WORK, "mix%s.json" % v), json.dumps(program(v))) for v in "AB"}
    expect = {}
    for i, v in enumerate("AB"):
        ctl(conf, "import", "programs", files[v])
        p = ctl(conf, "simulate", "--json", "--from", "+8490700000%d" % i, "CS MIXTEST")
        expect[v] = json.loads(p.stdout)["replies"] if p.returncode == 0 else None
    if not check("the two versions answer differently",
                 expect["A"] and expect["B"] and expect["A"] != expect["B"], str(expect)):
        return
    log = open(os.path.join(WORK, "c", "gatewayd.log"), "w")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1")
    env.pop("NOTIFY_SOCKET", None)
    d = subprocess.Popen([GATEWAYD, "-f", "-c", conf], stdout=log, stderr=subprocess.STDOUT,
                         env=env)
    try:
        wait_for(lambda: q1(db, "SELECT connected FROM modem_status") == 1, 20)
        stop = threading.Event()
        imports = [0]
        sims = []

        def alternate():
            while not stop.is_set():
                for v in "AB":
                    if ctl(conf, "import", "programs", files[v]).returncode == 0:
                        imports[0] += 1

        def simulate():
            for i in range(20):
                p = ctl(conf, "simulate", "--json", "--from", "+849071%05d" % i, "CS MIXTEST")
                sims.append(json.loads(p.stdout)["replies"] if p.returncode == 0 else p.stderr)

        threads = [threading.Thread(target=alternate), threading.Thread(target=simulate)]
        for t in threads:
            t.start()
        inj = inject_sms.Injector(modem)
        phones = ["+849072%05d" % i for i in range(20)]
        for ph in phones:
            inj.inject(ph, "CS MIXTEST")
            time.sleep(0.05)
        threads[1].join()
        done = wait_for(lambda: q1(db, "SELECT count(DISTINCT phone) FROM outbox WHERE phone"
                                       " LIKE '+849072%' AND kind = 'reply'") == len(phones), 60)
        stop.set()
        threads[0].join()
        c = sqlite3.connect(db, timeout=10)
        answers = {}
        for ph, text in c.execute("SELECT phone, text FROM outbox WHERE phone LIKE '+849072%'"
                                  " AND kind = 'reply' ORDER BY id"):
            answers.setdefault(ph, []).append(text)
        c.close()
        seen = [a for a in answers.values()] + sims
        mixed = [a for a in seen if a not in (expect["A"], expect["B"])]
        check("the daemon answered every message while imports ran (%d imports)" % imports[0],
              done and imports[0] >= 4, "answered %d of %d" % (len(answers), len(phones)))
        check("every answer is exactly the old or the new program, never a mix "
              "(%d from the daemon, %d simulated; %d A, %d B)"
              % (len(answers), len(sims), seen.count(expect["A"]), seen.count(expect["B"])),
              not mixed and len(sims) == 20, str(mixed[:2]))
    finally:
        d.send_signal(signal.SIGTERM)
        check("daemon stops cleanly after the imports", d.wait(timeout=30) == 0,
              read(os.path.join(WORK, "c", "gatewayd.log"))[-1500:])
        log.close()


def notify_checks():
    conf, db, modem = make_conf("n")
    # masked numbers; our own number, whose messages are logged and skipped
    write(conf, read(conf).replace('log = { level = "info"; };',
                                   'log = { level = "info"; mask_numbers = true; };')
          .replace('pin = "";', 'pin = ""; own_number = "+84901112233";')
          .replace('poll_interval_ms = 20;', 'poll_interval_ms = 200;'))
    ctl(conf, "init")
    sock_path = os.path.join(WORK, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.settimeout(0.2)
    msgs = []
    reading = [True]

    # Read the socket all the time, as systemd does: a notify socket nobody
    # reads fills up, and sd_notify() then blocks the daemon's loop.
    def drain():
        while reading[0]:
            try:
                msgs.append(s.recv(4096).decode())
            except socket.timeout:
                pass
            except OSError:
                return
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    def collect(until, secs=10.0):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if until():
                return True
            time.sleep(0.05)
        return until()

    logpath = os.path.join(WORK, "n", "gatewayd.log")
    log = open(logpath, "w")
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="400000")
    env.pop("WATCHDOG_PID", None)
    d = subprocess.Popen([GATEWAYD, "-f", "-c", conf], stdout=log, stderr=subprocess.STDOUT,
                         env=env)
    try:
        check("READY=1 with a status line once running",
              collect(lambda: any(m.startswith("READY=1\nSTATUS=") for m in msgs)), str(msgs))
        # between two polls of the dummy phone (a scan of its folders, slow
        # under the sanitizers), so allow time for a few
        check("WATCHDOG=1 pings from the event loop",
              collect(lambda: sum(m == "WATCHDOG=1" for m in msgs) >= 3, 30), str(msgs))
        check("STATUS= tells whether the modem is connected",
              collect(lambda: any("modem connected" in m for m in msgs)), str(msgs))
        inject_sms.Injector(modem).inject("+84901112233", "CS BHYT")
        wait_for(lambda: "own number" in read(logpath), 20)
        text = read(logpath)
        check("phone numbers are masked in the log (log.mask_numbers)",
              "+849*****233" in text and "901112233" not in text, text[-600:])
        d.send_signal(signal.SIGHUP)
        check("SIGHUP: RELOADING=1, then READY=1 again",
              collect(lambda: any(m.startswith("RELOADING=1") for m in msgs) and
                      msgs[-1].startswith("READY=1") or any(
                          "reloaded" in m for m in msgs)), str(msgs[-4:]))
        d.send_signal(signal.SIGTERM)
        check("SIGTERM: STOPPING=1", collect(lambda: any(m.startswith("STOPPING=1")
                                                         for m in msgs)), str(msgs[-4:]))
        check("daemon under notify exits 0", d.wait(timeout=30) == 0)
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
        log.close()
        reading[0] = False
        reader.join()
        s.close()


# ----------------------------------------------------------- installation
def install_checks():
    dest = os.path.join(WORK, "dest")
    bins = "%s/bin/gatewayd %s/bin/gatewayctl" % (BUILD, BUILD)
    cmd = ["make", "--no-print-directory", "-C", TOP, "install", "DESTDIR=" + dest,
           "INSTALL_BINS=" + bins]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    want = ["usr/local/bin/gatewayd", "usr/local/bin/gatewayctl", "etc/gateway/gateway.conf",
            "usr/local/lib/systemd/system/gatewayd.service", "usr/local/lib/sysusers.d/gateway.conf",
            "usr/local/share/man/man1/gatewayctl.1", "usr/local/share/man/man5/gateway.conf.5",
            "usr/local/share/man/man8/gatewayd.8", "usr/local/share/gateway/lexicon.json",
            "usr/local/share/gateway/programs.json", "usr/local/share/gateway/jobs.json"]
    missing = [w for w in want if not os.path.isfile(os.path.join(dest, w))]
    check("make install DESTDIR=... produces the expected tree", p.returncode == 0 and not missing,
          "missing %s; %s" % (missing, p.stderr[-500:]))
    conf = os.path.join(dest, "etc/gateway/gateway.conf")
    check("the installed config is the example, not world-readable",
          os.path.isfile(conf) and read(conf) == read(TOP + "/config/gateway.conf.example") and
          os.stat(conf).st_mode & 0o777 == 0o640)
    if os.path.isfile(conf):
        write(conf, read(conf) + "# local edit\n")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    check("a second install never overwrites /etc/gateway/gateway.conf",
          p.returncode == 0 and os.path.isfile(conf) and read(conf).endswith("# local edit\n"),
          p.stdout[-300:])
    unit = os.path.join(dest, "usr/local/lib/systemd/system/gatewayd.service")
    text = read(unit) if os.path.isfile(unit) else ""
    check("the unit: Type=notify, watchdog, restart, unprivileged user in dialout",
          all(k in text for k in ("Type=notify", "WatchdogSec=", "Restart=on-failure",
                                  "User=gateway", "SupplementaryGroups=dialout",
                                  "ExecStart=/usr/local/bin/gatewayd -f -c "
                                  "/etc/gateway/gateway.conf", "NoNewPrivileges=yes")))
    check("installed binaries look for data in PREFIX/share/gateway",
          b"/usr/local/share/gateway" in read(os.path.join(dest, "usr/local/bin/gatewayctl"), "rb"))
    # --root, as the Debian package's postinst runs it under $DPKG_ROOT: the
    # installed config, data and database.path inside dest, not the source tree's
    os.makedirs(os.path.join(dest, "var/lib/gateway"), exist_ok=True)
    p = subprocess.run([GATEWAYCTL, "--root", dest + "/", "init"], capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    db = os.path.join(dest, "var/lib/gateway/gateway.db")
    n = 0
    if p.returncode == 0 and os.path.isfile(db):
        with sqlite3.connect(db) as con:
            n = con.execute("SELECT count(*) FROM commands").fetchone()[0]
    check("gatewayctl --root DIR init creates DIR/var/lib/gateway/gateway.db with the commands",
          n > 0, "rc=%d err=%s" % (p.returncode, p.stderr[-300:]))

    if shutil.which("systemd-analyze"):
        # a real prefix so that ExecStart= points at an existing binary
        root = os.path.join(WORK, "root")
        p = subprocess.run(["make", "--no-print-directory", "-C", TOP, "install", "DESTDIR=",
                            "PREFIX=" + root + "/usr", "SYSCONFDIR=" + root + "/etc",
                            "INSTALL_BINS=" + bins], capture_output=True, text=True, timeout=600)
        v = subprocess.run(["systemd-analyze", "verify", "--man=no",
                            root + "/usr/lib/systemd/system/gatewayd.service"],
                           capture_output=True, text=True, timeout=60)
        check("systemd-analyze verify accepts the unit", p.returncode == 0 and v.returncode == 0
              and "gatewayd.service" not in v.stderr, p.stderr[-300:] + v.stdout + v.stderr)
    else:
        print("note: systemd-analyze not installed; the unit was not verified")

    if shutil.which("man"):
        for page, name in (("gatewayd.8", "gatewayd - SMS gateway daemon"),
                           ("gatewayctl.1", "gatewayctl - administer"),
                           ("gateway.conf.5", "gateway.conf - settings")):
            p = subprocess.run(["man", "--warnings", "-l", os.path.join(TOP, "docs/man", page)],
                               capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0"))
            out = p.stdout.replace("\u2010", "-").replace("\u2011", "-")
            check("man -l %s renders without warnings" % page,
                  p.returncode == 0 and name in " ".join(out.split()) and not p.stderr.strip(),
                  p.stderr[-300:] + out[:200])
    else:
        print("note: man not installed; the man pages were not rendered")
    page = read(os.path.join(TOP, "docs/man/gateway.conf.5"))
    example = read(os.path.join(TOP, "config/gateway.conf.example"))
    keys = [l.split("=")[0].strip() for l in example.splitlines()
            if l.startswith("  ") and "=" in l and not l.strip().startswith("#")]
    undocumented = [k for k in keys if (".BR %s " % k) not in page]
    check("gateway.conf(5) documents every key of the example (%d)" % len(keys),
          keys and not undocumented, str(undocumented))


def timed(fn, *args):
    t = time.monotonic()
    r = fn(*args)
    print("note: %s took %.1f s" % (fn.__name__, time.monotonic() - t), flush=True)
    return r


try:
    conf, rows = timed(content_checks)
    timed(progress_checks, conf, rows)
    timed(concurrency_checks)
    timed(notify_checks)
    timed(install_checks)
finally:
    shutil.rmtree(WORK, ignore_errors=True)
finish()
