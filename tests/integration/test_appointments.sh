#!/bin/bash
# Appointments end to end: the real (sanitized) gatewayd --once on libgammu's
# dummy phone. Households and an officer write SMS (tools/inject_sms.py);
# replies, notices and reminders are read from the outbox, where the daemon
# marks what it sent. Bookings are made for office days after today (the
# daemon stamps messages with the real clock); the day-before reminder is
# driven by GW_FAKE_NOW (common/clock.h), never by waiting.
. "$(dirname "$0")/lib.sh"
CONF="$WORK/gw.conf"
write_conf "$CONF"
DB="$WORK/gw.db"

OFFICER=+84911000001
H1=+84912000001
H2=+84912000002
H3=+84912000003
H4=+84912000004
H5=+84912000005

# Working days (Monday..Friday) at least two days after today, office time:
# D1, D2 the next one, D3 the one after. Each as YYYY-MM-DD and as d/m.
read -r D1 D2 D3 <<EOF
$(python3 -c '
import datetime as d
day = (d.datetime.utcnow() + d.timedelta(hours=7)).date() + d.timedelta(days=2)
out = []
while len(out) < 3:
    if day.weekday() < 5:
        out.append(day.isoformat())
    day += d.timedelta(days=1)
print(*out)')
EOF
dm() { python3 -c 'import sys; y, m, d = sys.argv[1].split("-"); print(f"{int(d)}/{int(m)}")' "$1"; }
before() { python3 -c 'import sys, datetime as d; print(d.date.fromisoformat(sys.argv[1]) - d.timedelta(days=1))' "$1"; }

q() { sqlite3 "$DB" "$1"; }
inject() { # inject FROM TEXT
	python3 "$TOP/tools/inject_sms.py" --dir "$WORK/modem" --from "$1" "$2" >/dev/null
}
run() { # run ['YYYY-MM-DD HH:MM']: everything pending, with that clock (default: the real one)
	if [ $# -gt 0 ]; then
		env GW_FAKE_NOW="$1" "$GATEWAYD" --once -c "$CONF" >>"$WORK/gatewayd.log" 2>&1
	else
		env -u GW_FAKE_NOW "$GATEWAYD" --once -c "$CONF" >>"$WORK/gatewayd.log" 2>&1
	fi
}
last_to() { # last_to PHONE KIND: the last message of that kind the daemon sent to PHONE
	q "SELECT text FROM outbox WHERE phone = '$1' AND kind = '$2' AND status = 'sent' ORDER BY id DESC LIMIT 1"
}
expect() { # expect NAME ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
contains() { # contains NAME HAYSTACK NEEDLE
	case "$2" in *"$3"*) pass "$1" ;; *) fail "$1" "'$3' not in '$2'" ;; esac
}

check "init" "$GATEWAYCTL" -c "$CONF" init
check "import programs" "$GATEWAYCTL" -c "$CONF" import programs "$TOP/data/programs.json"
check "officer add" "$GATEWAYCTL" -c "$CONF" officer add 0911000001 --name "Cán bộ An" --pin 246813
check "calendar place" "$GATEWAYCTL" -c "$CONF" calendar set place "UBND xa Tan Lap"
check "calendar show" sh -c "'$GATEWAYCTL' -c '$CONF' calendar show | grep -q 'Mon  07:30-11:30, 13:30-17:00'"

# --- book: what to bring, the place, the officer is told ---
inject $H1 "HEN $(dm $D1) 8h vay von ho ngheo"
run
contains "booked" "$(last_to $H1 reply)" "Da nhan lich hen #1"
contains "booked: the time" "$(last_to $H1 reply)" "$(dm $D1) 8h00 tai UBND xa Tan Lap"
contains "booked: what to bring" "$(last_to $H1 reply)" "Mang: CCCD, giay chung nhan ho ngheo"
contains "booked: the officer" "$(last_to $H1 reply)" "gap Can bo An (VAY-NGHEO)"
contains "officer told of the request" "$(last_to $OFFICER notify)" "Hen moi #1: 0912000001"
expect "stored as requested" "$(q "SELECT day || ' ' || slot || ' ' || status || ' ' || program_code FROM appointments WHERE id = 1")" "$D1 08:00 requested VAY-NGHEO"

# --- officer confirms by SMS; a wrong PIN changes nothing ---
inject $OFFICER "XN 1111 1"
run
contains "wrong PIN refused" "$(last_to $OFFICER reply)" "Sai PIN"
expect "still requested" "$(q "SELECT status FROM appointments WHERE id = 1")" "requested"
inject $OFFICER "XN 246813 1"
run
expect "confirmed" "$(q "SELECT status FROM appointments WHERE id = 1")" "confirmed"
contains "officer receipt" "$(last_to $OFFICER reply)" "Da xac nhan hen #1"
contains "household told of the confirmation" "$(last_to $H1 notify)" "da duoc xac nhan"
expect "PIN masked in the stored message" "$(q "SELECT count(*) FROM inbox WHERE text LIKE '%246813%'")" 0
expect "confirmation audited" "$(q "SELECT count(*) FROM audit WHERE actor = '$OFFICER' AND action = 'appointment_confirm'")" 1

# --- a full slot: the nearest free ones instead ---
check "capacity 1" "$GATEWAYCTL" -c "$CONF" calendar set capacity 1
inject $H2 "HEN $(dm $D1) 8h bhyt"
run
contains "full slot refused" "$(last_to $H2 reply)" "Gio nay da kin cho"
contains "full slot: free slots offered" "$(last_to $H2 reply)" "Gio con trong: "
contains "full slot: how to take one" "$(last_to $H2 reply)" "Nhan: HEN $(dm $D1) 7h30 BHYT"
expect "no double booking" "$(q "SELECT count(*) FROM appointments WHERE day = '$D1' AND slot = '08:00' AND status IN ('requested','confirmed')")" 1

# --- a holiday ---
check "holiday add" "$GATEWAYCTL" -c "$CONF" calendar holiday add "$D3" "Nghi le"
inject $H3 "HEN $(dm $D3) 9h"
run
contains "holiday refused" "$(last_to $H3 reply)" "Ngay $(dm $D3) UBND xa nghi: Nghi le"
contains "holiday: free slots offered" "$(last_to $H3 reply)" "Gio con trong: "
expect "nothing booked on the holiday" "$(q "SELECT count(*) FROM appointments WHERE day = '$D3'")" 0
inject $H3 "HEN 31/2 vay von"
run
contains "impossible date refused" "$(last_to $H3 reply)" "Ngay khong co that"

# --- the day-before reminder, on the injected clock ---
run "$(before $D1) 16:55"
expect "no reminder before the hour" "$(q "SELECT count(*) FROM outbox WHERE kind = 'reminder'")" 0
run "$(before $D1) 17:05"
contains "reminder sent" "$(last_to $H1 reminder)" "Nhac lich: ngay mai"
contains "reminder: what to bring" "$(last_to $H1 reminder)" "Mang: CCCD, giay chung nhan ho ngheo"
run "$(before $D1) 17:30"
expect "reminded exactly once" "$(q "SELECT count(*) FROM outbox WHERE kind = 'reminder'")" 1

# --- the household moves it (needs confirming again); the officer is told ---
inject $H1 "DOI HEN $(dm $D2) 9h"
run
contains "moved" "$(last_to $H1 reply)" "Da doi lich hen #1 sang"
expect "moved in the database" "$(q "SELECT day || ' ' || slot || ' ' || status || ' ' || reminded FROM appointments WHERE id = 1")" "$D2 09:00 requested 0"
contains "officer told of the move" "$(last_to $OFFICER notify)" "Hen #1 (0912000001) doi sang"

# --- someone else books and cancels: no reminder for them ---
inject $H4 "HEN $(dm $D2) 10h"
run
inject $H4 "HUY HEN $(dm $D2)"
run
contains "cancelled" "$(last_to $H4 reply)" "Da huy lich hen #2"
contains "officer told of the cancellation" "$(last_to $OFFICER notify)" "da bi ho dan huy"
run "$(before $D2) 17:05"
contains "reminder for the moved appointment" "$(last_to $H1 reminder)" "$(dm $D2) 9h00"
expect "no reminder after cancelling" "$(q "SELECT count(*) FROM outbox WHERE phone = '$H4' AND kind = 'reminder'")" 0

# --- list, then cancel ---
inject $H1 "HEN"
run
contains "list" "$(last_to $H1 reply)" "#1 "
inject $H1 "HUY HEN"
run
expect "cancel by SMS" "$(q "SELECT status FROM appointments WHERE id = 1")" "cancelled"

# --- the officer moves one by SMS, the office uses gatewayctl ---
inject $H5 "HEN $(dm $D2) 14h giay xac nhan ho ngheo"
run
id5=$(q "SELECT id FROM appointments WHERE phone = '$H5'")
inject $OFFICER "DOI 246813 $id5 $(dm $D2) 15h"
run
contains "officer moves by SMS" "$(last_to $OFFICER reply)" "Da doi hen #$id5 sang"
contains "household told of the officer's move" "$(last_to $H5 notify)" "da doi sang"
expect "moved and confirmed" "$(q "SELECT slot || ' ' || status FROM appointments WHERE id = $id5")" "15:00 confirmed"
check "appt list" sh -c "'$GATEWAYCTL' -c '$CONF' appt list | grep -q '$H5'"
check "appt move" "$GATEWAYCTL" -c "$CONF" appt move "$id5" "$D2" 16:00
check "appt move to the holiday refused" sh -c "! '$GATEWAYCTL' -c '$CONF' appt move '$id5' '$D3' 09:00 2>/dev/null"
check "appt cancel" "$GATEWAYCTL" -c "$CONF" appt cancel "$id5"
run
contains "household told of the office's move" "$(q "SELECT text FROM outbox WHERE phone = '$H5' AND kind = 'notify' AND status = 'sent' ORDER BY id DESC LIMIT 1 OFFSET 1")" "16h00"
contains "household told of the office's cancellation" "$(last_to $H5 notify)" "da bi huy"
expect "office changes audited" "$(q "SELECT count(*) FROM audit WHERE actor LIKE 'cli:%' AND action IN ('appointment_move','appointment_cancel')")" 2
check "appt confirm of a cancelled one refused" sh -c "! '$GATEWAYCTL' -c '$CONF' appt confirm '$id5' 2>/dev/null"

expect "nothing left unsent" "$(q "SELECT count(*) FROM outbox WHERE status <> 'sent'")" 0
expect "no handler failures" "$(q "SELECT count(*) FROM inbox WHERE status = 'failed'")" 0

# --- simulate --json: what was understood ---
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --at '2025-12-10 09:00' --from 0913000001 'hen thu 2 tuan sau 9h30 ve tro cap')
if echo "$json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
assert o["intent"] == "appointment", o
assert (o["action"], o["date"], o["time"]) == ("book", "2025-12-15", "09:30"), o
'; then pass "simulate --json action/date/time"; else fail "simulate --json action/date/time" "$json"; fi
json=$("$GATEWAYCTL" -c "$CONF" simulate --json --at '2025-12-10 09:00' --from 0913000002 'HEN 31/2 vay')
if echo "$json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
assert (o["action"], o["date"], o["time"], o["outcome"]) == ("book", None, None, "invalid_date"), o
'; then pass "simulate --json impossible date"; else fail "simulate --json impossible date" "$json"; fi

# --- how many of the labelled appointment messages are understood ---
acc=$(bash "$TOP/tests/appointment_accuracy/run.sh" "$GATEWAYCTL" 0.9 2>&1)
rc=$?
echo "$acc" | tail -1
if [ $rc -eq 0 ]; then pass "appointment accuracy >= 90%"; else fail "appointment accuracy" "$acc"; fi

grep -q 'ERROR: AddressSanitizer\|runtime error' "$WORK/gatewayd.log" && fail "sanitizers" "$(grep -m3 'ERROR\|runtime error' "$WORK/gatewayd.log")"
finish
