"""The USSD callback over a real loopback socket (issue: conversations).

Starts the sanitized gatewayd with ussd.enabled on a free loopback port,
waits for the port (bounded), then talks to it with http.client as an
aggregator would: a whole session from the first screen to END, back (0)
and main menu (00), a retried request, expiry (dialog.ussd_timeout = 10,
its minimum), every screen within 182 GSM-7 characters, long content sent
by SMS through the outbox, the malformed requests (GET 405, wrong path
404, missing fields 400, oversized body 413, wrong secret 403, not form
415), and an SMS answered meanwhile by the same daemon."""
import http.client
import os
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import Gateway, check, finish, wait_for  # noqa: E402

SECRET = "t0p-secret"
GSM7_EXT = set("[]{}|^~\\`")
USSD_TIMEOUT = 10


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class Client:
    def __init__(self, port):
        self.port = port
        self.screens = []

    def raw(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read().decode("utf-8", "replace"), r.getheader("Content-Type", "")
        finally:
            c.close()

    def post(self, fields, secret=SECRET, path="/ussd"):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if secret is not None:
            h["X-Gateway-Secret"] = secret
        return self.raw("POST", path, urllib.parse.urlencode(fields), h)

    def step(self, sid, text, phone="+84901230001"):
        st, body, ctype = self.post({"sessionId": sid, "serviceCode": "*384*123#",
                                     "phoneNumber": phone, "text": text})
        body = body.rstrip("\n")
        if st == 200 and body[:4] in ("CON ", "END "):
            self.screens.append(body[4:])
        return st, body, ctype


def screen_ok(s):
    return (len(s) <= 182 and all(0x20 <= ord(c) < 0x7f or c == "\n" for c in s)
            and not any(c in GSM7_EXT for c in s))


def main():
    port = free_port()
    g = Gateway('ussd = { enabled = true; listen = "127.0.0.1"; port = %d; path = "/ussd";'
                ' secret = "%s"; max_body = 1024; timeout = 5; };\n'
                'dialog = { ussd_timeout = %d; };' % (port, SECRET, USSD_TIMEOUT))
    try:
        g.start()
        check("USSD port accepts connections (bounded wait)", wait_for(lambda: port_open(port), 20))
        u = Client(port)

        # A whole session: first screen, programs, a program, its summary, SMS, END.
        st, body, ctype = u.step("s1", "")
        check("first screen is CON with the numbered main menu",
              st == 200 and body.startswith("CON ") and "1. " in body and "0:Thoat" in body,
              (st, body))
        check("answer is text/plain", ctype.startswith("text/plain"), ctype)
        st, body, _ = u.step("s1", "1")
        check("1: program categories", body.startswith("CON ") and "Bao hiem y te" in body, body)
        st, body, _ = u.step("s1", "1*2")
        check("1*2: health insurance programs", "BHYT" in body, body)
        st, again, _ = u.step("s1", "1*2")
        check("a retried request is not applied twice", again == body, (body, again))
        st, body, _ = u.step("s1", "1*2*1")
        check("a program's screen: summary / who / how / where",
              "1. Tom tat" in body and "2. Ai duoc huong" in body, body)
        st, body, _ = u.step("s1", "1*2*1*0")
        check("0 goes back", "BHYT" in body and "Tom tat" not in body, body)
        st, body, _ = u.step("s1", "1*2*1*0*00")
        check("00 goes to the main menu", "1. Chinh sach ho tro" in body, body)
        st, body, _ = u.step("s1", "1*2*1*0*00*1*2*1*7")
        check("an invalid choice repeats the screen with a hint",
              body.startswith("CON Chon sai.") and "1. Tom tat" in body, body)
        st, body, _ = u.step("s1", "1*2*1*0*00*1*2*1*7*2")
        check("who qualifies, offered by SMS", "Gui chi tiet qua SMS" in body, body)
        before = g.q1("SELECT count(*) FROM outbox WHERE phone = '+84901230001'")
        st, body, _ = u.step("s1", "1*2*1*0*00*1*2*1*7*2*1")
        check("sending by SMS ends the session with END", body.startswith("END "), body)
        check("the details were queued in the outbox",
              g.q1("SELECT count(*) FROM outbox WHERE phone = '+84901230001'") == before + 1)
        check("and sent through the modem",
              wait_for(lambda: len(g.sent_to("+84901230001")) >= 1, 30), g.sent())

        # The self-check and the jobs over USSD.
        st, body, _ = u.step("s2", "4*1*4*6tr", phone="+84901230002")
        check("self-check asks the deprivation questions", "Cau 1/12" in body, body)
        st, body, _ = u.step("s2", "4*1*4*6tr*1*1*1", phone="+84901230002")
        check("self-check answers with the category and the commune's review",
              "HO NGHEO" in body and "UBND xa" in body, body)
        st, body, _ = u.step("s3", "2", phone="+84901230003")
        check("jobs list", "Viec lam" in body and "1. " in body, body)
        st, body, _ = u.step("s3", "2*1", phone="+84901230003")
        check("a job offers to apply", "1. Ung tuyen" in body and "(UT " in body, body)
        st, body, _ = u.step("s4", "0", phone="+84901230004")
        check("0 on the first screen closes with END", body.startswith("END "), body)

        # Malformed requests.
        st, _, _ = u.raw("GET", "/ussd")
        check("GET is 405", st == 405, st)
        st, _, _ = u.post({"sessionId": "x"}, path="/other")
        check("wrong path is 404", st == 404, st)
        st, body, _ = u.post({"sessionId": "x", "phoneNumber": "+84901230005", "text": ""})
        check("missing field is 400 and named", st == 400 and "serviceCode" in body, (st, body))
        st, _, _ = u.post({"sessionId": "x", "serviceCode": "*1#", "phoneNumber": "+8490", "text": ""},
                          secret="wrong")
        check("wrong secret is 403", st == 403, st)
        st, _, _ = u.post({"sessionId": "x", "serviceCode": "*1#", "phoneNumber": "+8490", "text": ""},
                          secret=None)
        check("no secret is 403", st == 403, st)
        st, _, _ = u.raw("POST", "/ussd", "text=" + "1*" * 1000,
                         {"Content-Type": "application/x-www-form-urlencoded",
                          "X-Gateway-Secret": SECRET})
        check("oversized body is 413", st == 413, st)
        st, _, _ = u.raw("POST", "/ussd", "sessionId=x&text=%zz",
                         {"Content-Type": "application/x-www-form-urlencoded",
                          "X-Gateway-Secret": SECRET})
        check("malformed form is 400", st == 400, st)
        st, _, _ = u.raw("POST", "/ussd", '{"sessionId": "x"}',
                         {"Content-Type": "application/json", "X-Gateway-Secret": SECRET})
        check("a JSON body is 415", st == 415, st)
        st, body, _ = u.post({"sessionId": "x", "serviceCode": "*1#", "phoneNumber": "not a phone",
                              "text": ""})
        check("a bad phone number is 400", st == 400, (st, body))
        st, body, _ = u.step("s5", "", phone="+84901230005")
        check("the server still answers after the bad requests", body.startswith("CON "), body)

        # SMS answering goes on meanwhile (same daemon, same database).
        g.inject("+84901239999", "CS BHYT")
        for i in range(5):
            u.step("s6", "*".join(["1"] * i), phone="+84901230006")
        check("an SMS is answered while USSD is served",
              wait_for(lambda: len(g.sent_to("+84901239999")) >= 1, 30),
              g.q("SELECT status, error FROM inbox"))

        # Expiry: the same session after dialog.ussd_timeout.
        st, body, _ = u.step("s7", "", phone="+84901230007")
        st, body, _ = u.step("s7", "1", phone="+84901230007")
        check("a session is open before it expires", body.startswith("CON "), body)
        time.sleep(USSD_TIMEOUT + 1.5)
        st, body, _ = u.step("s7", "1*2", phone="+84901230007")
        check("an expired session ends with END and says so",
              body.startswith("END ") and "het han" in body, body)
        st, body, _ = u.step("s8", "", phone="+84901230007")
        check("dialling again starts a new session", body.startswith("CON "), body)

        bad = [s for s in u.screens if not screen_ok(s)]
        check("every screen (%d) is plain GSM-7 within 182 characters" % len(u.screens),
              not bad and len(u.screens) > 20, bad[:3])
        rc = g.stop()
        check("daemon stops cleanly with the USSD thread running", rc == 0, rc)
        log = g.daemon_log()
        check("no sanitizer report", "ERROR: AddressSanitizer" not in log and
              "runtime error" not in log, log[-3000:])
    finally:
        g.close()
    finish()


if __name__ == "__main__":
    main()
