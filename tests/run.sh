#!/bin/sh
# Run every test: the cmocka unit binaries, then the integration scripts
# (which run the sanitized gatewayd/gatewayctl against real SQLite files and
# libgammu's dummy phone in temporary folders). Ends with one summary line.
# Usage: tests/run.sh BUILD_DIR   (BUILD_DIR = build/test)
set -u
build=${1:-build/test}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export GW_BUILD="$top/$build"
export LC_ALL=C
passed=0
failed=0
failures=""
log=$(mktemp -d /tmp/gw-tests-XXXXXX)

for t in "$build"/unit/*/test_*; do
	case "$t" in *.d) continue ;; esac
	[ -x "$t" ] || continue
	name=${t#"$build"/unit/}
	out="$log/$(basename "$t").out"
	if "$t" >"$out" 2>&1; then
		n=$(grep -c '^\[       OK \]' "$out")
		passed=$((passed + n))
		echo "ok   unit/$name ($n cases)"
	else
		n_ok=$(grep -c '^\[       OK \]' "$out")
		n_bad=$(grep -c '^\[  FAILED  \] [a-z]' "$out")
		[ "$n_bad" -gt 0 ] || n_bad=1
		passed=$((passed + n_ok))
		failed=$((failed + n_bad))
		failures="$failures unit/$name"
		echo "FAIL unit/$name"
		sed 's/^/    /' "$out" | tail -40
	fi
done

for t in tests/integration/test_*.sh tests/integration/test_*.py; do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	case "$t" in *.py) runner=python3 ;; *) runner=bash ;; esac
	t0=$(date +%s)
	if $runner "$t" >"$log/$name.out" 2>&1; then rc=0; else rc=1; fi
	secs=$(($(date +%s) - t0))
	n_ok=$(grep -c '^PASS ' "$log/$name.out")
	n_bad=$(grep -c '^FAIL ' "$log/$name.out")
	if [ $rc -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	if [ "$n_bad" -gt 0 ]; then
		failures="$failures integration/$name"
		echo "FAIL integration/$name ($n_ok passed, $n_bad failed, ${secs} s)"
		sed 's/^/    /' "$log/$name.out" | tail -60
	else
		echo "ok   integration/$name ($n_ok checks, ${secs} s)"
	fi
done

rm -rf "$log"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
