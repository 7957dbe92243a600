#!/usr/bin/env python3
"""The web console over a real loopback socket (http.client), against the
sanitized gatewayd on the dummy phone: logins (success, failure, rotation,
expiry, rate limit), CSRF, who sees which commune, HTML escaping, every
page, the changes (program edit and revert, job post and close, referral
status, broadcast, appointment confirm and move, inbox answer, opt-out),
and requests that are too big or malformed."""
import os
import re
import socket
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gwtest  # noqa: E402
import httpabuse  # noqa: E402
import webseed  # noqa: E402
from gwtest import check  # noqa: E402

PORT = webseed.free_port()


def req(method, path, body=None, cookies=None, headers=None, raw_body=None):
    return httpabuse.exchange(PORT, "127.0.0.1", method, path, body, cookies, headers, raw_body)


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    return m.group(1) if m else ""


class Session:
    def __init__(self, local, pw, cookies=None):
        s, h, html, sc, _ = req("GET", "/login")
        self.pre = sc.get("gw_pre", "")
        self.status, self.headers, self.html, sc2, self.raw_cookies = req(
            "POST", "/login", {"phone": local, "password": pw, "csrf": csrf_of(html), "next": "/"},
            cookies=dict(cookies or {}, gw_pre=self.pre))
        self.token = sc2.get("gw_session", "")
        self.csrf = ""
        if self.token:
            self.csrf = csrf_of(self.get("/")[2])

    def cookies(self):
        return {"gw_session": self.token}

    def get(self, path):
        return req("GET", path, cookies=self.cookies())

    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf is True:
            f["csrf"] = self.csrf
        elif csrf:
            f["csrf"] = csrf
        return req("POST", path, f, cookies=self.cookies())


def raw(data, read=65536):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    s.sendall(data)
    out = b""
    try:
        while len(out) < read:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                break
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out.decode("latin-1")


def q(gw, sql, args=()):
    return gw.q(sql, args)


def main():
    gw = gwtest.Gateway(webseed.web_conf(PORT))
    try:
        webseed.setup_accounts(gw)
        days = webseed.seed(gw)
        gw.start()
        up = gwtest.wait_for(lambda: _up(), 20)
        check("web console listens on loopback", up)
        run(gw, days)
        gw.stop()
        check("daemon stopped cleanly with the console running", "ERROR" not in gw.daemon_log()
              and "AddressSanitizer" not in gw.daemon_log(), gw.daemon_log()[-2000:])
    finally:
        gw.close()
    gwtest.finish()


def _up():
    try:
        return req("GET", "/login")[0] == 200
    except OSError:
        return False


def run(gw, days):
    admin_local, admin_phone, _, _, _, admin_pw = webseed.ADMIN
    tk_local, tk_phone, _, _, _, tk_pw = webseed.OFFICER_TK
    tl_local, _, _, _, _, tl_pw = webseed.OFFICER_TL

    # --- not logged in
    s, h, _, _, _ = req("GET", "/programs")
    check("no session: GET goes to the login page", s == 303 and h.get("location", "").startswith(
        "/login?next=%2Fprograms"), (s, h))
    s, h, html, sc, raw_c = req("GET", "/login")
    check("login page sets the pre-login CSRF cookie",
          s == 200 and "gw_pre" in sc and any("HttpOnly" in c and "SameSite=Strict" in c for c in raw_c))
    check("security headers", "frame-ancestors 'none'" in h.get("content-security-policy", "") and
          h.get("x-frame-options") == "DENY" and h.get("x-content-type-options") == "nosniff" and
          h.get("cache-control") == "no-store", h)
    s, h, body, _, _ = req("GET", "/static/app.css")
    check("stylesheet served by the daemon", s == 200 and h.get("content-type", "").startswith("text/css")
          and "body{" in body)
    s, h, body, _, _ = req("GET", "/static/app.js")
    check("script served by the daemon", s == 200 and "data-preview" in body)

    # --- logins
    bad = Session(admin_local, "wrong-password")
    check("login with a wrong password refused (401)", bad.status == 401 and not bad.token, bad.status)
    nobody = Session("0999999999", "whatever-123")
    check("login of an unknown number refused (401)", nobody.status == 401 and not nobody.token)
    s, _, html, _, _ = req("POST", "/login", {"phone": admin_local, "password": admin_pw})
    check("login form without its CSRF token refused (403)", s == 403, s)
    admin = Session(admin_local, admin_pw)
    check("admin logs in (303, session cookie)", admin.status == 303 and admin.token, admin.status)
    cookie = [c for c in admin.raw_cookies if c.startswith("gw_session=")]
    check("session cookie HttpOnly, SameSite=Strict, expiring",
          cookie and "HttpOnly" in cookie[0] and "SameSite=Strict" in cookie[0] and "Max-Age=3600" in cookie[0],
          cookie)
    check("login audited", q(gw, "SELECT count(*) FROM audit WHERE action = 'web_login' AND actor = ?",
                             ("web:" + admin_phone,))[0][0] >= 1)
    check("only a hash of the token is stored",
          q(gw, "SELECT count(*) FROM web_sessions WHERE token_hash = ?", (admin.token,))[0][0] == 0 and
          q(gw, "SELECT count(*) FROM web_sessions")[0][0] >= 1)
    again = Session(admin_local, admin_pw, cookies={"gw_session": admin.token})
    check("login rotates the session token", again.token and again.token != admin.token)
    s, h, _, _, _ = req("GET", "/", cookies={"gw_session": admin.token})
    check("the token from before the new login is dead", s == 303 and "/login" in h.get("location", ""), s)
    admin = again

    # --- every page renders for the admin
    pages = ["/", "/programs", "/programs?q=bao+hiem", "/programs?check=1", "/programs/BHYT",
             "/programs/BHYT/history", "/programs/new", "/jobs", "/jobs/1", "/jobs/new", "/jobs/1/broadcast",
             "/broadcasts", "/appointments", "/appointments?day=" + days["day1"], "/calendar", "/inbox",
             "/inbox?intent=policy", "/contacts", "/contacts?optout=1", "/contacts/" + webseed.HOUSEHOLDS[0][0].lstrip("+")]
    bad_pages = [(p, r[0]) for p in pages for r in [admin.get(p)] if r[0] != 200]
    check("every page renders for an administrator", not bad_pages, bad_pages)
    s, _, html, _, _ = admin.get("/")
    check("dashboard: modem, queues, chart, top programs, referrals, today",
          all(x in html for x in ('id="modem"', 'id="queues"', "<svg", "<rect", 'id="top-programs"',
                                   'id="referrals"', 'id="appointments"', "45.200 d")), html[:3000])
    c = sqlite3.connect(gw.db_path, timeout=10)
    with c:
        c.execute("UPDATE sync_state SET version = 7, applied_at = 1796000000, pulled_at = 1796003600,"
                  " pull_ok = 0, pull_error = 'latest: not signed by the hub key' WHERE id = 1")
    c.close()
    s, _, html, _, _ = admin.get("/")
    check("dashboard: the hub's content version and the last pull's failure",
          'id="content"' in html and re.search(r"Phiên bản: 7\b", html) and
          "Thất bại</span> latest: not signed by the hub key" in html, html[:3000])
    s, _, html, _, _ = admin.get("/programs?check=1")
    check("needs-checking flag in the program list", "cần kiểm tra" in html)
    s, h, _, sc, _ = req("GET", "/lang?to=en&next=/programs", cookies=admin.cookies())
    check("English switch", s == 303 and sc.get("gw_lang") == "en" and h.get("location") == "/programs", (s, sc))
    s2, _, html2, _, _ = req("GET", "/programs", cookies=dict(admin.cookies(), gw_lang="en"))
    check("English pages", "<h1>Programs</h1>" in html2, html2[:800])
    s, h, _, _, _ = req("GET", "/lang?to=en&next=//evil.example/")
    check("language switch never redirects off-site", s == 303 and h.get("location") == "/", h)

    # --- CSRF on every form
    form = {"version": "1", "code": "BHYT", "title_vi": "x", "summary_vi": "y", "action": "save"}
    s, _, _, _, _ = admin.post("/programs/BHYT", form, csrf=None)
    check("form without a CSRF token refused (403)", s == 403, s)
    s, _, _, _, _ = admin.post("/programs/BHYT", form, csrf="0" * 64)
    check("form with a wrong CSRF token refused (403)", s == 403, s)
    s, _, _, _, _ = admin.post("/logout", {}, csrf=None)
    check("logout without a CSRF token refused (403)", s == 403, s)
    v_before = q(gw, "SELECT version FROM programs WHERE code = 'BHYT'")[0][0]
    check("nothing saved by refused forms", v_before == 1, v_before)

    # --- program edit, preview, history, revert
    s, _, html, _, _ = admin.get("/programs/BHYT")
    fields = dict(re.findall(r'<input type="(?:text|date)" id="f-[a-z_]+" name="([a-z_]+)" value="([^"]*)"', html))
    fields.update({k: _unescape(v) for k, v in re.findall(
        r'<textarea id="f-[a-z_]+" name="([a-z_]+)"[^>]*>([^<]*)</textarea>', html)})
    fields = {k: _unescape(v) for k, v in fields.items()}
    fields["needs_check"] = ""
    check("editor shows every field", all(k in fields for k in (
        "code", "title_vi", "summary_vi", "how_to_apply_vi", "keywords", "caveat", "effective_from")), fields.keys())
    fields["version"] = str(v_before)
    fields["summary_vi"] = "Hộ nghèo được cấp thẻ BHYT miễn phí. Thử sửa từ web."
    s, _, pv, _, _ = admin.post("/preview/program", fields)
    check("preview: accented and unaccented, parts and encoding",
          s == 200 and 'id="preview-accented"' in pv and 'id="preview-plain"' in pv and "· có dấu ·" in pv and
          "· không dấu ·" in pv and "UCS-2" not in pv and "Thử sửa từ web" in pv and "Thu sua tu web" in pv, pv[:1500])
    fields["action"] = "save"
    s, h, _, _, _ = admin.post("/programs/BHYT", fields)
    check("program saved (303)", s == 303 and "ok=saved" in h.get("location", ""), (s, h))
    row = q(gw, "SELECT version, summary_vi, updated_by FROM programs WHERE code = 'BHYT'")[0]
    check("new version, the edit stored, by the account", row[0] == v_before + 1 and "Thử sửa từ web" in row[1]
          and row[2] == "web:" + admin_phone, row)
    check("edit audited with the account", q(gw, "SELECT count(*) FROM audit WHERE actor = ? AND action ="
                                                " 'program edit' AND target = 'BHYT'", ("web:" + admin_phone,))[0][0] == 1)
    s, _, _, _, _ = admin.post("/programs/BHYT", fields)
    check("a stale version is refused (409), nothing overwritten", s == 409, s)
    stale = dict(fields, version=str(v_before + 1), title_vi="")
    s, _, html, _, _ = admin.post("/programs/BHYT", stale)
    check("validation: empty title refused (400) with the field marked",
          s == 400 and 'class="bad"' in html and "title_vi" in html, s)
    s, _, html, _, _ = admin.get("/programs/BHYT/history")
    check("history with a diff", s == 200 and "<ins>" in html and "<del>" in html and 'id="versions"' in html)
    s, h, _, _, _ = admin.post("/programs/BHYT/revert", {"version": "1"})
    row = q(gw, "SELECT version, summary_vi FROM programs WHERE code = 'BHYT'")[0]
    check("revert brings version 1 back as a new version", s == 303 and row[0] == v_before + 2
          and "Thử sửa từ web" not in row[1], (s, row))

    # --- escaping: a program titled <script>
    xss = {"version": "0", "code": "WEB-XSS", "title_vi": "<script>alert(1)</script>",
           "summary_vi": "\"><img src=x onerror=alert(2)> & co", "keywords": "xss", "action": "save"}
    s, h, _, _, _ = admin.post("/programs/new", xss)
    check("admin adds a program", s == 303, s)
    s, _, html, _, _ = admin.get("/programs?q=WEB-XSS")
    check("program title <script> shown as text in the list",
          "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html, html[-2500:])
    s, _, html, _, _ = admin.get("/programs/WEB-XSS")
    check("and in the editor and preview", "<script>alert" not in html and "<img src=x" not in html
          and "&lt;img src=x" in html)
    s, _, html, _, _ = admin.get("/programs/%3Cscript%3E")
    check("a path with markup is escaped too", s == 404 and "<script>" not in html.split("</head>")[1])

    # --- officers: their commune only
    tk = Session(tk_local, tk_pw)
    check("officer logs in", tk.status == 303 and tk.token)
    s, _, html, _, _ = tk.get("/jobs")
    check("officer's job list holds their commune's offers only",
          'href="/jobs/1"' in html and 'href="/jobs/6"' not in html, html[-3000:])
    s, _, _, _, _ = tk.get("/jobs/6")
    check("officer refused another commune's offer (403)", s == 403, s)
    s, _, _, _, _ = tk.post("/jobs/6/close", {})
    check("officer refused closing another commune's offer (403)", s == 403 and
          q(gw, "SELECT status FROM jobs WHERE id = 6")[0][0] == "open", s)
    other_appt = q(gw, "SELECT a.id FROM appointments a JOIN officers o ON o.id = a.officer_id"
                       " WHERE o.commune = 'Tân Lập' LIMIT 1")[0][0]
    s, _, _, _, _ = tk.post("/appointments/%d" % other_appt, {"action": "confirm"})
    check("officer refused confirming another commune's appointment (403)", s == 403 and
          q(gw, "SELECT status FROM appointments WHERE id = ?", (other_appt,))[0][0] == "requested", s)
    tl_phone_household = webseed.HOUSEHOLDS[1][0]
    other_msg = q(gw, "SELECT id FROM inbox WHERE sender = ? LIMIT 1", (tl_phone_household,))[0][0]
    def page_of(path):  # the body, without the language link that echoes the path asked
        st, _, html, _, _ = tk.get(path)
        return st, html.replace(urllib.parse.quote(path, safe=""), "PATH")
    s, other_html = page_of("/inbox/%d" % other_msg)
    s2, none_html = page_of("/inbox/999999")
    check("another commune's message is the same 404 as none at all", s == 404 and s2 == 404 and
          other_html == none_html, (s, s2))
    s, other_html = page_of("/contacts/" + tl_phone_household.lstrip("+"))
    s2, none_html = page_of("/contacts/84909999999")
    check("another commune's household is the same 404 as a number nobody knows", s == 404 and s2 == 404
          and other_html == none_html, (s, s2, other_html[-600:], none_html[-600:]))
    check("those refusals audited", q(gw, "SELECT count(*) FROM audit WHERE action = 'scope_refused'"
                                          " AND actor = ?", ("web:" + tk_phone,))[0][0] >= 2)
    s, _, _, _, _ = tk.post("/jobs/new", {"title": "Viec o xa khac", "commune": "Tân Lập", "district": "Sông Lô",
                                          "province": "Phú Thọ", "deadline": "2030-12-31"})
    check("officer may not post an offer in another commune (403)", s == 403 and
          q(gw, "SELECT count(*) FROM jobs WHERE title = 'Viec o xa khac'")[0][0] == 0, s)
    s, _, _, _, _ = tk.post("/jobs/1", {"title": "Viec chuyen xa", "commune": "Tân Lập", "deadline": "2030-12-31"})
    check("nor move one of theirs into another commune (403)", s == 403 and
          q(gw, "SELECT commune FROM jobs WHERE id = 1")[0][0] != "Tân Lập", s)
    s, _, _, _, _ = tk.get("/jobs/1/broadcast?area=tan+lap")
    s2, _, _, _, _ = tk.post("/jobs/1/broadcast", {"area": "Tân Lập", "type": ""})
    check("nor aim a broadcast at another commune (403)", s == 403 and s2 == 403 and
          q(gw, "SELECT count(*) FROM broadcasts")[0][0] == 0, (s, s2))
    s, _, html, _, _ = tk.get("/inbox")
    check("officer's inbox lists their households only", tl_phone_household.lstrip("+") not in html
          and webseed.HOUSEHOLDS[0][0].lstrip("+") in html)
    s, _, _, _, _ = tk.post("/programs/BHYT", dict(fields, version="3"))
    check("officer may not change programs (403)", s == 403, s)
    s, _, html, _, _ = tk.get("/programs/BHYT")
    check("officer reads programs with the preview", s == 200 and 'id="preview"' in html and "readonly" in html)
    s, _, _, _, _ = tk.post("/calendar", {"what": "settings", "slot": "30", "capacity": "9", "horizon": "30",
                                          "place": "x"})
    check("officer may not change the calendar (403)", s == 403, s)

    # --- appointments: confirm and move, household told through the outbox
    mine = q(gw, "SELECT a.id, a.phone FROM appointments a JOIN officers o ON o.id = a.officer_id"
                 " WHERE o.commune = 'Thiện Kế' ORDER BY a.id")
    s, h, _, _, _ = tk.post("/appointments/%d" % mine[0][0], {"action": "confirm"})
    check("officer confirms their appointment", s == 303 and "ok=confirmed" in h.get("location", "") and
          q(gw, "SELECT status FROM appointments WHERE id = ?", (mine[0][0],))[0][0] == "confirmed", (s, h))
    check("household told by SMS through the outbox",
          q(gw, "SELECT count(*) FROM outbox WHERE phone = ? AND status = 'queued' AND kind = 'notify'",
            (mine[0][1],))[0][0] >= 1 or q(gw, "SELECT count(*) FROM outbox WHERE phone = ? AND kind = 'notify'",
                                            (mine[0][1],))[0][0] >= 1)
    check("confirm audited with the account", q(gw, "SELECT count(*) FROM audit WHERE actor = ? AND action ="
                                                   " 'appointment_confirm'", ("web:" + tk_phone,))[0][0] == 1)
    s, h, _, _, _ = tk.post("/appointments/%d" % mine[1][0], {"action": "move", "day": days["day2"], "time": "09:00"})
    check("officer moves an appointment", s == 303 and q(gw, "SELECT day, slot, status FROM appointments WHERE id = ?",
                                                         (mine[1][0],))[0] == (days["day2"], "09:00", "confirmed"),
          (s, h))
    s, _, html, _, _ = tk.post("/appointments/%d" % mine[2][0], {"action": "move", "day": days["day2"],
                                                                  "time": "03:00"})
    check("a move to a closed hour refused (409) with the reason", s == 409 and "notice err" in html, s)
    s, _, html, _, _ = tk.get("/appointments?day=" + days["day1"])
    check("calendar by day and slot", 'id="slots"' in html and "08:00" in html and "/2</td>" in html)

    # --- jobs: post, status of a referral, broadcast, close
    s, h, _, _, _ = tk.post("/jobs/new", {"title": "Công nhân may <b>mới</b>", "commune": "Thiện Kế",
                                          "district": "Bình Xuyên", "province": "Phú Thọ", "wage_text": "6-8 triệu",
                                          "deadline": "2030-12-31", "contact": "0912000002"})
    new_job = q(gw, "SELECT id, code, officer_id FROM jobs WHERE code LIKE 'JOB-WEB-%'")
    check("officer posts an offer (JOB-WEB-n, their own)", s == 303 and new_job and
          new_job[0][2] == q(gw, "SELECT id FROM officers WHERE phone = ?", (tk_phone,))[0][0], (s, new_job))
    s, _, html, _, _ = tk.post("/jobs/new", {"title": "", "deadline": "not a date"})
    check("a job without a title refused (400)", s == 400, s)
    # input as people type it (issue 22)
    s, h, _, _, _ = tk.post("/jobs/new", {"title": "Phụ kho", "commune": "Thiện Kế", "wage_min": "5.000.000",
                                          "wage_max": "7tr", "deadline": "31/12/2030"})
    row = q(gw, "SELECT wage_min, wage_max, deadline FROM jobs WHERE title = 'Phụ kho'")
    check("the job form takes '5.000.000', '7tr' and '31/12/2030'", s == 303 and row and
          tuple(row[0]) == (5000000, 7000000, "2030-12-31"), (s, row))
    s, _, html, _, _ = tk.post("/jobs/new", {"title": "Bảo vệ", "commune": "Thiện Kế", "wage_min": "thỏa thuận",
                                             "deadline": "31/12/2030"})
    check("a wage that is not a number refused in plain words, as typed", s == 400 and
          "Lương phải là số, ví dụ 5.000.000" in html and 'value="thỏa thuận"' in html
          and "must be" not in html and "wage_min" not in html.split("</h1>")[1].replace('name="wage_min"', "")
          .replace('id="j-wage_min"', "").replace('for="j-wage_min"', ""), html[-3000:])
    s, _, html, _, _ = tk.post("/jobs/new", {"title": "Bảo vệ", "commune": "Thiện Kế", "wage_min": "8tr",
                                             "wage_max": "6tr"})
    check("a wage range with the lowest above the highest refused", s == 400 and "Lương cao nhất phải" in html
          and q(gw, "SELECT count(*) FROM jobs WHERE title = 'Bảo vệ'")[0][0] == 0, s)
    s, _, html, _, _ = tk.post("/jobs/new", {"title": "Bảo vệ", "commune": "Thiện Kế", "deadline": "31/02/2031"})
    check("an impossible deadline refused in plain words", s == 400 and "Hạn nộp phải là một ngày" in html, s)
    ref = q(gw, "SELECT id FROM referrals WHERE job_id = 1 ORDER BY id LIMIT 1")[0][0]
    s, _, _, _, _ = tk.post("/referrals/%d" % ref, {"status": "contacted"})
    check("referral status changed", s == 303 and q(gw, "SELECT status FROM referrals WHERE id = ?", (ref,))[0][0]
          == "contacted", s)
    s, _, _, _, _ = tk.post("/referrals/%d" % ref, {"status": "bribed"})
    check("an unknown referral status refused (400)", s == 400, s)
    s, _, html, _, _ = tk.get("/jobs/1/broadcast")
    m = re.search(r'id="bc-recipients">(\d+)<', html)
    expected = q(gw, "SELECT count(*) FROM subscriptions s JOIN contacts c ON c.phone = s.phone"
                     " WHERE c.opted_out = 0 AND s.area = 'thien ke'")[0][0]
    parts = re.search(r'id="bc-parts">(\d+)<', html)
    cost = re.search(r'id="bc-cost">([\d.]+) đồng<', html)
    check("broadcast preview: recipients, SMS, cost in đồng, start and finish", s == 200 and m and
          int(m.group(1)) == expected and parts and cost and
          int(cost.group(1).replace(".", "")) == int(parts.group(1)) * 300 and 'id="bc-finish"' in html
          and "Không gửi ban đêm" in html and 'id="bc-send"' in html, (m and m.group(1), expected, html[-2500:]))
    check("preview queued nothing", q(gw, "SELECT count(*) FROM broadcasts")[0][0] == 0)
    s, h, _, _, _ = tk.post("/jobs/1/broadcast", {"area": "", "type": ""})
    check("broadcast queued in the outbox", s == 303 and q(gw, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'")
          [0][0] == expected, s)
    s, _, html, _, _ = tk.get("/jobs/1/broadcast")
    check("no 'Gửi' when nobody is left to send to", s == 200 and 'id="bc-recipients">0<' in html and
          'id="bc-send"' not in html and 'id="bc-nobody"' in html, html[-1500:])
    # the progress page follows a broadcast that is still going out by itself
    gwtest.wait_for(lambda: q(gw, "SELECT count(*) FROM outbox WHERE status = 'sending'")[0][0] == 0, 20)
    db = sqlite3.connect(gw.db_path, timeout=10)
    db.execute("UPDATE outbox SET next_attempt_at = ?, status = 'queued' WHERE kind = 'broadcast'",
               (int(time.time()) + 3 * 86400,))
    db.commit()
    s, _, html, _, _ = tk.get("/broadcasts")
    check("broadcast progress in plain words, refreshing itself while it goes", s == 200 and "<meter" in html
          and "trên %d người" % expected in html and "còn %d" % expected in html and "xong khoảng" in html
          and 'http-equiv="refresh"' in html and "xep " not in html, html[-1500:])
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE kind = 'broadcast'", (int(time.time()),))
    db.commit()
    db.close()
    s, _, html, _, _ = tk.get("/broadcasts")
    check("... and stops refreshing when it is done", "đã xong" in html and 'http-equiv="refresh"' not in html)
    s, _, _, _, _ = tk.post("/jobs/%d/close" % new_job[0][0], {})
    check("officer closes their offer", s == 303 and q(gw, "SELECT status FROM jobs WHERE id = ?",
                                                       (new_job[0][0],))[0][0] == "closed")

    # --- inbox answer by hand, contacts and opt-outs
    msg = q(gw, "SELECT id, sender FROM inbox WHERE sender = ? ORDER BY id DESC LIMIT 1",
            (webseed.HOUSEHOLDS[0][0],))[0]
    s, _, _, _, _ = tk.post("/inbox/%d" % msg[0], {"text": "Chao ban, mai 8h mang CCCD den UBND xa."})
    check("answer by hand queued as a reply to that message",
          # queued, or already sent by the running daemon
          s == 303 and q(gw, "SELECT count(*) FROM outbox WHERE inbox_id = ? AND kind = 'reply' AND text ="
                             " 'Chao ban, mai 8h mang CCCD den UBND xa.'", (msg[0],))[0][0] == 1, s)
    s, _, _, _, _ = tk.post("/inbox/%d" % msg[0], {"text": "x" * 2000})
    check("an answer over the SMS budget refused (400)", s == 400, s)
    c = sqlite3.connect(gw.db_path)
    with c:  # as if the network reported it delivered
        c.execute("UPDATE outbox SET status = 'sent', sent_at = strftime('%s', 'now'),"
                  " dlr = 'delivered', dlr_at = strftime('%s', 'now') WHERE inbox_id = ?", (msg[0],))
    c.close()
    s, _, html, _, _ = tk.get("/inbox/%d" % msg[0])
    check("the message page shows the answer's delivery report",
          s == 200 and "đã đến máy" in html, html[-1500:])
    s, _, html, _, _ = req("GET", "/inbox", cookies=dict(tk.cookies(), gw_lang="en"))
    check("the inbox shows which answers were delivered", s == 200 and
          '<span class="tag dlr">delivered</span>' in html, html[-1500:])
    hh = webseed.HOUSEHOLDS[0][0]
    s, _, _, _, _ = tk.post("/contacts/" + hh.lstrip("+"), {"action": "optout"})
    check("opt-out recorded for a household that asked", s == 303 and
          q(gw, "SELECT opted_out FROM contacts WHERE phone = ?", (hh,))[0][0] == 1)
    s, _, html, _, _ = admin.get("/contacts/" + hh.lstrip("+"))
    check("no way to undo an opt-out in the page", 'id="opted-out"' in html and "optin" not in html)
    s, _, _, _, _ = admin.post("/contacts/" + hh.lstrip("+"), {"action": "optin"})
    check("an opt-out can never be overridden, not even by an admin (403)", s == 403 and
          q(gw, "SELECT opted_out FROM contacts WHERE phone = ?", (hh,))[0][0] == 1, s)

    officer_console(gw, days, tk)

    # --- requests too big or malformed
    s, _, _, _, _ = req("POST", "/login", raw_body="a=" + "x" * (300 * 1024),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("oversized body refused (413)", s == 413, s)
    out = raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 50000000\r\n\r\n")
    check("huge declared body refused at once (413)", " 413 " in out.split("\r\n")[0], out[:200])
    s, _, _, _, _ = req("POST", "/login", raw_body="phone=%zz&password=x",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("malformed form body refused (400)", s == 400, s)
    s, _, _, _, _ = req("POST", "/login", raw_body=b"phone=%ff%fe&password=x",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("form text that is not UTF-8 refused (400)", s == 400, s)
    s, _, _, _, _ = req("POST", "/login", raw_body="{}", headers={"Content-Type": "application/json"})
    check("a body that is not a form refused (415)", s == 415, s)
    s, h, _, _, _ = req("PUT", "/programs", raw_body="x", headers={"Content-Type": "text/plain"})
    check("unknown method refused (405 with Allow)", s == 405 and "POST" in h.get("allow", ""), (s, h))
    s, _, _, _, _ = req("GET", "/?" + "a" * 3000)
    check("URL too long refused (414)", s == 414, s)
    out = raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * (80 * 1024) + b"\r\n\r\n")
    check("oversized headers refused (431)", " 431 " in out.split("\r\n")[0], out[:200])
    out = raw(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
    check("malformed header line refused (400)", " 400 " in out.split("\r\n")[0], out[:200])
    out = raw(b"GET / FOO\r\n\r\n")
    check("malformed request line refused (400)", " 400 " in out.split("\r\n")[0], out[:200])
    out = raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: abc\r\n\r\n")
    check("malformed Content-Length refused (400)", " 400 " in out.split("\r\n")[0], out[:200])
    s, _, _, _, _ = req("GET", "/programs?q=%ff%fe", cookies=admin.cookies())
    check("query that is not UTF-8 refused (400)", s == 400, s)
    s, _, _, _, _ = admin.get("/jobs/abc")
    check("bad id is 404", s == 404, s)
    s, _, _, _, _ = req("GET", "/", raw_body="x", headers={"Content-Length": "1"})
    check("GET with a body refused (400)", s == 400, s)

    # --- expiry, logout, rate limit
    db = sqlite3.connect(gw.db_path, timeout=10)
    db.execute("UPDATE web_sessions SET expires_at = 1 WHERE officer_id = (SELECT id FROM officers WHERE phone = ?)",
               (tk_phone,))
    db.commit()
    db.close()
    s, h, _, _, _ = tk.get("/")
    check("an expired session goes back to login", s == 303 and "/login" in h.get("location", ""), s)
    s, h, _, sc, raw_c = admin.post("/logout", {})
    check("logout ends the session", s == 303 and any(c.startswith("gw_session=;") and "Max-Age=0" in c
                                                      for c in raw_c), raw_c)
    s, _, _, _, _ = admin.get("/")
    check("the logged-out token is dead", s == 303)
    statuses = [Session(tl_local, "wrong-%d" % i).status for i in range(5)]
    t0 = time.monotonic()
    locked = Session(tl_local, tl_pw)
    check("after 5 wrong passwords the number is locked (429, Retry-After)",
          statuses == [401] * 5 and locked.status == 429 and int(locked.headers.get("retry-after", "0")) > 0
          and not locked.token, (statuses, locked.status))
    check("a locked login is refused without the slow hash", time.monotonic() - t0 < 2.0)
    check("refusals audited", q(gw, "SELECT count(*) FROM audit WHERE action = 'web_login_fail'")[0][0] >= 7
          and q(gw, "SELECT count(*) FROM audit WHERE action = 'web_login_limited'")[0][0] >= 1)
    other = Session(tk_local, tk_pw)
    check("another number from the same address still logs in", other.status == 303)


def officer_console(gw, days, tk):
    """Issue 22: what a commune officer sees and does."""
    tl_local, tl_phone, _, _, _, tl_pw = webseed.OFFICER_TL
    tl = Session(tl_local, tl_pw)
    check("Tân Lập's officer logs in", tl.status == 303, tl.status)
    unknown, sick = webseed.UNKNOWN
    for who, sess in (("Tân Lập", tl), ("Thiện Kế", tk)):
        s, _, html, _, _ = sess.get("/inbox")
        check("%s's officer sees the households whose commune is not known" % who,
              s == 200 and unknown.lstrip("+") in html and "chưa rõ xã" in html, html[-2000:])
    s, _, html, _, _ = tl.get("/inbox?q=tan+lap")
    check("searching 'tan lap' finds what was written 'Tan Lap'", "thon 3 Tan Lap" in html)
    s, _, html, _, _ = tl.get("/")
    wait = dict(re.findall(r'<b id="(w-[a-z]+)">(\d+)</b>', html))
    check("dashboard says what waits for her", s == 200 and html.index('id="waiting"') < html.index('id="modem"')
          and int(wait.get("w-unknown", 0)) == 2 and int(wait.get("w-messages", 0)) >= 1
          and int(wait.get("w-appts", 0)) >= 1, wait)
    check("the sick child waits for an officer, named as health",
          "Có thể cấp cứu" in html and "ốm nặng" in html, html[-3000:])
    s, _, html, _, _ = tl.get("/inbox?wait=1")
    check("inbox filter: messages waiting for an officer", "ốm nặng" in html and "UT 6" not in html)
    # the UT 6 row shows the household's answer; the officer's alert apart
    s, _, html, _, _ = tl.get("/inbox?q=UT+6")
    row = [r for r in html.split("<tr") if 'href="/inbox/%d"' % days["ut6"] in r]
    check("the UT row shows what the household got", row and "Da ghi nhan ung tuyen" in row[0]
          and "Hay goi lai ho" not in row[0], row[:1])
    s, _, html, _, _ = tl.get("/inbox/%d" % days["ut6"])
    check("the message page lists the officer alert apart, named",
          'id="alerts"' in html and html.index("Hay goi lai ho") > html.index('id="alerts"')
          and html.index("Da ghi nhan") < html.index('id="alerts"') and "Lê Văn Cường" in html)
    check("plain statuses on the message page", "đã gửi" in html and ">sent<" not in html
          and "handled" not in html and "gsm7" not in html, html[-2000:])
    # place a household: one click, audited; then the other commune's officer no longer sees it
    s, _, html, _, _ = tl.get("/inbox?unknown=1")
    check("the commune its message names is suggested",
          re.search(r'<option value="Tân Lập" selected>', html) is not None, html[-3000:])
    s, _, _, _, _ = tk.post("/contacts/" + unknown.lstrip("+"), {"action": "commune", "commune": "Đồng Văn",
                                                                 "back": "inbox"})
    check("an officer may not place a household in a commune the box does not serve (403)", s == 403, s)
    s, h, _, _, _ = tl.post("/contacts/" + unknown.lstrip("+"), {"action": "commune", "commune": "Tân Lập",
                                                                 "back": "inbox"})
    check("an officer places a household in one click", s == 303 and "ok=placed" in h.get("location", "") and
          q(gw, "SELECT commune FROM contacts WHERE phone = ?", (unknown,))[0][0] == "Tân Lập", (s, h))
    check("placing audited", q(gw, "SELECT count(*) FROM audit WHERE action = 'contact commune' AND target = ?",
                               (unknown,))[0][0] == 1)
    s, _, _, _, _ = tk.post("/contacts/" + unknown.lstrip("+"), {"action": "commune", "commune": "Thiện Kế"})
    check("a placed household is no longer every officer's", s == 404, s)
    # the reply box: live count from the server, "bỏ dấu" one click away
    text = "Chào chị, chị mang sổ hộ khẩu và giấy khám bệnh lên UBND xã sáng thứ Hai để làm hồ sơ nhé."
    s, _, html, _, _ = tl.post("/preview/answer", {"text": text})
    plain = re.search(r'data-fold="([^"]*)"', html)
    check("reply count: characters, SMS, encoding, cost", s == 200 and "<b>%d</b> ký tự" % len(text) in html
          and "<b>2</b> SMS" in html and "có dấu" in html and "600 đồng" in html, html)
    check("'bỏ dấu' offers the unaccented text in 1 SMS", plain and plain.group(1).startswith("Chao chi, chi mang")
          and "thành 1 SMS" in html, html)
    sick_id = q(gw, "SELECT id FROM inbox WHERE sender = ?", (sick,))[0][0]
    s, _, html, _, _ = tl.post("/inbox/%d" % sick_id, {"text": text, "action": "fold"})
    check("'bỏ dấu' without script: the page comes back unaccented", s == 200 and "Chao chi, chi mang" in html
          and "<b>1</b> SMS" in html)
    s, _, _, _, _ = tl.post("/inbox/%d" % sick_id, {"action": "attended"})
    check("'needs no further answer' takes it off the waiting list", s == 303 and
          q(gw, "SELECT attended_by IS NOT NULL FROM inbox WHERE id = ?", (sick_id,))[0][0] == 1)
    s, _, html, _, _ = tl.get("/inbox?wait=1")
    check("... and it is gone from there", "ốm nặng" not in html)


def _unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")
            .replace("&amp;", "&"))


if __name__ == "__main__":
    main()
