#!/bin/sh
# Check the build and test dependencies; install the missing ones with
# apt-get when we are root (or sudo -n works) on Debian/Ubuntu, otherwise
# print the exact list and stop. man-db renders the man pages in the tests;
# procps has /bin/kill, which the systemd unit's ExecReload uses.
PKGS="build-essential pkg-config libgammu-dev libsqlite3-dev libconfig-dev libjansson-dev \
libmicrohttpd-dev libutf8proc-dev libcmocka-dev libsodium-dev libsystemd-dev sqlite3 python3 gammu \
man-db procps"
# `sh tools/deps.sh deb` (make deb, make deb-test): the packaging tools too;
# systemd has systemd-sysusers and systemd-analyze for the package test.
if [ "${1:-}" = deb ]; then
	PKGS="$PKGS debhelper lintian systemd"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if ! command -v dpkg-query >/dev/null 2>&1; then
	for m in gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc libsodium libsystemd cmocka; do
		pkg-config --exists "$m" 2>/dev/null || { echo "missing: pkg-config module $m" >&2; exit 1; }
	done
	exit 0
fi
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
