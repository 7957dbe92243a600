#!/bin/sh
# One integration test for tests/run.sh: runs it, writes LOG/NAME.out (its
# output) and LOG/NAME.res ("rc passed failed seconds"), then prints its
# summary (and the tail of a failure) in one write, so that tests run side
# by side do not interleave their lines.
# Usage: tests/run_one.sh LOG_DIR tests/integration/test_x.py
set -u
log=$1
t=$2
name=$(basename "$t")
case "$t" in *.py) runner=python3 ;; *) runner=bash ;; esac
t0=$(date +%s)
if $runner "$t" >"$log/$name.out" 2>&1; then rc=0; else rc=1; fi
secs=$(($(date +%s) - t0))
n_ok=$(grep -c '^PASS ' "$log/$name.out")
n_bad=$(grep -c '^FAIL ' "$log/$name.out")
if [ $rc -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
echo "$rc $n_ok $n_bad $secs" >"$log/$name.res"
if [ "$n_bad" -gt 0 ]; then
	{
		echo "FAIL integration/$name ($n_ok passed, $n_bad failed, ${secs} s)"
		# the failed checks first: the tail may be all log dumps
		grep '^FAIL ' "$log/$name.out" | head -20 | cut -c1-600 | sed 's/^/    /'
		echo "    ..."
		sed 's/^/    /' "$log/$name.out" | tail -60
	} >"$log/$name.summary"
else
	echo "ok   integration/$name ($n_ok checks, ${secs} s)" >"$log/$name.summary"
fi
cat "$log/$name.summary"
