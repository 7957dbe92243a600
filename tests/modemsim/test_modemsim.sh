#!/usr/bin/env bash
# Self-test of tests/modemsim/modemsim.py against the real libgammu `gammu` CLI
# (model = at, connection = at, device = <pty symlink>).
#
#   tests/modemsim/test_modemsim.sh          # prints "N passed, N failed"
#   KEEP=1 tests/modemsim/test_modemsim.sh   # keep the temp dir (logs) afterwards
#
# Needs: bash, /usr/bin/python3 (stdlib only), gammu (apt-get install gammu).
# Three simulated modems run side by side, as in a box with several SIMs:
#   A  Viettel    the main sequence (foreground);
#   B  MobiFone   identify + networkinfo + USSD (background: getussd waits 10 s);
#   C  VinaPhone  status reports through `gammu monitor` (+CDSI/SR, then +CDS).
# Every gammu connect over a pty costs ~3.5 s of libgammu's slow init writes, so
# the slow parts run in parallel: about 45 s (50-65 s on busy cores). All waits are
# for a condition (ready file, control-socket wait-*, text in an output).
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
export T
PASS=0
FAIL=0
declare -A SIM_PID=()
JOBS=
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }

pass() { PASS=$((PASS + 1)); echo "PASS [$(elapsed)s]: $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL [$(elapsed)s]: $*"; }
# check DESCRIPTION COMMAND...: pass if COMMAND succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

cleanup() {
    local n p
    for p in $JOBS; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    for n in "${!SIM_PID[@]}"; do
        p=${SIM_PID[$n]}
        if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
            kill "$p" 2>/dev/null
            wait "$p" 2>/dev/null
        fi
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

# Per-modem files live in $T/<name>/. A's are also in the short variables.
simdir() { echo "$T/$1"; }
ctlx() { local n=$1; shift; "$PY" "$SIM" ctl "$T/$n/ctl.sock" "$@"; }
atx() { local n=$1; shift; "$PY" "$SIM" at "$T/$n/dev/tty" "$@"; }
Gx() { local n=$1; shift; timeout 60 gammu -c "$T/$n/gammurc" "$@"; }
ctl() { ctlx A "$@"; }
at() { atx A "$@"; }
G() { Gx A "$@"; }

start_sim() {   # start_sim NAME OPTIONS...
    local n=$1 d=$T/$1
    shift
    mkdir -p "$d"
    "$PY" "$SIM" --link "$d/dev/tty" --control "$d/ctl.sock" --ready "$d/ready" \
        --sent-log "$d/sent.jsonl" --at-log "$d/at.log" --report-log "$d/reports.jsonl" \
        "$@" >"$d/sim.out" 2>"$d/sim.err" &
    SIM_PID[$n]=$!
    printf '[gammu]\nmodel = at\nconnection = at\ndevice = %s\n' "$d/dev/tty" >"$d/gammurc"
}
wait_ready() {  # wait_ready NAME
    local i
    for i in $(seq 1 200); do
        [ -s "$T/$1/ready" ] && return 0
        kill -0 "${SIM_PID[$1]}" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
# wait_text FILE TEXT [SECONDS]: until FILE contains TEXT
wait_text() {
    local i
    for i in $(seq 1 $(( ${3:-30} * 10 ))); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# pyok EXPR: evaluate a python expression with sent (list), merged (list),
# status (dict), reports (list), out (text of $OUT), env (os.environ), pdu
# (msim.pdu); true if truthy. M=<name> picks the modem (default A).
pyok() {
    local d=$T/${M:-A}
    "$PY" - "$1" "$d/sent.jsonl" "$d/ctl.sock" "$SIM" "${OUT:-/dev/null}" "$d/reports.jsonl" <<'EOF'
import json, os, re, socket, sys
expr, sentf, ctl, sim, outf, repf = sys.argv[1:7]
def jl(f):
    if not os.path.exists(f):
        return []
    return [json.loads(l) for l in open(f, encoding="utf-8") if l.strip()]
sent, reports = jl(sentf), jl(repf)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(sim))
if "pdu." in expr:
    from msim import pdu
merged = None
if "merged" in expr:
    import modemsim
    merged = modemsim.merge_records(sent)
status = None
if "status" in expr:        # ask the control socket directly: one process less per check
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(ctl)
    s.sendall(b"status\n")
    status = json.loads(s.makefile("rb").readline() or b"{}")
    s.close()
out = open(outf, encoding="utf-8", errors="replace").read()
env = os.environ
def report_blocks(text):
    """gammu's "SMS status report" blocks in text, by reference number."""
    found = {}
    for b in text.split("SMS status report\n")[1:]:
        b = b.split("\n\n")[0]
        m = re.search(r"Reference number +: (\d+)", b)
        if m:
            found[int(m.group(1))] = b
    return found
ok = bool(eval("(" + expr.strip() + ")"))
if not ok:
    sys.stderr.write("  expression false: %s\n" % expr)
sys.exit(0 if ok else 1)
EOF
}
# SUBMIT PDU (hex, with an empty SMSC field) to +84901234567 with TP-SRR set,
# and its TPDU length: for raw AT+CMGS checks.
read -r SRR_LEN SRR_PDU < <("$PY" - "$HERE" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from msim.pdu import encode_address, gsm7_septets, pack7
sept = gsm7_septets("raw report")
tp = bytes([0x31, 0]) + encode_address("+84901234567") + bytes([0, 0, 0xA7, len(sept)]) + pack7(sept)
print(len(tp), "00" + tp.hex().upper())
EOF
)

# ---------------------------------------------------------------- 0. codecs
check "codec selftest" "$PY" "$SIM" selftest

# ---------------------------------------------------------------- 1. start three modems
start_sim A --ring-interval 0.4 --seed 7 --own-number +84981000001
start_sim B --operator MobiFone --imei 356938035643810 --own-number +84901000002 --seed 8
start_sim C --operator 45202 --imei 356938035643811 --own-number +84911000003 --seed 9 \
    --dlr-delay 0
for n in A B C; do
    if ! wait_ready $n; then
        fail "simulator $n ready"; cat "$T/$n/sim.err"; echo "$PASS passed, $FAIL failed"; exit 1
    fi
done
pass "three simulators ready ($(cut -d' ' -f2 "$T/A/ready"), $(cut -d' ' -f2 "$T/B/ready"), $(cut -d' ' -f2 "$T/C/ready"))"
LINK=$T/A/dev/tty
CTL=$T/A/ctl.sock
READY=$T/A/ready
export ATLOG=$T/A/at.log
check "READY line on stdout" grep -q "^READY $LINK /dev/pts/" "$T/A/sim.out"
check "distinct pty, link and socket per modem" test \
    "$(cat "$T"/{A,B,C}/ready | cut -d' ' -f1,2 | tr ' ' '\n' | sort -u | wc -l)" -eq 6

# ---------------------------------------------------------------- background: B (USSD), C (reports)
job_b() {
    printf '%s\n' identify networkinfo "getussd *101#" >"$T/B/batch"
    Gx B batch "$T/B/batch" >"$T/B/batch.out" 2>&1
    echo $? >"$T/B/batch.rc"
}
# Status reports the way a daemon sees them: `gammu monitor` enables incoming
# SMS (AT+CNMI), so a report arrives as +CDSI (libgammu's default ds=2: then it
# reads AT+CPMS="SR" + AT+CMGR) or, with atgen_setcnmi ds=1, as +CDS + PDU.
# `dlr late` holds both reports until monitor has set AT+CNMI (wait-cnmi).
monitor_report() {  # monitor_report GAMMURC DS OUTFILE
    gammu -c "$1" monitor >"$3" 2>&1 &
    local mp=$!
    ctlx C wait-cnmi "$2" 30 >>"$T/C/ctl.out"
    ctlx C dlr release 1 >>"$T/C/ctl.out"
    wait_text "$3" "Delivery status" 30
    kill -INT $mp 2>/dev/null
    for _ in $(seq 1 50); do kill -0 $mp 2>/dev/null || break; sleep 0.1; done
    kill -KILL $mp 2>/dev/null
    wait $mp 2>/dev/null
}
job_c() {
    ctlx C dlr late 2 >"$T/C/ctl.out"
    printf '%s\n' identify networkinfo \
        'sendsms TEXT +84911234567 -text "bao cao 1" -report' \
        'sendsms TEXT 0912345678 -text "bao cao 2" -report' >"$T/C/batch"
    Gx C batch "$T/C/batch" >"$T/C/batch.out" 2>&1
    echo $? >"$T/C/batch.rc"
    monitor_report "$T/C/gammurc" 2 "$T/C/monitor-sr.out"
    { cat "$T/C/gammurc"; echo "atgen_setcnmi = ,,,1"; } >"$T/C/gammurc-cds"
    monitor_report "$T/C/gammurc-cds" 1 "$T/C/monitor-cds.out"
}
job_b & JOBS="$JOBS $!"; JOB_B=$!
job_c & JOBS="$JOBS $!"; JOB_C=$!

# ---------------------------------------------------------------- 2. identify + inbound
export VI_IN="Chào bạn! Tài khoản của quý khách còn 25.000đ, hạn sử dụng đến 31/12/2026. Gói cước 4G đã được gia hạn thành công."
OUT=$T/inject.out
ctl inject +84901234567 "$VI_IN" >"$OUT"
check "inject two-part Vietnamese" pyok \
    'out.startswith("ok ") and json.loads(out[3:])["total"] == 2 and json.loads(out[3:])["ucs2"] and json.loads(out[3:])["locations"] == [1, 2]'
printf '%s\n' identify getallsms geteachsms >"$T/batch-read"
OUT=$T/read.out
G batch "$T/batch-read" >"$OUT" 2>&1
check "gammu identify/getallsms/geteachsms exit 0" test $? -eq 0
check "identify: manufacturer/model/IMEI/IMSI" pyok \
    '"ModemSim" in out.split("command 2:")[0] and "MSIM-800" in out and "356938035643809" in out and "452040123456789" in out'
check "at-log has init sequence" pyok \
    'all(("RX " + c) in open(env["ATLOG"]).read() for c in ("ATE1", "AT+CMEE=1", "AT+CSCS=?", "AT+CGMM", "AT+CFUN=1", "AT+CGSN", "AT+CIMI"))'
check "getallsms: two parts, texts concatenate to the original" pyok '
(lambda blocks: len(blocks) == 2
  and all("Remote number        : \"+84901234567\"" in b and "Unicode" in b and "part %d of 2" % (i + 1) in b for i, b in enumerate(blocks))
  and "".join(b.split("\n\n", 1)[1].split("\n\n")[0].strip("\n") for b in blocks) == env["VI_IN"])(
  [b for b in out.split("command 3:")[0].split("command 2:")[1].split("\nLocation ")[1:]])'
check "geteachsms: linked text equals the original" pyok \
    '("\n" + env["VI_IN"] + "\n") in out.split("command 3:")[1] and "2 SMS parts in 1 SMS sequences" in out'
check "at-log shows CPMS/CMGF/CMGL" pyok \
    'all(("RX " + c) in open(env["ATLOG"]).read() for c in ("AT+CPMS=?", "AT+CMGF=0", "AT+CMGL=4"))'

# ---------------------------------------------------------------- 3. sending
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
check "each part's +CMGS reference reaches gammu (SendSMSStatus callback)" pyok \
    '[int(x) for x in __import__("re").findall(r"message reference=(\d+)", out)] == [r["mr"] for r in sent]'
check "no report without TP-SRR" pyok 'not reports and not any(r["srr"] for r in sent)'

# ---------------------------------------------------------------- 4. CMS error
ctl fault cms 38 >/dev/null
OUT=$T/cms.out
G sendsms TEXT +84901234567 -text "should fail" >"$OUT" 2>&1
RC=$?
check "fault cms 38: sendsms fails" test $RC -ne 0
check "fault cms 38: error 38 reported, nothing logged as sent" pyok \
    '"error 38" in out and status["rejected"] == 1 and all(r["text"] != "should fail" for r in sent)'
check "clear faults" test "$(ctl clear)" = ok

# ---------------------------------------------------------------- 5. status reports in SIM memory
# Reports stored in "SM" (as modems without an SR memory do) are what
# `gammu getallsms` lists. The plan for the next three reports: delivered,
# failed (TP-ST 0x41), none; a fourth message asks for none; one report
# arrives for a reference nobody used. Then deleteallsms empties the SIM.
for c in "memory SM" "delay 0" deliver fail drop; do ctl dlr $c >/dev/null; done
OUT=$T/dlr-unknown.out
ctl dlr unknown >"$OUT"
export UNKNOWN_MR=$("$PY" -c 'import json,sys; print(json.loads(sys.stdin.read()[3:])["mr"])' <"$OUT")
check "dlr unknown: a stored report for a reference never used" pyok \
    'out.startswith("ok ") and json.loads(out[3:])["route"] == "stored" and int(env["UNKNOWN_MR"]) not in [r["mr"] for r in sent]'
export NSENT=$(wc -l <"$T/A/sent.jsonl")
{
    echo 'sendsms TEXT +84901234567 -text "bao cao giao" -report'
    echo 'sendsms TEXT 0987654321 -text "bao cao loi" -report'
    echo 'sendsms TEXT +84901234567 -text "bao cao mat" -report'
    echo 'sendsms TEXT +84901234567 -text "khong bao cao"'
    echo getallsms
    echo 'deleteallsms 1'
} >"$T/batch-dlr"
OUT=$T/dlr.out
G batch "$T/batch-dlr" >"$OUT" 2>&1
check "gammu sendsms -report x3, getallsms, deleteallsms exit 0" test $? -eq 0
check "sent-log: TP-SRR set by -report only" pyok \
    '[r["srr"] for r in sent[int(env["NSENT"]):]] == [True, True, True, False]'
# getallsms is batch command 5; report_blocks() (in pyok) keys its reports by reference
GETALL='report_blocks(out.split("command 5:")[1].split("command 6:")[0])'
check "getallsms: three status reports (two sent, one unknown)" pyok "
sorted($GETALL) == sorted([s['mr'] for s in sent[int(env['NSENT']):][:2]] + [int(env['UNKNOWN_MR'])])"
check "getallsms: delivered report, right reference and recipient" pyok "
(lambda b: 'Delivery status      : Delivered' in b and 'Remote number        : \"+84901234567\"' in b
  and 'SM received by the SME' in b)($GETALL[sent[int(env['NSENT'])]['mr']])"
check "getallsms: dlr fail -> Failed, 0x41 incompatible destination, national number" pyok "
(lambda b: 'Delivery status      : Failed' in b and 'Incompatible destination' in b
  and 'Remote number        : \"0987654321\"' in b)($GETALL[sent[int(env['NSENT']) + 1]['mr']])"
check "report log: stored in SM; dlr drop and no-SRR gave none" pyok '
[(r["mr"], r["route"], r["memory"], r["st"]) for r in reports] ==
  [(int(env["UNKNOWN_MR"]), "stored", "SM", 0)] + [(s["mr"], "stored", "SM", st) for s, st in
   zip(sent[int(env["NSENT"]):], (0, 0x41))]
  and status["report_routes"]["dropped"] == 1 and status["dlr"]["plan"] == []'
check "deleteallsms: SIM empty (messages and reports)" pyok \
    'status["stored"] == 0 and "RX AT+CMGD=2" in open(env["ATLOG"]).read()'
ctl dlr memory SR >/dev/null

# ---------------------------------------------------------------- 6. vanish / appear
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

# ---------------------------------------------------------------- 7. raw AT checks
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
# +CDS (ds=1): dlr off gives none; for-unsent takes the part but never
# answers +CMGS (the host times out), and its report still comes
ctl dlr delay 0 >/dev/null
ctl dlr off >/dev/null
OUT=$T/dlr-off.out
at AT+CNMI=2,1,0,1,0 "AT+CMGS=$SRR_LEN" "pdu:$SRR_PDU" wait:0.3 >"$OUT"
check "dlr off: TP-SRR answered by no report" pyok \
    '"+CMGS: " in out and "+CDS" not in out and sent[-1]["srr"] and status["report_routes"]["off"] == 1'
ctl dlr on >/dev/null
ctl dlr for-unsent >/dev/null
OUT=$T/dlr-unsent.out
at -t 1 "AT+CMGS=$SRR_LEN" "pdu:$SRR_PDU" wait:0.3 AT >"$OUT"
check "dlr for-unsent: no +CMGS (timeout), then +CDS for the part's reference" pyok '
"<timeout>" in out and "+CMGS:" not in out and sent[-1]["answered"] is False
  and pdu.decode_pdu(bytes.fromhex(out.split("+CDS: ")[1].split("\n")[1]))["mr"] == sent[-1]["mr"]
  and out.rstrip().endswith("AT\nOK")'
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

# ---------------------------------------------------------------- 8. B and C (background jobs)
wait $JOB_B; wait $JOB_C; JOBS=
OUT=$T/B/batch.out
check "B: gammu identify/networkinfo/getussd exit 0" test "$(cat "$T/B/batch.rc")" = 0
check "B: its own IMSI, IMEI and operator (MobiFone 452 01)" pyok \
    '"452010123456789" in out and "356938035643810" in out and "Name in phone        : \"MobiFone\"" in out and "452 01" in out'
check "B: getussd reply text" pyok '"TK chinh: 25000d, han 31/12/2026" in out and "No action needed" in out'
check "B: at-log: USSD code sent as UCS-2 hex" \
    grep -q 'RX AT+CUSD=1,"002A0031003000310023",15' "$T/B/at.log"
OUT=$T/C/batch.out
check "C: gammu identify/networkinfo/sendsms -report x2 exit 0" test "$(cat "$T/C/batch.rc")" = 0
M=C check "C: its own IMSI and operator (VinaPhone 452 02)" pyok \
    '"452020123456789" in out and "Name in phone        : \"VinaPhone\"" in out and status["operator_name"] == "VinaPhone"'
OUT=$T/C/monitor-sr.out
M=C check "C: +CDSI \"SR\": gammu monitor reads the report from SR memory" pyok '
"SMS status report" in out and ("Reference number     : %d\n" % sent[0]["mr"]) in out
  and "Delivery status      : Delivered" in out and "Remote number        : \"+84911234567\"" in out
  and reports[0]["route"] == "cdsi" and reports[0]["memory"] == "SR"
  and ("RX AT+CPMS=\"SR\"\n" in open(env["T"] + "/C/at.log").read())
  and ("RX AT+CMGR=%d\n" % reports[0]["index"]) in open(env["T"] + "/C/at.log").read()
  and "RX AT+CNMI=2,1,0,2,0" in open(env["T"] + "/C/at.log").read()'
OUT=$T/C/monitor-cds.out
M=C check "C: +CDS (atgen_setcnmi ds=1): gammu monitor decodes the report PDU" pyok '
"SMS status report" in out and ("Reference number     : %d\n" % sent[1]["mr"]) in out
  and "Delivery status      : Delivered" in out and "Remote number        : \"0912345678\"" in out
  and [r["route"] for r in reports] == ["cdsi", "cds"] and status["dlr"]["held"] == 0
  and "RX AT+CNMI=2,1,0,1,0" in open(env["T"] + "/C/at.log").read()'

# ---------------------------------------------------------------- 9. one hangs, one vanishes
ctlx B hang >/dev/null
ctlx C vanish >/dev/null
OUT=$T/multi.out
G networkinfo >"$OUT" 2>&1
check "B hung, C gone: A still serves gammu as Viettel" pyok \
    '"Name in phone        : \"Viettel\"" in out and "452 04" in out'
atx B -t 0.5 AT >/dev/null
check "B hung: no answer, pty kept" test $? -eq 3 -a -L "$T/B/dev/tty" -a -s "$T/B/ready"
check "C vanished: no link" test ! -e "$T/C/dev/tty" -a ! -L "$T/C/dev/tty"
ctlx B clear hang >/dev/null
ctlx C appear >/dev/null
OUT=$T/multi2.out
{ atx B 'AT+CSCS="GSM"' AT+COPS?; atx C AT+COPS? AT+CNUM; } >"$OUT"
check "B answers again, C back after appear: own operator and number each" pyok \
    '"+COPS: 0,0,\"MobiFone\",7" in out and "+COPS: 0,0,\"VinaPhone\",7" in out and "+84911000003" in out'

# ---------------------------------------------------------------- 10. shutdown
for n in A B C; do
    kill -TERM "${SIM_PID[$n]}"
    wait "${SIM_PID[$n]}"
    RC=$?
    SIM_PID[$n]=
    check "$n: SIGTERM: exit 0" test $RC -eq 0
    check "$n: SIGTERM: link, socket and ready file removed" \
        test ! -L "$T/$n/dev/tty" -a ! -e "$T/$n/ctl.sock" -a ! -e "$T/$n/ready"
    check "$n: no tracebacks on stderr" test ! -s "$T/$n/sim.err"
done

echo "elapsed $(elapsed) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
