#!/usr/bin/env python3
"""Integration: a province's hub and a commune's box (issue 21, part 2).

The hub (sample content) makes a key and publishes; a real loopback HTTP
server serves the folder; the box pulls with `gatewayctl sync`, answers
with the hub's content and keeps its own offer. A change at the hub
reaches the box's answers. A tampered bundle, a download that breaks off,
an older version, an unreachable hub and a certificate that does not
verify change nothing, say why in one line and exit non-zero. file://
(a USB stick) works too. The daemon pulls by itself every sync.interval,
and `gatewayctl status` shows the version and the last pull. gatewayctl
does not link libcurl: it loads it when it downloads (gatewayd links it
for the Kannel transport's sendsms)."""
import functools
import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import unicodedata

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import GATEWAYCTL, GATEWAYD, TOP, Gateway, check, finish, wait_for  # noqa: E402


class Handler(http.server.SimpleHTTPRequestHandler):
    """The folder as a web server gives it; under /cut/ a bundle's body
    breaks off half-way after announcing its whole length."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/cut/") and self.path.endswith(".json"):
            path = os.path.join(self.directory, os.path.basename(self.path))
            with open(path, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path.startswith("/cut/"):
            self.path = self.path[4:]
        super().do_GET()


def serve(directory, tls=None):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          functools.partial(Handler, directory=directory))
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def exported(gw):
    """The box's programmes and offers as export writes them."""
    out = os.path.join(gw.dir, "export.json")
    gw.ctl("export", "programs", "-o", out)
    with open(out) as f:
        progs = f.read()
    gw.ctl("export", "jobs", "-o", out)
    with open(out) as f:
        return progs + f.read()


def plain(text):
    """Lower case without diacritics: replies may go either way."""
    t = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in t if not unicodedata.combining(c))


def answer(gw, text):
    p = gw.ctl("simulate", "--json", text)
    return json.loads(p.stdout)["replies"][0]


def needed(path):
    """The shared libraries path names (readelf -d), or None without readelf."""
    if not shutil.which("readelf"):
        return None
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return [line.split("[")[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


libs = needed(GATEWAYCTL)
if libs is None:
    print("note: no readelf, the libcurl check was skipped")
else:
    check("gatewayctl does not link libcurl (it loads it at its first download)",
          not any("curl" in lib for lib in libs), libs)

work = tempfile.mkdtemp(prefix="gw-hub-")
hub = Gateway()
box = Gateway(content=False)
servers = []
try:
    pub_dir = os.path.join(work, "pub")
    os.makedirs(pub_dir)
    key = os.path.join(work, "hub.key")
    p = hub.ctl("hub", "keygen", key)
    pubkey = p.stdout.strip().splitlines()[-1]
    check("keygen: secret key file mode 0600, public key on the last line",
          os.stat(key).st_mode & 0o777 == 0o600 and len(pubkey) == 44, p.stdout)
    p = hub.ctl("hub", "keygen", key, check_rc=False)
    check("keygen never writes over a key", p.returncode != 0 and "exists" in p.stderr, p.stderr)
    p = hub.ctl("hub", "publish", pub_dir, "--key", key)
    check("publish writes a versioned bundle, its signature and the pointer",
          sorted(os.listdir(pub_dir)) == ["bundle-1.json", "bundle-1.json.sig", "latest"], p.stdout)
    old_dir = os.path.join(work, "old")
    shutil.copytree(pub_dir, old_dir)  # version 1, to offer again later

    srv = serve(pub_dir)
    servers.append(srv)
    url = "http://127.0.0.1:%d/" % srv.server_address[1]
    with open(box.conf, "a") as f:
        f.write('sync = { url = "%s"; pubkey = "%s"; interval = 1; };\n' % (url, pubkey))
    box.ctl("job", "add", "--title", "Phụ hồ xây nhà văn hoá", "--place", "Tân Lập, Sông Lô",
            "--deadline", "30/06/2099")

    p = box.ctl("sync", check_rc=False)
    check("a box pulls the hub's content over HTTP", p.returncode == 0 and
          "content version 1 applied" in p.stdout, p.stdout + p.stderr)
    check("the box has the hub's programmes and offers, and its own offer",
          box.q1("SELECT count(*) FROM programs") == 30 and
          box.q1("SELECT count(*) FROM jobs WHERE hub = 1") == 15 and
          box.q1("SELECT count(*) FROM jobs WHERE hub = 0 AND status = 'open'") == 1)
    p = box.ctl("sync", check_rc=False)
    check("pulling again: nothing new", p.returncode == 0 and "at version 1" in p.stdout, p.stdout)

    # the province corrects a programme; the box answers with it
    with open(os.path.join(TOP, "data", "programs.json")) as f:
        progs = json.load(f)
    for prog in progs["programs"]:
        if prog["code"] == "BHYT":
            prog["summary_vi"] = "Hộ nghèo được cấp thẻ BHYT miễn phí 100% (đã cập nhật năm 2027)."
    changed = os.path.join(work, "programs.json")
    with open(changed, "w") as f:
        json.dump(progs, f, ensure_ascii=False)
    hub.ctl("import", "programs", changed)
    hub.ctl("hub", "publish", pub_dir, "--key", key)
    before = answer(box, "CS BHYT")
    p = box.ctl("sync", check_rc=False)
    after = answer(box, "CS BHYT")
    check("the hub's change reaches the box's answer",
          p.returncode == 0 and "cap nhat nam 2027" not in plain(before) and
          "cap nhat nam 2027" in plain(after), "%s | %s | %s" % (p.stdout, before[:120], after[:160]))
    check("with history and audit as sync:<url>",
          box.q1("SELECT count(*) FROM program_history WHERE code = 'BHYT'") == 1 and
          box.q1("SELECT count(*) FROM audit WHERE actor = ? AND action = 'sync'",
                 ("sync:" + url,)) == 2)

    # refusals: each changes nothing and says why in one line
    content = exported(box)
    hub.ctl("hub", "publish", pub_dir, "--key", key)
    bundle3 = os.path.join(pub_dir, "bundle-3.json")
    with open(bundle3, "rb") as f:
        good = f.read()
    bad = good.replace("Thiện Kế".encode(), "Thiện Kê".encode(), 1)
    with open(bundle3, "wb") as f:
        f.write(bad)
    p = box.ctl("sync", check_rc=False)
    check("a tampered bundle is refused: non-zero, one line naming the signature",
          bad != good and p.returncode != 0 and "signature" in p.stderr and
          p.stderr.count("\n") == 1, p.stderr)
    check("... and the content is as it was", exported(box) == content)
    check("... the failed pull is recorded",
          box.q1("SELECT pull_ok FROM sync_state") == 0 and
          "signature" in box.q1("SELECT pull_error FROM sync_state"))
    with open(bundle3, "wb") as f:
        f.write(good)
    p = box.ctl("sync", "--url", url + "cut/", check_rc=False)
    check("a download that breaks off is refused", p.returncode != 0 and
          "broke off" in p.stderr and exported(box) == content, p.stderr)
    old = serve(old_dir)
    servers.append(old)
    p = box.ctl("sync", "--url", "http://127.0.0.1:%d/" % old.server_address[1], check_rc=False)
    check("an older version is refused", p.returncode != 0 and "older" in p.stderr and
          exported(box) == content, p.stderr)
    p = box.ctl("sync", "--url", "http://127.0.0.1:1/", check_rc=False)
    check("an unreachable hub: non-zero, nothing changed", p.returncode != 0 and
          "127.0.0.1" in p.stderr and exported(box) == content, p.stderr)
    if shutil.which("openssl"):
        cert, pkey = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", pkey, "-out", cert],
                       capture_output=True, check=True)
        tls = serve(pub_dir, (cert, pkey))
        servers.append(tls)
        p = box.ctl("sync", "--url", "https://127.0.0.1:%d/" % tls.server_address[1],
                    check_rc=False)
        check("a hub whose certificate does not verify is refused", p.returncode != 0 and
              "certificate" in p.stderr.lower() and exported(box) == content, p.stderr)
    else:
        print("note: no openssl, the TLS check was skipped")
    p = box.ctl("sync", "--url", "file://" + pub_dir, check_rc=False)
    check("file:// (a USB stick) works", p.returncode == 0 and "version 3 applied" in p.stdout,
          p.stdout + p.stderr)
    p = box.ctl("status")
    check("status shows the content version and the last pull",
          "version          3" in p.stdout and "result           ok" in p.stdout, p.stdout)

    # the daemon pulls by itself every interval
    box.start()
    hub.ctl("hub", "publish", pub_dir, "--key", key)
    got = wait_for(lambda: box.q1("SELECT version FROM sync_state") == 4, 30)
    check("the daemon pulls a new version by itself", got, box.q1("SELECT version FROM sync_state"))
    rc = box.stop()
    log = box.daemon_log()
    check("... logging one line for it, and stops cleanly", rc == 0 and
          "content version 4 applied" in log, log[-1500:])
finally:
    for s in servers:
        s.shutdown()
    hub.close()
    box.close()
    shutil.rmtree(work, ignore_errors=True)
finish()
