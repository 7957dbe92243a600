#!/bin/sh
# What the benchmarks need beyond the build dependencies (tools/deps.sh):
# gammu-smsd, the daemon they compare against. Installed the way
# tools/deps.sh installs: apt-get as root or with sudo -n, otherwise the
# exact command is printed and we stop.
PKGS="gammu-smsd"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if ! command -v dpkg-query >/dev/null 2>&1; then
	command -v gammu-smsd >/dev/null 2>&1 && exit 0
	echo "missing: gammu-smsd (install your distribution's gammu-smsd package)" >&2
	exit 1
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
