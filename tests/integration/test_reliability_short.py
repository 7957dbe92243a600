"""Short versions of the reliability campaigns (tests/soak/, docs/RELIABILITY.md)
for make test, on the sanitized build ($GW_BUILD):

  crash   30 inbound messages from 10 senders on the simulated AT modem
          (delivery reports on), gatewayd killed with SIGKILL 5 times at
          random moments; then 200 from 40 senders on the dummy phone (no
          reports), 20 kills: no household unanswered, duplicates 0 / <= 2 %
  crash2  30 messages over two simulated modems (a Viettel and a VinaPhone
          SIM, one worker process each), questions written to either
  fault   vanish/appear, ERROR to everything, temporary +CMS ERROR, the SIM
          asking for its PIN, garbage bytes: recovery, CPU, delivery
  flood   1,000 messages from one number; other households' latency
  ussd    20 concurrent USSD sessions, 600 requests
  auth    officer commands from strangers, wrong PINs, replays, payloads,
          another commune's officer
  web     cross-commune requests in the web console, a login flood, slow
          clients on both HTTP servers, a 40 KB preview, a chunked flood

The two AT-modem campaigns spend their time in libgammu's fixed sleeps, so
they run side by side with USSD and authentication; the flood, which
compares latencies and so wants the machine to itself, runs after them
(about 90 s in all). Each campaign's PASS/FAIL lines are repeated here with
its name, its figures indented, and the failures once more at the end.
`make soak` runs the long versions."""
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOAK = os.path.join(os.path.dirname(HERE), "soak")
PY = sys.executable

# groups of one stage run side by side; stages one after the other
STAGES = [
    [
        [("crash", ["crash_campaign.py", "--messages", "30", "--senders", "10", "--kills", "5",
                    "--build", "san"]),
         ("crash-dummy", ["crash_campaign.py", "--phone", "dummy", "--messages", "200",
                          "--senders", "40", "--kills", "20", "--inject-interval", "0.1",
                          "--build", "san", "--dup-explained"])],
        [("crash2", ["crash_campaign.py", "--messages", "30", "--senders", "10", "--kills", "5",
                     "--build", "san", "--modems", "2"])],
        [("fault", ["fault_campaign.py", "--short", "--build", "san"])],
        [("ussd", ["ussd_load.py", "--concurrency", "20", "--requests", "600", "--scripts", "15",
                   "--build", "san"]),
         ("auth", ["auth_campaign.py", "--short", "--build", "san"])],
        [("web", ["web_campaign.py", "--short", "--build", "san"])],
    ],
    [
        [("flood", ["flood_campaign.py", "--flood", "1000", "--households", "5",
                    "--rate-limit", "20", "--rounds", "3", "--build", "san",
                    "--report-latency-only"])],
    ],
]
GROUPS = [g for stage in STAGES for g in stage]
LIMIT_S = 300  # each campaign; the whole file should take about 90 s

results = {}
lock = threading.Lock()


def run_group(group):
    for name, argv in group:
        t0 = time.monotonic()
        try:
            p = subprocess.run([PY, os.path.join(SOAK, argv[0])] + argv[1:], capture_output=True,
                               text=True, timeout=LIMIT_S, cwd=os.path.dirname(SOAK))
            out, rc = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) \
                else (e.stdout or "")
            out += "\nFAIL %s did not finish within %d s" % (name, LIMIT_S)
            rc = -1
        with lock:
            results[name] = (rc, out, time.monotonic() - t0)


def main():
    for stage in STAGES:
        threads = [threading.Thread(target=run_group, args=(g,)) for g in stage]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    failed = 0
    fails = []
    for group in GROUPS:
        for name, _ in group:
            rc, out, secs = results.get(name, (-1, "FAIL not run", 0))
            bad = 0
            for ln in out.splitlines():
                if ln.startswith("PASS "):
                    print("PASS %s: %s" % (name, ln[5:]))
                elif ln.startswith("FAIL "):
                    print("FAIL %s: %s" % (name, ln[5:]))
                    fails.append("%s: %s" % (name, ln[5:300]))
                    bad += 1
                elif ln.startswith("FIGURE "):
                    print("    %s: %s" % (name, ln[7:]))
            if rc != 0 and bad == 0:
                print("FAIL %s: exit status %s" % (name, rc))
                fails.append("%s: exit status %s" % (name, rc))
                print("\n".join("    | " + x for x in out.splitlines()[-40:]))
                bad = 1
            elif bad:
                print("\n".join("    | " + x for x in out.splitlines() if x.startswith("  ")))
            print("    %s: %.0f s" % (name, secs))
            failed += bad
    for f in fails:  # again, where the runner's tail shows them
        print("  failed: " + f)
    print("test_reliability_short.py: %s" % ("ok" if failed == 0 else "%d failure(s)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
