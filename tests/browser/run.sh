#!/bin/sh
# The web console in a real browser (tests/browser/console.mjs, driven by
# test_console.py). Installs what it needs the way tools/deps.sh does:
# Debian's chromium with apt-get when we are root or `sudo -n` works, and
# playwright-core from npm into tests/browser/node_modules (gitignored; the
# browser is Debian's, playwright downloads none). When they cannot be
# installed (no root, no network) the test is skipped with a notice and
# exit 0, unless BROWSER_TEST=required.
# Usage: tests/browser/run.sh [BUILD_DIR]   (BUILD_DIR = build/test)
set -u
build=${1:-build/test}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PLAYWRIGHT_VERSION=1.65.1

skip() {
	echo "skip browser/test_console.py: $1"
	[ "${BROWSER_TEST:-}" = required ] && exit 1
	exit 0
}

if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
apt_install() {
	[ "$SUDO" = none ] && return 1
	command -v apt-get >/dev/null 2>&1 || return 1
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
	$SUDO apt-get update -qq >/dev/null 2>&1 || true
	$SUDO apt-get install -y -qq "$@" >/dev/null 2>&1
}

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "installing chromium (Debian package)"
	apt_install chromium || skip "chromium is not installed and cannot be (needs root and apt)"
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "installing nodejs and npm (Debian packages)"
	apt_install nodejs npm || skip "node/npm are not installed and cannot be"
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	echo "installing playwright-core $PLAYWRIGHT_VERSION into tests/browser/node_modules"
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save --no-package-lock \
		--no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null 2>&1) ||
		skip "npm could not install playwright-core (offline?)"
fi

export CHROMIUM
case $build in /*) GW_BUILD=$build ;; *) GW_BUILD="$top/$build" ;; esac
export GW_BUILD
export LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
out=$(mktemp /tmp/gw-browser-XXXXXX)
if python3 "$here/test_console.py" >"$out" 2>&1; then rc=0; else rc=1; fi
n_ok=$(grep -c '^PASS ' "$out")
n_bad=$(grep -c '^FAIL ' "$out")
if [ $rc -ne 0 ] || [ "$n_bad" -gt 0 ]; then
	echo "FAIL browser/test_console.py ($n_ok passed, $n_bad failed)"
	sed 's/^/    /' "$out" | tail -60
	rm -f "$out"
	exit 1
fi
grep '^PASS ' "$out"  # tests/run.sh counts these
echo "ok   browser/test_console.py ($n_ok checks)"
rm -f "$out"
exit 0
