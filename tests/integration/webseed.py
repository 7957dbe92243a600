"""Accounts and a month of plausible traffic for the web console tests
(tests/integration/test_web.py, tests/browser/). Households and numbers are
invented. Rows go straight into SQLite: the console only reads what the
pipeline writes, and the pipeline has its own tests."""
import random
import socket
import subprocess
import time

import gwtest

ADMIN = ("0912000001", "+84912000001", "Nguyễn Văn An", "admin", "", "mat-khau-admin-1")
OFFICER_TK = ("0912000002", "+84912000002", "Trần Thị Bình", "officer", "Thiện Kế", "mat-khau-thienke")
OFFICER_TL = ("0912000003", "+84912000003", "Lê Văn Cường", "officer", "Tân Lập", "mat-khau-tanlap")
ACCOUNTS = (ADMIN, OFFICER_TK, OFFICER_TL)

# households: (phone, commune)
HOUSEHOLDS = [("+8490%07d" % (1000 + i), "Thiện Kế" if i % 2 == 0 else "Tân Lập") for i in range(24)]

# households whose commune is not known yet: one names it in passing, one
# writes about a sick child (answered with the self-check)
UNKNOWN = ("+84901002001", "+84901002002")
SICK_TEXT = "Con tôi bị ốm nặng nằm viện, nhà nghèo có được hỗ trợ gì không"

INTENTS = [("policy", 40), ("job_list", 14), ("job_apply", 6), ("appointment", 8),
           ("eligibility", 7), ("help", 6), ("unknown", 5), ("stop", 1)]
PROGRAMS = ["BHYT", "VAY-NGHEO", "HO-NGHEO", "HOC-NGHE", "NHA-O", "TIEN-DIEN", "VAY-XKLD"]
TEXTS = {
    "policy": ["the bhyt ho ngheo lam the nao", "vay von ho ngheo lai suat bao nhieu",
               "CS HO-NGHEO", "ho tro tien dien cho ho ngheo", "hoc nghe mien phi o dau"],
    "job_list": ["VIEC may tan lap", "VIEC cong nhan", "co viec lam gan nha khong"],
    "job_apply": ["UT 1", "UT 6", "ung tuyen cong nhan may"],
    "appointment": ["HEN mai 8h vay von", "HEN thu 2 lam the bhyt", "DOI HEN thu 4"],
    "eligibility": ["nha toi thu nhap 1tr2 co phai ho ngheo", "KT"],
    "help": ["HD", "tro giup"],
    "unknown": ["alo", "cam on"],
    "stop": ["HUY"],
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def web_conf(port):
    return 'web = { enabled = true; listen = "127.0.0.1"; port = %d; session_minutes = 60; };' % port


def setup_accounts(gw):
    for local, _, name, role, commune, pw in ACCOUNTS:
        args = ["officer", "add", local, "--name", name, "--role", role, "--pin", "246813"]
        if commune:
            args += ["--commune", commune]
        gw.ctl(*args)
        p = subprocess.run([gwtest.GATEWAYCTL, "-c", gw.conf, "officer", "passwd", local],
                           input=pw + "\n", capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("officer passwd: " + p.stderr)


def office_day(now, offset_days=0):
    """YYYY-MM-DD in office time (UTC+7) offset_days from now."""
    return time.strftime("%Y-%m-%d", time.gmtime(now + 7 * 3600 + offset_days * 86400))


def next_weekday(now, start=1):
    """The first office day (Mon-Fri) at least `start` days ahead."""
    for k in range(start, start + 10):
        wd = time.gmtime(now + 7 * 3600 + k * 86400).tm_wday  # Monday = 0
        if wd < 5:
            return k
    return start


def seed(gw, now=None, seed_value=11):
    now = int(now or time.time())
    rnd = random.Random(seed_value)
    c = gw.q  # noqa: F841 (kept for symmetry)
    import sqlite3
    db = sqlite3.connect(gw.db_path, timeout=10)
    cur = db.cursor()
    for phone, commune in HOUSEHOLDS:
        cur.execute("INSERT OR IGNORE INTO contacts (phone, commune, created_at, last_seen)"
                    " VALUES (?, ?, ?, ?)", (phone, commune, now - 40 * 86400, now - rnd.randint(0, 20) * 3600))
    # a month of messages, more lately, each with its reply
    weights = [w for _, w in INTENTS]
    for day in range(30, -1, -1):
        for _ in range(rnd.randint(4, 10) + (30 - day) // 3):
            phone, _ = rnd.choice(HOUSEHOLDS)
            intent = rnd.choices([i for i, _ in INTENTS], weights)[0]
            text = rnd.choice(TEXTS[intent])
            ref = rnd.choice(PROGRAMS) if intent in ("policy", "eligibility") else ""
            at = now - day * 86400 - rnd.randint(0, 8 * 3600)
            cur.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, intent, ref_code,"
                        " handled_at) VALUES (?, ?, ?, ?, 'handled', ?, ?, ?)",
                        (phone, text, at, at, intent, ref, at + 2))
            cur.execute("INSERT INTO outbox (phone, text, kind, priority, status, inbox_id, parts,"
                        " encoding, created_at, sent_at) VALUES (?, ?, 'reply', 10, 'sent', ?, 1,"
                        " 'gsm7', ?, ?)", (phone, "Tra loi: " + text, cur.lastrowid, at + 2, at + 5))
    # households whose commune is not known yet (issue 22)
    for phone in UNKNOWN:
        cur.execute("INSERT OR IGNORE INTO contacts (phone, commune, created_at, last_seen) VALUES (?, '', ?, ?)",
                    (phone, now - 86400, now - 3600))
    for phone, text, intent, answer in (
            (UNKNOWN[0], "o thon 3 Tan Lap, cho hoi vay von ho ngheo", "policy", "Vay von ho ngheo: ..."),
            (UNKNOWN[1], SICK_TEXT, "eligibility", "Tu kiem tra ho ngheo: thu nhap moi nguoi...")):
        at = now - 2 * 3600
        cur.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, intent, ref_code, handled_at)"
                    " VALUES (?, ?, ?, ?, 'handled', ?, '', ?)", (phone, text, at, at, intent, at + 2))
        cur.execute("INSERT INTO outbox (phone, text, kind, priority, status, inbox_id, parts, encoding,"
                    " created_at, sent_at) VALUES (?, ?, 'reply', 10, 'sent', ?, 1, 'gsm7', ?, ?)",
                    (phone, answer, cur.lastrowid, at + 2, at + 5))
    # UT 6 from a Tan Lap household: the officer's alert is queued before
    # the household's answer
    at = now - 3 * 3600
    cur.execute("INSERT INTO inbox (sender, text, sent_at, stored_at, status, intent, ref_code, handled_at)"
                " VALUES (?, 'UT 6', ?, ?, 'handled', 'job_apply', 'JOB-VP-006', ?)",
                (HOUSEHOLDS[1][0], at, at, at + 2))
    ut = cur.lastrowid
    cur.execute("INSERT INTO outbox (phone, text, kind, priority, status, inbox_id, parts, encoding, created_at,"
                " sent_at) VALUES (?, 'UT moi: 0901001001 xin viec so 6. Hay goi lai ho.', 'notify', 10, 'sent',"
                " ?, 1, 'gsm7', ?, ?)", (OFFICER_TL[1], ut, at + 2, at + 4))
    cur.execute("INSERT INTO outbox (phone, text, kind, priority, status, inbox_id, parts, encoding, created_at,"
                " sent_at) VALUES (?, 'Da ghi nhan ung tuyen viec so 6. Can bo se goi lai.', 'reply', 10, 'sent',"
                " ?, 1, 'gsm7', ?, ?)", (HOUSEHOLDS[1][0], ut, at + 2, at + 5))
    # who applied: job 1 is Thien Ke's, job 6 Tan Lap's
    for i, (phone, commune) in enumerate(HOUSEHOLDS[:8]):
        job = 1 if commune == "Thiện Kế" else 6
        cur.execute("INSERT OR IGNORE INTO referrals (job_id, phone, status, created_at) VALUES (?, ?, ?, ?)",
                    (job, phone, ["new", "contacted", "new", "hired"][i % 4], now - i * 7200))
    # subscriptions for broadcasts
    for phone, commune in HOUSEHOLDS[:12]:
        cur.execute("INSERT OR IGNORE INTO subscriptions (phone, area, job_type, created_at) VALUES (?, ?, '', ?)",
                    (phone, "thien ke" if commune == "Thiện Kế" else "tan lap", now - 5 * 86400))
    # appointments: requested ones on the next office day and the one after
    officers = dict(cur.execute("SELECT phone, id FROM officers").fetchall())
    d1 = office_day(now, next_weekday(now, 1))
    d2 = office_day(now, next_weekday(now, next_weekday(now, 1) + 1))
    appts = [(HOUSEHOLDS[0][0], OFFICER_TK[1], "VAY-NGHEO", "vay von ho ngheo", d1, "08:00"),
             (HOUSEHOLDS[2][0], OFFICER_TK[1], "BHYT", "lam the bhyt", d1, "08:30"),
             (HOUSEHOLDS[4][0], OFFICER_TK[1], "HO-NGHEO", "ra soat ho ngheo", d1, "09:00"),
             (HOUSEHOLDS[1][0], OFFICER_TL[1], "HOC-NGHE", "hoc nghe", d1, "08:00"),
             (HOUSEHOLDS[3][0], OFFICER_TL[1], "", "hoi viec lam", d2, "14:00"),
             (HOUSEHOLDS[6][0], OFFICER_TK[1], "TIEN-DIEN", "ho tro tien dien", office_day(now), "15:00")]
    for phone, officer, code, topic, day, slot in appts:
        cur.execute("INSERT INTO appointments (phone, officer_id, program_code, topic, day, slot, status,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
                    (phone, officers[officer], code, topic, day, slot, now - 3600, now - 3600))
    cur.execute("UPDATE modem_status SET balance = '45.200 d', balance_checked_at = ? WHERE id = 1", (now,))
    db.commit()
    db.close()
    return {"day1": d1, "day2": d2, "ut6": ut}
