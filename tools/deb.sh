#!/bin/sh
# make deb: build/gateway_VERSION_ARCH.deb with dpkg-buildpackage (debian/),
# from a fresh copy of the tree in build/deb/gateway-VERSION/, so that the
# developer's build/ and bin/ (other paths and flags) are left alone. Does
# nothing when that .deb is newer than every file of the tree and the set
# of files is the same. tests/package/test_deb.sh reuses the copy and its
# objects for the upgrade package it builds.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh tools/deps.sh deb

version=$(sed -n 's/^VERSION := *//p' Makefile)
changelog=$(dpkg-parsechangelog -S Version)
if [ "$version" != "$changelog" ]; then
	echo "deb: Makefile VERSION is $version but debian/changelog says $changelog" >&2
	exit 1
fi
arch=$(dpkg --print-architecture)
out=build/gateway_${version}_${arch}.deb
work=build/deb
src=$work/gateway-$version

# The tree's files: git's (tracked, and new ones not ignored), else all
# but the build output.
mkdir -p build
list=$(mktemp build/.deb-files.XXXXXX)
trap 'rm -f "$list"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard | while IFS= read -r f; do
		if [ -f "$f" ]; then echo "$f"; fi
	done | LC_ALL=C sort >"$list"
else
	find . \( -path ./build -o -path ./bin -o -path ./var -o -path ./.git \) -prune -o \
		-type f -print | sed 's|^\./||' | LC_ALL=C sort >"$list"
fi

if [ -f "$out" ] && [ -d "$src" ] && cmp -s "$list" "$work/files"; then
	newer=$(while IFS= read -r f; do
		if [ "$f" -nt "$out" ]; then echo "$f"; break; fi
	done <"$list")
	if [ -z "$newer" ]; then
		echo "deb: $out is up to date"
		exit 0
	fi
fi

rm -rf "$work"
mkdir -p "$src"
# The .deb gets the time of this copy: a file edited during the build is
# newer, and the next make deb rebuilds.
touch "$work/copied"
tar -cf - -T "$list" | tar -xf - -C "$src"
echo "deb: dpkg-buildpackage in $src (log: $work/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -jauto) >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log" >&2
	echo "deb: dpkg-buildpackage failed (whole log: $work/build.log)" >&2
	exit 1
fi
cp "$work/gateway_${version}_${arch}.deb" "$out"
touch -r "$work/copied" "$out"
cp "$list" "$work/files"
echo "deb: $out"
