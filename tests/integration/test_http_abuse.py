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
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gwtest  # noqa: E402
import webseed  # noqa: E402
from gwtest import check  # noqa: E402
from httpabuse import (chunked_flood, close_all, closed_by_server, connect, login, rss_kb,  # noqa: E402
                       slow_clients, timed_get, up)

SLOW = 64


def figure(name, value):
    print("FIGURE %s: %s" % (name, value), flush=True)


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
    sent, cut = chunked_flood(web, "127.0.0.4")
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
    return login(port, source, phone, pw, xff)[0]


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
