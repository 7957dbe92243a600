#!/bin/bash
# Jobs end to end: the real (sanitized) gatewayd --once on libgammu's dummy
# phone. Messages go in through tools/inject_sms.py; what went out is read
# from the outbox and from the send-capture shim (tools/read_sent.py).
# The clock of the sender is set with GW_FAKE_NOW (gateway/daemon/sender.h), so
# quiet hours are crossed without waiting.
. "$(dirname "$0")/lib.sh"
CONF="$WORK/gw.conf"
write_conf "$CONF"
SENT="$WORK/sent"
mkdir -p "$SENT"
CAPTURE="$BUILD/lib/sendcapture.so"
DB="$WORK/gw.db"

OFFICER=+84911000001
H1=+84912000001
H2=+84912000002
H3=+84912000003
H4=+84912000004
STRANGER=+84919999999

# Office days after today, so that every queued row is already due.
DAY1=$(python3 -c 'import datetime as d; print((d.datetime.utcnow() + d.timedelta(hours=7, days=1)).strftime("%Y-%m-%d"))')
DAY2=$(python3 -c 'import datetime as d; print((d.datetime.utcnow() + d.timedelta(hours=7, days=2)).strftime("%Y-%m-%d"))')
epoch() { # epoch 'YYYY-MM-DD HH:MM' (office time, UTC+7)
	python3 -c 'import sys, datetime as d; print(int((d.datetime.strptime(sys.argv[1], "%Y-%m-%d %H:%M").replace(tzinfo=d.timezone.utc) - d.timedelta(hours=7)).timestamp()))' "$1"
}

q() { sqlite3 "$DB" "$1"; }
inject() { # inject FROM TEXT
	python3 "$TOP/tools/inject_sms.py" --dir "$WORK/modem" --from "$1" "$2" >/dev/null
}
run() { # run 'YYYY-MM-DD HH:MM': everything pending, with that sender clock
	env LD_PRELOAD="$CAPTURE" GW_CAPTURE_DIR="$SENT" GW_FAKE_NOW="$1" \
		ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1:halt_on_error=1 \
		"$GATEWAYD" --once -c "$CONF" >>"$WORK/gatewayd.log" 2>&1
}
# the last message sent to a phone (outbox), and whether the capture saw it
last_to() { q "SELECT text FROM outbox WHERE phone = '$1' AND status = 'sent' ORDER BY id DESC LIMIT 1"; }
captured_to() { # captured_to PHONE TEXT-FRAGMENT
	python3 "$TOP/tools/read_sent.py" "$SENT" | python3 -c '
import json, sys
to, frag = sys.argv[1], sys.argv[2]
sys.exit(0 if any(m["to"] == to and frag in m["text"] for m in map(json.loads, sys.stdin)) else 1)' "$1" "$2"
}
expect() { # expect NAME ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
contains() { # contains NAME HAYSTACK NEEDLE
	case "$2" in *"$3"*) pass "$1" ;; *) fail "$1" "'$3' not in '$2'" ;; esac
}

check "build has the send-capture shim" test -f "$CAPTURE"
check "init" "$GATEWAYCTL" -c "$CONF" init
check "import jobs" "$GATEWAYCTL" -c "$CONF" job import "$TOP/data/jobs.json"
check "officer add (PIN hashed)" "$GATEWAYCTL" -c "$CONF" officer add 0911000001 --name "Cán bộ An" \
	--commune "Tân Lập" --role officer --pin 246813
check "officer add from stdin, admin" sh -c "echo 975310 | '$GATEWAYCTL' -c '$CONF' officer add 0911000002 --name Admin --role admin"
check "a PIN under 6 digits refused" sh -c "echo 97531 | '$GATEWAYCTL' -c '$CONF' officer add 0911000003 --name X; test \$? = 2"
check "officer list" sh -c "'$GATEWAYCTL' -c '$CONF' officer list | grep -q 'Admin'"
expect "no PIN stored in clear" "$(q "SELECT count(*) FROM officers WHERE pin_hash LIKE '%246813%' OR pin_hash NOT LIKE '\$argon2id\$%'")" 0

# An officer posts an offer by SMS; three households subscribe, one opts
# out again (one daemon run handles them in the order they arrived).
inject $OFFICER "VIECMOI 246813 Công nhân may mẫu; Tân Lập, Sông Lô; 6-8tr; 30/6/2027"
inject $H1 "DK VIEC may"
inject $H2 "DK VIEC Tân Lập"
inject $H3 "dang ky viec"
inject $H3 "HUY"
run "$DAY1 10:00"
expect "offer posted by SMS" "$(q "SELECT code || '|' || officer_id FROM jobs WHERE id = 16")" "JOB-SMS-016|1"
contains "officer told the number" "$(last_to $OFFICER)" "Da dang viec so 16 (JOB-SMS-016): CN may mau - Tan Lap - 6-8tr"
expect "PIN masked in the stored message" "$(q "SELECT count(*) FROM inbox WHERE text LIKE '%246813%'") $(q "SELECT count(*) FROM inbox_parts WHERE text LIKE '%246813%'")" "0 0"
if grep -q 246813 "$WORK/gatewayd.log"; then fail "PIN not in the log" "found"; else pass "PIN not in the log"; fi
expect "post audited" "$(q "SELECT count(*) FROM audit WHERE action = 'job_post' AND actor = '$OFFICER'")" 1

expect "three subscriptions" "$(q "SELECT count(DISTINCT phone) FROM subscriptions")" 3
expect "one opted out" "$(q "SELECT phone FROM contacts WHERE opted_out = 1")" "$H3"

# The officer broadcasts the offer: exactly the two others get it. An
# officer's broadcast reaches their commune's households only (issue 16):
# H1 lives in Tân Lập (an administrator recorded it), H2 asked for Tân Lập.
q "UPDATE contacts SET commune = 'Tân Lập' WHERE phone = '$H1'"
inject $OFFICER "TB 246813 VIEC 16"
run "$DAY1 10:05"
contains "TB confirmation with progress" "$(last_to $OFFICER)" "TB so 1: xep 2"
expect "broadcast sent to exactly two" "$(q "SELECT group_concat(phone, ' ') FROM (SELECT phone FROM outbox WHERE broadcast_id = 1 AND status = 'sent' ORDER BY phone)")" "$H1 $H2"
expect "nothing broadcast to the opted-out" "$(q "SELECT count(*) FROM outbox WHERE phone = '$H3' AND kind = 'broadcast'")" 0
check "capture: H1 got the offer" captured_to $H1 "Viec moi: 16. CN may mau - Tan Lap - 6-8tr"
check "capture: H2 got the offer" captured_to $H2 "Nhan UT 16 de dang ky"
if captured_to $H3 "Viec moi"; then fail "capture: H3 got nothing" "it did"; else pass "capture: H3 got nothing"; fi
check "broadcast status" sh -c "'$GATEWAYCTL' -c '$CONF' broadcast status | grep -q 'queued 2, sent 2, failed 0, left 0'"

# A household applies; the officer is told.
inject $H1 "UT 16"
run "$DAY1 10:10"
contains "household told next steps" "$(last_to $H1)" "Da dang ky viec so 16"
contains "household told whom to expect" "$(last_to $H1)" "can bo Can bo An (0911000001)"
expect "referral recorded" "$(q "SELECT job_id || '|' || status || '|' || officer_notified FROM referrals WHERE phone = '$H1'")" "16|new|1"
contains "officer notified" "$(q "SELECT text FROM outbox WHERE phone = '$OFFICER' AND kind = 'notify' AND status = 'sent'")" "0912000001 xin viec so 16"
check "capture: officer got the notice" captured_to $OFFICER "UT moi: 0912000001"
inject $H1 "ut 16 nhe"
# Wrong PIN and unknown numbers: refused, audited, nothing done.
inject $OFFICER "TB 1357 VIEC 16"
inject $STRANGER "VIECMOI 246813 Việc giả; Tân Lập"
run "$DAY1 10:11"
contains "applying twice recognised" "$(last_to $H1)" "Ban da dang ky viec so 16"
expect "still one referral" "$(q "SELECT count(*) FROM referrals")" 1
check "referrals listed" sh -c "'$GATEWAYCTL' -c '$CONF' referrals --job 16 | grep -q '0912000001'"
contains "wrong PIN refused" "$(last_to $OFFICER)" "Sai PIN"
contains "unknown number refused" "$(last_to $STRANGER)" "chua dang ky can bo"
expect "refusals audited" "$(q "SELECT actor || ':' || detail FROM audit WHERE action = 'officer_auth_fail' ORDER BY id" | tr '\n' ' ')" "$OFFICER:TB: wrong PIN (1 of 5) $STRANGER:VIECMOI: unregistered number "
expect "nothing posted or broadcast" "$(q "SELECT count(*) FROM jobs") $(q "SELECT count(*) FROM broadcasts")" "16 1"

# Quiet hours: a notice sent at 22:00 waits for the morning.
inject $OFFICER "TB 246813 tân lập: Họp dân 8h sáng mai"
run "$DAY1 22:00"
contains "TB confirmed at night (replies go)" "$(last_to $OFFICER)" "TB so 2: xep 2"
expect "night: held, none sent" "$(q "SELECT count(*) || '|' || sum(status = 'queued') FROM outbox WHERE broadcast_id = 2")" "2|2"
expect "held until 07:00" "$(q "SELECT DISTINCT next_attempt_at FROM outbox WHERE broadcast_id = 2")" "$(epoch "$DAY2 07:00")"
run "$DAY2 06:59"
expect "06:59: still held" "$(q "SELECT count(*) FROM outbox WHERE broadcast_id = 2 AND status = 'sent'")" 0
run "$DAY2 07:30"
expect "morning: both sent" "$(q "SELECT count(*) FROM outbox WHERE broadcast_id = 2 AND status = 'sent' AND sent_at = $(epoch "$DAY2 07:30")")" 2
check "capture: notice unaccented" captured_to $H2 "TB: Hop dan 8h sang mai HUY: ngung nhan tin"

# simulate --json: ref and filters
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --from $H4 "UT 6")
if echo "$json" | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["intent"]=="job_apply" and o["ref"]=="JOB-VP-006", o'; then
	pass "simulate: ref is the job id"; else fail "simulate: ref is the job id" "$json"; fi
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --from $H4 "Việc may ở Tân Lập")
if echo "$json" | python3 -c '
import json,sys
o=json.load(sys.stdin)
assert o["intent"]=="job_list", o
assert o["filters"]["area"]=="tan lap" and o["filters"]["type"]=="may", o
assert o["jobs"][0]=="JOB-SMS-016" and "16. CN may mau - Tan Lap - 6-8tr" in o["replies"][0], o'; then
	pass "simulate: filters folded"; else fail "simulate: filters folded" "$json"; fi

# The office computer: add, list, show, broadcast, close.
check "job add" sh -c "'$GATEWAYCTL' -c '$CONF' job add --title 'Bảo vệ kho' --place 'Tân Lập, Sông Lô' --wage '5-6tr' --deadline 31/12/2027 | grep -q 'added job 17 JOB-CLI-017'"
check "job list" sh -c "'$GATEWAYCTL' -c '$CONF' job list | grep -q 'JOB-CLI-017'"
check "job show" sh -c "'$GATEWAYCTL' -c '$CONF' job show JOB-CLI-017 | grep -q 'places: |tan lap|song lo|'"
check "broadcast from the CLI" sh -c "'$GATEWAYCTL' -c '$CONF' broadcast 17 --area 'Tân Lập' | grep -q 'queued 1'"
check "job close" sh -c "'$GATEWAYCTL' -c '$CONF' job close 17 | grep -q '1 unsent broadcast'"
check "closed job not listed" sh -c "! '$GATEWAYCTL' -c '$CONF' simulate VIEC | grep -q '^17\\.'"
# PINs and locks from the office computer (issue 16): a PIN from before the
# 6-digit rule is flagged, a new one set, a lock lifted.
q "UPDATE officers SET pin_short = NULL WHERE phone = '+84911000002'"
"$GATEWAYCTL" -c "$CONF" officer list >"$WORK/list.out" 2>"$WORK/list.err"
contains "officer list flags a PIN that may be short" "$(grep Admin "$WORK/list.out")" "ok (0 wrong PIN); PIN under 6 digits"
contains "and warns on stderr" "$(cat "$WORK/list.err")" "may have a PIN shorter than 6 digits"
check "officer pin: under 6 digits refused" sh -c "'$GATEWAYCTL' -c '$CONF' officer pin 0911000002 --pin 12345; test \$? = 2"
check "officer pin: a new one" sh -c "'$GATEWAYCTL' -c '$CONF' officer pin 0911000002 --pin 97531086 | grep -q 'new SMS PIN set'"
expect "no more warning" "$("$GATEWAYCTL" -c "$CONF" officer list 2>&1 | grep -c 'PIN under 6')" 0
q "UPDATE officers SET locked_until = 9999999999, pin_locks = 3 WHERE phone = '+84911000002'"
check "officer unlock" sh -c "'$GATEWAYCTL' -c '$CONF' officer unlock 0911000002 | grep -q 'unlocked'"
expect "unlocked" "$(q "SELECT locked_until || '|' || pin_locks FROM officers WHERE phone = '+84911000002'")" "0|0"
check "officer remove" "$GATEWAYCTL" -c "$CONF" officer remove 0911000002
expect "CLI changes audited" "$(q "SELECT count(*) FROM audit WHERE actor LIKE 'cli:%' AND action IN ('job_post', 'job_close', 'broadcast', 'officer_add', 'officer_remove', 'officer_pin', 'officer_unlock')")" 8
check "daemon log has no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$WORK/gatewayd.log'"
finish
