#!/bin/sh
# Run every test: the cmocka unit binaries, then the integration scripts
# (which run the sanitized gatewayd/gatewayctl against real SQLite files and
# libgammu's dummy phone in temporary folders). Ends with one summary line.
# Usage: tests/run.sh BUILD_DIR   (BUILD_DIR = build/test)
# Environment: TEST_JOBS=N integration tests side by side (default 2).
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

# Integration tests, TEST_JOBS at a time (default 2: most of their time is
# spent waiting on libgammu's sleeps, timers and child processes, not the
# CPU). Every test makes its own folders and picks free ports. The longest
# start first, so that the two lanes end together.
slow="test_reliability_short.py test_pipeline.py test_modems_at.py test_browser.sh test_web.py"
{
	for n in $slow; do
		[ -e "tests/integration/$n" ] && echo "tests/integration/$n"
	done
	for t in tests/integration/test_*.sh tests/integration/test_*.py; do
		case " $slow " in *" $(basename "$t") "*) continue ;; esac
		[ -e "$t" ] && echo "$t"
	done
} | xargs -P "${TEST_JOBS:-2}" -n 1 sh tests/run_one.sh "$log"
for res in "$log"/*.res; do
	[ -e "$res" ] || continue
	read -r rc n_ok n_bad secs <"$res"
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	[ "$n_bad" -gt 0 ] && failures="$failures integration/$(basename "$res" .res)"
done

rm -rf "$log"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
