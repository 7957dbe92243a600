#!/bin/sh
# The long reliability campaigns (`make soak`; docs/RELIABILITY.md): the
# crash and fault campaigns on the simulated AT modem side by side (they
# mostly wait in libgammu's sleeps), then the crash campaign on the dummy
# phone (no delivery reports) and over two modems, flood, USSD load,
# authentication and the web console's abuse campaign. Each campaign's
# full output goes to LOG_DIR/<name>.log; this prints its FIGURE/FAIL
# lines and one summary line, and exits non-zero when a campaign failed.
#
# Usage: tests/soak/run.sh BUILD_DIR      (BUILD_DIR = build/test, for the
#        send-capture shim and the sanitized binaries)
# Environment: SOAK_BUILD=opt|san (default opt: bin/gatewayd),
#   SOAK_ONLY="crash fault crash-dummy crash2 flood ussd auth web" (a
#   subset), SOAK_LOGS=dir, SOAK_SEED=N (default: the time), CRASH_ARGS/
#   FAULT_ARGS/DUMMY_ARGS/CRASH2_ARGS/FLOOD_ARGS/USSD_ARGS/AUTH_ARGS/
#   WEB_ARGS (extra arguments for one campaign).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export GW_BUILD="$top/${1:-build/test}"
build=${SOAK_BUILD:-opt}
logs=${SOAK_LOGS:-$top/build/soak-logs}
seed=${SOAK_SEED:-$(date +%s)}
only=${SOAK_ONLY:-crash fault crash-dummy crash2 flood ussd auth web}
mkdir -p "$logs"
export LC_ALL=C.UTF-8

wanted() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

# run NAME SCRIPT ARGS...: one campaign, output in LOG_DIR/NAME.log, status in .rc
run() {
	name=$1
	shift
	start=$(date +%s)
	echo "== $name: $* (log: $logs/$name.log)"
	python3 "tests/soak/$@" --build "$build" >"$logs/$name.log" 2>&1
	echo $? >"$logs/$name.rc"
	echo "== $name finished in $(($(date +%s) - start)) s"
}

report() {
	name=$1
	[ -f "$logs/$name.rc" ] || return 0
	echo "---- $name"
	grep -E '^(FIGURE|FAIL)' "$logs/$name.log" | sed 's/^FIGURE /  /'
	tail -1 "$logs/$name.log"
}

rm -f "$logs"/*.rc
echo "soak: $build build, seed $seed, logs in $logs"
t0=$(date +%s)
pids=""
if wanted crash; then
	# shellcheck disable=SC2086
	run crash crash_campaign.py --seed "$seed" ${CRASH_ARGS:-} &
	pids="$pids $!"
fi
if wanted fault; then
	# shellcheck disable=SC2086
	run fault fault_campaign.py --seed "$seed" ${FAULT_ARGS:-} &
	pids="$pids $!"
fi
for p in $pids; do wait "$p"; done
# shellcheck disable=SC2086
wanted crash-dummy && run crash-dummy crash_campaign.py --phone dummy --messages 1000 \
	--senders 200 --kills 100 --inject-interval 0.2 --seed "$seed" ${DUMMY_ARGS:-}
wanted crash2 && run crash2 crash_campaign.py --modems 2 --messages 500 --senders 100 --kills 25 \
	--seed "$seed" ${CRASH2_ARGS:-}
# shellcheck disable=SC2086
wanted flood && run flood flood_campaign.py ${FLOOD_ARGS:-}
# shellcheck disable=SC2086
wanted ussd && run ussd ussd_load.py --seed "$seed" ${USSD_ARGS:-}
# shellcheck disable=SC2086
wanted auth && run auth auth_campaign.py ${AUTH_ARGS:-}
# shellcheck disable=SC2086
wanted web && run web web_campaign.py ${WEB_ARGS:-}

failed=""
for n in crash fault crash-dummy crash2 flood ussd auth web; do
	report "$n"
	if [ -f "$logs/$n.rc" ] && [ "$(cat "$logs/$n.rc")" != 0 ]; then failed="$failed $n"; fi
done
echo "soak: $(($(date +%s) - t0)) s; ${failed:+failed:$failed}${failed:-all campaigns passed}"
[ -z "$failed" ]
