"""A gatewayd with transport = "kannel" for the integration tests and the
benchmark: its configuration, start and readiness, and the requests smsbox
makes to it. stdlib only; gwtest.Gateway underneath (real SQLite, the
sanitized build of $GW_BUILD unless given another)."""
import http.client
import os
import signal
import subprocess
import sys
import urllib.parse
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kannellib as kl  # noqa: E402
from gwtest import Gateway, check, wait_for  # noqa: E402

# The get-url of issue 17 (what kannel.conf.example shows).
MO_QUERY = kl.MO_QUERY


def kannel_conf(port, sendsms_port, password="gw-pw", extra=""):
    """The transport and kannel groups of a gateway.conf."""
    return ('transport = "kannel";\n'
            'kannel = { listen = "127.0.0.1"; port = %d;\n'
            '  sendsms_url = "http://127.0.0.1:%d/cgi-bin/sendsms";\n'
            '  username = "gw"; password = "%s"; from = "8100"; timeout = 2; %s };\n'
            % (port, sendsms_port, password, extra))


class KannelGateway(Gateway):
    """gwtest.Gateway with the Kannel transport on a free port. extra_conf
    adds further groups; kannel_extra further keys of the kannel group."""

    def __init__(self, sendsms_port, extra_conf="", kannel_extra="", gatewayd=None, **kw):
        self.kport = kl.free_port()
        super().__init__(extra_conf=kannel_conf(self.kport, sendsms_port, extra=kannel_extra)
                         + extra_conf, **kw)
        self.gatewayd = gatewayd

    def mo_url(self):
        return "http://127.0.0.1:%d/kannel/mo?%s" % (self.kport, MO_QUERY)

    def start(self, **env):
        """Ready when the endpoint accepts connections (the link to sendsms
        may still be coming up)."""
        import gwtest
        # the workers of a daemon that died leave a moment after it: until
        # then the old endpoint still listens on the port
        if not wait_for(lambda: not kl.port_open(self.kport), 20):
            raise RuntimeError("the endpoint's port %d is still taken" % self.kport)
        self.log = open(os.path.join(self.dir, "gatewayd.log"), "a")
        self.proc = subprocess.Popen([self.gatewayd or gwtest.GATEWAYD, "-f", "-c", self.conf],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env(**env))
        ok = wait_for(lambda: self.proc.poll() is not None or kl.port_open(self.kport), 20)
        if self.proc.poll() is not None or not ok:
            raise RuntimeError("gatewayd did not come up: %s" % self.daemon_log()[-2000:])

    def kill(self):
        """SIGKILL: a crash, nothing flushed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self.log.close()

    def request(self, method, path, body=None, headers=None):
        """(status, body text) of one request to the endpoint."""
        c = http.client.HTTPConnection("127.0.0.1", self.kport, timeout=15)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        finally:
            c.close()

    def mo(self, sender, text, msg_id, charset="UTF-8", coding=0, method="GET", **extra):
        """One MO as smsbox sends it with the get-url (text: str or bytes)."""
        raw = text.encode("utf-8") if isinstance(text, str) else text
        q = [("from", sender), ("to", "8100"), ("text", raw), ("id", msg_id), ("smsc", "fake"),
             ("charset", charset), ("coding", str(coding)), ("time", "2026-12-07 03:31:12")]
        q += list(extra.items())
        return self.request(method, "/kannel/mo?" + urllib.parse.urlencode(q))

    def dlr(self, outbox_id, typ, reply="", when="1796614558"):
        q = urllib.parse.urlencode([("outbox", str(outbox_id)), ("type", str(typ)),
                                    ("reply", reply), ("time", when)])
        return self.request("GET", "/kannel/dlr?" + q)


# The smsbox-route that gives the fake SMSC's messages to the box "gatewayd"
# (KannelConf(extra_groups=[BOX_ROUTE])): bearerbox gives a named box only
# what a route names it for.
BOX_ROUTE = ("smsbox-route", [("smsbox-id", "gatewayd"), ("smsc-id", "fake")])


class KannelBoxGateway(Gateway):
    """A gatewayd with transport = "kannel", link = "box" on bearerbox's
    smsbox-port box_port (no smsbox), senders box connections. Its log
    is kept across restarts (daemon_log)."""

    def __init__(self, box_port, senders=2, kannel_extra="", extra_conf="", gatewayd=None):
        self.senders = senders
        conf = ('transport = "kannel";\n'
                'kannel = { link = "box"; bearerbox_port = %d; box_id = "gatewayd";\n'
                '  from = "8100"; timeout = 5; senders = %d; %s };\n'
                % (box_port, senders, kannel_extra))
        super().__init__(extra_conf=conf + extra_conf)
        self.gatewayd = gatewayd
        self.logged = ""  # the log as it was when the current run started

    def connections(self):
        """How often a box link came up (log lines, all runs)."""
        return self.daemon_log().count("kannel box: connected to bearerbox")

    def daemon_log(self):
        try:
            with open(os.path.join(self.dir, "gatewayd.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start(self, **env):
        """Ready when every sender is connected to bearerbox again."""
        import gwtest
        before = self.connections()
        self.logged = self.daemon_log()
        # appended to (O_APPEND): the workers of a daemon that died may still
        # write their last lines, which would overwrite a truncated log's
        self.log = open(os.path.join(self.dir, "gatewayd.log"), "a")
        self.proc = subprocess.Popen([self.gatewayd or gwtest.GATEWAYD, "-f", "-c", self.conf],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env(**env))
        ok = wait_for(lambda: self.proc.poll() is not None or
                      self.connections() >= before + self.senders, 30)
        if self.proc.poll() is not None or not ok:
            raise RuntimeError("gatewayd's box links did not come up: %s"
                               % self.daemon_log()[-2000:])

    def kill(self):
        """SIGKILL: a crash, nothing flushed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self.log.close()


def sendsms_stand_in(answer=None, port=0):
    """A RecordingApp answering as smsbox's sendsms does: 403 to a wrong
    password, 400 to the probe (empty receiver: credentials fine), else
    answer(req) or 202 "0: Accepted for delivery"."""
    def respond(req):
        if req["args"].get("password") != "gw-pw":
            return 403, "Authorization failed for sendsms"
        if not req["args"].get("to"):
            return 400, "Empty receiver number not allowed, rejected"
        return answer(req) if answer else (202, "0: Accepted for delivery")
    return kl.RecordingApp(respond, port=port)


def sends(app):
    """The sendsms requests that carried a message (not the probes)."""
    return [r for r in app.requests if r["args"].get("to")]

# Intents whose answer is one reply to the sender.
ONE_REPLY_INTENTS = ("policy", "eligibility", "help", "job_list", "unknown")


def questions():
    """Fixture texts whose answer is one reply to the sender (one line each:
    the fake SMSC's line protocol cannot carry a newline)."""
    from gwtest import TOP
    out = []
    with open(os.path.join(TOP, "tests", "fixtures", "messages-dev.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            text, intent = line.rstrip("\n").split("\t")[:2]
            if intent in ONE_REPLY_INTENTS and text.strip() and "\n" not in text:
                out.append(text)
    return out


# What the fake SMSC received per household, and what the outbox says was
# sent: the "answered exactly once" checks compare the two.


def mt_text(group):
    """The text of one reassembled MT message: UDH parts do not say their
    coding, UCS-2 octets of our answers always hold a 0x00."""
    data = b"".join(p["data"] for p in group["parts"])
    if group["parts"][0].get("coding") == 2 or (group["parts"][0].get("coding") is None
                                                and b"\x00" in data):
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


def received(fake):
    """{household: Counter of answer texts} at the fake SMSC."""
    per = {}
    for g in kl.reassemble(fake.wait_mt(0, timeout=0)):
        if g["text"] is None and len(g["parts"]) < g.get("total", 1):
            per.setdefault(g["receiver"], Counter())["(incomplete)"] += 1
            continue
        per.setdefault(g["receiver"], Counter())[mt_text(g)] += 1
    return per


def sent_rows(g):
    per = {}
    for phone, text in g.q("SELECT phone, text FROM outbox WHERE status = 'sent'"):
        per.setdefault(phone, Counter())[text] += 1
    return per


def reports_recorded(g, total):
    """Check that delivery reports are recorded on >= 90 % of the outbox
    rows (total of them), waiting up to 60 s for the last ones."""
    enough = wait_for(lambda: g.q1("SELECT count(*) FROM outbox WHERE dlr <> ''")
                      >= 0.9 * total, 60)
    n_dlr = g.q1("SELECT count(*) FROM outbox WHERE dlr <> ''")
    check("delivery reports recorded on >= 90 %% of the outbox rows (%d of %d)"
          % (n_dlr, total), enough, g.q("SELECT dlr, count(*) FROM outbox GROUP BY dlr"))
