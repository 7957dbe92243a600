# Shared helpers for the shell integration tests. Each check prints
# "PASS name" or "FAIL name: why"; tests/run.sh counts them.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${GW_BUILD:-$TOP/build/test}
GATEWAYD="$BUILD/bin/gatewayd"
GATEWAYCTL="$BUILD/bin/gatewayctl"
WORK=$(mktemp -d /tmp/gw-it-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
FAILS=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; FAILS=$((FAILS + 1)); }

# check NAME CMD...: passes when CMD exits 0
check() {
	name=$1; shift
	if "$@" >"$WORK/check.out" 2>&1; then pass "$name"; else fail "$name" "$(tail -5 "$WORK/check.out")"; fi
}

# write_conf FILE [extra libconfig text]: a config on a dummy phone in $WORK
write_conf() {
	mkdir -p "$WORK/modem"
	cat >"$1" <<CONF
modem = { model = "dummy"; connection = "none"; device = "$WORK/modem"; pin = "";
          poll_interval_ms = 50; reconnect_min_ms = 20; reconnect_max_ms = 200; };
database = { path = "$WORK/gw.db"; };
log = { level = "info"; };
${2:-}
CONF
}

finish() {
	[ "$FAILS" -eq 0 ]
}
