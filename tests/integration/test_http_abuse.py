"""Slow, many and oversized clients against both HTTP servers of gatewayd
(the web console and the USSD callback; gateway/http/http_listen.h), over
real loopback sockets, on the sanitized build: the findings of issue 16.

  - 64 slow clients (a partial request each, from 64 loopback addresses)
    held the whole connection budget: now a real request is still answered
    while they hold, on both servers, and the time it took is reported;
  - 64 from one address: held to the per-address cap, the rest closed;
  - a client that trickles a header line faster than the idle timeout is
    closed at the whole-request deadline (web.timeout, ussd.timeout);
  - the USSD allow-list closes a stranger's connection before reading it;
  - a chunked body far over the cap is cut off, not drained for ever;
  - behind web.trusted_proxy the login limits count the client named by
    X-Forwarded-For, and never believe that header from anyone else.

Loopback has every 127.0.0.0/8 address, so "other clients" are real
sockets bound to other source addresses. Waits are bounded polls; the one
figure (time to answer under load) is printed, not asserted on."""
import http.client
import os
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gwtest  # noqa: E402
import webseed  # noqa: E402
from gwtest import check  # noqa: E402

SLOW = 64


def figure(name, value):
    print("FIGURE %s: %s" % (name, value), flush=True)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def connect(port, source="127.0.0.1", timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


def slow_clients(port, sources, path="/login"):
    """One connection per source, each with a request line and a header
    but no end of headers: what a slow-loris client holds."""
    out = []
    for src in sources:
        s = connect(port, src)
        try:
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n" % path).encode())
        except OSError:
            pass
        out.append(s)
    return out


def closed_by_server(s, wait=0.0):
    """1 when the server has closed s (EOF or reset), 0 when it is open."""
    s.settimeout(wait)
    try:
        return 1 if s.recv(1) == b"" else 0
    except (socket.timeout, BlockingIOError):
        return 0
    except OSError:
        return 1


def wait_closed(s, limit):
    """Wait (bounded) until the server closes s; True when it did."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if closed_by_server(s, 0.2):
            return True
    return False


def timed_get(port, source, path="/login"):
    """A real request from source: (status or the error, seconds)."""
    t0 = time.monotonic()
    try:
        s = connect(port, source, timeout=15)
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        status = int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.") else "no answer"
    except OSError as e:
        status = repr(e)
    return status, time.monotonic() - t0


def ussd_post(port, source, fields):
    body = urllib.parse.urlencode(fields).encode()
    s = connect(port, source, timeout=15)
    s.sendall(b"POST /ussd HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    return data.decode("latin-1")


def close_all(socks):
    for s in socks:
        s.close()


def hold_checks(g, web, ussd):
    pid = g.proc.pid
    rss0 = rss_kb(pid)
    for name, port, real in (("web", web, "/login"), ("ussd", ussd, "/ussd")):
        # 64 clients from 64 addresses: more than the old total of 64
        held = slow_clients(port, ["127.0.1.%d" % (i + 1) for i in range(SLOW)], real)
        status, secs = timed_get(port, "127.0.0.2", real)
        still = SLOW - sum(closed_by_server(s) for s in held)
        want = 200 if name == "web" else 405  # the USSD callback takes POST only
        check("%s: a real request is answered while %d slow clients hold connections" % (name, SLOW),
              status == want and still == SLOW, (status, still))
        figure("%s: time to answer a real request while %d slow clients hold connections" % (name, SLOW),
               "%.2f s" % secs)
        close_all(held)
        # 64 from one address: the per-address cap (32) holds the rest off
        held = slow_clients(port, ["127.0.2.1"] * SLOW, real)
        gwtest.wait_for(lambda: sum(closed_by_server(s) for s in held) >= SLOW - 32, 10, 0.1)
        open_ = sum(1 - closed_by_server(s) for s in held)
        status, secs = timed_get(port, "127.0.0.3", real)
        check("%s: one address holds at most 32 connections (%d of %d open)" % (name, open_, SLOW),
              open_ == 32 and status == want, (open_, status))
        close_all(held)
    figure("gatewayd RSS before / after the slow clients", "%d / %d kB" % (rss0, rss_kb(pid)))


def chunked_checks(web):
    """64 MB of chunked body: the old server read and dropped all of it
    before its 413; now it stops reading past 8 times the cap."""
    s = connect(web, "127.0.0.4", timeout=15)
    s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (64 * 1024) + b"a" * (64 * 1024) + b"\r\n"
    sent = 0
    cut = False
    try:
        while sent < 64 * 1024 * 1024:
            s.sendall(chunk)
            sent += 64 * 1024
    except OSError:
        cut = True
    s.close()
    check("web: a chunked body far over the cap is cut off (after %d kB), not drained" % (sent // 1024),
          cut and sent < 16 * 1024 * 1024, sent)


def deadline_checks(web, ussd):
    for name, port in (("web", web), ("ussd", ussd)):
        s = connect(port, "127.0.0.5")
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        closed = False
        # a header line every 0.5 s: never idle for the 3 s idle timeout
        while time.monotonic() - t0 < 20 and not closed:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                closed = True
                break
            closed = closed_by_server(s, 0.5) == 1
        s.close()
        check("%s: a client trickling a header line every 0.5 s is closed at the 3 s deadline" % name,
              closed, "still open after %.0f s" % (time.monotonic() - t0))
        figure("%s: trickling client closed after" % name, "%.1f s" % (time.monotonic() - t0))


def allow_checks(ussd):
    fields = {"sessionId": "s1", "serviceCode": "*384*123#", "phoneNumber": "0901230001", "text": ""}
    out = ussd_post(ussd, "127.0.0.1", fields)
    check("ussd: a client not on the allow-list is closed before anything is read (no answer)",
          out == "", out[:80])
    out = ussd_post(ussd, "127.0.0.2", fields)
    check("ussd: an allowed client is answered", " 200 " in out.split("\r\n")[0], out[:80])


def web_login(port, source, phone, pw, xff=None):
    s, _, html, sc, _ = _req(port, source, "GET", "/login")
    csrf = html.split('name="csrf" value="')[1][:64] if 'name="csrf" value="' in html else ""
    h = {"X-Forwarded-For": xff} if xff else {}
    st, _, _, _, _ = _req(port, source, "POST", "/login", {"phone": phone, "password": pw, "csrf": csrf},
                          cookies={"gw_pre": sc.get("gw_pre", "")}, headers=h)
    return st


def _req(port, source, method, path, fields=None, cookies=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    body = None
    if fields is not None:
        body = urllib.parse.urlencode(fields)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    sc = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            n, _, rest = v.partition("=")
            sc[n] = rest.split(";")[0]
    c.close()
    return r.status, None, text, sc, None


def proxy_checks(web):
    local, _, _, _, _, pw = webseed.OFFICER_TK
    # through the trusted proxy (127.0.0.9): the client is X-Forwarded-For's last address
    codes = [web_login(web, "127.0.0.9", local, "wrong-%d" % i, xff="1.2.3.4, 10.0.0.1") for i in range(5)]
    locked = web_login(web, "127.0.0.9", local, pw, xff="10.0.0.1")
    other = web_login(web, "127.0.0.9", local, pw, xff="10.0.0.2")
    check("web behind the trusted proxy: 5 wrong logins lock that client, not the others",
          codes == [401] * 5 and locked == 429 and other == 303, (codes, locked, other))
    # from anyone else the header is not believed: the peer address counts
    tl_local, _, _, _, _, tl_pw = webseed.OFFICER_TL
    codes = [web_login(web, "127.0.0.10", tl_local, "wrong-%d" % i, xff="10.9.%d.1" % i) for i in range(5)]
    locked = web_login(web, "127.0.0.10", tl_local, tl_pw, xff="10.9.99.1")
    check("web: X-Forwarded-For from a client that is not the proxy is ignored",
          codes == [401] * 5 and locked == 429, (codes, locked))


def start(extra):
    g = gwtest.Gateway(extra)
    webseed.setup_accounts(g)
    g.start()
    return g


def up(port):
    try:
        connect(port, timeout=0.5).close()
        return True
    except OSError:
        return False


def main():
    web, ussd = webseed.free_port(), webseed.free_port()
    conf = ('web = { enabled = true; listen = "127.0.0.1"; port = %d; session_minutes = 60; %s };\n'
            'ussd = { enabled = true; listen = "127.0.0.1"; port = %d; path = "/ussd"; %s };')
    # holding: the default deadlines (30 s web, 10 s USSD)
    g = start(conf % (web, 'trusted_proxy = "127.0.0.9";', ussd, 'timeout = 30;'))
    try:
        check("both servers listen", gwtest.wait_for(lambda: up(web) and up(ussd), 20))
        hold_checks(g, web, ussd)
        chunked_checks(web)
        proxy_checks(web)
        status, _ = timed_get(web, "127.0.0.1")
        check("the console still answers afterwards", status == 200, status)
        g.stop()
        log = g.daemon_log()
        check("no sanitizer report", "AddressSanitizer" not in log and "runtime error" not in log, log[-2000:])
    finally:
        g.close()
    # deadlines of 3 s, and an allow-list
    web, ussd = webseed.free_port(), webseed.free_port()
    g = start(conf % (web, "timeout = 3;", ussd, 'timeout = 3; allow = "127.0.0.2, 127.0.0.5";'))
    try:
        check("both servers listen (3 s deadlines)", gwtest.wait_for(lambda: up(web), 20))
        deadline_checks(web, ussd)
        allow_checks(ussd)
    finally:
        g.close()
    gwtest.finish()


if __name__ == "__main__":
    main()
