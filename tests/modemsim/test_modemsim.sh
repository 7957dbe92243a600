#!/usr/bin/env bash
# Self-test of tests/modemsim/modemsim.py against the real libgammu `gammu` CLI
# (model = at, connection = at, device = <pty symlink>).
#
#   tests/modemsim/test_modemsim.sh          # prints "N passed, N failed"
#   KEEP=1 tests/modemsim/test_modemsim.sh   # keep the temp dir (logs) afterwards
#
# Needs: bash, /usr/bin/python3 (stdlib only), gammu (apt-get install gammu).
# Takes about 50-60 s: every gammu connect over a pty costs ~3.5 s of libgammu's
# slow init writes, and `gammu getussd` always waits 10 s after the reply.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SIM="$HERE/modemsim.py"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export LC_ALL=C.UTF-8

if ! command -v gammu >/dev/null 2>&1; then
    echo "gammu CLI not found; install it with: apt-get install gammu" >&2
    exit 2
fi

T=$(mktemp -d /tmp/modemsim-test.XXXXXX)
LINK=$T/dev/ttyGW0
CTL=$T/ctl.sock
READY=$T/ready
SENT=$T/sent.jsonl
ATLOG=$T/at.log
PASS=0
FAIL=0
SIM_PID=
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }

pass() { PASS=$((PASS + 1)); echo "PASS [$(elapsed)s]: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL [$(elapsed)s]: $*"; }
# check DESCRIPTION COMMAND...: pass if COMMAND succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

cleanup() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill "$SIM_PID" 2>/dev/null
        wait "$SIM_PID" 2>/dev/null
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

ctl() { "$PY" "$SIM" ctl "$CTL" "$@"; }
at() { "$PY" "$SIM" at "$LINK" "$@"; }
G() { timeout 60 gammu -c "$T/gammurc" "$@"; }
# pyok EXPR: evaluate a python expression with sent (list), merged (list),
# status (dict), out (text of $OUT file), env (os.environ); true if truthy.
pyok() {
    "$PY" - "$1" "$SENT" "$CTL" "$SIM" "${OUT:-/dev/null}" <<'EOF'
import json, os, subprocess, sys
expr, sentf, ctl, sim, outf = sys.argv[1:6]
sent = []
if os.path.exists(sentf):
    sent = [json.loads(l) for l in open(sentf, encoding="utf-8") if l.strip()]
merged = status = None
if "merged" in expr:
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(sim))
    import modemsim
    merged = modemsim.merge_records(sent)
if "status" in expr:
    status = json.loads(subprocess.run([sys.executable, sim, "ctl", ctl, "status"],
                                       capture_output=True, text=True).stdout or "{}")
out = open(outf, encoding="utf-8", errors="replace").read()
env = os.environ
ok = bool(eval("(" + expr.strip() + ")"))
if not ok:
    sys.stderr.write("  expression false: %s\n" % expr)
sys.exit(0 if ok else 1)
EOF
}
wait_ready() {
    local i
    for i in $(seq 1 200); do
        [ -s "$READY" ] && return 0
        kill -0 "$SIM_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# ---------------------------------------------------------------- 0. codecs
check "codec selftest" "$PY" "$SIM" selftest

# ---------------------------------------------------------------- 1. start
"$PY" "$SIM" --link "$LINK" --control "$CTL" --ready "$READY" --sent-log "$SENT" \
    --at-log "$ATLOG" --ring-interval 0.4 --seed 7 >"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
if ! wait_ready; then
    fail "simulator ready"; cat "$T/sim.err"; echo "$PASS passed, $FAIL failed"; exit 1
fi
pass "simulator ready ($(cat "$READY"))"
check "READY line on stdout" grep -q "^READY $LINK /dev/pts/" "$T/sim.out"
printf '[gammu]\nmodel = at\nconnection = at\ndevice = %s\n' "$LINK" >"$T/gammurc"

# ---------------------------------------------------------------- 2. identify
OUT=$T/identify.out
G identify >"$OUT" 2>&1
check "gammu identify exit 0" test $? -eq 0
check "identify: manufacturer/model/IMEI/IMSI" pyok \
    '"ModemSim" in out and "MSIM-800" in out and "356938035643809" in out and "452040123456789" in out'
export ATLOG
check "at-log has init sequence" pyok \
    'all(("RX " + c) in open(env["ATLOG"]).read() for c in ("ATE1", "AT+CMEE=1", "AT+CSCS=?", "AT+CGMM", "AT+CFUN=1", "AT+CGSN", "AT+CIMI"))'

# ---------------------------------------------------------------- 3. inbound
export VI_IN="Chào bạn! Tài khoản của quý khách còn 25.000đ, hạn sử dụng đến 31/12/2026. Gói cước 4G đã được gia hạn thành công."
OUT=$T/inject.out
ctl inject +84901234567 "$VI_IN" >"$OUT"
check "inject two-part Vietnamese" pyok \
    'out.startswith("ok ") and json.loads(out[3:])["total"] == 2 and json.loads(out[3:])["ucs2"] and json.loads(out[3:])["locations"] == [1, 2]'
printf '%s\n' getallsms geteachsms >"$T/batch-read"
OUT=$T/getallsms.out
G batch "$T/batch-read" >"$OUT" 2>&1
check "gammu getallsms/geteachsms exit 0" test $? -eq 0
check "getallsms: two parts, texts concatenate to the original" pyok '
(lambda blocks: len(blocks) == 2
  and all("Remote number        : \"+84901234567\"" in b and "Unicode" in b and "part %d of 2" % (i + 1) in b for i, b in enumerate(blocks))
  and "".join(b.split("\n\n", 1)[1].split("\n\n")[0].strip("\n") for b in blocks) == env["VI_IN"])(
  [b for b in out.split("command 2:")[0].split("\nLocation ")[1:]])'
check "geteachsms: linked text equals the original" pyok \
    '("\n" + env["VI_IN"] + "\n") in out.split("command 2:")[1] and "2 SMS parts in 1 SMS sequences" in out'
check "at-log shows CPMS/CMGF/CMGL" pyok \
    'all(("RX " + c) in open(env["ATLOG"]).read() for c in ("AT+CPMS=?", "AT+CMGF=0", "AT+CMGL=4"))'

# ---------------------------------------------------------------- 4. sending
export VI_LONG="Kính gửi quý khách: chương trình khuyến mãi tháng 12 đã bắt đầu. Nạp thẻ từ 50.000đ trở lên được tặng 20% giá trị thẻ nạp, áp dụng cho thuê bao trả trước. Chi tiết xem tại website hoặc gọi tổng đài 18008098 (miễn phí). Trân trọng cảm ơn quý khách!"
export EXT_TXT='Gia [100] {ok} €5 ^~|\ @£$ _'
{
    echo 'sendsms TEXT +84901234567 -text "xin chao"'
    echo "sendsms TEXT +84901234567 -len 400 -unicode -textutf8 \"$VI_LONG\""
    echo "sendsms TEXT 0987654321 -textutf8 \"$EXT_TXT\""
} >"$T/batch-send"
OUT=$T/sendsms.out
G batch "$T/batch-send" >"$OUT" 2>&1
check "gammu sendsms x3 exit 0" test $? -eq 0
check "sent-log: 'xin chao' decoded exactly" pyok \
    'sent[0]["to"] == "+84901234567" and sent[0]["text"] == "xin chao" and sent[0]["total"] == 1 and sent[0]["ref"] is None and sent[0]["ucs2"] is False and isinstance(sent[0]["t"], int)'
check "sent-log: long Vietnamese UCS-2 multipart decoded exactly" pyok '
len(merged) == 3 and merged[1]["text"] == env["VI_LONG"] and merged[1]["complete"] and merged[1]["ucs2"]
  and merged[1]["parts"] >= 4 and len(set(r["ref"] for r in sent[1:-1])) == 1
  and [r["seq"] for r in sent[1:-1]] == list(range(1, merged[1]["parts"] + 1))'
check "sent-log: GSM-7 extension table decoded exactly" pyok \
    'sent[-1]["text"] == env["EXT_TXT"] and sent[-1]["to"] == "0987654321" and not sent[-1]["ucs2"]'
check "status counts sent parts" pyok 'status["sent"] == len(sent) and status["rejected"] == 0'

# ---------------------------------------------------------------- 5. USSD
OUT=$T/ussd.out
G getussd '*101#' >"$OUT" 2>&1
check "gammu getussd exit 0" test $? -eq 0
check "getussd: reply text" pyok '"TK chinh: 25000d, han 31/12/2026" in out and "No action needed" in out'
check "at-log: USSD code sent as UCS-2 hex" pyok \
    '"RX AT+CUSD=1,\"002A0031003000310023\",15" in open(env["ATLOG"]).read()'

# ---------------------------------------------------------------- 6. delete
OUT=$T/delete.out
G deleteallsms 1 >"$OUT" 2>&1
check "gammu deleteallsms 1 exit 0" test $? -eq 0
check "storage empty after delete" pyok 'status["stored"] == 0 and "RX AT+CMGD=2" in open(env["ATLOG"]).read()'

# ---------------------------------------------------------------- 7. CMS error
ctl fault cms 38 >/dev/null
OUT=$T/cms.out
G sendsms TEXT +84901234567 -text "should fail" >"$OUT" 2>&1
RC=$?
check "fault cms 38: sendsms fails" test $RC -ne 0
check "fault cms 38: error 38 reported, nothing logged as sent" pyok \
    '"error 38" in out and status["rejected"] == 1 and all(r["text"] != "should fail" for r in sent)'
check "clear faults" test "$(ctl clear)" = ok

# ---------------------------------------------------------------- 8. vanish / appear
export OLD_PTS=$(readlink "$LINK")
ctl fault vanish >/dev/null
check "vanish: link and ready file removed" test ! -e "$LINK" -a ! -L "$LINK" -a ! -e "$READY"
OUT=$T/vanish.out
G identify >"$OUT" 2>&1
check "vanish: gammu identify fails" test $? -ne 0
OUT=$T/appear.out
ctl appear >"$OUT"
check "appear: new pts behind the link" pyok \
    'out.startswith("ok ") and os.path.islink(json.loads(out[3:])["link"]) and json.loads(out[3:])["pts"] != env["OLD_PTS"]'
check "appear: new pts differs from $OLD_PTS" test "$(readlink "$LINK")" != "$OLD_PTS"
ctl pin on >/dev/null
printf '%s\n' getsecuritystatus 'entersecuritycode PIN 1234' getsecuritystatus identify >"$T/batch-pin"
OUT=$T/pin.out
G batch "$T/batch-pin" >"$OUT" 2>&1
check "after appear: gammu works again (PIN entry + identify)" test $? -eq 0
check "PIN: SIM PIN reported, then unlocked" pyok \
    '"Waiting for PIN" in out and "Nothing to enter" in out and "452040123456789" in out and status["pin_state"] == "READY" and status["appear_count"] == 2'

# ---------------------------------------------------------------- 9. raw AT checks
OUT=$T/ring.out
ctl call +84901234567 2 >/dev/null
at AT+CLIP=1 wait:1.0 AT+CPAS >"$OUT"
check "call: RING, +CLIP, missed -> NO CARRIER" pyok \
    'out.count("RING") == 2 and "+CLIP: \"+84901234567\",145" in out and "NO CARRIER" in out and "+CPAS: 0" in out'
ctl call +84901234567 5 >/dev/null
at AT+CPAS ATH AT+CPAS >"$OUT"
check "call: ATH hangs up" pyok '"+CPAS: 3" in out and out.rstrip().endswith("+CPAS: 0\n\nOK") and status["call"] is None'
OUT=$T/cmti.out
at AT+CNMI=2,1,0,0,0 >/dev/null
ctl inject Viettel "Hello" >/dev/null
at AT+CMGR=1 >"$OUT"
check "+CMTI on inject, alphanumeric sender PDU" pyok \
    '"+CMTI: \"SM\",1" in out and "+CMGR: 0,," in out and "D0" in out'
ctl sms-clear >/dev/null
export VI_USSD="Số dư: 25.000đ"
ctl ussd-reply "$VI_USSD" >/dev/null
OUT=$T/ussd-raw.out
at 'AT+CSCS="UCS2"' 'AT+CUSD=1,"002A0031003000310023",15' wait:0.6 'AT+CSCS="GSM"' >"$OUT"
check "USSD non-GSM reply: UCS-2 hex with DCS 72" pyok \
    '("+CUSD: 0,\"%s\",72" % env["VI_USSD"].encode("utf-16-be").hex().upper()) in out'
OUT=$T/garbage-in.out
"$PY" -c 'import os,random,sys
r=random.Random(3); fd=os.open(sys.argv[1], os.O_RDWR|os.O_NOCTTY)
os.write(fd, bytes(r.randrange(256) for _ in range(3000)) + b"\x1b" + b"A"*5000 + b"\r")
os.close(fd)' "$LINK"
at wait:0.3 'raw:1b0d' AT+CSQ >"$OUT"
check "garbage and overlong input: still answers" pyok \
    '"+CSQ: 21,99" in out and status["present"]'
at AT+CMGS=20 'raw:1b' AT >"$OUT"
check "ESC cancels the SMS prompt" pyok '"> " in out and out.rstrip().endswith("AT\nOK")'
# replay the first PDU gammu sent ("xin chao") by hand: cms-once rejects one send only
read -r CMGS_LEN PDU_HEX < <(awk '$2 == "RX" && $3 ~ /^AT\+CMGS=/ {n = substr($3, 9)} $2 == "RX-PDU" {print n, $3; exit}' "$ATLOG")
ctl fault cms-once 42 >/dev/null
at "AT+CMGS=$CMGS_LEN" "pdu:$PDU_HEX" "AT+CMGS=$CMGS_LEN" "pdu:$PDU_HEX" >"$OUT"
check "fault cms-once 42: one rejection, then accepted" pyok \
    'out.count("+CMS ERROR: 42") == 1 and "+CMGS: " in out.split("+CMS ERROR: 42")[1] and sent[-1]["text"] == "xin chao"'
ctl fault error >/dev/null
at AT >"$OUT"
check "fault error: ERROR" pyok 'out.rstrip().endswith("ERROR")'
ctl clear >/dev/null
ctl fault hang >/dev/null
at -t 0.5 AT >"$OUT"
check "fault hang: no answer" test $? -eq 3
ctl clear >/dev/null
ctl fault slow 400 >/dev/null
S0=$(date +%s%N)
at AT >"$OUT"
S1=$(date +%s%N)
check "fault slow 400: answer delayed >= 0.4 s" test $(( (S1 - S0) / 1000000 )) -ge 400
ctl clear >/dev/null
ctl fault garbage 8 >/dev/null
at AT >"$OUT"
check "fault garbage: junk bytes before the answer" pyok 'len(out.rstrip().split("\n")[1]) > 0 and out.rstrip().endswith("OK")'
ctl clear >/dev/null
at AT >"$OUT"
check "modem healthy after faults" pyok 'out.rstrip().endswith("OK")'

# ---------------------------------------------------------------- 10. shutdown
kill -TERM "$SIM_PID"
wait "$SIM_PID"
RC=$?
SIM_PID=
check "SIGTERM: exit 0" test $RC -eq 0
check "SIGTERM: link, socket and ready file removed" test ! -L "$LINK" -a ! -e "$CTL" -a ! -e "$READY"
check "no tracebacks on stderr" test ! -s "$T/sim.err"

echo "elapsed $(elapsed) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
