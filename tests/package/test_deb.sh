#!/bin/bash
# The Debian package, installed for real in a throwaway root, without a
# container or a chroot: dpkg --root=$T --force-script-chrootless runs the
# maintainer scripts on this host with DPKG_ROOT=$T, and they honour it
# (debian/gateway.postinst). Checked: the files, the conffile, the unit and
# its enablement, the gateway user, the database that postinst created and
# the installed gatewayctl using it; an upgrade to a newer package (built
# here from the same tree with one more migration and a changed shipped
# configuration) that keeps the locally edited gateway.conf and migrates
# the database; remove (configuration and data kept), purge (both gone, the
# user kept: debian/README.Debian); the host left untouched; lintian.
#
# Usage: tests/package/test_deb.sh (make deb-test builds the package first).
# Uses build/gateway_VERSION_ARCH.deb and tools/deb.sh's copy of the tree in
# build/deb/, whose objects the upgrade package reuses (one file recompiled).
# Runs as root (postinst gives files to the gateway user); otherwise with
# --force-not-root, without the ownership checks.
. "$(dirname "$0")/../integration/lib.sh"
export LC_ALL=C

VERSION=$(sed -n 's/^VERSION := *//p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
DEB="$TOP/build/gateway_${VERSION}_${ARCH}.deb"
SRC="$TOP/build/deb/gateway-$VERSION"
NEW_VERSION="$VERSION+upgradetest1"
if [ ! -f "$DEB" ] || [ ! -d "$SRC" ]; then
	fail "package" "$DEB or $SRC missing: run make deb (or make deb-test)"
	exit 1
fi
for tool in dpkg-buildpackage dh_clean systemd-sysusers sqlite3 lintian; do
	command -v "$tool" >/dev/null || { fail "tools" "$tool missing: sh tools/deps.sh deb"; exit 1; }
done
started=$(date +%s)
note() { echo "note: $1 ($(($(date +%s) - started)) s so far)"; }

T="$WORK/root"
ADMIN="$T/var/lib/dpkg"
# The gateway user (setpriv in postinst) walks into $T.
chmod 0755 "$WORK"
mkdir -p "$ADMIN/info" "$ADMIN/updates" "$ADMIN/triggers" "$T/etc" "$T/var/log"
: >"$ADMIN/status"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/etc/passwd"
printf 'root:x:0:\ndialout:x:20:\n' >"$T/etc/group"
ROOT_OPTS=""
ROOT=yes
if [ "$(id -u)" != 0 ]; then
	ROOT_OPTS="--force-not-root"
	ROOT=""
	echo "note: not root: --force-not-root, ownership not checked"
fi
# The libraries and systemd that gateway depends on are the host's, not
# packages of this root: --force-depends.
dpkg_t() {
	dpkg --root="$T" --log="$T/var/log/dpkg.log" --force-script-chrootless --force-depends \
		$ROOT_OPTS "$@" >"$WORK/dpkg.out" 2>&1
}
query() { dpkg-query --admindir="$ADMIN" -W -f="$1" gateway 2>/dev/null; }
sql() { sqlite3 "$T/var/lib/gateway/gateway.db" "$1" 2>&1; }
ids() { stat -c '%u:%g %a' "$1" 2>/dev/null; }
user_line() { grep "^gateway:" "$T/etc/passwd"; }

# What a script ignoring DPKG_ROOT would leave on the host. (Not whole
# files: other work on this machine may add users or packages meanwhile.)
host_state() {
	grep -c '^gateway:' /etc/passwd /etc/group 2>/dev/null
	ls -d /var/lib/gateway /etc/gateway /etc/systemd/system/multi-user.target.wants/gatewayd.service \
		/var/lib/systemd/deb-systemd-helper-enabled/gatewayd.service.dsh-also 2>/dev/null
}
host_before=$(host_state)

# ---------------------------------------------------------------- install
if dpkg_t -i "$DEB"; then pass "dpkg --root --force-script-chrootless -i $(basename "$DEB")"
else fail "install" "$(tail -20 "$WORK/dpkg.out")"; exit 1; fi
check "dpkg: installed, version $VERSION" \
	test "$(query '${Status} ${Version}')" = "install ok installed $VERSION"
missing=""
for f in usr/bin/gatewayd usr/bin/gatewayctl etc/gateway/gateway.conf lib/systemd/system/gatewayd.service \
	usr/lib/sysusers.d/gateway.conf usr/share/man/man8/gatewayd.8.gz usr/share/man/man1/gatewayctl.1.gz \
	usr/share/man/man5/gateway.conf.5.gz usr/share/gateway/lexicon.json usr/share/gateway/dialogs.json \
	usr/share/gateway/programs.json usr/share/gateway/jobs.json usr/share/doc/gateway/copyright \
	usr/share/doc/gateway/README.Debian; do
	[ -f "$T/$f" ] || missing="$missing $f"
done
check "files in place${missing:+ (missing:$missing)}" test -z "$missing"
check "/etc/gateway/gateway.conf is a conffile" \
	sh -c "dpkg-query --admindir='$ADMIN' -W -f='\${Conffiles}' gateway | grep -q '^ /etc/gateway/gateway.conf [0-9a-f]'"
check "installed gateway.conf is the shipped example" \
	cmp "$T/etc/gateway/gateway.conf" "$SRC/config/gateway.conf.example"

# The user: systemd-sysusers --root in postinst, from the sysusers.d entry.
uid=$(user_line | cut -d: -f3)
gid=$(grep "^gateway:" "$T/etc/group" | cut -d: -f3)
check "gateway user created in the root (home /var/lib/gateway)" \
	sh -c "grep -q '^gateway:x:[0-9]*:[0-9]*:.*:/var/lib/gateway:' '$T/etc/passwd'"
check "gateway is in dialout (the modem's serial port)" \
	sh -c "grep -q '^dialout:x:20:.*gateway' '$T/etc/group'"
if [ -n "$ROOT" ]; then
	check "gateway.conf is root:gateway 0640" test "$(ids "$T/etc/gateway/gateway.conf")" = "0:$gid 640"
	check "/var/lib/gateway is gateway:gateway 0770" test "$(ids "$T/var/lib/gateway")" = "$uid:$gid 770"
	check "the database is gateway:gateway 0660 (the gateway group's administrators write it)" \
		test "$(ids "$T/var/lib/gateway/gateway.db")" = "$uid:$gid 660"
fi

# The unit: as shipped (paths, user), enabled by deb-systemd-helper under
# DPKG_ROOT, and accepted by systemd-analyze verify once its programs point
# into the root (the host has no /usr/bin/gatewayd).
unit="$T/lib/systemd/system/gatewayd.service"
keys_missing=""
for k in "ExecStartPre=/usr/bin/gatewayd -n -c /etc/gateway/gateway.conf" \
	"ExecStart=/usr/bin/gatewayd -f -c /etc/gateway/gateway.conf" "Type=notify" "User=gateway" \
	"Group=gateway" "SupplementaryGroups=dialout" "StateDirectory=gateway" "WantedBy=multi-user.target"; do
	grep -qxF "$k" "$unit" || keys_missing="$keys_missing [$k]"
done
check "unit keys as packaged${keys_missing:+ (missing:$keys_missing)}" test -z "$keys_missing"
check "unit enabled (multi-user.target.wants symlink in the root)" \
	test "$(readlink "$T/etc/systemd/system/multi-user.target.wants/gatewayd.service")" = \
	"/lib/systemd/system/gatewayd.service"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$WORK/unit"
	sed "s|/usr/bin/gatewayd|$T/usr/bin/gatewayd|g" "$unit" >"$WORK/unit/gatewayd.service"
	out=$(systemd-analyze verify --man=no "$WORK/unit/gatewayd.service" 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! echo "$out" | grep -q gatewayd.service; then pass "systemd-analyze verify accepts the unit"
	else fail "systemd-analyze verify" "$out"; fi
fi

# The database: created by postinst; the installed programs use it.
gctl() {
	if [ -n "$ROOT" ]; then
		setpriv --reuid="$uid" --regid="$gid" --clear-groups "$T/usr/bin/gatewayctl" --root "$T" "$@"
	else
		"$T/usr/bin/gatewayctl" --root "$T" "$@"
	fi
}
schema=$(gctl init 2>&1 | sed -n 's/.*ready (schema version \([0-9]*\)).*/\1/p')
check "postinst created the database at the installed schema version (${schema:-?})" \
	test -n "$schema" -a "$(sql 'PRAGMA user_version')" = "${schema:-x}"
check "postinst loaded the commands and menus" \
	test "$(sql 'SELECT count(*) > 0 FROM commands')" = 1
check "installed gatewayd accepts the installed configuration" \
	"$T/usr/bin/gatewayd" -n -c "$T/etc/gateway/gateway.conf"
# contains NAME PATTERN OUTPUT
contains() {
	if grep -q -- "$2" <<<"$3"; then pass "$1"; else fail "$1" "$(tail -5 <<<"$3")"; fi
}
contains "installed gatewayctl imports the shipped programs" "30 added" \
	"$(gctl import programs "$T/usr/share/gateway/programs.json" 2>&1)"
contains "installed gatewayctl answers 'CS BHYT' from that database" "BHYT" \
	"$(gctl simulate --json 'CS BHYT' 2>&1)"
note "install checks done"

# ---------------------------------------------------------------- upgrade
# The newer package: the same tree with one more migration (recording how
# many programs it found) and one more line in the shipped configuration.
NEW="$WORK/new/gateway-$VERSION"
mkdir -p "$WORK/new"
cp -a "$SRC" "$NEW"
(cd "$NEW" && dh_clean) >"$WORK/new.log" 2>&1
{
	printf 'gateway (%s) bookworm; urgency=medium\n\n  * Upgrade test package.\n\n' "$NEW_VERSION"
	printf ' -- Upgrade Test <test@localhost>  %s\n\n' "$(date -R)"
	cat "$NEW/debian/changelog"
} >"$WORK/changelog" && mv "$WORK/changelog" "$NEW/debian/changelog"
echo "# Added by the upgrade test: a new line in the shipped configuration." >>"$NEW/config/gateway.conf.example"
store=$(cd "$NEW" && grep -rl --include='*.c' 'static const char \*const migrations\[\] = {' . | head -1)
awk '/static const char \*const migrations\[\] = \{/ { inside = 1 }
	inside && /^};/ { print "\t\"CREATE TABLE pkgtest_upgrade (note TEXT);\""
		print "\t\"INSERT INTO pkgtest_upgrade SELECT '\''programs: '\'' || count(*) FROM programs;\","
		inside = 0 }
	{ print }' "$NEW/$store" >"$WORK/store.c" && mv "$WORK/store.c" "$NEW/$store"
# Throwaway: no stripping, no debug symbols package, no build-time check.
if (cd "$NEW" && DEB_BUILD_OPTIONS="nostrip noddebs nocheck" dpkg-buildpackage -b -us -uc -nc -jauto) \
	>>"$WORK/new.log" 2>&1; then
	compiled=$(grep -c -- ' -c .*\.c -o ' "$WORK/new.log")
	pass "upgrade package $NEW_VERSION built ($compiled file(s) recompiled)"
else
	fail "upgrade package" "$(tail -20 "$WORK/new.log")"
	exit 1
fi
NEWDEB="$WORK/new/gateway_${NEW_VERSION}_${ARCH}.deb"
note "upgrade package built"

# The administrator's edits before the upgrade.
sed -i 's/^  level = "info";/  level = "notice";/' "$T/etc/gateway/gateway.conf"
echo "# local edit" >>"$T/etc/gateway/gateway.conf"
edited=$(md5sum <"$T/etc/gateway/gateway.conf")
# As apt does non-interactively with Dpkg::Options::=--force-confold.
if dpkg_t --force-confold -i "$NEWDEB"; then pass "upgrade to $NEW_VERSION"
else fail "upgrade" "$(tail -20 "$WORK/dpkg.out")"; fi
check "dpkg: $NEW_VERSION installed" \
	test "$(query '${Status} ${Version}')" = "install ok installed $NEW_VERSION"
check "the locally edited gateway.conf is kept" \
	test "$(md5sum <"$T/etc/gateway/gateway.conf")" = "$edited"
check "the new shipped configuration is beside it as gateway.conf.dpkg-dist" \
	grep -q "Added by the upgrade test" "$T/etc/gateway/gateway.conf.dpkg-dist"
[ -z "$ROOT" ] || check "gateway.conf still root:gateway 0640" \
	test "$(ids "$T/etc/gateway/gateway.conf")" = "0:$gid 640"
check "postinst migrated the database to schema version $((schema + 1))" \
	test "$(sql 'PRAGMA user_version')" = "$((schema + 1))"
check "the migration ran on the existing data (30 programs)" \
	test "$(sql 'SELECT note FROM pkgtest_upgrade')" = "programs: 30"
check "the programs are still there" test "$(sql 'SELECT count(*) FROM programs')" = 30
[ -z "$ROOT" ] || check "the database still belongs to the gateway user" \
	test "$(stat -c %u "$T/var/lib/gateway/gateway.db")" = "$uid"
note "upgrade checks done"

# ---------------------------------------------------------------- remove
if dpkg_t -r gateway; then pass "dpkg -r gateway"; else fail "remove" "$(tail -20 "$WORK/dpkg.out")"; fi
check "dpkg: removed, configuration files kept" \
	test "$(query '${Status}')" = "deinstall ok config-files"
check "the programs are gone" test ! -e "$T/usr/bin/gatewayd" -a ! -e "$T/usr/bin/gatewayctl" -a ! -e "$unit"
check "remove keeps the edited gateway.conf" test "$(md5sum <"$T/etc/gateway/gateway.conf")" = "$edited"
check "remove keeps the database and its content" test "$(sql 'SELECT count(*) FROM programs')" = 30
check "remove keeps the gateway user" user_line

# ---------------------------------------------------------------- purge
if dpkg_t -P gateway; then pass "dpkg -P gateway"; else fail "purge" "$(tail -20 "$WORK/dpkg.out")"; fi
check "dpkg: gateway no longer known" sh -c "! dpkg-query --admindir='$ADMIN' -W gateway >/dev/null 2>&1"
check "purge removes /etc/gateway (the conffile and its .dpkg-dist)" test ! -e "$T/etc/gateway"
check "purge removes /var/lib/gateway, the database included" test ! -e "$T/var/lib/gateway"
check "purge removes the unit's enablement" \
	test ! -e "$T/etc/systemd/system/multi-user.target.wants/gatewayd.service"
check "purge keeps the gateway user (Debian practice for system users)" user_line
check "the host was not touched (gateway user, /etc/gateway, /var/lib/gateway, unit enablement)" \
	test "$(host_state)" = "$host_before"
note "remove and purge checks done"

# ---------------------------------------------------------------- lintian
lintian --fail-on error,warning "$DEB" >"$WORK/lintian.out" 2>&1; rc=$?
out=$(grep -v 'running with root privileges' "$WORK/lintian.out")
if [ "$rc" -eq 0 ]; then pass "lintian: no errors or warnings beyond debian/gateway.lintian-overrides${out:+ ($out)}"
else fail "lintian" "$out"; fi
note "lintian done"
finish
