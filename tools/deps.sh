#!/bin/sh
# Check the dependencies of one purpose and install the missing ones with
# apt-get when we are root (or sudo -n works) on Debian/Ubuntu, otherwise
# print the exact list and stop.
#   sh tools/deps.sh          build and test (the default)
#   sh tools/deps.sh bench    gammu-smsd, the daemon the benchmarks compare against
#   sh tools/deps.sh deb      the packaging tools (make deb, make deb-test)
# man-db renders the man pages in the tests; procps has /bin/kill, which the
# systemd unit's ExecReload uses; libcurl is gatewayctl's downloader (sync);
# openssl makes the throw-away certificate of the hub test; kannel's
# bearerbox and smsbox run in the Kannel transport's tests
# (tests/integration/test_kannel_e2e.py).
set -u
purpose=${1:-build}
case "$purpose" in
build)
	PKGS="build-essential pkg-config libgammu-dev libsqlite3-dev libconfig-dev libjansson-dev \
libmicrohttpd-dev libutf8proc-dev libcmocka-dev libsodium-dev libsystemd-dev libcurl4-openssl-dev \
sqlite3 python3 gammu man-db procps openssl kannel"
	MODULES="gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc libsodium libsystemd libcurl cmocka"
	COMMANDS="" ;;
bench)
	PKGS="gammu-smsd"
	MODULES=""
	COMMANDS="gammu-smsd" ;;
deb)
	# systemd has systemd-sysusers and systemd-analyze for the package test
	PKGS="build-essential pkg-config debhelper lintian systemd"
	MODULES=""
	COMMANDS="dpkg-buildpackage" ;;
*)
	echo "usage: tools/deps.sh [build|bench|deb]" >&2
	exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	# Not Debian: say what is missing and leave the installing to the reader.
	for m in $MODULES; do
		pkg-config --exists "$m" 2>/dev/null || { echo "missing: pkg-config module $m" >&2; exit 1; }
	done
	for c in $COMMANDS; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "missing: $c (install your distribution's $c package)" >&2; exit 1; }
	done
	exit 0
fi
# libcurl: either development flavour will do (openssl, or gnutls already there)
if pkg-config --exists libcurl 2>/dev/null; then
	PKGS=$(echo "$PKGS" | sed 's/ libcurl4-openssl-dev//')
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
	echo "Missing packages:$missing" >&2
	echo "Install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq $missing >/dev/null || {
	echo "apt-get install failed for:$missing" >&2; exit 1; }
case " $missing " in
*" kannel "*)
	# The package starts a system bearerbox (/etc/kannel/kannel.conf, ports
	# 13000...) where the init system allows it. The tests start their own
	# boxes on free ports and need none: one we just installed is stopped
	# and disabled (an existing installation is never touched).
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now kannel >/dev/null 2>&1 || true
	elif [ -x /etc/init.d/kannel ]; then
		$SUDO /etc/init.d/kannel stop >/dev/null 2>&1 || true
		$SUDO update-rc.d kannel disable >/dev/null 2>&1 || true
	fi ;;
esac
