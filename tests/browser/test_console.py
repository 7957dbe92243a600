#!/usr/bin/env python3
"""Start the sanitized gatewayd with the web console and a month of seeded
traffic, run console.mjs in headless Chromium against it, and check in the
database that what the browser did happened (program saved by the admin,
appointment confirmed and the household's notice queued).

Screenshots go to $GW_SCREENSHOTS (default build/test/screenshots; `make
screenshots` writes docs/screenshots)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import gwtest  # noqa: E402
import webseed  # noqa: E402
from gwtest import check  # noqa: E402


def main():
    port = webseed.free_port()
    shots = os.environ.get("GW_SCREENSHOTS") or os.path.join(gwtest.BUILD, "screenshots")
    gw = gwtest.Gateway(webseed.web_conf(port))
    try:
        webseed.setup_accounts(gw)
        days = webseed.seed(gw)
        gw.start()
        local, phone, _, _, _, pw = webseed.ADMIN
        env = dict(os.environ, WEB_URL="http://127.0.0.1:%d" % port, WEB_PHONE=local, WEB_PASSWORD=pw,
                   WEB_DAY=days["day1"], WEB_SHOTS=os.path.abspath(shots))
        p = subprocess.run(["node", os.path.join(HERE, "console.mjs")], env=env, capture_output=True,
                           text=True, timeout=300)
        sys.stdout.write(p.stdout)
        check("browser scenario ran to the end", p.returncode == 0, p.stderr[-3000:])
        check("the browser's edit is stored, by the admin",
              gw.q1("SELECT updated_by FROM programs WHERE code = 'BHYT'") == "web:" + phone)
        appt = gw.q("SELECT id, phone FROM appointments WHERE status = 'confirmed' AND day = ?", (days["day1"],))
        check("the browser's confirmation is stored", len(appt) == 1, appt)
        check("and the household's SMS is queued in the outbox",
              appt and gw.q1("SELECT count(*) FROM outbox WHERE phone = ? AND kind = 'notify'", (appt[0][1],)) >= 1)
        # issue 22: the Tân Lập officer's console, both languages, 1280 and 360 px
        tl_local, _, _, _, _, tl_pw = webseed.OFFICER_TL
        sick = gw.q1("SELECT id FROM inbox WHERE sender = ?", (webseed.UNKNOWN[1],))
        env2 = dict(env, WEB_PHONE=tl_local, WEB_PASSWORD=tl_pw, WEB_UNKNOWN=webseed.UNKNOWN[0].lstrip("+"),
                    WEB_SICK_MSG=str(sick), WEB_UT6_MSG=str(days["ut6"]))
        p = subprocess.run(["node", os.path.join(HERE, "officer.mjs")], env=env2, capture_output=True,
                           text=True, timeout=600)
        sys.stdout.write(p.stdout)
        check("officer scenario ran to the end", p.returncode == 0, p.stderr[-3000:])
        check("screenshots saved", all(os.path.getsize(os.path.join(shots, f)) > 10000
                                       for f in ("dashboard.png", "program-editor.png", "officer-dashboard.png",
                                                 "officer-dashboard-360.png", "inbox-360.png", "reply-360.png",
                                                 "broadcast-360.png")))
        gw.stop()
    finally:
        gw.close()
    gwtest.finish()


if __name__ == "__main__":
    main()
