#!/bin/sh
# Run libFuzzer targets for FUZZ_SECONDS each (`make fuzz` calls this after
# building them) and print one line per target: executions, coverage,
# corpus size and findings. Seeds come from tests/fuzz/corpus/<name>/ (or
# corpus/fuzz_<name>/) and stay as committed: new inputs go to the working
# corpus BUILD_DIR/corpus/fuzz_<name>/, which persists between runs.
# A finding (crash, sanitizer report, contract breach, leak, timeout) is
# left as BUILD_DIR/fuzz_<name>-crash-* (or -leak-, -timeout-...); to keep
# it as a regression, copy it to tests/fuzz/regress/<name>/ and fix the
# parser: make test replays that folder (tests/fuzz/replay.c).
# Usage: tests/fuzz/run.sh BUILD_DIR TARGET_BINARY...
#        tests/fuzz/run.sh --need CC   install clang with apt-get when CC is
#                                      missing (as root or with sudo -n)
set -u
if [ "${1:-}" = "--need" ]; then
	command -v "$2" >/dev/null 2>&1 && exit 0
	echo "$2 not found: installing clang (libFuzzer) with apt-get"
	if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
		echo "make fuzz needs clang: sudo apt-get install clang" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq || true
	$SUDO apt-get install -y -qq clang >/dev/null && command -v "$2" >/dev/null 2>&1 && exit 0
	echo "apt-get install clang failed (or clang is not called $2)" >&2
	exit 1
fi
dir=$1
shift
secs=${FUZZ_SECONDS:-60}
export GW_SRCDIR="$(pwd)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
found=0
summary=""
for b in "$@"; do
	n=$(basename "$b")
	short=${n#fuzz_}
	seeds=""
	for s in tests/fuzz/corpus/$short tests/fuzz/corpus/$n; do
		[ -d "$s" ] && seeds="$seeds $s"
	done
	work=$dir/corpus/$n
	mkdir -p "$work"
	before=$(ls "$dir" | grep -c "^$n-" || true)
	echo "fuzzing $n for $secs s (seeds:${seeds:- none})"
	# shellcheck disable=SC2086
	"$b" -max_total_time="$secs" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/$n-" "$work" $seeds >"$dir/$n.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$n.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$dir/$n.log" | tail -1 | cut -d' ' -f2)
	units=$(ls "$work" | wc -l)
	after=$(ls "$dir" | grep -c "^$n-" || true)
	new=$((after - before))
	if [ "$rc" -ne 0 ] || [ "$new" -gt 0 ]; then
		found=$((found + 1))
		echo "  FINDING in $n (exit $rc): $(ls -t "$dir" | grep "^$n-" | head -1)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$dir/$n.log" | head -5 | sed 's/^/    /'
	fi
	line=$(printf '%-16s %12s execs  cov %6s  corpus %5s  findings %s' "$n" "${execs:-?}" \
		"${cov:-?}" "$units" "$new")
	echo "  $line"
	summary="$summary
$line"
done
echo "fuzz summary ($secs s per target):$summary"
[ "$found" -eq 0 ]
