#!/bin/bash
# The understanding on both labelled development sets, as a gate: intent,
# programme, job offer, appointment action and dates/times at or above
# their minimums, and no reply longer than sms.max_parts
# (tests/accuracy/run.sh; the figures are in docs/ACCURACY.md).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GW_BUILD:-$top/build/test}/bin/accuracy
out=$(sh "$top/tests/accuracy/run.sh" --min intent=0.97,program=0.85,job=0.95,action=0.95,dates=0.95 \
	"$bin" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(set |intent |programme |job offer|job filters|appointment action|dates and|replies|below)'
for set in messages-dev.tsv messages-dev-r2.tsv; do
	if printf '%s\n' "$out" | grep -q "^set tests/fixtures/$set:"; then
		echo "PASS $set measured"
	else
		echo "FAIL $set measured"
	fi
done
if [ $rc -eq 0 ]; then
	echo "PASS understanding at or above its minimums on the development sets"
else
	echo "FAIL understanding below a minimum (or a reply over budget)"
	printf '%s\n' "$out" | grep -E '^  miss|^below' | head -40
fi
