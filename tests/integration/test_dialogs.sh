#!/bin/bash
# SMS menus and the KT self-check, through `gatewayctl simulate` and through
# the real daemon on the dummy phone; conversations live in the database,
# so they carry on across daemon restarts (issue: conversations).
. "$(dirname "$0")/lib.sh"
CONF="$WORK/gw.conf"
write_conf "$CONF"
INJECT="$TOP/tools/inject_sms.py"
"$GATEWAYCTL" -c "$CONF" init >/dev/null &&
	"$GATEWAYCTL" -c "$CONF" import programs "$TOP/data/programs.json" >/dev/null &&
	"$GATEWAYCTL" -c "$CONF" import jobs "$TOP/data/jobs.json" >/dev/null ||
	fail "set-up" "init/import failed"

sim() { # sim PHONE TEXT: the reply text; the conversation lives in a file (--session)
	"$GATEWAYCTL" -c "$CONF" simulate --session "$WORK/sess-$1.json" --from "$1" "$2" 2>>"$WORK/sim.err"
}
expect() { # expect NAME OUTPUT PATTERN
	if printf '%s' "$2" | grep -q -- "$3"; then pass "$1"; else fail "$1" "got: $2"; fi
}

check "init loaded the menus" sh -c "sqlite3 '$WORK/gw.db' 'SELECT count(*) FROM menu_nodes' | grep -qv '^0$'"
check "init loaded the 2026 and 2027 standards" sh -c \
	"sqlite3 '$WORK/gw.db' \"SELECT group_concat(income_line) FROM poverty_standards WHERE area = 'rural'\" | grep -q '1500000,2200000'"

# --- simulate: the same handler path as an SMS ---
P=0912000001
out=$(sim $P MENU)
expect "MENU opens the numbered main menu" "$out" "1. Chinh sach ho tro"
if [ "$(printf '%s' "$out" | wc -c)" -le 160 ]; then pass "main menu fits one SMS"; else fail "main menu fits one SMS" "$out"; fi
expect "1: program categories" "$(sim $P 1)" "Bao hiem y te"
expect "a number not on the screen: the screen again with a hint" "$(sim $P 7)" "^Chon sai"
expect "0 goes back" "$(sim $P 0)" "5. Huong dan"
expect "5: help text" "$(sim $P 5)" "CS <ma>"
expect "00: main menu" "$(sim $P 00)" "4. Tu kiem tra ho ngheo"
expect "a command still works while the menu is open" "$(sim $P 'CS BHYT')" "BHYT"
expect "and the menu is still open" "$(sim $P 2)" "Viec lam"
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --from 0912000002 0)
if echo "$json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
assert "1. Chinh sach ho tro" in o["replies"][0], o
assert o["parts"] == 1 and o["encoding"] == "gsm7", o
'; then pass "0 as a first message opens the menu (one GSM-7 part)"; else fail "0 as a first message" "$json"; fi

K=0912000003
expect "KT asks rural or urban" "$(sim $K KT)" "1. Nong thon"
expect "area answered with a word" "$(sim $K 'nong thon')" "bao nhieu nguoi"
expect "household size" "$(sim $K 4)" "thu nhap"
expect "income as people write it" "$(sim $K 6tr)" "Cau 1/12"
expect "yes/no as a word" "$(sim $K co)" "Cau 2/12"
expect "0 takes the last answer back" "$(sim $K 0)" "Cau 1/12"
sim $K 1 >/dev/null; sim $K 1 >/dev/null
out=$(sim $K 1)
expect "three deprivations under the line: poor" "$out" "HO NGHEO"
expect "the answer names programs as CS codes" "$out" "CS BHYT"
expect "the answer says the commune decides" "$out" "UBND xa"
expect "the answer offers the review appointment" "$out" "Dat hen nop don ra soat"
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --from 0912000004 \
	'KT nha 4 nguoi o thon thu nhap 1tr2/nguoi chua co bhyt nha tam')
if echo "$json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
assert o["intent"] == "eligibility" and o["ref"] == "CHUAN-NGHEO", o
assert "Cau 1/12" in o["replies"][0], o
'; then pass "KT with facts skips their questions"; else fail "KT with facts" "$json"; fi
expect "KT in 2027 uses the 2027 lines" \
	"$("$GATEWAYCTL" -c "$CONF" simulate --at '2027-03-01 09:00' --from 0912000005 'KT nong thon 4 nguoi thu nhap 8tr')" "Cau 1/12"
expect "the same household in 2026: average living standard" \
	"$("$GATEWAYCTL" -c "$CONF" simulate --at '2026-03-01 09:00' --from 0912000006 'KT nong thon 4 nguoi thu nhap 8tr')" "MUC SONG TRUNG BINH"

# --- simulate leaves no trace (issue 16: it booked real slots) ---
q() { sqlite3 "$WORK/gw.db" "$1"; }
expect "the simulated conversations left no session, no contact" \
	"$(q "SELECT count(*) FROM sessions") $(q "SELECT count(*) FROM contacts")" "^0 0$"
H=0912000009
expect "a simulated booking is answered" "$("$GATEWAYCTL" -c "$CONF" simulate --at '2027-03-01 09:00' --from $H 'HEN 3/3 9h vay von' 2>&1)" "#1"
expect "and takes no slot" "$(q "SELECT count(*) FROM appointments") $(q "SELECT count(*) FROM audit")" "^0 "
expect "nor gets a number: the next one is #1 again" \
	"$("$GATEWAYCTL" -c "$CONF" simulate --at '2027-03-01 09:00' --from $H 'HEN 3/3 9h vay von' 2>&1)" "#1"
sim $H MENU >/dev/null
expect "a --session file holds the conversation, not the database" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["phone"])' "$WORK/sess-$H.json") $(q "SELECT count(*) FROM sessions")" "^+84912000009 0$"
out=$("$GATEWAYCTL" -c "$CONF" simulate --commit --at '2027-03-01 09:00' --from $H 'HEN 3/3 9h vay von' 2>"$WORK/commit.err")
expect "--commit keeps the booking" "$(q "SELECT count(*) FROM appointments WHERE phone = '+84912000009'")" "^1$"
expect "and says so loudly on stderr" "$(cat "$WORK/commit.err")" "written to the LIVE database"

# --- the daemon: replies through the outbox, restarts in between ---
n=0
send() { # send PHONE TEXT: inject with a distinct SMSC time (a repeat is a duplicate)
	n=$((n + 1))
	python3 "$INJECT" --dir "$WORK/modem" --from "$1" --time "2026-01-01 10:00:$(printf '%02d' $n)" "$2" >/dev/null
}
last_reply() { # last_reply PHONE
	sqlite3 "$WORK/gw.db" "SELECT text FROM outbox WHERE phone = '$1' ORDER BY id DESC LIMIT 1"
}
once() { "$GATEWAYD" --once -c "$CONF" >>"$WORK/once.log" 2>&1; }

D=+84912000010
send $D MENU && once
expect "daemon: MENU answered with the menu" "$(last_reply $D)" "1. Chinh sach ho tro"
send $D 1 && once
expect "daemon restarted: 1 continues the menu" "$(last_reply $D)" "Bao hiem y te"
send $D 3 && once
expect "daemon restarted again: 3 opens loans" "$(last_reply $D)" "VAY\|Vay"
check "the session is stored per phone and channel" sh -c \
	"sqlite3 '$WORK/gw.db' \"SELECT channel FROM sessions WHERE phone = '$D'\" | grep -qx sms"

E=+84912000011
"$GATEWAYD" -f -c "$CONF" >"$WORK/daemon.log" 2>&1 &
pid=$!
send $E 'KT nha 4 nguoi o thon thu nhap 1tr2/nguoi'
for i in $(seq 200); do last_reply $E | grep -q "Cau 1/12" && break; sleep 0.05; done
expect "running daemon: KT asks the first deprivation" "$(last_reply $E)" "Cau 1/12"
send $E 1
for i in $(seq 200); do last_reply $E | grep -q "Cau 2/12" && break; sleep 0.05; done
expect "running daemon: yes recorded" "$(last_reply $E)" "Cau 2/12"
kill -TERM $pid; wait $pid
check "daemon stopped cleanly" test $? -eq 0
send $E 1 && send $E 1 && once
expect "after the restart the self-check ends where it was" "$(last_reply $E)" "HO NGHEO"
check "no sanitizer report" sh -c "! grep -q 'AddressSanitizer\|runtime error' '$WORK/once.log' '$WORK/daemon.log' '$WORK/sim.err'"
finish
