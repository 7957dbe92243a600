"""What an abusive HTTP client does, over real loopback sockets, for
tests/integration/test_http_abuse.py and the web campaign
(tests/soak/web_campaign.py): slow clients holding connections, a real
request timed among them, a chunked body far over the cap, logins with a
form's CSRF token, the daemon's RSS.

Loopback has every 127.0.0.0/8 address: "other clients" are sockets bound
to other source addresses. Stdlib only."""
import http.client
import re
import socket
import time
import urllib.parse


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def connect(port, source="127.0.0.1", timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


def up(port):
    try:
        connect(port, timeout=0.5).close()
        return True
    except OSError:
        return False


def slow_clients(port, sources, path="/login"):
    """One connection per source, each with a request line and a header but
    no end of headers: what a slow-loris client holds."""
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
    """1 when the server has closed s (EOF or reset), 0 while it is open."""
    s.settimeout(wait)
    try:
        return 1 if s.recv(1) == b"" else 0
    except (socket.timeout, BlockingIOError):
        return 0
    except OSError:
        return 1


def close_all(socks):
    for s in socks:
        s.close()


def timed_get(port, source, path="/login"):
    """A real request from source: (status or what went wrong, seconds)."""
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


def chunked_flood(port, source, total=64 * 1024 * 1024):
    """POST /login with a chunked body of total bytes; (bytes sent, cut off)."""
    s = connect(port, source, timeout=15)
    s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (64 * 1024) + b"a" * (64 * 1024) + b"\r\n"
    sent, cut = 0, False
    try:
        while sent < total:
            s.sendall(chunk)
            sent += 64 * 1024
    except OSError:
        cut = True
    s.close()
    return sent, cut


def exchange(port, source, method, path, fields=None, cookies=None, headers=None, raw_body=None):
    """One request from source: (status, headers (lower-case names), body,
    cookies set {name: value}, Set-Cookie headers as sent)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    data = raw_body
    if fields is not None:
        data = urllib.parse.urlencode(fields)
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    sc, raw = {}, []
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            raw.append(v)
            n, _, rest = v.partition("=")
            sc[n] = rest.split(";")[0]
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, text, sc, raw


def request(port, source, method, path, fields=None, cookies=None, headers=None):
    """(status, body, cookies set) of one request from source."""
    st, _, text, sc, _ = exchange(port, source, method, path, fields, cookies, headers)
    return st, text, sc


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    return m.group(1) if m else ""


def login(port, source, phone, pw, xff=None):
    """(status, session token or "") of a login through the form."""
    _, html, sc = request(port, source, "GET", "/login")
    h = {"X-Forwarded-For": xff} if xff else {}
    st, _, sc2 = request(port, source, "POST", "/login", {"phone": phone, "password": pw,
                                                          "csrf": csrf_of(html), "next": "/"},
                         cookies={"gw_pre": sc.get("gw_pre", "")}, headers=h)
    return st, sc2.get("gw_session", "")


class Account:
    """A logged-in browser: GET and POST with its session and CSRF token."""

    def __init__(self, port, source, phone, pw):
        self.port, self.source = port, source
        self.status, self.token = login(port, source, phone, pw)
        self.csrf = csrf_of(self.get("/")[1]) if self.token else ""

    def get(self, path):
        return request(self.port, self.source, "GET", path, cookies={"gw_session": self.token})

    def post(self, path, fields):
        return request(self.port, self.source, "POST", path, dict(fields, csrf=self.csrf),
                       cookies={"gw_session": self.token})
