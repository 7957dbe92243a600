#!/bin/bash
# Appointment understanding on the labelled household messages.
#
# Every row of tests/fixtures/messages-dev.tsv whose intent is
# "appointment" goes through `gatewayctl simulate --json --at AT` (the real
# handler path, on a fresh database) and its "action", "date" and "time"
# are compared with expected.tsv. The fixture labels dates as written
# ("thu 6", "mai", "15/12"), so the expected values were derived from each
# text by hand for AT = Wednesday 2025-12-10 09:00 (office time):
#   - action: book, move, cancel, list (the fixture's "reschedule" is move,
#     "status" and a household's "confirm" are list: both ask about an
#     appointment already made);
#   - date YYYY-MM-DD, or empty when the text names no single day ("tuan
#     sau" is a week; "31/2" does not exist);
#   - time HH:MM, or empty when only a part of the day is given ("sang",
#     "chieu").
# The note column says why wherever the fixture's label was translated.
# A row counts as understood when action, date and time all match, and
# when the intent is "appointment".
#
# Usage: run.sh [GATEWAYCTL] [MIN_SHARE]   (defaults: build/test/bin/gatewayctl, 0)
# Prints one line per miss and "appointment rows: N/M understood (P%)";
# exits 1 when the share is below MIN_SHARE (0..1), or on a broken setup.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=${1:-$top/build/test/bin/gatewayctl}
min=${2:-0}
at='2025-12-10 09:00'
work=$(mktemp -d /tmp/gw-apptacc-XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/gw.conf" <<CONF
modem = { model = "dummy"; connection = "none"; device = "$work/modem"; pin = ""; };
database = { path = "$work/gw.db"; };
log = { level = "warning"; };
CONF
"$ctl" -c "$work/gw.conf" init >/dev/null || exit 1
"$ctl" -c "$work/gw.conf" import programs "$top/data/programs.json" >/dev/null || exit 1

n=0
while IFS=$'\t' read -r text intent _; do
	[ "$intent" = appointment ] || continue
	n=$((n + 1))
	# one phone a row: a booking of one row never changes what another means
	"$ctl" -c "$work/gw.conf" simulate --json --at "$at" --from "09130$(printf %05d $n)" \
		"$text" >"$work/row$n.json" 2>"$work/row$n.err" || { echo "simulate failed: $text" >&2; exit 1; }
	printf '%s\n' "$text" >"$work/row$n.txt"
done <"$top/tests/fixtures/messages-dev.tsv"

python3 - "$work" "$n" "$here/expected.tsv" "$min" <<'PY'
import json, sys
work, n, expected_path, minimum = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
expected = {}
with open(expected_path, encoding="utf-8") as f:
    next(f)
    for line in f:
        text, action, date, time, _note = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
        expected[text] = (action, date or None, time or None)
ok = 0
for i in range(1, n + 1):
    text = open(f"{work}/row{i}.txt", encoding="utf-8").read().rstrip("\n")
    o = json.load(open(f"{work}/row{i}.json", encoding="utf-8"))
    got = (o.get("action"), o.get("date"), o.get("time"))
    want = expected.get(text)
    if want is None:
        print(f"no expected values for: {text}")
    elif o.get("intent") == "appointment" and got == want:
        ok += 1
        continue
    else:
        print(f"miss: {text!r}: intent {o.get('intent')}, got {got}, want {want}")
share = ok / n if n else 0.0
print(f"appointment rows: {ok}/{n} understood ({100 * share:.1f}%) [action, date, time at 2025-12-10 09:00]")
sys.exit(0 if n and share >= minimum else 1)
PY
